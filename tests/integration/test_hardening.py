"""What the attack on the platform found stays closed, through the gateway and the real processes:
a guest's booking code reaches only the front desk and the guest; revoked access ends at once;
a whole shift signs in from the hotel's one address."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

from conftest import eventually

from hotel_shared.testing import assert_problem

ROOM = "210"


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_booking_code_reaches_only_the_front_desk_and_its_guest(gateway, listen):
    housekeeper, supervisor = listen("housekeeper"), listen("supervisor")
    booked = gateway.request(
        "POST",
        "/api/bookings",
        as_user="frontdesk",
        json={
            "roomNumber": ROOM,
            "customerName": "Grace Hopper",
            "customerEmail": "grace@example.com",
            "checkInDate": day(0),
            "checkOutDate": day(2),
        },
    )
    assert booked.status_code == 201, booked.text
    code = booked.json()["specialId"]  # the booking's own confirmation shows it, once
    stay = gateway.request(
        "POST", "/api/customers", as_user="frontdesk", json={"bookingId": booked.json()["id"]}
    )
    assert stay.status_code == 201, stay.text

    def supervisor_heard_the_check_in():
        """the supervisor's socket to hear the check-in of room 210"""
        return supervisor.heard("customer.checked_in", roomNumber=ROOM)

    eventually(supervisor_heard_the_check_in)

    def audited():
        """the audit trail to hold the check-in"""
        logs = gateway.request("GET", "/api/activity-logs?limit=500", as_user="admin").json()
        return [log for log in logs["items"] if "checked_in" in json.dumps(log)]

    eventually(audited)
    guest = gateway.request(
        "POST", "/api/auth/guest-login", json={"roomNumber": ROOM, "specialId": code}
    )
    assert guest.status_code == 200, guest.text
    guest_token = guest.json()["accessToken"]

    readable = {
        "housekeeper's socket": json.dumps(housekeeper.events),
        "supervisor's socket": json.dumps(supervisor.events),
        "housekeeper's inbox": gateway.request(
            "GET", "/api/notifications?limit=500", as_user="housekeeper"
        ).text,
        "supervisor's inbox": gateway.request(
            "GET", "/api/notifications?limit=500", as_user="supervisor"
        ).text,
        "supervisor's stays": gateway.request(
            "GET", f"/api/customers?roomNumber={ROOM}", as_user="supervisor"
        ).text,
        "supervisor's bookings": gateway.request(
            "GET", f"/api/bookings?roomNumber={ROOM}", as_user="supervisor"
        ).text,
        "audit log": gateway.request(
            "GET", "/api/activity-logs?limit=500", as_user="supervisor"
        ).text,
        "guest's inbox": gateway.request(
            "GET", "/api/notifications?limit=500", headers=bearer(guest_token)
        ).text,
    }
    leaks = [where for where, text in readable.items() if code in text]
    assert not leaks, f"the booking code is readable in: {leaks}"
    front_desk = gateway.request("GET", f"/api/customers?roomNumber={ROOM}", as_user="frontdesk")
    assert code in front_desk.text  # the front office may always look it up

    digest = hashlib.sha256(code.encode()).hexdigest()
    for wrong in (digest, code.lower() if code != code.lower() else code.upper(), "X" * 16):
        refused = gateway.request(
            "POST", "/api/auth/guest-login", json={"roomNumber": ROOM, "specialId": wrong}
        )
        assert refused.status_code in (401, 422), refused.text

    # Check-out ends the guest's access on every service.
    checked_out = gateway.request(
        "POST", f"/api/customers/{stay.json()['id']}/checkout", as_user="frontdesk"
    )
    assert checked_out.status_code == 200, checked_out.text
    guest_calls = (
        ("POST", "/api/requests", {"roomNumber": ROOM, "jobType": "amenities"}),
        ("POST", "/api/contact-messages", {"name": "Grace", "roomNumber": ROOM, "message": "hi"}),
        ("GET", "/api/notifications", None),
    )

    def guest_refused_everywhere():
        """the checked-out guest's token to be refused by tasks, rooms and notifications"""
        answers = [
            gateway.request(method, path, headers=bearer(guest_token), json=body)
            for method, path, body in guest_calls
        ]
        return all(answer.status_code == 401 for answer in answers) and answers

    for answer in eventually(guest_refused_everywhere):
        assert_problem(answer, 401, "token_revoked")


def test_a_deactivated_users_token_and_socket_end_on_every_service(gateway, listen):
    username = f"hk-{uuid.uuid4().hex[:8]}"
    created = gateway.request(
        "POST",
        "/api/users",
        as_user="admin",
        json={
            "username": username,
            "password": "a-long-enough-password",
            "role": "staff",
            "department": "housekeeping",
        },
    )
    assert created.status_code == 201, created.text
    login = gateway.request(
        "POST", "/api/auth/login", json={"username": username, "password": "a-long-enough-password"}
    )
    assert login.status_code == 200, login.text
    token = login.json()["accessToken"]
    reads = ("/api/auth/me", "/api/rooms", "/api/tasks?assignedTo=me", "/api/notifications")
    for path in reads:
        assert gateway.request("GET", path, headers=bearer(token)).status_code == 200, path
    socket = listen(username, token=token)
    assert socket.client.connected

    deactivated = gateway.request(
        "PATCH", f"/api/users/{created.json()['id']}", as_user="admin", json={"active": False}
    )
    assert deactivated.status_code == 200, deactivated.text

    def refused_everywhere():
        """the deactivated user's token to be refused by auth, rooms, tasks and notifications"""
        answers = [gateway.request("GET", path, headers=bearer(token)) for path in reads]
        return all(answer.status_code == 401 for answer in answers) and answers

    for answer in eventually(refused_everywhere, timeout=10):
        assert_problem(answer, 401)

    def socket_closed():
        """the hub to close the deactivated user's socket"""
        return not socket.client.connected

    eventually(socket_closed, timeout=10)


def test_a_whole_shift_signs_in_from_the_hotels_one_address(gateway):
    password = "shift-change-password"
    usernames = [f"shift-{uuid.uuid4().hex[:6]}-{n}" for n in range(12)]
    for username in usernames:
        created = gateway.request(
            "POST",
            "/api/users",
            as_user="admin",
            json={
                "username": username,
                "password": password,
                "role": "staff",
                "department": "housekeeping",
            },
        )
        assert created.status_code == 201, created.text
    answers = [
        gateway.request(
            "POST", "/api/auth/login", json={"username": username, "password": password}
        ).status_code
        for username in usernames
    ]
    assert answers == [200] * 12

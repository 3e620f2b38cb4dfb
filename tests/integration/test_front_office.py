"""The front-office journey through the gateway: book, check in, guest login, check out, clean,
inspect, check in again; and two desks booking one room at the same moment."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

import requests
from conftest import eventually

from hotel_shared.bus import BusPublisher
from hotel_shared.events import new_event
from hotel_shared.testing import assert_problem


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def booking_body(room_number: str, first: int, last: int, name: str = "Ada Lovelace") -> dict:
    return {
        "roomNumber": room_number,
        "customerName": name,
        "customerEmail": "ada@example.com",
        "checkInDate": day(first),
        "checkOutDate": day(last),
    }


def room(gateway, room_number: str) -> dict:
    response = gateway.request("GET", f"/api/rooms/{room_number}", as_user="frontdesk")
    assert response.status_code == 200, response.text
    return response.json()


def test_checkout_clean_inspect_check_in_journey(gateway, rabbit):
    room_number = "110"
    booked = gateway.request(
        "POST", "/api/bookings", as_user="frontdesk", json=booking_body(room_number, 0, 2)
    )
    assert booked.status_code == 201, booked.text
    booking = booked.json()
    assert booking["totalAmount"] == 2 * room(gateway, room_number)["price"]

    checked_in = gateway.request(
        "POST", "/api/customers", as_user="frontdesk", json={"bookingId": booking["id"]}
    )
    assert checked_in.status_code == 201, checked_in.text
    stay = checked_in.json()
    assert room(gateway, room_number)["frontOfficeStatus"] == "Occupied"

    def guest_login():
        """guest-login with the booking's specialId"""
        response = gateway.request(
            "POST",
            "/api/auth/guest-login",
            json={"roomNumber": room_number, "specialId": booking["specialId"]},
        )
        return response.status_code == 200

    eventually(guest_login)

    checkout = gateway.request("POST", f"/api/customers/{stay['id']}/checkout", as_user="frontdesk")
    assert checkout.status_code == 200, checkout.text
    after_checkout = room(gateway, room_number)
    assert (after_checkout["frontOfficeStatus"], after_checkout["housekeepingStatus"]) == (
        "Vacant",
        "Dirty",
    )
    walk_in = {"name": "Walk In", "roomNumber": room_number, "checkoutDate": day(1)}
    assert_problem(
        gateway.request("POST", "/api/customers", as_user="frontdesk", json=walk_in),
        409,
        "room_not_ready",
    )

    task_id = uuid.uuid4().hex
    completed = new_event(
        "tasks.task.completed.v1",
        source="tasks",
        subject=f"task/{task_id}",
        data={
            "taskId": task_id,
            "roomNumber": room_number,
            "jobType": "cleaning",
            "department": "housekeeping",
            "employeeId": "HK-001",
        },
    )
    publisher = BusPublisher(rabbit.url)
    try:
        publisher.publish(completed)
    finally:
        publisher.close()

    def room_is_clean():
        """the cleaning event turned the room Clean"""
        return room(gateway, room_number)["housekeepingStatus"] == "Clean"

    eventually(room_is_clean)

    inspect = {"housekeepingStatus": "Inspected"}
    assert_problem(
        gateway.request(
            "PATCH", f"/api/rooms/{room_number}/status", as_user="housekeeper", json=inspect
        ),
        403,
        "inspection_not_allowed",
    )
    inspected = gateway.request(
        "PATCH", f"/api/rooms/{room_number}/status", as_user="supervisor", json=inspect
    )
    assert inspected.status_code == 200, inspected.text

    again = gateway.request("POST", "/api/customers", as_user="frontdesk", json=walk_in)
    assert again.status_code == 201, again.text
    second = again.json()
    gateway.request("POST", f"/api/customers/{second['id']}/checkout", as_user="frontdesk")


def test_two_parallel_bookings_of_one_room_exactly_one_wins(gateway):
    token = gateway.token("frontdesk")
    body = booking_body("208", 200, 203)
    start = threading.Barrier(2)
    responses = []

    def book(name: str) -> None:
        start.wait()
        responses.append(
            # One session per thread: requests.Session is not promised to be thread-safe.
            requests.post(
                gateway.url("/api/bookings"),
                json={**body, "customerName": name},
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
        )

    threads = [threading.Thread(target=book, args=(name,)) for name in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(response.status_code for response in responses) == [201, 409]
    [refused] = [response for response in responses if response.status_code == 409]
    assert_problem(refused, 409, "room_unavailable")

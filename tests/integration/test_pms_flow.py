"""The PMS sync through the gateway and the real broker, against the mock OPERA the stack starts:
a housekeeper's change reaches the PMS, a PMS user's change reaches our room (and is not sent
back), a PMS reservation becomes one booking that follows it, a guest checked in and out in the
PMS is checked in and out here, a room-service bill lands on the guest's PMS folio once, and drift
set in the PMS is shown and repaired by the policy."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from conftest import eventually

HOUSEKEEPER_ROOM, DRIFT_ROOM, IN_HOUSE_ROOM, RESERVATION_ROOM = "101", "102", "106", "203"
PMS_USER_ROOM, PMS_STAY_ROOM, BARRIER_ROOM = "105", "204", "209"
NEXT_STATUS = {"Dirty": "Pickup", "Pickup": "Clean", "Clean": "Dirty", "Inspected": "Dirty"}
KITCHEN_STEPS = ("acknowledged", "preparing", "on the way", "delivered")


@pytest.fixture(scope="module")
def opera(stack):
    """The mock OPERA's control API."""
    base = stack.mock_url("pms-adapter")

    def control(method: str, path: str, **kwargs):
        answer = requests.request(method, f"{base}/control/{path}", timeout=10, **kwargs)
        assert answer.status_code < 300, answer.text
        return answer.json() if answer.content else None

    return control


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def charges_with_reference(opera, reference: str) -> list[dict]:
    return [
        call
        for call in opera("GET", "calls")["calls"]
        if call["method"] == "POST"
        and call["path"].endswith("/charges")
        and call["status"] == 201
        and call["body"]["criteria"]["charges"][0]["postingReference"] == reference
    ]


def test_the_sync_reports_the_pms_reachable(gateway):
    def reachable():
        """/api/pms/status to say the PMS answers and the breaker is closed"""
        body = gateway.request("GET", "/api/pms/status", as_user="admin").json()
        return body if body["pmsReachable"] and body["breaker"] == "closed" else None

    eventually(reachable, timeout=30)


def test_a_housekeepers_change_reaches_the_pms(gateway, opera):
    started = time.monotonic()
    changed = gateway.request(
        "PATCH",
        f"/api/rooms/{HOUSEKEEPER_ROOM}/status",
        as_user="housekeeper",
        json={"housekeepingStatus": "Dirty"},
    )
    assert changed.status_code == 200, changed.text

    def pms_has_it():
        """the mock OPERA's room 101 to be Dirty"""
        return opera("GET", f"rooms/{HOUSEKEEPER_ROOM}")["housekeepingRoomStatus"] == "Dirty"

    eventually(pms_has_it, timeout=10, interval=0.05)
    # The issue's goal is 2 s; asserted on time only in benches, reported here.
    print(f"housekeeper's change reached the PMS in {time.monotonic() - started:.2f} s")


def room_history(gateway, number: str, field: str) -> list[dict]:
    history = gateway.request(
        "GET", f"/api/rooms/{number}/history?limit=200", as_user="supervisor"
    ).json()["items"]
    return [entry for entry in history if entry["field"] == field]


def status_calls_for(opera, number: str, since: int) -> list[dict]:
    """The room-status calls our adapter made to OPERA for room `number` after call `since`."""
    return [
        call
        for call in opera("GET", "calls", params={"since": since})["calls"]
        if call["method"] == "PUT"
        and call["path"].endswith("/rooms/status")
        and {"roomId": number} in (call["body"] or {}).get("roomList", [])
    ]


def test_a_pms_users_clean_reaches_our_room_and_is_not_sent_back(gateway, opera):
    # Ours Dirty first (it reaches OPERA), then a PMS user cleans the room on OPERA's board.
    changed = gateway.request(
        "PATCH",
        f"/api/rooms/{PMS_USER_ROOM}/status",
        as_user="housekeeper",
        json={"housekeepingStatus": "Dirty"},
    )
    assert changed.status_code == 200, changed.text
    eventually(lambda: opera("GET", f"rooms/{PMS_USER_ROOM}")["housekeepingRoomStatus"] == "Dirty")
    since = max((c["seq"] for c in opera("GET", "calls")["calls"]), default=0)
    opera("PUT", f"rooms/{PMS_USER_ROOM}", json={"housekeepingRoomStatus": "Clean"})

    def ours_clean():
        """our room 105 to be Clean, as the PMS user set it"""
        room = gateway.request("GET", f"/api/rooms/{PMS_USER_ROOM}", as_user="supervisor").json()
        return room if room["housekeepingStatus"] == "Clean" else None

    eventually(ours_clean, timeout=20)
    [*_, last] = room_history(gateway, PMS_USER_ROOM, "housekeepingStatus")
    assert (last["oldValue"], last["newValue"], last["source"]) == ("Dirty", "Clean", "pms")

    # Barrier: a later change of another room has reached OPERA, so the sender has passed by
    # whatever our Clean could have queued; nothing was sent back for room 105.
    def barrier_moved():
        """a real, allowed change of the barrier room (re-read if it moved meanwhile)"""
        room = gateway.request("GET", f"/api/rooms/{BARRIER_ROOM}", as_user="housekeeper")
        moved = gateway.request(
            "PATCH",
            f"/api/rooms/{BARRIER_ROOM}/status",
            as_user="housekeeper",
            json={"housekeepingStatus": NEXT_STATUS[room.json()["housekeepingStatus"]]},
            headers={"If-Match": room.headers["ETag"]},
        )
        assert moved.status_code in (200, 409, 412), moved.text
        return moved.status_code == 200

    eventually(barrier_moved, timeout=10)
    eventually(lambda: status_calls_for(opera, BARRIER_ROOM, since))
    assert status_calls_for(opera, PMS_USER_ROOM, since) == []
    assert opera("GET", f"rooms/{PMS_USER_ROOM}")["housekeepingRoomStatus"] == "Clean"


def test_a_guest_checked_in_and_out_in_the_pms_is_checked_in_and_out_here(gateway, opera):
    made = opera(
        "POST",
        "reservations",
        json={
            "roomId": PMS_STAY_ROOM,
            "givenName": "Barbara",
            "surname": "Liskov",
            "arrivalDate": day(0),
            "departureDate": day(2),
        },
    )

    def booking(status: str):
        def probe():
            found = gateway.request(
                "GET", f"/api/bookings?roomNumber={PMS_STAY_ROOM}", as_user="frontdesk"
            ).json()["items"]
            mine = [b for b in found if b.get("pmsReservationId") == made["reservationId"]]
            return mine[0] if mine and mine[0]["bookingStatus"] == status else None

        probe.__doc__ = f"our booking of the PMS reservation to be {status}"
        return probe

    eventually(booking("confirmed"), timeout=20)
    opera("POST", f"reservations/{made['reservationId']}/checkIn")
    checked_in = eventually(booking("checked in"), timeout=20)
    stay = gateway.request(
        "GET", f"/api/customers/{checked_in['customerId']}", as_user="frontdesk"
    ).json()
    assert (stay["status"], stay["checkinSource"]) == ("checked in", "pms")
    [*_, occupied] = room_history(gateway, PMS_STAY_ROOM, "frontOfficeStatus")
    assert (occupied["newValue"], occupied["source"]) == ("Occupied", "pms")

    opera("POST", f"reservations/{made['reservationId']}/checkOut")
    eventually(booking("checked out"), timeout=20)
    stay = gateway.request("GET", f"/api/customers/{stay['id']}", as_user="frontdesk").json()
    assert (stay["status"], stay["checkoutSource"]) == ("checked out", "pms")
    room = gateway.request("GET", f"/api/rooms/{PMS_STAY_ROOM}", as_user="frontdesk").json()
    assert (room["frontOfficeStatus"], room["housekeepingStatus"]) == ("Vacant", "Dirty")


def test_a_pms_reservation_becomes_one_booking_that_follows_it(gateway, opera):
    made = opera(
        "POST",
        "reservations",
        json={
            "roomId": RESERVATION_ROOM,
            "givenName": "Edsger",
            "surname": "Dijkstra",
            "email": "edsger@example.org",
            "arrivalDate": day(20),
            "departureDate": day(22),
        },
    )

    def bookings():
        found = gateway.request(
            "GET", f"/api/bookings?roomNumber={RESERVATION_ROOM}", as_user="frontdesk"
        ).json()["items"]
        return [b for b in found if b.get("pmsReservationId") == made["reservationId"]]

    def booked():
        """rooms to hold a booking for the PMS reservation"""
        return bookings()

    [booking] = eventually(booked, timeout=20)
    assert (booking["customerName"], booking["checkOutDate"][:10]) == ("Edsger Dijkstra", day(22))

    opera("PATCH", f"reservations/{made['reservationId']}", json={"departureDate": day(23)})

    def followed():
        """the booking to follow the PMS's new departure"""
        found = bookings()
        return found if found and found[0]["checkOutDate"][:10] == day(23) else None

    [moved] = eventually(followed, timeout=20)
    assert moved["id"] == booking["id"]

    opera("POST", f"reservations/{made['reservationId']}/cancel")

    def cancelled():
        """the booking to be cancelled with the PMS reservation"""
        found = bookings()
        return found if found and found[0]["bookingStatus"] == "cancelled" else None

    assert len(eventually(cancelled, timeout=20)) == 1


@pytest.fixture(scope="module")
def guest(gateway):
    """The PMS's in-house guest of room 106, imported as a booking and checked in here because
    the PMS has them in house, signed in to the in-room app: the guest's headers."""

    def imported_stay():
        """the PMS's in-house guest of room 106 to be checked in on our side"""
        found = gateway.request(
            "GET", f"/api/bookings?roomNumber={IN_HOUSE_ROOM}", as_user="frontdesk"
        ).json()["items"]
        return next(
            (b for b in found if b.get("pmsReservationId") and b["bookingStatus"] == "checked in"),
            None,
        )

    booking = eventually(imported_stay, timeout=30)

    def guest_token():
        """the guest of room 106 to sign in with the booking's code"""
        answer = gateway.request(
            "POST",
            "/api/auth/guest-login",
            json={"roomNumber": IN_HOUSE_ROOM, "specialId": booking["specialId"]},
        )
        return answer.json()["accessToken"] if answer.status_code == 200 else None

    headers = {"Authorization": f"Bearer {eventually(guest_token)}"}

    def cart_open():
        """fnb to know the stay"""
        return (
            gateway.request("GET", f"/api/carts/{IN_HOUSE_ROOM}", headers=headers).status_code
            == 200
        )

    eventually(cart_open)
    return headers


def deliver_an_order(gateway, guest) -> dict:
    """The guest orders two club sandwiches, the kitchen delivers: the bill."""
    menu = gateway.request("GET", "/api/menu", headers=guest).json()["items"]
    club = next(food for food in menu if food["name"] == "Club sandwich")
    added = gateway.request(
        "POST",
        f"/api/carts/{IN_HOUSE_ROOM}/items",
        headers=guest,
        json={"foodId": club["id"], "quantity": 2},
    )
    assert added.status_code == 201, added.text
    order = gateway.request("POST", f"/api/carts/{IN_HOUSE_ROOM}/checkout", headers=guest).json()
    for step in KITCHEN_STEPS:
        moved = gateway.request(
            "PATCH", f"/api/orders/{order['id']}/status", as_user="chef", json={"status": step}
        )
        assert moved.status_code == 200, moved.text
    bills = gateway.request(
        "GET", f"/api/bills?roomNumber={IN_HOUSE_ROOM}&limit=500", as_user="frontdesk"
    ).json()["items"]
    return next(bill for bill in bills if bill["orderId"] == order["id"])


def test_a_room_service_bill_is_posted_once_to_the_pms_folio(gateway, opera, guest):
    bill = deliver_an_order(gateway, guest)

    def posted():
        """the bill's charge on the PMS folio"""
        return charges_with_reference(opera, bill["id"])

    [charge] = eventually(posted, timeout=20)
    sent = charge["body"]["criteria"]["charges"][0]
    assert sent["price"] == {"amount": float(bill["totalPrice"]), "currencyCode": bill["currency"]}
    folio = [p for p in opera("GET", "state")["postings"] if p["reference"] == bill["id"]]
    assert len(folio) == 1

    # Barrier: a later change has reached the PMS, so the sender has passed the bill by.
    gateway.request(
        "PATCH",
        "/api/rooms/110/status",
        as_user="housekeeper",
        json={"housekeepingStatus": "Dirty"},
    )
    eventually(lambda: opera("GET", "rooms/110")["housekeepingRoomStatus"] == "Dirty")
    assert len(charges_with_reference(opera, bill["id"])) == 1


def test_drift_set_in_the_pms_shows_and_reconcile_repairs_it(gateway, opera):
    ours = gateway.request("GET", f"/api/rooms/{DRIFT_ROOM}", as_user="admin").json()
    theirs = "Clean" if ours["housekeepingStatus"] == "Dirty" else "Dirty"
    # A change OPERA reports no business event for: otherwise a worker may import it (our room
    # follows the PMS user) before the drift is read, and there is no drift left to repair.
    opera(
        "PUT",
        f"rooms/{DRIFT_ROOM}",
        json={"housekeepingRoomStatus": theirs, "businessEvent": False},
    )
    drift = gateway.request("GET", "/api/pms/drift", as_user="supervisor")
    assert drift.status_code == 200, drift.text
    [item] = [i for i in drift.json()["items"] if i["roomNumber"] == DRIFT_ROOM]
    assert (item["ours"]["housekeepingStatus"], item["pms"]["housekeepingStatus"]) == (
        ours["housekeepingStatus"],
        theirs,
    )

    assert gateway.request("POST", "/api/pms/reconcile", as_user="supervisor").status_code == 403
    run = gateway.request("POST", "/api/pms/reconcile", as_user="admin")
    assert run.status_code == 200, run.text
    [repair] = [a for a in run.json()["actions"] if a["roomNumber"] == DRIFT_ROOM]
    assert repair["actions"] == ["send_ours"]

    def repaired():
        """the PMS to have our housekeeping status back (we win on housekeeping)"""
        pms = opera("GET", f"rooms/{DRIFT_ROOM}")["housekeepingRoomStatus"]
        return pms == ours["housekeepingStatus"]

    eventually(repaired, timeout=20)
    after = gateway.request("GET", "/api/pms/drift", as_user="admin").json()["items"]
    assert DRIFT_ROOM not in {i["roomNumber"] for i in after}, after


def test_a_pms_outage_loses_nothing_and_the_breaker_keeps_calls_low(gateway, opera, guest, stack):
    rooms = ("107", "201", "202", "104", "110")
    since = max((c["seq"] for c in opera("GET", "calls")["calls"]), default=0)
    # Two minutes down, as the issue asks: every change and bill made meanwhile must arrive after.
    opera("PUT", "faults", json={"unavailableForSeconds": 120})
    for _ in range(10):  # 50 room changes
        for number in rooms:
            current = gateway.request("GET", f"/api/rooms/{number}", as_user="housekeeper").json()
            status = "Dirty" if current["housekeepingStatus"] in ("Clean", "Inspected") else "Clean"
            changed = gateway.request(
                "PATCH",
                f"/api/rooms/{number}/status",
                as_user="housekeeper",
                json={"housekeepingStatus": status},
            )
            assert changed.status_code == 200, changed.text
    bills = [deliver_an_order(gateway, guest) for _ in range(10)]
    assert opera("GET", "faults")["unavailableForSeconds"] > 0, "the outage ended too early"

    def ours_equal_theirs():
        """every changed room's status in the PMS to equal ours, after the outage"""
        for number in rooms:
            ours = gateway.request("GET", f"/api/rooms/{number}", as_user="housekeeper").json()
            if (
                opera("GET", f"rooms/{number}")["housekeepingRoomStatus"]
                != ours["housekeepingStatus"]
            ):
                return False
        return True

    def all_posted():
        """each of the ten bills on the PMS folio"""
        return all(charges_with_reference(opera, bill["id"]) for bill in bills)

    eventually(ours_equal_theirs, timeout=240, interval=1)
    eventually(all_posted, timeout=60, interval=1)
    for bill in bills:
        assert len(charges_with_reference(opera, bill["id"])) == 1
    during = [
        c for c in opera("GET", "calls", params={"since": since})["calls"] if c["status"] == 503
    ]
    # 50 changes and 10 bills, yet only the breakers' probes: each worker has its own breaker.
    assert len(during) <= 15 * stack.process_count("pms-adapter")

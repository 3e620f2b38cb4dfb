"""Reactions to other services' events, through the bound HANDLERS as the worker runs them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import add_room, outbox_entries

from hotel_shared.inbox import bind_handlers
from hotel_shared.testing import assert_problem
from hotel_shared.timeutil import utc_now
from rooms.handlers import HANDLERS

TODAY = utc_now().date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def walk_in(client, headers, room_number="204"):
    body = {"name": "Walk In", "roomNumber": room_number, "checkoutDate": day(1)}
    return client.post("/api/customers", json=body, headers=headers)


def set_status(client, headers, room_number="204", **changes):
    return client.patch(f"/api/rooms/{room_number}/status", json=changes, headers=headers)


def test_full_turn_checkout_cleaning_inspection_check_in(client, callers, stores, make_envelope):
    add_room(stores, "204")
    stay = walk_in(client, callers.front_desk).get_json()
    checkout = client.post(f"/api/customers/{stay['id']}/checkout", headers=callers.front_desk)
    assert checkout.get_json()["status"] == "checked out"
    room = stores.find_room("204")
    assert (room["frontOfficeStatus"], room["housekeepingStatus"]) == ("Vacant", "Dirty")
    assert_problem(walk_in(client, callers.front_desk), 409, "room_not_ready")

    handle = bind_handlers(stores, HANDLERS).handle
    completed = make_envelope(
        "tasks.task.completed.v1",
        {
            "taskId": "t-1",
            "roomNumber": "204",
            "jobType": "cleaning",
            "department": "housekeeping",
            "employeeId": "HK-001",
        },
        subject="task/t-1",
    )
    handle(completed)
    handle(completed)  # a redelivery changes nothing
    assert stores.find_room("204")["housekeepingStatus"] == "Clean"
    assert_problem(walk_in(client, callers.front_desk), 409, "room_not_ready")
    assert_problem(
        set_status(client, callers.housekeeper, housekeepingStatus="Inspected"),
        403,
        "inspection_not_allowed",
    )
    assert set_status(client, callers.supervisor, housekeepingStatus="Inspected").status_code == 200
    assert walk_in(client, callers.front_desk).status_code == 201

    history = client.get("/api/rooms/204/history", headers=callers.supervisor).get_json()
    moves = [
        (entry["oldValue"], entry["newValue"], entry["source"])
        for entry in history["items"]
        if entry["field"] == "housekeepingStatus"
    ]
    assert moves == [
        ("Inspected", "Dirty", "frontOffice"),
        ("Dirty", "Clean", "tasks"),
        ("Clean", "Inspected", "api"),
    ]
    analytics = client.get("/api/analytics/rooms", headers=callers.admin).get_json()
    assert analytics["turnarounds"] == 1
    assert analytics["averageTurnaroundMinutes"] is not None
    assert analytics["occupancyRate"] == 1.0


@pytest.mark.parametrize("status", ["Inspected", "Clean"])
def test_completed_cleaning_leaves_clean_or_inspected_rooms_alone(stores, make_envelope, status):
    add_room(stores, "204", housekeepingStatus=status)
    handle = bind_handlers(stores, HANDLERS).handle
    handle(make_envelope("tasks.task.completed.v1", {"roomNumber": "204", "jobType": "cleaning"}))
    room = stores.find_room("204")
    assert (room["housekeepingStatus"], room["version"]) == (status, 1)


def test_pms_reservations_become_one_booking_each_and_follow_changes(stores, make_envelope):
    add_room(stores, "204", price=100.0)
    handle = bind_handlers(stores, HANDLERS).handle
    reservation = {
        "pmsReservationId": "OPERA-7781",
        "roomNumber": "204",
        "guestName": "Grace Hopper",
        "guestEmail": "grace@example.org",
        "arrival": day(3),
        "departure": day(5),
        "reservationStatus": "Reserved",
    }
    imported = make_envelope("pms.reservation.imported.v1", reservation, subject="reservation/7781")
    handle(imported)
    handle(imported)  # a redelivery adds nothing
    bookings = list(stores.db["bookings"].find({"pmsReservationId": "OPERA-7781"}))
    assert len(bookings) == 1
    assert (bookings[0]["customerName"], bookings[0]["totalAmount"]) == ("Grace Hopper", 200.0)
    assert bookings[0]["customerEmail"] == "grace@example.org"

    # The PMS moved the departure: the same booking follows, no second one appears.
    handle(
        make_envelope(
            "pms.reservation.imported.v1",
            {**reservation, "departure": day(6)},
            subject="reservation/7781",
        )
    )
    [booking] = list(stores.db["bookings"].find({"pmsReservationId": "OPERA-7781"}))
    assert (booking["checkOutDate"], booking["totalAmount"]) == (day(6), 300.0)
    assert len(outbox_entries(stores, "rooms.booking.created.v1")) == 1


def test_a_task_that_is_not_a_cleaning_leaves_the_room_alone(stores, make_envelope):
    add_room(stores, "204", housekeepingStatus="Dirty")
    handle = bind_handlers(stores, HANDLERS).handle
    handle(make_envelope("tasks.task.completed.v1", {"roomNumber": "204", "jobType": "plumbing"}))
    handle(make_envelope("tasks.task.completed.v1", {"roomNumber": "999", "jobType": "cleaning"}))
    room = stores.find_room("204")
    assert (room["housekeepingStatus"], room["version"]) == ("Dirty", 1)


def test_a_cleaned_room_carries_the_task_actor_and_chain_into_its_event(stores, make_envelope):
    add_room(stores, "204", housekeepingStatus="Pickup")
    actor = {"userId": "u-housekeeper", "username": "housekeeper", "role": "staff"}
    completed = make_envelope(
        "tasks.task.completed.v1",
        {"roomNumber": "204", "jobType": "cleaning"},
        actor=actor,
        correlation_id="chain-1",
    )
    bind_handlers(stores, HANDLERS).handle(completed)
    [entry] = outbox_entries(stores, "rooms.room.status_changed.v1")
    envelope = entry["envelope"]
    assert (envelope["actor"], envelope["correlationId"]) == (actor, "chain-1")
    assert envelope["data"]["changeSource"] == "tasks"
    assert envelope["data"]["changes"][0] == {
        "field": "housekeepingStatus",
        "oldValue": "Pickup",
        "newValue": "Clean",
    }


def test_a_cancelled_pms_reservation_cancels_its_booking(stores, contract_envelope):
    add_room(stores, "204", price=100.0)
    handle = bind_handlers(stores, HANDLERS).handle
    handle(contract_envelope("pms.reservation.imported.v1", arrival=day(3), departure=day(5)))
    handle(
        contract_envelope(
            "pms.reservation.imported.v1",
            arrival=day(3),
            departure=day(5),
            reservationStatus="Cancelled",
        )
    )
    [booking] = list(stores.db["bookings"].find())
    assert booking["bookingStatus"] == "cancelled"
    [entry] = outbox_entries(stores, "rooms.booking.cancelled.v1")
    assert entry["envelope"]["data"]["bookingId"] == booking["_id"]
    # A reservation cancelled before it ever arrived books nothing.
    handle(
        contract_envelope(
            "pms.reservation.imported.v1", pmsReservationId="RSV-X", reservationStatus="Cancelled"
        )
    )
    assert stores.db["bookings"].count_documents({}) == 1

"""Reactions to other services' events, through the bound HANDLERS as the worker runs them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import add_room, check_in_walk_in, outbox_entries

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


# --- the PMS: a PMS user's room change, and its guests' check-ins and check-outs ------------------


def pms_room_change(make_envelope, room_number="204", **moved):
    """pms.room.status_changed.v1 as the adapter publishes it: what the PMS says, and `changes`."""
    data = {
        "roomNumber": room_number,
        "housekeepingStatus": moved.get("housekeepingStatus"),
        "frontOfficeStatus": moved.get("frontOfficeStatus"),
        "outOfOrder": moved.get("outOfOrder"),
        "cause": moved.pop("cause", "pms_user"),
        "changes": [
            {"field": field, "oldValue": None, "newValue": value} for field, value in moved.items()
        ],
    }
    return make_envelope("pms.room.status_changed.v1", data, subject=f"room/{room_number}")


def history_of(stores, room_number="204", field="housekeepingStatus"):
    return [
        (entry["oldValue"], entry["newValue"], entry["source"])
        for entry in stores.db["status_history"].find({"roomNumber": room_number, "field": field})
    ]


def test_a_pms_users_clean_is_applied_with_source_pms(stores, make_envelope):
    add_room(stores, "204", housekeepingStatus="Dirty")
    handle = bind_handlers(stores, HANDLERS).handle
    change = pms_room_change(make_envelope, housekeepingStatus="Clean")
    handle(change)
    handle(change)  # a redelivery changes nothing
    room = stores.find_room("204")
    assert (room["housekeepingStatus"], room["version"]) == ("Clean", 2)
    assert history_of(stores) == [("Dirty", "Clean", "pms")]
    # changeSource pms: the adapter recognises the PMS's own change and sends nothing back.
    [entry] = outbox_entries(stores, "rooms.room.status_changed.v1")
    data = entry["envelope"]["data"]
    assert (data["changeSource"], data["reason"]) == ("pms", None)
    assert data["changes"] == [
        {"field": "housekeepingStatus", "oldValue": "Dirty", "newValue": "Clean"}
    ]


def test_a_pms_move_our_rules_refuse_keeps_ours_and_the_consumer_goes_on(stores, make_envelope):
    add_room(stores, "204", housekeepingStatus="Dirty")
    handle = bind_handlers(stores, HANDLERS).handle
    handle(pms_room_change(make_envelope, housekeepingStatus="Inspected"))
    room = stores.find_room("204")
    assert (room["housekeepingStatus"], room["version"]) == ("Dirty", 1)
    assert outbox_entries(stores, "rooms.room.status_changed.v1") == []
    # The next PMS change, one our rules allow, is applied as usual.
    handle(pms_room_change(make_envelope, housekeepingStatus="Pickup"))
    assert stores.find_room("204")["housekeepingStatus"] == "Pickup"


def test_the_hotels_switches_hold_for_a_pms_change(stores, make_envelope):
    from rooms.handlers import make_handlers
    from rooms.rules.rooms import HousekeepingPolicy

    add_room(stores, "204", housekeepingStatus="Clean")
    handlers = make_handlers(HousekeepingPolicy(inspection_required=False))
    bind_handlers(stores, handlers).handle(
        pms_room_change(make_envelope, housekeepingStatus="Inspected")
    )
    assert stores.find_room("204")["housekeepingStatus"] == "Clean"


def test_a_pms_change_of_a_room_we_do_not_have_is_ignored(stores, make_envelope):
    add_room(stores, "204", housekeepingStatus="Dirty")
    bind_handlers(stores, HANDLERS).handle(
        pms_room_change(make_envelope, "999", housekeepingStatus="Clean")
    )
    assert stores.find_room("999") is None
    assert outbox_entries(stores, "rooms.room.status_changed.v1") == []


def test_out_of_order_set_in_the_pms_takes_our_room_off_sale(stores, make_envelope):
    add_room(stores, "204")
    add_room(stores, "205")
    check_in_walk_in(stores, "205")
    handle = bind_handlers(stores, HANDLERS).handle
    handle(pms_room_change(make_envelope, outOfOrder="OutOfOrder"))
    room = stores.find_room("204")
    assert (room["outOfOrder"]["kind"], room["outOfOrder"]["reason"]) == (
        "OutOfOrder",
        "set in the PMS",
    )
    assert history_of(stores, field="outOfOrder")[0][2] == "pms"
    # Not with a guest in the room: our rule refuses it, the room stays on sale.
    handle(pms_room_change(make_envelope, "205", outOfOrder="OutOfOrder"))
    assert stores.find_room("205")["outOfOrder"] is None


def test_occupancy_from_a_reconcile_is_left_to_the_reservations(stores, make_envelope):
    add_room(stores, "204")
    bind_handlers(stores, HANDLERS).handle(
        pms_room_change(make_envelope, frontOfficeStatus="Occupied", cause="reconcile")
    )
    room = stores.find_room("204")
    assert (room["frontOfficeStatus"], room["version"]) == ("Vacant", 1)


def in_house(make_envelope, status="InHouse", reservation_id="OPERA-9001", room_number="204"):
    reservation = {
        "pmsReservationId": reservation_id,
        "confirmationNumber": "9001",
        "roomNumber": room_number,
        "guestName": "Barbara Liskov",
        "guestEmail": "barbara@example.org",
        "arrival": day(0),
        "departure": day(2),
        "reservationStatus": status,
    }
    return make_envelope(
        "pms.reservation.imported.v1", reservation, subject=f"reservation/{reservation_id}"
    )


def test_a_guest_the_pms_has_in_house_is_checked_in_here_once(stores, make_envelope):
    add_room(stores, "204", housekeepingStatus="Dirty")  # not ready: the gate is not ours here
    handle = bind_handlers(stores, HANDLERS).handle
    handle(in_house(make_envelope, "Reserved"))
    handle(in_house(make_envelope))
    handle(in_house(make_envelope))  # the PMS said it again (a reconcile's window search)
    [booking] = list(stores.db["bookings"].find())
    [stay] = list(stores.db["customers"].find())
    assert booking["bookingStatus"] == "checked in"
    assert (stay["bookingId"], stay["status"], stay["checkinSource"]) == (
        booking["_id"],
        "checked in",
        "pms",
    )
    room = stores.find_room("204")
    assert (room["frontOfficeStatus"], room["guestName"]) == ("Occupied", "Barbara Liskov")
    assert history_of(stores, field="frontOfficeStatus") == [("Vacant", "Occupied", "pms")]
    assert len(outbox_entries(stores, "rooms.customer.checked_in.v1")) == 1
    [status_event] = outbox_entries(stores, "rooms.room.status_changed.v1")
    assert status_event["envelope"]["data"]["changeSource"] == "pms"


def test_a_reservation_first_seen_in_house_is_booked_and_checked_in(stores, make_envelope):
    add_room(stores, "204")
    bind_handlers(stores, HANDLERS).handle(in_house(make_envelope))
    [booking] = list(stores.db["bookings"].find())
    assert booking["bookingStatus"] == "checked in"
    assert len(outbox_entries(stores, "rooms.booking.created.v1")) == 1
    assert len(outbox_entries(stores, "rooms.customer.checked_in.v1")) == 1


def test_a_guest_the_pms_checked_out_is_checked_out_here_once(stores, make_envelope):
    add_room(stores, "204")
    handle = bind_handlers(stores, HANDLERS).handle
    handle(in_house(make_envelope))
    handle(in_house(make_envelope, "CheckedOut"))
    handle(in_house(make_envelope, "CheckedOut"))
    [booking] = list(stores.db["bookings"].find())
    [stay] = list(stores.db["customers"].find())
    assert booking["bookingStatus"] == "checked out"
    assert (stay["status"], stay["checkoutSource"]) == ("checked out", "pms")
    room = stores.find_room("204")
    assert (room["frontOfficeStatus"], room["housekeepingStatus"]) == ("Vacant", "Dirty")
    assert history_of(stores, field="frontOfficeStatus")[-1] == ("Occupied", "Vacant", "pms")
    assert len(outbox_entries(stores, "rooms.customer.checked_out.v1")) == 1


def test_a_guest_our_desk_checked_in_is_not_checked_in_again(
    client, callers, stores, make_envelope
):
    add_room(stores, "204")
    handle = bind_handlers(stores, HANDLERS).handle
    handle(in_house(make_envelope, "Reserved"))
    [booking] = list(stores.db["bookings"].find())
    checked_in = client.post(
        "/api/customers", json={"bookingId": booking["_id"]}, headers=callers.front_desk
    )
    assert checked_in.status_code == 201, checked_in.get_data(as_text=True)
    assert checked_in.get_json()["checkinSource"] == "frontOffice"
    handle(in_house(make_envelope))  # OPERA learned it from us: InHouse comes back
    assert stores.db["customers"].count_documents({}) == 1
    assert len(outbox_entries(stores, "rooms.customer.checked_in.v1")) == 1


def test_a_pms_check_in_into_a_room_another_guest_holds_is_not_made(stores, make_envelope):
    add_room(stores, "204")
    check_in_walk_in(stores, "204")
    bind_handlers(stores, HANDLERS).handle(in_house(make_envelope))
    [booking] = list(stores.db["bookings"].find())
    assert booking["bookingStatus"] == "confirmed"
    assert stores.db["customers"].count_documents({}) == 1  # the walk-in only


def test_a_pms_check_out_of_a_guest_never_in_house_here_changes_nothing(stores, make_envelope):
    add_room(stores, "204")
    handle = bind_handlers(stores, HANDLERS).handle
    handle(in_house(make_envelope, "Reserved"))
    handle(in_house(make_envelope, "CheckedOut"))
    [booking] = list(stores.db["bookings"].find())
    assert booking["bookingStatus"] == "confirmed"
    assert stores.find_room("204")["version"] == 1

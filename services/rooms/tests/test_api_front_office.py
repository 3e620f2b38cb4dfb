"""Bookings, check-in/out, out of order, contact messages and analytics through the API."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from conftest import add_room, outbox_entries

from hotel_shared.testing import assert_problem
from hotel_shared.timeutil import utc_now
from rooms.app import create_app
from rooms.config import Config
from rooms.rules.rooms import HousekeepingPolicy
from rooms.store import RoomsStores

TODAY = utc_now().date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


def book(client, headers, room_number="204", first=0, last=2, **extra):
    body = {
        "roomNumber": room_number,
        "customerName": "Ada Lovelace",
        "customerEmail": "ada@example.com",
        "checkInDate": day(first),
        "checkOutDate": day(last),
        **extra,
    }
    return client.post("/api/bookings", json=body, headers=headers)


def walk_in(client, headers, room_number="204", **extra):
    body = {"name": "Walk In", "roomNumber": room_number, "checkoutDate": day(1), **extra}
    return client.post("/api/customers", json=body, headers=headers)


def set_status(client, headers, room_number="204", **changes):
    return client.patch(f"/api/rooms/{room_number}/status", json=changes, headers=headers)


def test_booking_prices_nights_and_sets_payment_status(client, callers, stores):
    add_room(stores, "204", price=150.0)
    response = book(client, callers.front_desk, first=1, last=4, partialPayment=100)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["totalAmount"], body["paymentStatus"], body["bookingStatus"]) == (
        450.0,
        "partially paid",
        "confirmed",
    )
    assert len(body["specialId"]) >= 16  # the booking's own confirmation shows the code
    [entry] = outbox_entries(stores, "rooms.booking.created.v1")
    assert "specialId" not in entry["envelope"]["data"]


def test_overlapping_booking_is_refused_and_adjacent_one_accepted(client, callers, stores):
    add_room(stores, "204")
    assert book(client, callers.front_desk, first=1, last=3).status_code == 201
    assert_problem(book(client, callers.front_desk, first=2, last=5), 409, "room_unavailable")
    assert book(client, callers.front_desk, first=3, last=5).status_code == 201


def test_reversed_dates_are_422(client, callers, stores):
    add_room(stores, "204")
    body = assert_problem(
        book(client, callers.front_desk, first=3, last=1), 422, "validation_failed"
    )
    assert "checkOutDate" in body["errors"]


def test_cancelled_booking_frees_the_room(client, callers, stores):
    add_room(stores, "204")
    booking = book(client, callers.front_desk).get_json()
    cancel = client.post(f"/api/bookings/{booking['id']}/cancel", headers=callers.front_desk)
    assert cancel.get_json()["bookingStatus"] == "cancelled"
    assert book(client, callers.front_desk).status_code == 201
    again = client.post(f"/api/bookings/{booking['id']}/cancel", headers=callers.front_desk)
    assert_problem(again, 409, "booking_not_cancellable")


def test_availability_excludes_booked_and_out_of_order_rooms(client, callers, stores):
    for number in ("201", "202", "203"):
        add_room(stores, number)
    book(client, callers.front_desk, room_number="201", first=1, last=3)
    client.post(
        "/api/rooms/202/out-of-order",
        json={"kind": "OutOfOrder", "reason": "leak"},
        headers=callers.supervisor,
    )
    response = client.get(
        f"/api/rooms/availability?from={day(2)}&to={day(4)}", headers=callers.front_desk
    )
    assert [room["roomNumber"] for room in response.get_json()["items"]] == ["203"]


# --- check-in / check-out ----------------------------------------------------------------------


def test_check_in_from_booking_occupies_room_and_publishes_guest_access(client, callers, stores):
    add_room(stores, "204")
    booking = book(client, callers.front_desk).get_json()
    response = client.post(
        "/api/customers", json={"bookingId": booking["id"]}, headers=callers.front_desk
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    stay = response.get_json()
    assert (stay["status"], stay["specialId"], stay["roomNumber"]) == (
        "checked in",
        booking["specialId"],
        "204",
    )
    room = client.get("/api/rooms/204", headers=callers.front_desk).get_json()
    assert (room["frontOfficeStatus"], room["status"]) == ("Occupied", "booked")
    [entry] = outbox_entries(stores, "rooms.customer.checked_in.v1")
    data = entry["envelope"]["data"]
    assert {key: data[key] for key in ("customerId", "roomNumber", "name", "bookingId")} == {
        "customerId": stay["id"],
        "roomNumber": "204",
        "name": "Ada Lovelace",
        "bookingId": booking["id"],
    }
    assert "specialId" not in data
    assert data["specialIdHash"] == hashlib.sha256(booking["specialId"].encode()).hexdigest()
    again = client.post(
        "/api/customers", json={"bookingId": booking["id"]}, headers=callers.front_desk
    )
    assert_problem(again, 409, "booking_not_confirmed")


@pytest.mark.parametrize("status", ["Dirty", "Pickup", "Clean"])
def test_check_in_to_a_room_that_is_not_inspected_is_room_not_ready(
    client, callers, stores, status
):
    add_room(stores, "204", housekeepingStatus=status)
    assert_problem(walk_in(client, callers.front_desk), 409, "room_not_ready")
    assert stores.find_room("204")["frontOfficeStatus"] == "Vacant"


def test_override_with_a_reason_checks_in_to_a_dirty_room(client, callers, stores):
    add_room(stores, "204", housekeepingStatus="Dirty")
    without_reason = walk_in(client, callers.front_desk, override=True)
    assert_problem(without_reason, 422, "validation_failed")
    response = walk_in(client, callers.front_desk, override=True, reason="VIP, cleaning now")
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["override"]["reason"] == "VIP, cleaning now"


def test_occupied_room_cannot_take_a_second_guest_even_with_override(client, callers, stores):
    add_room(stores, "204")
    assert walk_in(client, callers.front_desk).status_code == 201
    second = walk_in(client, callers.front_desk, override=True, reason="double")
    assert_problem(second, 409, "room_occupied")


def test_guests_and_housekeeping_cannot_check_in(client, callers, stores):
    add_room(stores, "204")
    assert_problem(walk_in(client, callers.guest), 403, "role_not_allowed")
    assert_problem(walk_in(client, callers.housekeeper), 403, "role_not_allowed")


def test_with_inspection_off_clean_is_ready_and_inspected_is_refused(service_settings, callers):
    config = Config(
        service=service_settings("rooms"), policy=HousekeepingPolicy(inspection_required=False)
    )
    app = create_app(config)
    client = app.test_client()
    stores = RoomsStores.from_settings(config.service)
    stores.ensure_indexes()
    try:
        add_room(stores, "204", housekeepingStatus="Clean")
        refused = set_status(client, callers.supervisor, housekeepingStatus="Inspected")
        assert_problem(refused, 409, "inspection_disabled")
        assert walk_in(client, callers.front_desk).status_code == 201
    finally:
        stores.client.drop_database(stores.db.name)


def test_extend_stay_sets_updated_checkout_date(client, callers, stores):
    add_room(stores, "204")
    stay = walk_in(client, callers.front_desk).get_json()
    response = client.patch(
        f"/api/customers/{stay['id']}",
        json={"updatedCheckoutDate": day(4)},
        headers=callers.front_desk,
    )
    assert response.get_json()["updatedCheckoutDate"] == day(4)


def test_extension_into_another_booking_is_refused(client, callers, stores):
    add_room(stores, "204")
    stay = walk_in(client, callers.front_desk).get_json()
    assert book(client, callers.front_desk, first=2, last=4).status_code == 201
    response = client.patch(
        f"/api/customers/{stay['id']}",
        json={"updatedCheckoutDate": day(3)},
        headers=callers.front_desk,
    )
    assert_problem(response, 409, "room_unavailable")


# --- out of order, discrepancies ---------------------------------------------------------------


def test_out_of_order_is_refused_on_an_occupied_room(client, callers, stores):
    add_room(stores, "204")
    walk_in(client, callers.front_desk)
    response = client.post(
        "/api/rooms/204/out-of-order",
        json={"kind": "OutOfOrder", "reason": "leak"},
        headers=callers.supervisor,
    )
    assert_problem(response, 409, "room_occupied")


def test_out_of_order_is_refused_with_an_arrival_today(client, callers, stores):
    add_room(stores, "204")
    book(client, callers.front_desk, first=0, last=1)
    response = client.post(
        "/api/rooms/204/out-of-order",
        json={"kind": "OutOfService", "reason": "paint"},
        headers=callers.supervisor,
    )
    assert_problem(response, 409, "arrival_today")


def test_ending_out_of_order_restores_the_return_status(client, callers, stores):
    add_room(stores, "204", housekeepingStatus="Dirty")
    until = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    response = client.post(
        "/api/rooms/204/out-of-order",
        json={"kind": "OutOfOrder", "reason": "leak", "to": until, "returnStatus": "Clean"},
        headers=callers.supervisor,
    )
    body = response.get_json()
    assert (body["status"], body["outOfOrder"]["returnStatus"]) == ("under maintenance", "Clean")
    assert_problem(walk_in(client, callers.front_desk), 409, "room_not_ready")
    ended = client.delete("/api/rooms/204/out-of-order", headers=callers.supervisor).get_json()
    assert (ended["outOfOrder"], ended["housekeepingStatus"], ended["status"]) == (
        None,
        "Clean",
        "available",
    )
    again = client.delete("/api/rooms/204/out-of-order", headers=callers.supervisor)
    assert_problem(again, 409, "room_not_out_of_order")


def test_sleep_and_skip_appear_and_clear(client, callers, stores):
    add_room(stores, "204")
    sleep = set_status(client, callers.housekeeper, hkOccupancy="Occupied").get_json()
    assert sleep["discrepancy"] == "Sleep"
    listed = client.get("/api/rooms/discrepancies", headers=callers.front_desk).get_json()
    assert [room["roomNumber"] for room in listed["items"]] == ["204"]
    assert (
        set_status(client, callers.housekeeper, hkOccupancy="Vacant").get_json()["discrepancy"]
        is None
    )
    walk_in(client, callers.front_desk)
    skip = set_status(client, callers.housekeeper, hkOccupancy="Vacant").get_json()
    assert skip["discrepancy"] == "Skip"
    cleared = set_status(client, callers.housekeeper, hkOccupancy="Occupied").get_json()
    assert cleared["discrepancy"] is None
    listed = client.get("/api/rooms/discrepancies", headers=callers.front_desk).get_json()
    assert listed["items"] == []


# --- contact messages --------------------------------------------------------------------------


def test_guest_writes_to_the_front_desk_for_their_own_room_only(client, callers, stores):
    body = {"name": "Guest", "roomNumber": "204", "message": "More towels please"}
    created = client.post("/api/contact-messages", json=body, headers=callers.guest)
    assert created.status_code == 201, created.get_data(as_text=True)
    [entry] = outbox_entries(stores, "rooms.contact_message.created.v1")
    assert entry["envelope"]["data"]["message"] == "More towels please"
    other = client.post(
        "/api/contact-messages", json={**body, "roomNumber": "101"}, headers=callers.guest
    )
    assert_problem(other, 403, "not_your_room")
    listed = client.get("/api/contact-messages", headers=callers.front_desk).get_json()
    assert [message["message"] for message in listed["items"]] == ["More towels please"]
    mine = client.get("/api/contact-messages", headers=callers.guest).get_json()
    assert [message["message"] for message in mine["items"]] == ["More towels please"]
    assert_problem(
        client.get("/api/contact-messages", headers=callers.housekeeper), 403, "role_not_allowed"
    )


def write_message(client, headers, text="More towels please", room_number="204"):
    body = {"name": "Guest", "roomNumber": room_number, "message": text}
    created = client.post("/api/contact-messages", json=body, headers=headers)
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()


def mark(client, headers, message_id, handled=True):
    return client.patch(
        f"/api/contact-messages/{message_id}", json={"handled": handled}, headers=headers
    )


def test_the_desk_marks_a_message_handled_and_keeps_who_and_when(client, callers, stores):
    message = write_message(client, callers.front_desk)
    assert (message["handled"], message["handledBy"], message["handledAt"]) == (False, None, None)
    handled = mark(client, callers.front_desk, message["id"])
    assert handled.status_code == 200, handled.get_data(as_text=True)
    body = handled.get_json()
    assert body["handled"] is True
    assert body["handledBy"]["username"] == "frontdesk"
    assert body["handledAt"].endswith("Z")
    # Marking it again (another desk, a double click) keeps the first handler.
    again = mark(client, callers.admin, message["id"]).get_json()
    assert (again["handledBy"], again["handledAt"]) == (body["handledBy"], body["handledAt"])
    reopened = mark(client, callers.admin, message["id"], handled=False).get_json()
    assert (reopened["handled"], reopened["handledBy"], reopened["handledAt"]) == (
        False,
        None,
        None,
    )


def test_the_message_list_filters_waiting_and_handled(client, callers, stores):
    first = write_message(client, callers.guest, "Towels")
    write_message(client, callers.guest, "Pillows")
    # A message stored before the flag existed is waiting.
    stores.db["contact_messages"].insert_one(
        {
            "_id": "0" * 32,
            "name": "Old",
            "roomNumber": "204",
            "message": "Iron",
            "createdBy": None,
            "createdAt": utc_now() - timedelta(days=1),
        }
    )
    mark(client, callers.front_desk, first["id"])

    def texts(**query):
        listed = client.get("/api/contact-messages", query_string=query, headers=callers.front_desk)
        assert listed.status_code == 200, listed.get_data(as_text=True)
        return [m["message"] for m in listed.get_json()["items"]]

    assert texts() == ["Pillows", "Towels", "Iron"]
    assert texts(handled="false") == ["Pillows", "Iron"]
    assert texts(handled="true") == ["Towels"]
    assert_problem(
        client.get("/api/contact-messages?handled=1", headers=callers.front_desk),
        422,
        "validation_failed",
    )


def test_only_the_desk_marks_messages_and_an_unknown_one_is_404(client, callers, stores):
    message = write_message(client, callers.guest)
    for caller in ("supervisor", "housekeeper", "guest"):
        assert_problem(
            mark(client, getattr(callers, caller), message["id"]), 403, "role_not_allowed"
        )
    assert_problem(mark(client, callers.front_desk, "f" * 32), 404, "contact_message_not_found")
    bad = client.patch(
        f"/api/contact-messages/{message['id']}",
        json={"handled": "yes", "message": "changed"},
        headers=callers.front_desk,
    )
    assert set(assert_problem(bad, 422, "validation_failed")["errors"]) == {"handled", "message"}
    listed = client.get("/api/contact-messages", headers=callers.front_desk).get_json()
    assert [m["handled"] for m in listed["items"]] == [False]

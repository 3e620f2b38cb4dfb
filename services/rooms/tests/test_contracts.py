"""rooms keeps its promises: its events match contracts/events; it reads what it consumes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import add_room, outbox_entries

from hotel_shared.inbox import bind_handlers
from hotel_shared.revocations import ACCESS_REVOKED
from hotel_shared.testing import (
    assert_has_contract,
    assert_matches_contract,
    consumed_event_types,
    load_contract,
)
from hotel_shared.timeutil import utc_now
from rooms import events
from rooms.handlers import HANDLERS

# Every type rooms publishes has a consumer (notifications hears them all), so each has an example.
PUBLISHED = (
    events.ROOM_CREATED,
    events.ROOM_UPDATED,
    events.ROOM_DELETED,
    events.ROOM_STATUS_CHANGED,
    events.BOOKING_CREATED,
    events.BOOKING_CANCELLED,
    events.CUSTOMER_CHECKED_IN,
    events.CUSTOMER_CHECKED_OUT,
    events.CUSTOMER_STAY_EXTENDED,
    events.CONTACT_MESSAGE_CREATED,
)


# --- consumer side -------------------------------------------------------------------------------


@pytest.mark.parametrize("event_type", consumed_event_types(HANDLERS))
def test_every_consumed_event_has_an_example_that_the_handler_accepts(
    event_type, stores, contract_envelope
):
    assert_has_contract(event_type)
    bind_handlers(stores, HANDLERS).handle(contract_envelope(event_type))


def test_the_consumer_contracts_cover_revoked_access():
    # The parametrised test above then replays contracts/events/auth.access.revoked.v1.json.
    assert ACCESS_REVOKED in consumed_event_types(HANDLERS)


def test_a_revocation_from_its_example_is_kept(stores, contract_envelope):
    example = load_contract(ACCESS_REVOKED)["data"]
    bind_handlers(stores, HANDLERS).handle(contract_envelope(ACCESS_REVOKED))
    assert stores.db["revoked_access"].count_documents({"_id": example["subjectId"]}) == 1


def test_tasks_completed_contract_marks_a_dirty_room_clean(stores, contract_envelope):
    add_room(stores, "205", housekeepingStatus="Dirty")
    bind_handlers(stores, HANDLERS).handle(
        contract_envelope("tasks.task.completed.v1", roomNumber="205", jobType="cleaning")
    )
    assert stores.get_room("205")["housekeepingStatus"] == "Clean"


def test_pms_reservation_contract_becomes_a_booking(stores, contract_envelope):
    add_room(stores, "204", price=100.0)
    example = load_contract("pms.reservation.imported.v1")["data"]
    bind_handlers(stores, HANDLERS).handle(contract_envelope("pms.reservation.imported.v1"))
    [booking] = list(stores.db["bookings"].find())
    assert (booking["pmsReservationId"], booking["roomNumber"]) == (
        example["pmsReservationId"],
        example["roomNumber"],
    )
    assert (booking["customerName"], booking["customerEmail"]) == (
        example["guestName"],
        example["guestEmail"],
    )
    assert (booking["checkInDate"], booking["checkOutDate"]) == (
        example["arrival"],
        example["departure"],
    )
    assert booking["bookingStatus"] == "confirmed"


def test_pms_room_status_contract_applies_the_pms_users_change(stores, contract_envelope):
    example = load_contract("pms.room.status_changed.v1")["data"]
    [moved] = example["changes"]
    add_room(stores, example["roomNumber"], housekeepingStatus=moved["oldValue"])
    bind_handlers(stores, HANDLERS).handle(contract_envelope("pms.room.status_changed.v1"))
    room = stores.get_room(example["roomNumber"])
    assert room["housekeepingStatus"] == example["housekeepingStatus"]
    [entry] = outbox_entries(stores, events.ROOM_STATUS_CHANGED)
    assert entry["envelope"]["data"]["changeSource"] == "pms"


def test_pms_reservation_contract_in_house_checks_the_guest_in(stores, contract_envelope):
    example = load_contract("pms.reservation.imported.v1")["data"]
    add_room(stores, example["roomNumber"])
    bind_handlers(stores, HANDLERS).handle(
        contract_envelope("pms.reservation.imported.v1", reservationStatus="InHouse")
    )
    [booking] = list(stores.db["bookings"].find())
    assert booking["bookingStatus"] == "checked in"
    assert stores.get_room(example["roomNumber"])["frontOfficeStatus"] == "Occupied"


# --- producer side -------------------------------------------------------------------------------


@pytest.fixture
def published(client, callers, stores) -> dict[str, dict]:
    """One of each event rooms publishes, produced through the API: type → its `data`."""
    today = utc_now().date()
    staff = callers.front_desk

    def call(method: str, path: str, **kwargs) -> dict:
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code < 300, response.get_data(as_text=True)
        return response.get_json() if response.data else {}

    add_room(stores, "202", roomType="Economy", price=79.0)
    new_room = {
        "roomNumber": "305",
        "roomType": "Suite",
        "price": 310.5,
        "capacity": 4,
        "description": "Corner suite",
        "facilities": ["wifi", "bathtub"],
    }
    call("post", "/api/rooms", json=new_room, headers=callers.admin)
    call("patch", "/api/rooms/305", json={"price": 289.0}, headers=callers.admin)
    call("delete", "/api/rooms/305", headers=callers.admin)
    booking = {
        "roomNumber": "202",
        "customerName": "Ada Lovelace",
        "customerEmail": "ada@example.org",
        "checkInDate": today.isoformat(),
        "checkOutDate": (today + timedelta(days=2)).isoformat(),
    }
    later = {
        **booking,
        "checkInDate": (today + timedelta(days=10)).isoformat(),
        "checkOutDate": (today + timedelta(days=12)).isoformat(),
    }
    cancelled = call("post", "/api/bookings", json=later, headers=staff)
    call("post", f"/api/bookings/{cancelled['id']}/cancel", headers=staff)
    booked = call("post", "/api/bookings", json=booking, headers=staff)
    stay = call("post", "/api/customers", json={"bookingId": booked["id"]}, headers=staff)
    departure = (today + timedelta(days=3)).isoformat()
    call(
        "patch",
        f"/api/customers/{stay['id']}",
        json={"updatedCheckoutDate": departure},
        headers=staff,
    )
    call("post", f"/api/customers/{stay['id']}/checkout", headers=staff)
    message = {"name": "Ada", "roomNumber": "202", "message": "Extra towels, please"}
    call("post", "/api/contact-messages", json=message, headers=staff)
    return {
        event_type: outbox_entries(stores, event_type)[-1]["envelope"]["data"]
        for event_type in PUBLISHED
    }


def test_every_published_payload_matches_its_contract(published):
    for event_type, data in published.items():
        assert_has_contract(event_type)
        assert_matches_contract(event_type, data)


def test_update_events_say_what_moved(published):
    assert published[events.ROOM_UPDATED]["changes"] == [
        {"field": "price", "oldValue": 310.5, "newValue": 289.0}
    ]
    assert published[events.ROOM_UPDATED]["changedFields"] == ["price"]
    assert published[events.ROOM_STATUS_CHANGED]["changes"] == [
        {"field": "housekeepingStatus", "oldValue": "Inspected", "newValue": "Dirty"},
        {"field": "frontOfficeStatus", "oldValue": "Occupied", "newValue": "Vacant"},
        {"field": "status", "oldValue": "booked", "newValue": "available"},
    ]

"""The ERD's names and fields: facilities, the room's current guest, checkinTime, bookedAt and
paymentDetails; documents stored before them still read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bson import ObjectId
from conftest import add_room

from hotel_shared.testing import assert_problem
from hotel_shared.timeutil import utc_now

TODAY = utc_now().date()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


NEW_ROOM = {"roomNumber": "305", "roomType": "Suite", "price": 310.5, "capacity": 4}


def booking_body(**extra):
    return {
        "roomNumber": "204",
        "customerName": "Ada Lovelace",
        "customerEmail": "ada@example.com",
        "checkInDate": day(0),
        "checkOutDate": day(2),
        **extra,
    }


# --- facilities ---------------------------------------------------------------------------------


def test_rooms_expose_facilities_and_read_amenities_as_its_old_name(client, callers, stores):
    created = client.post(
        "/api/rooms", json={**NEW_ROOM, "facilities": ["wifi", "bathtub"]}, headers=callers.admin
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert body["facilities"] == body["amenities"] == ["wifi", "bathtub"]
    assert stores.db["rooms"].find_one({"roomNumber": "305"})["facilities"] == ["wifi", "bathtub"]
    old_name = client.post(
        "/api/rooms",
        json={**NEW_ROOM, "roomNumber": "306", "amenities": ["tv"]},
        headers=callers.admin,
    )
    assert old_name.get_json()["facilities"] == ["tv"]
    edited = client.patch(
        "/api/rooms/306", json={"amenities": ["tv", "safe"]}, headers=callers.admin
    )
    assert edited.get_json()["facilities"] == ["tv", "safe"]
    both = client.post(
        "/api/rooms",
        json={**NEW_ROOM, "roomNumber": "307", "facilities": ["tv"], "amenities": ["wifi"]},
        headers=callers.admin,
    )
    assert "amenities" in assert_problem(both, 422, "validation_failed")["errors"]


def test_a_room_stored_before_facilities_and_guest_fields_still_reads_and_edits(
    client, callers, stores
):
    now = datetime.now(UTC)
    stores.db["rooms"].insert_one(
        {
            "_id": ObjectId(),
            "roomNumber": "410",
            "roomType": "Standard",
            "price": 100.0,
            "capacity": 2,
            "description": "",
            "amenities": ["wifi"],
            "floor": 4,
            "housekeepingStatus": "Inspected",
            "frontOfficeStatus": "Vacant",
            "hkOccupancy": None,
            "discrepancy": None,
            "outOfOrder": None,
            "guestServiceStatus": "None",
            "turndownStatus": "NotRequired",
            "status": "available",
            "version": 1,
            "createdAt": now,
            "updatedAt": now,
            "statusChangedAt": now,
        }
    )
    room = client.get("/api/rooms/410", headers=callers.housekeeper).get_json()
    assert (room["facilities"], room["amenities"]) == (["wifi"], ["wifi"])
    assert (room["guestName"], room["guestContact"]) == (None, None)
    edited = client.patch("/api/rooms/410", json={"price": 90.0}, headers=callers.admin)
    assert edited.status_code == 200, edited.get_data(as_text=True)
    stored = stores.db["rooms"].find_one({"roomNumber": "410"})
    assert (stored["facilities"], "amenities" in stored) == (["wifi"], False)


# --- the room's guest, the stay's checkinTime ---------------------------------------------------


def test_a_room_carries_its_current_guest_from_check_in_to_check_out(client, callers, stores):
    add_room(stores, "204")
    assert client.get("/api/rooms/204", headers=callers.housekeeper).get_json()["guestName"] is None
    walk_in = {
        "name": "Grace Hopper",
        "contactNumber": "+1 555 0100",
        "roomNumber": "204",
        "checkoutDate": day(1),
    }
    before = utc_now()
    stay = client.post("/api/customers", json=walk_in, headers=callers.front_desk).get_json()
    room = client.get("/api/rooms/204", headers=callers.housekeeper).get_json()
    assert (room["guestName"], room["guestContact"]) == ("Grace Hopper", "+1 555 0100")
    checkin_time = datetime.fromisoformat(stay["checkinTime"].replace("Z", "+00:00"))
    assert before <= checkin_time <= utc_now()
    assert stay["checkinTime"] == stay["checkinDate"]
    client.post(f"/api/customers/{stay['id']}/checkout", headers=callers.front_desk)
    room = client.get("/api/rooms/204", headers=callers.housekeeper).get_json()
    assert (room["guestName"], room["guestContact"]) == (None, None)


def test_a_stay_stored_before_checkin_time_reads_its_check_in_instant(client, callers, stores):
    checked_in = datetime(2030, 1, 2, 15, 30, tzinfo=UTC)
    stores.db["customers"].insert_one(
        {
            "_id": "a" * 32,
            "name": "Old Guest",
            "contactNumber": None,
            "roomNumber": "204",
            "checkinDate": checked_in,
            "checkoutDate": "2030-01-04",
            "updatedCheckoutDate": None,
            "bookingId": None,
            "specialId": "old-special-id-1",
            "status": "checked in",
            "checkedOutAt": None,
            "override": None,
        }
    )
    stay = client.get(f"/api/customers/{'a' * 32}", headers=callers.supervisor).get_json()
    assert stay["checkinTime"] == "2030-01-02T15:30:00.000Z"


# --- bookings: bookedAt, paymentDetails ---------------------------------------------------------


def test_a_booking_carries_when_it_was_made_and_how_it_is_paid(client, callers, stores):
    add_room(stores, "204")
    payment = {"method": "card", "brand": "visa", "last4": "4242", "reference": "INV-2030-0001"}
    before = utc_now()
    created = client.post(
        "/api/bookings", json=booking_body(paymentDetails=payment), headers=callers.front_desk
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    booking = created.get_json()
    assert booking["paymentDetails"] == payment
    booked_at = datetime.fromisoformat(booking["bookedAt"].replace("Z", "+00:00"))
    assert before <= booked_at <= utc_now()
    read = client.get(f"/api/bookings/{booking['id']}", headers=callers.front_desk).get_json()
    assert (read["paymentDetails"], read["bookedAt"]) == (payment, booking["bookedAt"])


@pytest.mark.parametrize(
    "payment",
    [
        {"method": "card", "reference": "4111111111111111"},
        {"method": "card", "reference": "card 4111 1111 1111 1111"},
        {"method": "card", "reference": "4111-1111-1111-1111"},
        {"method": "card", "last4": "42424"},
        {"method": "card", "last4": "42a4"},
        {"method": "card", "cardNumber": "4111111111111111"},
        {"method": "cash", "last4": "4242"},
        {"method": "cheque"},
        {"reference": "INV-1"},
        {"method": "other", "reference": "x" * 65},
    ],
)
def test_payment_details_are_bounded_and_never_a_card_number(client, callers, stores, payment):
    add_room(stores, "204")
    response = client.post(
        "/api/bookings", json=booking_body(paymentDetails=payment), headers=callers.front_desk
    )
    body = assert_problem(response, 422, "validation_failed")
    assert "paymentDetails" in body["errors"]
    assert stores.db["bookings"].count_documents({}) == 0


def test_a_booking_stored_before_booked_at_reads_its_creation_time(client, callers, stores):
    created = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
    stores.db["bookings"].insert_one(
        {
            "_id": "b" * 32,
            "roomNumber": "204",
            "customerName": "Old Booking",
            "customerEmail": None,
            "checkInDate": "2030-02-01",
            "checkOutDate": "2030-02-03",
            "totalAmount": 200.0,
            "partialPayment": 0.0,
            "paymentStatus": "unpaid",
            "bookingStatus": "confirmed",
            "specialId": "old-special-id-2",
            "pmsReservationId": None,
            "createdAt": created,
            "updatedAt": created,
        }
    )
    booking = client.get(f"/api/bookings/{'b' * 32}", headers=callers.front_desk).get_json()
    assert (booking["bookedAt"], booking["paymentDetails"]) == ("2030-01-02T09:00:00.000Z", None)

"""Bookings: availability, price, payment status, the unguessable specialId, cancellation."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from hotel_shared.errors import Conflict, NotFound, ValidationFailed
from hotel_shared.timeutil import utc_now
from rooms import events
from rooms.domain.out_of_order import is_out_of_order_during
from rooms.domain.rooms import get_room
from rooms.domain.rules import Room, RoomRepository

if TYPE_CHECKING:
    from rooms.booking_store import BookingStore

Booking = dict[str, Any]

CONFIRMED, CANCELLED = "confirmed", "cancelled"
CHECKED_IN, CHECKED_OUT = "checked in", "checked out"
BOOKING_STATUSES = (CONFIRMED, CANCELLED, CHECKED_IN, CHECKED_OUT)
# A booking in one of these holds its room for its nights.
HOLDING_STATUSES = (CONFIRMED, CHECKED_IN)
UNPAID, PARTIALLY_PAID, PAID = "unpaid", "partially paid", "paid"
BOOKING_ROLES = ("hotelAdmin", "frontOffice")
SPECIAL_ID_BYTES = 12  # 96 random bits, 16 characters: the guest's password for the in-room app


class BookingNotFound(NotFound):
    code = "booking_not_found"

    def __init__(self, booking_id: str) -> None:
        super().__init__(f"booking {booking_id} does not exist", bookingId=booking_id)


class RoomUnavailable(Conflict):
    code = "room_unavailable"

    def __init__(self, room_number: str, first_night: str, departure: str) -> None:
        super().__init__(
            f"room {room_number} is not free from {first_night} to {departure}",
            roomNumber=room_number,
        )


class BookingNotCancellable(Conflict):
    code = "booking_not_cancellable"


class BookingNotConfirmed(Conflict):
    code = "booking_not_confirmed"


def new_id() -> str:
    return uuid.uuid4().hex


def new_special_id() -> str:
    return secrets.token_urlsafe(SPECIAL_ID_BYTES)


def count_nights(check_in: date, check_out: date) -> int:
    return (check_out - check_in).days


def payment_status(partial_payment: float, total_amount: float) -> str:
    if partial_payment <= 0:
        return UNPAID
    return PAID if partial_payment >= total_amount else PARTIALLY_PAID


def new_booking(request: Mapping[str, Any], room: Room, now: datetime) -> Booking:
    """A confirmed booking priced at the room's nightly price; dates kept as YYYY-MM-DD."""
    check_in, check_out = request["checkInDate"], request["checkOutDate"]
    total = round(count_nights(check_in, check_out) * room["price"], 2)
    partial = request.get("partialPayment", 0.0)
    if partial > total:
        raise ValidationFailed(
            "invalid request body: partialPayment",
            errors={"partialPayment": [f"must not exceed totalAmount {total}"]},
        )
    return {
        "_id": new_id(),
        "roomNumber": room["roomNumber"],
        "customerName": request["customerName"],
        "customerEmail": request.get("customerEmail"),
        "checkInDate": check_in.isoformat(),
        "checkOutDate": check_out.isoformat(),
        "totalAmount": total,
        "partialPayment": partial,
        "paymentStatus": payment_status(partial, total),
        "bookingStatus": CONFIRMED,
        "specialId": new_special_id(),
        "pmsReservationId": request.get("pmsReservationId"),
        "createdAt": now,
        "updatedAt": now,
    }


def check_dates(check_in: date, check_out: date, *, field: str = "checkOutDate") -> None:
    if check_out <= check_in:
        raise ValidationFailed(
            f"invalid request body: {field}", errors={field: ["must be after the arrival date"]}
        )


# --- use cases ---------------------------------------------------------------------------------


def create_booking(
    bookings: BookingStore,
    rooms: RoomRepository,
    request: Mapping[str, Any],
    *,
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> Booking:
    check_dates(request["checkInDate"], request["checkOutDate"])
    room = get_room(rooms, request["roomNumber"])
    if is_out_of_order_during(room, request["checkInDate"], request["checkOutDate"]):
        raise RoomUnavailable(
            room["roomNumber"],
            request["checkInDate"].isoformat(),
            request["checkOutDate"].isoformat(),
        )
    booking = new_booking(request, room, utc_now())
    event = events.booking_created(booking, actor=actor, correlation_id=correlation_id)
    return bookings.insert_if_available(booking, event)


def get_booking(bookings: BookingStore, booking_id: str) -> Booking:
    booking = bookings.get(booking_id)
    if booking is None:
        raise BookingNotFound(booking_id)
    return booking


def list_bookings(
    bookings: BookingStore, filters: Mapping[str, Any], limit: int, offset: int
) -> tuple[list[Booking], int]:
    return bookings.find_page(filters, limit, offset)


def cancel_booking(
    bookings: BookingStore,
    booking_id: str,
    *,
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> Booking:
    booking = get_booking(bookings, booking_id)
    if booking["bookingStatus"] != CONFIRMED:
        raise BookingNotCancellable(
            f"booking {booking_id} is {booking['bookingStatus']}; only a confirmed one can be"
            " cancelled"
        )
    now = utc_now()
    cancelled = {**booking, "bookingStatus": CANCELLED, "cancelledAt": now, "updatedAt": now}
    event = events.booking_cancelled(cancelled, actor=actor, correlation_id=correlation_id)
    if not bookings.replace_if_status(cancelled, expected_status=CONFIRMED, event=event):
        raise BookingNotCancellable(f"booking {booking_id} changed meanwhile; fetch it again")
    return cancelled


def find_available_rooms(
    rooms: RoomRepository,
    bookings: BookingStore,
    first_night: date,
    departure: date,
    room_type: str | None,
) -> list[Room]:
    """Rooms (of the type) with no holding booking and no out-of-order period on those nights."""
    check_dates(first_night, departure, field="to")
    filters = {"roomType": room_type} if room_type else {}
    candidates, _ = rooms.find_page(filters, 10_000, 0)
    taken = bookings.booked_room_numbers(first_night.isoformat(), departure.isoformat())
    return [
        room
        for room in candidates
        if room["roomNumber"] not in taken
        and not is_out_of_order_during(room, first_night, departure)
    ]


def import_pms_reservation(
    bookings: BookingStore,
    rooms: RoomRepository,
    envelope: Mapping[str, Any],
) -> Booking:
    """The booking a PMS reservation describes; the PMS is the source of truth, so no overlap
    check: a clash shows up in the bookings list rather than losing the reservation."""
    data = envelope["data"]
    check_in = date.fromisoformat(str(data["arrival"])[:10])
    check_out = date.fromisoformat(str(data["departure"])[:10])
    room_number = str(data["roomNumber"])
    room = rooms.get(room_number)
    price = room["price"] if room else 0.0
    now = utc_now()
    existing = bookings.find_by_pms_id(str(data["pmsReservationId"]))
    booking = existing or {
        "_id": new_id(),
        "specialId": new_special_id(),
        "bookingStatus": CONFIRMED,
        "partialPayment": 0.0,
        "createdAt": now,
    }
    total = round(max(count_nights(check_in, check_out), 0) * price, 2)
    booking.update(
        {
            "roomNumber": room_number,
            "customerName": str(data.get("guestName") or data.get("name") or "PMS guest"),
            "customerEmail": data.get("email"),
            "checkInDate": check_in.isoformat(),
            "checkOutDate": check_out.isoformat(),
            "totalAmount": total,
            "paymentStatus": payment_status(booking["partialPayment"], total),
            "pmsReservationId": str(data["pmsReservationId"]),
            "updatedAt": now,
        }
    )
    return booking

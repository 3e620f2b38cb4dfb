"""Booking rules: price, payment status, the unguessable specialId, the booking's life cycle."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hotel_shared.errors import Conflict, NotFound, ValidationFailed
from hotel_shared.principal import Principal
from rooms.rules.rooms import Room

Booking = dict[str, Any]

CONFIRMED, CANCELLED = "confirmed", "cancelled"
CHECKED_IN, CHECKED_OUT = "checked in", "checked out"
BOOKING_STATUSES = (CONFIRMED, CANCELLED, CHECKED_IN, CHECKED_OUT)
# A booking in one of these holds its room for its nights.
HOLDING_STATUSES = (CONFIRMED, CHECKED_IN)
# The booking's life cycle: every other move is refused.
BOOKING_MOVES: dict[str, tuple[str, ...]] = {
    CONFIRMED: (CANCELLED, CHECKED_IN),
    CHECKED_IN: (CHECKED_OUT,),
}
UNPAID, PARTIALLY_PAID, PAID = "unpaid", "partially paid", "paid"
BOOKING_ROLES = ("hotelAdmin", "frontOffice")
SPECIAL_ID_BYTES = 12  # 96 random bits, 16 characters: the guest's password for the in-room app
# The booking code is a credential: only the front office reads it (and the booking's own
# confirmation shows it); events carry its hash, never the code.
SPECIAL_ID_READER_ROLES = ("hotelAdmin", "frontOffice")
PMS_CANCELLED_STATUSES = ("cancelled", "canceled")


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


class InvalidBookingMove(Conflict):
    code = "invalid_transition"


@dataclass(frozen=True)
class PmsReservation:
    """A reservation as the PMS sent it, in plain values."""

    reservation_id: str
    room_number: str
    guest_name: str
    guest_email: str | None
    arrival: date
    departure: date
    status: str | None = None

    @property
    def is_cancelled(self) -> bool:
        return (self.status or "").lower() in PMS_CANCELLED_STATUSES


def new_id() -> str:
    return uuid.uuid4().hex


def new_special_id() -> str:
    return secrets.token_urlsafe(SPECIAL_ID_BYTES)


def special_id_hash(special_id: str) -> str:
    """What events carry instead of the code: the lowercase hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(special_id.encode("utf-8")).hexdigest()


def may_read_special_id(principal: Principal | None) -> bool:
    return principal is not None and principal.role in SPECIAL_ID_READER_ROLES


def as_seen_by(document: Mapping[str, Any], principal: Principal | None) -> dict[str, Any]:
    """A booking or stay as the caller may read it: without the booking code unless front office."""
    if may_read_special_id(principal):
        return dict(document)
    return {name: value for name, value in document.items() if name != "specialId"}


def upgraded(booking: Booking) -> Booking:
    """A booking as the rules know it, also when stored before bookedAt and paymentDetails."""
    booking.setdefault("bookedAt", booking.get("createdAt"))
    booking.setdefault("paymentDetails", None)
    return booking


def count_nights(check_in: date, check_out: date) -> int:
    return (check_out - check_in).days


def payment_status(partial_payment: float, total_amount: float) -> str:
    if partial_payment <= 0:
        return UNPAID
    return PAID if partial_payment >= total_amount else PARTIALLY_PAID


def check_dates(check_in: date, check_out: date, *, field: str = "checkOutDate") -> None:
    if check_out <= check_in:
        raise ValidationFailed(
            f"invalid request body: {field}", errors={field: ["must be after the arrival date"]}
        )


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
        "paymentDetails": request.get("paymentDetails"),
        "bookedAt": now,
        "createdAt": now,
        "updatedAt": now,
    }


# --- the life cycle: confirmed → cancelled | checked in → checked out ---------------------------


def check_booking_move(booking: Mapping[str, Any], new_status: str) -> None:
    """Raise unless the booking may go from its status to `new_status`."""
    old = booking["bookingStatus"]
    if new_status in BOOKING_MOVES.get(old, ()):
        return
    if new_status == CANCELLED:
        raise BookingNotCancellable(
            f"booking {booking['_id']} is {old}; only a confirmed one can be cancelled"
        )
    if new_status == CHECKED_IN:
        raise BookingNotConfirmed(f"booking {booking['_id']} is {old}")
    raise InvalidBookingMove(f"booking {booking['_id']} cannot go from {old} to {new_status}")


def _moved(booking: Booking, new_status: str, now: datetime, **fields: Any) -> Booking:
    check_booking_move(booking, new_status)
    return {**booking, **fields, "bookingStatus": new_status, "updatedAt": now}


def cancel(booking: Booking, now: datetime) -> Booking:
    return _moved(booking, CANCELLED, now, cancelledAt=now)


def check_in(booking: Booking, stay_id: str, now: datetime) -> Booking:
    """The booking taken up by the stay `stay_id`."""
    return _moved(booking, CHECKED_IN, now, customerId=stay_id)


def check_out(booking: Booking, now: datetime) -> Booking:
    return _moved(booking, CHECKED_OUT, now)


# --- reservations from the PMS ------------------------------------------------------------------


def imported_booking(
    existing: Booking | None, reservation: PmsReservation, nightly_price: float, now: datetime
) -> Booking | None:
    """The booking a PMS reservation describes (None: a cancelled one never booked here).

    The PMS is the source of truth, so there is no overlap check: a clash shows up in the
    bookings list rather than losing the reservation.
    """
    if existing is None and reservation.is_cancelled:
        return None
    booking = (
        dict(existing)
        if existing
        else {
            "_id": new_id(),
            "specialId": new_special_id(),
            "bookingStatus": CONFIRMED,
            "partialPayment": 0.0,
            "paymentDetails": None,
            "bookedAt": now,
            "createdAt": now,
        }
    )
    total = round(
        max(count_nights(reservation.arrival, reservation.departure), 0) * nightly_price, 2
    )
    booking.update(
        {
            "roomNumber": reservation.room_number,
            "customerName": reservation.guest_name,
            "customerEmail": reservation.guest_email,
            "checkInDate": reservation.arrival.isoformat(),
            "checkOutDate": reservation.departure.isoformat(),
            "totalAmount": total,
            "paymentStatus": payment_status(booking["partialPayment"], total),
            "pmsReservationId": reservation.reservation_id,
            "updatedAt": now,
        }
    )
    if reservation.is_cancelled and booking["bookingStatus"] == CONFIRMED:
        booking = cancel(booking, now)
    return booking

"""Booking use cases: book with an atomic availability check, cancel, free rooms, PMS import."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now
from rooms import events
from rooms.rules import bookings as rules
from rooms.rules import pms as pms_rules
from rooms.rules import rooms as room_rules
from rooms.rules import stays as stay_rules
from rooms.rules.bookings import Booking, PmsReservation, RoomUnavailable
from rooms.rules.out_of_order import is_out_of_order_during
from rooms.rules.rooms import OCCUPIED, Room
from rooms.service.stays import close_stay, open_stay
from rooms.store import RoomsStores

log = logging.getLogger(__name__)

# Many desks booking one room all conflict on its guard: each rerun sees who won.
CONTENDED_ATTEMPTS = 60


@unit_of_work(attempts=CONTENDED_ATTEMPTS)
def create_booking(
    stores: RoomsStores, ctx: Context, request: Mapping[str, Any], zone: ZoneInfo
) -> Booking:
    """A confirmed booking, unless a holding booking or an out-of-order period overlaps it.

    Bumping the room's booking guard first makes two transactions booking the same room write
    the same document, so one loses a write conflict and its rerun sees the other's booking.
    """
    check_in, check_out = request["checkInDate"], request["checkOutDate"]
    rules.check_dates(check_in, check_out)
    room_number = request["roomNumber"]
    with stores.transaction() as tx:
        tx.guard_room_bookings(room_number)
        room = tx.get_room(room_number)
        if is_out_of_order_during(room, check_in, check_out, zone) or tx.has_holding_booking(
            room_number, check_in.isoformat(), check_out.isoformat()
        ):
            raise RoomUnavailable(room_number, check_in.isoformat(), check_out.isoformat())
        booking = tx.insert_booking(rules.new_booking(request, room, utc_now()))
        tx.record(events.booking_created(booking, ctx))
    return booking


def get_booking(stores: RoomsStores, ctx: Context, booking_id: str) -> Booking:
    return rules.as_seen_by(stores.get_booking(booking_id), ctx.principal)


def list_bookings(
    stores: RoomsStores, ctx: Context, filters: Mapping[str, Any], limit: int, offset: int
) -> tuple[list[Booking], int]:
    items, total = stores.find_bookings(filters, limit, offset)
    return [rules.as_seen_by(booking, ctx.principal) for booking in items], total


@unit_of_work
def cancel_booking(stores: RoomsStores, ctx: Context, booking_id: str) -> Booking:
    with stores.transaction() as tx:
        booking = tx.get_booking(booking_id)
        cancelled = rules.cancel(booking, utc_now())
        tx.save_booking(cancelled, expected_status=booking["bookingStatus"])
        tx.record(events.booking_cancelled(cancelled, ctx))
    return cancelled


def find_available_rooms(
    stores: RoomsStores,
    ctx: Context,
    first_night: date,
    departure: date,
    room_type: str | None,
    zone: ZoneInfo,
) -> list[Room]:
    """Rooms (of the type) with no holding booking and no out-of-order period on those nights."""
    rules.check_dates(first_night, departure, field="to")
    taken = stores.booked_room_numbers(first_night.isoformat(), departure.isoformat())
    return [
        room
        for room in stores.all_rooms(room_type)
        if room["roomNumber"] not in taken
        and not is_out_of_order_during(room, first_night, departure, zone)
    ]


@unit_of_work
def import_pms_reservation(
    stores: RoomsStores, ctx: Context, reservation: PmsReservation
) -> Booking | None:
    """Create or follow the booking of a PMS reservation (one booking per reservation id); a
    guest the PMS has in house or checked out is checked in or out here too (once)."""
    with stores.transaction() as tx:
        room = tx.find_room(reservation.room_number)
        existing = tx.find_booking_by_pms_id(reservation.reservation_id)
        price = room["price"] if room else 0.0
        booking = rules.imported_booking(existing, reservation, price, utc_now())
        if booking is None:
            return None
        tx.upsert_booking(booking)
        if existing is None:
            tx.record(events.booking_created(booking, ctx))
        elif existing["bookingStatus"] != rules.CANCELLED == booking["bookingStatus"]:
            tx.record(events.booking_cancelled(booking, ctx))
        move = pms_rules.guest_move(reservation.status)
        if move == pms_rules.CHECK_IN and booking["bookingStatus"] == rules.CONFIRMED:
            return _checked_in_by_pms(tx, ctx, booking, room)
        if move == pms_rules.CHECK_OUT and booking["bookingStatus"] == rules.CHECKED_IN:
            return _checked_out_by_pms(tx, ctx, booking)
        if move == pms_rules.CHECK_OUT and booking["bookingStatus"] == rules.CONFIRMED:
            log.info("PMS reservation %s checked out, never in house here", booking["_id"])
    return booking


def _checked_in_by_pms(
    tx: RoomsStores, ctx: Context, booking: Booking, room: Room | None
) -> Booking:
    """The PMS has the guest in house: checked in here whatever housekeeping says (the guest is
    in the room already), unless the room is unknown or another guest is in it (logged)."""
    if room is None or room["frontOfficeStatus"] == OCCUPIED:
        why = "no such room here" if room is None else "another guest is in it here"
        log.warning(
            "PMS check-in of booking %s into room %s not made: %s",
            booking["_id"],
            booking["roomNumber"],
            why,
        )
        return booking
    now = utc_now()
    stay = stay_rules.new_stay({}, booking, room, now, ctx.actor, stay_rules.BY_PMS)
    open_stay(tx, ctx, stay, room, booking, room_rules.SOURCE_PMS, now)
    return tx.get_booking(booking["_id"])


def _checked_out_by_pms(tx: RoomsStores, ctx: Context, booking: Booking) -> Booking:
    stay = tx.get_stay(booking["customerId"])
    if stay["status"] == stay_rules.STAY_CHECKED_IN:
        close_stay(tx, ctx, stay, stay_rules.BY_PMS, utc_now())
    return tx.get_booking(booking["_id"])

"""Stay use cases: check-in (from a booking or walk-in), extension, check-out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import hotel_day, utc_now
from rooms import events
from rooms.rules import bookings as booking_rules
from rooms.rules import rooms as room_rules
from rooms.rules import stays as rules
from rooms.rules.bookings import Booking
from rooms.rules.rooms import HousekeepingPolicy, Room
from rooms.rules.stays import Stay
from rooms.service.rooms import save_status_change
from rooms.store import RoomsStores


@unit_of_work
def check_in(
    stores: RoomsStores,
    ctx: Context,
    request: Mapping[str, Any],
    policy: HousekeepingPolicy,
    zone: ZoneInfo,
) -> Stay:
    """Room Occupied, booking checked in and the stay opened, or none of them.

    A walk-in's nights start on the hotel's today (HOTEL_TIMEZONE), not the server's.
    """
    with stores.transaction() as tx:
        booking = tx.get_booking(request["bookingId"]) if request.get("bookingId") else None
        if booking is not None:
            booking_rules.check_booking_move(booking, booking_rules.CHECKED_IN)
        room = tx.get_room(booking["roomNumber"] if booking else request["roomNumber"])
        rules.check_room_ready(room, policy, override=bool(request.get("override")))
        now = utc_now()
        if booking is None:
            today = hotel_day(now, zone)
            check_walk_in_nights(tx, room["roomNumber"], today, request["checkoutDate"])
        stay = rules.new_stay(request, booking, room, now, ctx.actor)
        open_stay(tx, ctx, stay, room, booking, room_rules.SOURCE_FRONT_OFFICE, now)
    return stay


def open_stay(
    tx: RoomsStores,
    ctx: Context,
    stay: Stay,
    room: Room,
    booking: Booking | None,
    source: str,
    now: datetime,
) -> None:
    """Inside the caller's transaction: the room Occupied, the booking taken up, the stay stored,
    with the room's history (`source`) and both events."""
    occupied = room_rules.occupy(room, now, stay["name"], stay.get("contactNumber"))
    save_status_change(tx, ctx, room, occupied, source, now)
    if booking is not None:
        taken_up = booking_rules.check_in(booking, stay["_id"], now)
        tx.save_booking(taken_up, expected_status=booking["bookingStatus"])
    tx.insert_stay(stay)
    tx.record(events.customer_checked_in(stay, ctx))


def check_walk_in_nights(tx: RoomsStores, room_number: str, today: date, departure: date) -> None:
    rules.check_walk_in_dates(today, departure)
    if tx.has_holding_booking(room_number, today.isoformat(), departure.isoformat()):
        raise booking_rules.RoomUnavailable(room_number, today.isoformat(), departure.isoformat())


@unit_of_work
def check_out(stores: RoomsStores, ctx: Context, stay_id: str) -> Stay:
    """Stay and booking checked out, the room Vacant and Dirty, or none of them."""
    with stores.transaction() as tx:
        return close_stay(tx, ctx, tx.get_stay(stay_id), rules.BY_FRONT_OFFICE, utc_now())


def close_stay(tx: RoomsStores, ctx: Context, stay: Stay, source: str, now: datetime) -> Stay:
    """Inside the caller's transaction: the stay and its booking checked out, the room Vacant
    and Dirty (history source: `source`), and the checked-out event."""
    closed = rules.check_out(stay, now, source)
    room = tx.get_room(stay["roomNumber"])
    save_status_change(tx, ctx, room, room_rules.vacate(room, now), source, now)
    tx.save_stay(closed, expected_status=stay["status"])
    booking = tx.find_booking(stay["bookingId"]) if stay.get("bookingId") else None
    if booking is not None and booking["bookingStatus"] == booking_rules.CHECKED_IN:
        tx.save_booking(
            booking_rules.check_out(booking, now), expected_status=booking["bookingStatus"]
        )
    tx.record(events.customer_checked_out(closed, ctx))
    return closed


@unit_of_work
def extend_stay(
    stores: RoomsStores, ctx: Context, stay_id: str, new_departure: date, zone: ZoneInfo
) -> Stay:
    """A new departure date; refused when another booking holds one of the added nights."""
    with stores.transaction() as tx:
        stay = tx.get_stay(stay_id)
        extended = rules.extend(stay, new_departure, utc_now(), zone)
        added = rules.added_nights(stay, new_departure)
        if added and tx.has_holding_booking(
            stay["roomNumber"], *added, except_id=stay.get("bookingId")
        ):
            raise booking_rules.RoomUnavailable(stay["roomNumber"], *added)
        tx.save_stay(extended, expected_status=stay["status"])
        tx.record(events.customer_stay_extended(extended, ctx))
    return extended


def get_stay(stores: RoomsStores, ctx: Context, stay_id: str) -> Stay:
    """One stay; the booking code only for the front office (supervisors read stays too)."""
    return booking_rules.as_seen_by(stores.get_stay(stay_id), ctx.principal)


def list_stays(
    stores: RoomsStores, ctx: Context, filters: Mapping[str, Any], limit: int, offset: int
) -> tuple[list[Stay], int]:
    items, total = stores.find_stays(filters, limit, offset)
    return [booking_rules.as_seen_by(stay, ctx.principal) for stay in items], total

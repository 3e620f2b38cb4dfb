"""Stays (the ERD's customers): check-in from a booking or as a walk-in, extend, check-out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from hotel_shared.errors import Conflict, NotFound
from hotel_shared.timeutil import utc_now
from rooms import events
from rooms.domain import bookings as booking_rules
from rooms.domain.rooms import get_room
from rooms.domain.rules import (
    DEFAULT_POLICY,
    DIRTY,
    GUEST_SERVICE_NONE,
    OCCUPIED,
    SOURCE_FRONT_OFFICE,
    VACANT,
    WRITE_ATTEMPTS,
    ConcurrentRoomUpdate,
    HousekeepingPolicy,
    Room,
    RoomOccupied,
    RoomRepository,
    VersionConflict,
    is_ready_for_guest,
    status_change_records,
    with_status_changes,
)

if TYPE_CHECKING:
    from hotel_shared.auth import Principal
    from rooms.booking_store import BookingStore, StayStore

Stay = dict[str, Any]

STAY_CHECKED_IN, STAY_CHECKED_OUT = "checked in", "checked out"
STAY_STATUSES = (STAY_CHECKED_IN, STAY_CHECKED_OUT)
FRONT_OFFICE_ROLES = ("hotelAdmin", "frontOffice")
STAY_READER_ROLES = ("hotelAdmin", "frontOffice", "supervisor")


class StayNotFound(NotFound):
    code = "customer_not_found"

    def __init__(self, stay_id: str) -> None:
        super().__init__(f"customer stay {stay_id} does not exist", customerId=stay_id)


class RoomNotReady(Conflict):
    code = "room_not_ready"


class StayNotCheckedIn(Conflict):
    code = "customer_not_checked_in"


def check_room_ready(room: Room, policy: HousekeepingPolicy, *, override: bool) -> None:
    """A guest gets a Vacant room in the ready state; the override skips only the readiness."""
    if room["frontOfficeStatus"] == OCCUPIED:
        raise RoomOccupied(f"room {room['roomNumber']} is occupied")
    if override or is_ready_for_guest(room, policy):
        return
    state = "out of order" if room.get("outOfOrder") else room["housekeepingStatus"]
    raise RoomNotReady(
        f"room {room['roomNumber']} is {state}, not {policy.ready_status}; "
        "check in anyway with override and a reason",
        roomNumber=room["roomNumber"],
        housekeepingStatus=room["housekeepingStatus"],
        readyStatus=policy.ready_status,
    )


def occupy_room(room: Room, now: datetime) -> Room:
    # Housekeeping's last sighting described the previous guest; it would fake a Skip.
    return with_status_changes(room, {"frontOfficeStatus": OCCUPIED, "hkOccupancy": None}, now)


def vacate_room(room: Room, now: datetime) -> Room:
    changes = {
        "frontOfficeStatus": VACANT,
        "housekeepingStatus": DIRTY,
        "hkOccupancy": None,
        "guestServiceStatus": GUEST_SERVICE_NONE,
    }
    return with_status_changes(room, changes, now)


def new_stay(
    request: Mapping[str, Any],
    booking: Mapping[str, Any] | None,
    room: Room,
    now: datetime,
    actor: dict[str, Any] | None,
) -> Stay:
    stay: Stay = {
        "_id": booking_rules.new_id(),
        "roomNumber": room["roomNumber"],
        "contactNumber": request.get("contactNumber"),
        "checkinDate": now,
        "updatedCheckoutDate": None,
        "status": STAY_CHECKED_IN,
        "checkedOutAt": None,
        "override": None,
        "createdAt": now,
        "updatedAt": now,
    }
    if booking is not None:
        stay |= {
            "name": request.get("name") or booking["customerName"],
            "checkoutDate": booking["checkOutDate"],
            "bookingId": booking["_id"],
            "specialId": booking["specialId"],
        }
    else:
        stay |= {
            "name": request["name"],
            "checkoutDate": request["checkoutDate"].isoformat(),
            "bookingId": None,
            "specialId": booking_rules.new_special_id(),
        }
    if request.get("override"):
        stay["override"] = {
            "reason": request["reason"],
            "housekeepingStatus": room["housekeepingStatus"],
            "by": actor,
        }
    return stay


def departure_date(stay: Mapping[str, Any]) -> str:
    return stay.get("updatedCheckoutDate") or stay["checkoutDate"]


# --- use cases ---------------------------------------------------------------------------------


def check_in(
    stays: StayStore,
    bookings: BookingStore,
    rooms: RoomRepository,
    request: Mapping[str, Any],
    *,
    principal: Principal,
    correlation_id: str | None,
    policy: HousekeepingPolicy = DEFAULT_POLICY,
) -> Stay:
    """Check a guest in; the room's version decides between two desks taking the same room."""
    actor = principal.as_actor()
    for _ in range(WRITE_ATTEMPTS):
        booking = None
        if request.get("bookingId"):
            booking = booking_rules.get_booking(bookings, request["bookingId"])
            if booking["bookingStatus"] != booking_rules.CONFIRMED:
                raise booking_rules.BookingNotConfirmed(
                    f"booking {booking['_id']} is {booking['bookingStatus']}"
                )
            room_number = booking["roomNumber"]
        else:
            room_number = request["roomNumber"]
        room = get_room(rooms, room_number)
        check_room_ready(room, policy, override=bool(request.get("override")))
        now = utc_now()
        if booking is None:
            check_walk_in_nights(bookings, room_number, now.date(), request["checkoutDate"])
        stay = new_stay(request, booking, room, now, actor)
        occupied = occupy_room(room, now)
        room_event, history = status_change_records(
            room,
            occupied,
            actor=actor,
            source=SOURCE_FRONT_OFFICE,
            correlation_id=correlation_id,
            now=now,
        )
        stay_event = events.customer_checked_in(stay, actor=actor, correlation_id=correlation_id)
        try:
            stays.check_in(
                stay,
                occupied,
                previous_room_version=room["version"],
                booking_id=booking and booking["_id"],
                events=[room_event, stay_event],
                history=history,
            )
        except VersionConflict:
            continue
        return stay
    raise ConcurrentRoomUpdate("the room or booking kept changing during check-in; try again")


def check_walk_in_nights(
    bookings: BookingStore, room_number: str, today: date, departure: date
) -> None:
    booking_rules.check_dates(today, departure, field="checkoutDate")
    if bookings.find_overlapping(room_number, today.isoformat(), departure.isoformat()):
        raise booking_rules.RoomUnavailable(room_number, today.isoformat(), departure.isoformat())


def check_out(
    stays: StayStore,
    rooms: RoomRepository,
    stay_id: str,
    *,
    principal: Principal,
    correlation_id: str | None,
) -> Stay:
    actor = principal.as_actor()
    for _ in range(WRITE_ATTEMPTS):
        stay = get_stay(stays, stay_id)
        if stay["status"] != STAY_CHECKED_IN:
            raise StayNotCheckedIn(f"customer stay {stay_id} is already checked out")
        room = get_room(rooms, stay["roomNumber"])
        now = utc_now()
        closed = {**stay, "status": STAY_CHECKED_OUT, "checkedOutAt": now, "updatedAt": now}
        vacated = vacate_room(room, now)
        room_event, history = status_change_records(
            room,
            vacated,
            actor=actor,
            source=SOURCE_FRONT_OFFICE,
            correlation_id=correlation_id,
            now=now,
        )
        stay_event = events.customer_checked_out(closed, actor=actor, correlation_id=correlation_id)
        try:
            stays.check_out(
                closed,
                vacated,
                previous_room_version=room["version"],
                events=[room_event, stay_event],
                history=history,
            )
        except VersionConflict:
            continue
        return closed
    raise ConcurrentRoomUpdate("the room or stay kept changing during check-out; try again")


def extend_stay(
    stays: StayStore,
    bookings: BookingStore,
    stay_id: str,
    new_departure: date,
    *,
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> Stay:
    stay = get_stay(stays, stay_id)
    if stay["status"] != STAY_CHECKED_IN:
        raise StayNotCheckedIn(f"customer stay {stay_id} is checked out; it cannot be extended")
    arrival = stay["checkinDate"].date()
    booking_rules.check_dates(arrival, new_departure, field="updatedCheckoutDate")
    current = departure_date(stay)
    if new_departure.isoformat() > current:
        clashes = bookings.find_overlapping(
            stay["roomNumber"], current, new_departure.isoformat(), except_id=stay.get("bookingId")
        )
        if clashes:
            raise booking_rules.RoomUnavailable(
                stay["roomNumber"], current, new_departure.isoformat()
            )
    now = utc_now()
    extended = {**stay, "updatedCheckoutDate": new_departure.isoformat(), "updatedAt": now}
    event = events.customer_stay_extended(extended, actor=actor, correlation_id=correlation_id)
    if not stays.replace_if_status(extended, expected_status=STAY_CHECKED_IN, event=event):
        raise StayNotCheckedIn(f"customer stay {stay_id} was checked out meanwhile")
    return extended


def get_stay(stays: StayStore, stay_id: str) -> Stay:
    stay = stays.get(stay_id)
    if stay is None:
        raise StayNotFound(stay_id)
    return stay


def list_stays(
    stays: StayStore, filters: Mapping[str, Any], limit: int, offset: int
) -> tuple[list[Stay], int]:
    return stays.find_page(filters, limit, offset)

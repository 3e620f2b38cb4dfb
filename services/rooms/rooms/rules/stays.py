"""Stay rules (the ERD's customers): who gets a room, a stay's start, extension and end."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hotel_shared.errors import Conflict, NotFound
from hotel_shared.timeutil import hotel_day
from rooms.rules.bookings import check_dates, new_id, new_special_id
from rooms.rules.rooms import (
    OCCUPIED,
    SOURCE_FRONT_OFFICE,
    SOURCE_PMS,
    HousekeepingPolicy,
    Room,
    RoomOccupied,
    is_ready_for_guest,
)

Stay = dict[str, Any]

STAY_CHECKED_IN, STAY_CHECKED_OUT = "checked in", "checked out"
STAY_STATUSES = (STAY_CHECKED_IN, STAY_CHECKED_OUT)
# Where a check-in or check-out was made: our front desk, or the PMS (OPERA's own desk); the
# same words as the room history's source.
BY_FRONT_OFFICE, BY_PMS = SOURCE_FRONT_OFFICE, SOURCE_PMS
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


def check_walk_in_dates(today: date, departure: date) -> None:
    check_dates(today, departure, field="checkoutDate")


def new_stay(
    request: Mapping[str, Any],
    booking: Mapping[str, Any] | None,
    room: Room,
    now: datetime,
    actor: dict[str, Any] | None,
    source: str = BY_FRONT_OFFICE,
) -> Stay:
    """The stay a check-in opens: from the booking's name, dates and specialId, or a walk-in's;
    `source` says whether our front desk or the PMS checked the guest in."""
    stay: Stay = {
        "_id": new_id(),
        "roomNumber": room["roomNumber"],
        "contactNumber": request.get("contactNumber"),
        "checkinDate": now,
        "checkinTime": now,  # the ERD's name for the instant of check-in
        "updatedCheckoutDate": None,
        "status": STAY_CHECKED_IN,
        "checkedOutAt": None,
        "checkinSource": source,
        "checkoutSource": None,
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
            "specialId": new_special_id(),
        }
    if request.get("override"):
        stay["override"] = {
            "reason": request["reason"],
            "housekeepingStatus": room["housekeepingStatus"],
            "by": actor,
        }
    return stay


def upgraded(stay: Stay) -> Stay:
    """A stay as the rules know it, also when stored before checkinTime or the sources."""
    stay.setdefault("checkinTime", stay.get("checkinDate"))
    stay.setdefault("checkinSource", BY_FRONT_OFFICE)
    closed_here = BY_FRONT_OFFICE if stay["status"] == STAY_CHECKED_OUT else None
    stay.setdefault("checkoutSource", closed_here)
    return stay


def departure_date(stay: Mapping[str, Any]) -> str:
    return stay.get("updatedCheckoutDate") or stay["checkoutDate"]


def check_out(stay: Stay, now: datetime, source: str = BY_FRONT_OFFICE) -> Stay:
    if stay["status"] != STAY_CHECKED_IN:
        raise StayNotCheckedIn(f"customer stay {stay['_id']} is already checked out")
    closed = {"status": STAY_CHECKED_OUT, "checkedOutAt": now, "checkoutSource": source}
    return {**stay, **closed, "updatedAt": now}


def extend(stay: Stay, new_departure: date, now: datetime, zone: ZoneInfo) -> Stay:
    """The stay with a new departure date (earlier or later), after the hotel's day of arrival."""
    if stay["status"] != STAY_CHECKED_IN:
        raise StayNotCheckedIn(f"customer stay {stay['_id']} is checked out; it cannot be extended")
    arrival = hotel_day(stay["checkinDate"], zone)
    check_dates(arrival, new_departure, field="updatedCheckoutDate")
    return {**stay, "updatedCheckoutDate": new_departure.isoformat(), "updatedAt": now}


def added_nights(stay: Mapping[str, Any], new_departure: date) -> tuple[str, str] | None:
    """The nights (first, departure) an extension adds, or None when it adds none."""
    current = departure_date(stay)
    if new_departure.isoformat() > current:
        return current, new_departure.isoformat()
    return None

"""Out of order / out of service: taking a room off sale with a reason, and giving it back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hotel_shared.errors import Conflict, ValidationFailed
from hotel_shared.timeutil import hotel_day
from rooms.rules.rooms import (
    DEFAULT_POLICY,
    DIRTY,
    OCCUPIED,
    HousekeepingPolicy,
    Room,
    RoomOccupied,
    check_status_in_use,
    with_status_changes,
)

OUT_OF_ORDER_KINDS = ("OutOfOrder", "OutOfService")
OUT_OF_ORDER_ROLES = ("hotelAdmin", "supervisor", "frontOffice")


class ArrivalToday(Conflict):
    code = "arrival_today"


class RoomNotOutOfOrder(Conflict):
    code = "room_not_out_of_order"


def take_out_of_order(
    room: Room,
    request: Mapping[str, Any],
    now: datetime,
    *,
    has_arrival_today: bool,
    policy: HousekeepingPolicy = DEFAULT_POLICY,
) -> Room:
    """The room off sale until `to`; refused while a guest is in it or one arrives today."""
    if room["frontOfficeStatus"] == OCCUPIED:
        raise RoomOccupied(
            f"room {room['roomNumber']} is occupied; move or check out the guest first"
        )
    if has_arrival_today:
        raise ArrivalToday(
            f"room {room['roomNumber']} has an arrival today; move the booking first"
        )
    start = request.get("from") or now
    end = request.get("to")
    if end is not None and end <= start:
        raise ValidationFailed("invalid request body: to", errors={"to": ["must be after from"]})
    return_status = request.get("returnStatus", DIRTY)
    check_status_in_use(return_status, policy)
    out_of_order = {
        "kind": request["kind"],
        "reason": request["reason"],
        "from": start,
        "to": end,
        "returnStatus": return_status,
    }
    return with_status_changes(room, {"outOfOrder": out_of_order}, now)


def return_to_service(room: Room, now: datetime) -> Room:
    """The room back on the housekeeping board with the status chosen when it went out."""
    out_of_order = room.get("outOfOrder")
    if not out_of_order:
        raise RoomNotOutOfOrder(f"room {room['roomNumber']} is not out of order or service")
    changes = {"outOfOrder": None, "housekeepingStatus": out_of_order["returnStatus"]}
    return with_status_changes(room, changes, now)


def is_out_of_order_during(
    room: Mapping[str, Any], first_night: date, departure: date, zone: ZoneInfo
) -> bool:
    """Whether the room's out-of-order period touches the nights first_night..departure-1.

    The period's instants fall on the hotel's days (HOTEL_TIMEZONE), as the nights do.
    """
    out_of_order = room.get("outOfOrder")
    if not out_of_order:
        return False
    starts = hotel_day(out_of_order["from"], zone)
    ends = hotel_day(out_of_order["to"], zone) if out_of_order.get("to") else None
    return starts < departure and (ends is None or ends > first_night)

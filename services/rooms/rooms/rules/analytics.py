"""Room analytics: occupancy and status counts now, turnaround over a period's history."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from rooms.rules.rooms import (
    DIRTY,
    FRONT_OFFICE_STATUSES,
    GUEST_SERVICE_STATUSES,
    HOUSEKEEPING_STATUSES,
    OCCUPIED,
    TURNDOWN_STATUSES,
    HousekeepingPolicy,
)

DEFAULT_PERIOD = timedelta(days=7)


def turnaround_minutes(
    housekeeping_history: Iterable[Mapping[str, Any]], ready_status: str
) -> list[float]:
    """Minutes from each room going Dirty to it next reaching the ready state, in time order."""
    went_dirty: dict[str, datetime] = {}
    minutes = []
    for entry in sorted(housekeeping_history, key=lambda entry: entry["time"]):
        room_number = entry["roomNumber"]
        if entry["newValue"] == DIRTY:
            went_dirty.setdefault(room_number, entry["time"])
        elif entry["newValue"] == ready_status and room_number in went_dirty:
            started = went_dirty.pop(room_number)
            minutes.append((entry["time"] - started).total_seconds() / 60)
    return minutes


def _counts(rooms: list[Mapping[str, Any]], field: str, values: tuple[str, ...]) -> dict:
    counted = Counter(room.get(field) for room in rooms)
    return {value: counted.get(value, 0) for value in values}


def summarise_rooms(
    rooms: list[Mapping[str, Any]],
    housekeeping_history: Iterable[Mapping[str, Any]],
    policy: HousekeepingPolicy,
) -> dict[str, Any]:
    """Occupancy and status counts now; turnaround over the history given (one period)."""
    out_of_order = [room for room in rooms if room.get("outOfOrder")]
    sellable = len(rooms) - len(out_of_order)
    occupied = sum(1 for room in rooms if room["frontOfficeStatus"] == OCCUPIED)
    turnarounds = turnaround_minutes(housekeeping_history, policy.ready_status)
    discrepancies = Counter(room.get("discrepancy") for room in rooms if room.get("discrepancy"))
    return {
        "totalRooms": len(rooms),
        "occupiedRooms": occupied,
        "occupancyRate": round(occupied / sellable, 4) if sellable else 0.0,
        "byHousekeepingStatus": _counts(rooms, "housekeepingStatus", HOUSEKEEPING_STATUSES),
        "byFrontOfficeStatus": _counts(rooms, "frontOfficeStatus", FRONT_OFFICE_STATUSES),
        "byGuestServiceStatus": _counts(rooms, "guestServiceStatus", GUEST_SERVICE_STATUSES),
        "byTurndownStatus": _counts(rooms, "turndownStatus", TURNDOWN_STATUSES),
        "byDiscrepancy": {"Sleep": discrepancies["Sleep"], "Skip": discrepancies["Skip"]},
        "readyStatus": policy.ready_status,
        "turnarounds": len(turnarounds),
        "averageTurnaroundMinutes": (
            round(sum(turnarounds) / len(turnarounds), 1) if turnarounds else None
        ),
        "outOfOrderCount": len(out_of_order),
        "outOfOrderRooms": [
            {
                "roomNumber": room["roomNumber"],
                "kind": room["outOfOrder"]["kind"],
                "reason": room["outOfOrder"]["reason"],
                "from": room["outOfOrder"]["from"],
                "to": room["outOfOrder"].get("to"),
                "returnStatus": room["outOfOrder"]["returnStatus"],
            }
            for room in out_of_order
        ],
    }


def analytics_period(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The period [start, end) asked for; by default the seven days up to now."""
    end = end or now
    return start or end - DEFAULT_PERIOD, end

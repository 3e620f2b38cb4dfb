"""Pure rules of the sync: back-off, which room state wins, drift and the repair policy, echoes."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from hotel_shared.errors import ServiceUnavailable

STATUS_ROLES = ("hotelAdmin", "frontOffice", "supervisor")
RECONCILE_ROLES = ("hotelAdmin",)

# Outbox kinds and states.
ROOM_STATUS, CHARGE, STAY = "roomStatus", "charge", "stay"
CHECK_IN, CHECK_OUT = "checkIn", "checkOut"
# OPERA reservation statuses from which each move is due, and the one it ends in.
STAY_MOVES = {CHECK_IN: (("Reserved", "DueIn"), "InHouse"), CHECK_OUT: (("InHouse",), "CheckedOut")}
PENDING, SENT, FAILED = "pending", "sent", "failed"
# A refusal is retried this often (the reservation may not be in house yet), then it is failed.
MAX_REJECTED_ATTEMPTS = 5

# What a drift item compares, and who wins each (DESIGN: the PMS wins on occupancy and
# reservations, we win on housekeeping progress).
OURS_WIN = ("housekeepingStatus", "outOfOrder")
PMS_WINS = ("frontOfficeStatus",)


class PmsUnreachable(ServiceUnavailable):
    code = "pms_unreachable"


def backoff_seconds(
    attempts: int, base_s: float = 1.0, cap_s: float = 60.0, rand: random.Random | None = None
) -> float:
    """Exponential back-off with full jitter: uniform in [base/2, min(cap, base * 2^attempts)]."""
    ceiling = min(cap_s, base_s * (2 ** max(attempts - 1, 0)))
    return (rand or random).uniform(min(base_s / 2, ceiling), ceiling)


def is_newer(incoming_version: int, stored: Mapping[str, Any] | None) -> bool:
    """A room's later state replaces an earlier one; a late, older delivery never does."""
    return stored is None or incoming_version > int(stored.get("version") or 0)


def room_view(room: Mapping[str, Any]) -> dict[str, Any]:
    """Our room as the sync compares it (outOfOrder reduced to its kind)."""
    out_of_order = room.get("outOfOrder")
    return {
        "housekeepingStatus": room.get("housekeepingStatus"),
        "frontOfficeStatus": room.get("frontOfficeStatus"),
        "hkOccupancy": room.get("hkOccupancy"),
        "outOfOrder": out_of_order.get("kind") if isinstance(out_of_order, Mapping) else None,
    }


def differences(ours: Mapping[str, Any], pms: Mapping[str, Any]) -> list[str]:
    """The compared fields on which our room and the PMS's differ."""
    fields = [*OURS_WIN, *PMS_WINS]
    moved = [name for name in fields if ours.get(name) != pms.get(name)]
    # Out of order, OPERA has no housekeeping status to compare.
    if ours.get("outOfOrder") and pms.get("outOfOrder") == ours.get("outOfOrder"):
        moved = [name for name in moved if name != "housekeepingStatus"]
    return moved


def drift(ours: Mapping[str, Mapping[str, Any]], pms: list[Mapping[str, Any]]) -> list[dict]:
    """Rooms both sides know whose compared state differs, in room order."""
    items = []
    for room in sorted(pms, key=lambda r: r["roomNumber"]):
        mine = ours.get(room["roomNumber"])
        if mine is None:
            continue
        theirs = {
            key: room.get(key)
            for key in ("housekeepingStatus", "frontOfficeStatus", "hkOccupancy", "outOfOrder")
        }
        moved = differences(mine, theirs)
        if moved:
            items.append(
                {
                    "roomNumber": room["roomNumber"],
                    "ours": dict(mine),
                    "pms": theirs,
                    "fields": moved,
                }
            )
    return items


def repairs(item: Mapping[str, Any]) -> list[str]:
    """How reconcile repairs one drift item: `send_ours` and/or `emit_pms`."""
    actions = []
    if any(name in OURS_WIN for name in item["fields"]):
        actions.append("send_ours")
    if any(name in PMS_WINS for name in item["fields"]):
        actions.append("emit_pms")
    return actions


def stay_move_needed(action: str, pms_status: str | None) -> bool | None:
    """True: OPERA must be told; False: it already is where we are; None: it cannot be."""
    due_from, reached = STAY_MOVES[action]
    if pms_status == reached:
        return False
    return True if pms_status in due_from else None


# How long a status we sent may come back from OPERA as its event: OPERA reports each change, and
# a quick Clean then Pickup here can see the Clean's event arrive after the Pickup was sent.
ECHO_WINDOW = timedelta(minutes=10)
RECENT_SENT_KEPT = 10


def is_superseded(created: datetime | None, last_sent: Mapping[str, Any] | None) -> bool:
    """A PMS room-status event made before our latest send to that room is older than what the
    room now has there (a redelivered or late event): applying it would move the room back."""
    return created is not None and last_sent is not None and created <= last_sent["at"]


def is_echo(
    pms_status: str | None, recent_sent: Iterable[Mapping[str, Any]], now: datetime
) -> bool:
    """A PMS room-status event repeating any status we sent that room within ECHO_WINDOW is our own
    change coming back (late or not), never a PMS user's: applying it would undo a newer change of
    ours. A PMS user's move to such a status is lost only to the reconcile, where we win anyway."""
    return any(
        sent.get("housekeepingStatus") == pms_status and now - sent["at"] <= ECHO_WINDOW
        for sent in recent_sent
        if sent.get("at") is not None
    )

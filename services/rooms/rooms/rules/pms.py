"""What the PMS may change on our side, and how.

The PMS is the authority on occupancy and reservations, we are on housekeeping (the
pms-adapter's drift policy). So a PMS user's room change goes through our own housekeeping rules
(the transition table and the hotel's switches; who may inspect is the PMS's own permission), and
a move they refuse is not applied: the room keeps our status and the adapter's reconcile sends it
back to the PMS. Occupancy moves only with the guest: a reservation the PMS reports in house is
checked in here (no readiness gate, the guest is in the room already), one it reports checked out
is checked out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rooms.rules.out_of_order import take_out_of_order
from rooms.rules.rooms import (
    HousekeepingPolicy,
    Room,
    check_housekeeping_transition,
    with_status_changes,
)

# OPERA's reservation statuses that move a guest (its search enum calls InHouse "CheckedIn").
PMS_IN_HOUSE, PMS_CHECKED_OUT = "InHouse", "CheckedOut"
CHECK_IN, CHECK_OUT = "checkIn", "checkOut"
# The reason an out-of-order period set in the PMS carries (OPERA's event gives none).
PMS_OUT_OF_ORDER_REASON = "set in the PMS"


@dataclass(frozen=True)
class PmsRoomStatus:
    """A PMS user's room change in plain values: only what the PMS moved, None for the rest."""

    room_number: str
    housekeeping_status: str | None = None
    out_of_order: str | None = None  # the kind the PMS set: OutOfOrder | OutOfService


def apply_pms_room_status(
    room: Room,
    status: PmsRoomStatus,
    now: datetime,
    *,
    has_arrival_today: bool,
    policy: HousekeepingPolicy,
) -> Room | None:
    """The room after the PMS's change by our rules, or None when it changes nothing.

    Raises the rule's Conflict when our rules refuse the move (Dirty → Inspected, out of order
    with a guest in the room...): the caller keeps our status. Out of order is started from the
    PMS, never ended by it: a room goes back to service on our side (who took it out decides).
    """
    changes: dict[str, object] = {}
    if status.out_of_order and not room.get("outOfOrder"):
        request = {"kind": status.out_of_order, "reason": PMS_OUT_OF_ORDER_REASON}
        taken = take_out_of_order(
            room, request, now, has_arrival_today=has_arrival_today, policy=policy
        )
        changes["outOfOrder"] = taken["outOfOrder"]
    new_status = status.housekeeping_status
    if new_status and new_status != room["housekeepingStatus"]:
        check_housekeeping_transition(room["housekeepingStatus"], new_status, policy)
        changes["housekeepingStatus"] = new_status
    return with_status_changes(room, changes, now) if changes else None


def guest_move(pms_status: str | None) -> str | None:
    """The stay move a PMS reservation status asks for: CHECK_IN, CHECK_OUT or None."""
    return {PMS_IN_HOUSE: CHECK_IN, PMS_CHECKED_OUT: CHECK_OUT}.get(pms_status or "")

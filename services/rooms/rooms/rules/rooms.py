"""Room rules: statuses, housekeeping transitions, who may change what, derived fields."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hotel_shared import versions
from hotel_shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotel_shared.principal import Principal, check_guest_room

Room = dict[str, Any]

ROOM_TYPES = ("Standard", "Deluxe", "Economy", "Suite")

DIRTY, PICKUP, CLEAN, INSPECTED = "Dirty", "Pickup", "Clean", "Inspected"
HOUSEKEEPING_STATUSES = (DIRTY, PICKUP, CLEAN, INSPECTED)
VACANT, OCCUPIED = "Vacant", "Occupied"
FRONT_OFFICE_STATUSES = (VACANT, OCCUPIED)
HK_OCCUPANCIES = (VACANT, OCCUPIED)
SLEEP, SKIP = "Sleep", "Skip"
GUEST_SERVICE_NONE, DO_NOT_DISTURB, MAKE_UP_ROOM = "None", "DoNotDisturb", "MakeUpRoom"
GUEST_SERVICE_STATUSES = (GUEST_SERVICE_NONE, DO_NOT_DISTURB, MAKE_UP_ROOM)
TURNDOWN_STATUSES = ("NotRequired", "Required", "Done")
# The ERD's `status`, derived on every change and never written by clients.
UNDER_MAINTENANCE, BOOKED, AVAILABLE = "under maintenance", "booked", "available"

# Every allowed housekeeping move; anything else is refused. A room goes Inspected only from Clean.
ALLOWED_HOUSEKEEPING_MOVES: dict[str, tuple[str, ...]] = {
    DIRTY: (PICKUP, CLEAN),
    PICKUP: (CLEAN,),
    CLEAN: (DIRTY, PICKUP, INSPECTED),
    INSPECTED: (DIRTY, PICKUP, CLEAN),
}

STATUS_EDITOR_ROLES = ("hotelAdmin", "frontOffice", "supervisor", "staff")
# The status route also lets a guest in, for the guest-service request of their own room only.
STATUS_ROUTE_ROLES = (*STATUS_EDITOR_ROLES, "guest")
GUEST_STATUS_FIELDS = ("guestServiceStatus",)
INSPECTOR_ROLES = ("hotelAdmin", "supervisor")
ANALYTICS_ROLES = ("hotelAdmin", "frontOffice", "supervisor")
HOUSEKEEPING_DEPARTMENT = "housekeeping"
# Where a status change came from, as recorded in the history and the event.
SOURCE_API, SOURCE_FRONT_OFFICE, SOURCE_TASKS = "api", "frontOffice", "tasks"
SOURCE_PMS = "pms"  # applied from the PMS (a PMS user's room change, an OPERA check-in/out)

# What a client may set on PATCH …/status.
STATUS_FIELDS = ("housekeepingStatus", "hkOccupancy", "guestServiceStatus", "turndownStatus")
# The status dimensions whose every change is kept in the history and listed in the event.
STATUS_DIMENSIONS = (
    "housekeepingStatus",
    "frontOfficeStatus",
    "hkOccupancy",
    "discrepancy",
    "outOfOrder",
    "guestServiceStatus",
    "turndownStatus",
    "status",
)
DETAIL_FIELDS = ("roomType", "price", "capacity", "description", "facilities", "floor")
# `amenities` was the name of `facilities` (the ERD's) before; read from old documents.
LEGACY_FACILITIES = "amenities"


@dataclass(frozen=True)
class HousekeepingPolicy:
    """The per-hotel switches: whether rooms are inspected before sale, whether Pickup is used."""

    inspection_required: bool = True
    pickup_enabled: bool = True

    @property
    def ready_status(self) -> str:
        return INSPECTED if self.inspection_required else CLEAN


DEFAULT_POLICY = HousekeepingPolicy()


class RoomNotFound(NotFound):
    code = "room_not_found"

    def __init__(self, room_number: str) -> None:
        super().__init__(f"room {room_number} does not exist", roomNumber=room_number)


class RoomExists(Conflict):
    code = "room_exists"

    def __init__(self, room_number: str) -> None:
        super().__init__(f"room {room_number} already exists", roomNumber=room_number)


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, old: str, new: str) -> None:
        allowed = list(ALLOWED_HOUSEKEEPING_MOVES.get(old, ()))
        super().__init__(
            f"a room cannot go from {old} to {new}; from {old} it may go to {', '.join(allowed)}",
            **{"from": old, "to": new, "allowedTargets": allowed},
        )


class InspectionDisabled(Conflict):
    code = "inspection_disabled"


class PickupDisabled(Conflict):
    code = "pickup_disabled"


class RoomNotOccupied(Conflict):
    code = "room_not_occupied"


class RoomOccupied(Conflict):
    code = "room_occupied"


class StatusChangeNotAllowed(Forbidden):
    code = "status_change_not_allowed"


class InspectionNotAllowed(Forbidden):
    code = "inspection_not_allowed"


# --- housekeeping moves and who may make them ----------------------------------------------------


def allowed_housekeeping_targets(old: str) -> tuple[str, ...]:
    return ALLOWED_HOUSEKEEPING_MOVES.get(old, ())


def check_housekeeping_transition(
    old: str, new: str, policy: HousekeepingPolicy = DEFAULT_POLICY
) -> None:
    """Raise unless old → new is allowed under the hotel's policy (old == new is no move)."""
    if old == new:
        return
    check_status_in_use(new, policy)
    if new not in allowed_housekeeping_targets(old):
        raise InvalidTransition(old, new)


def check_status_in_use(status: str, policy: HousekeepingPolicy) -> None:
    """Refuse a housekeeping status the hotel switched off."""
    if status == INSPECTED and not policy.inspection_required:
        raise InspectionDisabled("this hotel does not inspect rooms; Clean is the ready state")
    if status == PICKUP and not policy.pickup_enabled:
        raise PickupDisabled("this hotel does not use the Pickup status")


def is_ready_for_guest(room: Mapping[str, Any], policy: HousekeepingPolicy) -> bool:
    """Sellable: in the hotel's ready state and not out of order or service."""
    return not room.get("outOfOrder") and room["housekeepingStatus"] == policy.ready_status


def may_update_room_status(role: str, department: str | None) -> bool:
    """Housekeeping staff, any supervisor, front office and admins; not other departments' staff."""
    if role == "staff":
        return department == HOUSEKEEPING_DEPARTMENT
    return role in STATUS_EDITOR_ROLES


def may_set_housekeeping_status(role: str, department: str | None, new_status: str) -> bool:
    if not may_update_room_status(role, department):
        return False
    return new_status != INSPECTED or role in INSPECTOR_ROLES


def check_status_permission(role: str, department: str | None, changes: Mapping[str, Any]) -> None:
    if not may_update_room_status(role, department):
        who = f"staff of {department or 'no'} department" if role == "staff" else role
        raise StatusChangeNotAllowed(f"{who} may not change room status")
    new_status = changes.get("housekeepingStatus")
    if new_status and not may_set_housekeeping_status(role, department, new_status):
        raise InspectionNotAllowed("only a supervisor or hotelAdmin may mark a room Inspected")


def check_status_change_allowed(
    principal: Principal, room_number: str, changes: Mapping[str, Any]
) -> None:
    """Staff by role and department; a guest only DND / Make Up Room / None of their own room."""
    if not principal.is_guest:
        check_status_permission(principal.role, principal.department, changes)
        return
    check_guest_room(principal, room_number)
    others = sorted(set(changes) - set(GUEST_STATUS_FIELDS))
    if others:
        raise StatusChangeNotAllowed(
            f"a guest may set only guestServiceStatus, not {', '.join(others)}", fields=others
        )


def check_version(room: Mapping[str, Any], expected_version: int | None) -> None:
    """The client's If-Match, when given, must name the version the room has now."""
    versions.check_version(
        room, expected_version, f"room {room['roomNumber']}", roomNumber=room["roomNumber"]
    )


# --- derived fields and new rooms ----------------------------------------------------------------


def compute_discrepancy(front_office_status: str, hk_occupancy: str | None) -> str | None:
    """Sleep: front desk says vacant, housekeeping found it occupied; Skip: the reverse."""
    if front_office_status == VACANT and hk_occupancy == OCCUPIED:
        return SLEEP
    if front_office_status == OCCUPIED and hk_occupancy == VACANT:
        return SKIP
    return None


def derive_status(room: Mapping[str, Any]) -> str:
    if room.get("outOfOrder"):
        return UNDER_MAINTENANCE
    if room.get("frontOfficeStatus") == OCCUPIED:
        return BOOKED
    return AVAILABLE


def default_floor(room_number: str) -> int | None:
    """The floor a room number implies ("204" → 2, "1012" → 10), or None when it implies none."""
    digits = re.match(r"[0-9]*", room_number).group()
    return int(digits[:-2]) if len(digits) >= 3 else None


def upgraded(room: Room) -> Room:
    """A room document as the rules know it, also when stored before facilities/guestName."""
    if "facilities" not in room:
        room["facilities"] = list(room.pop(LEGACY_FACILITIES, None) or [])
    room.pop(LEGACY_FACILITIES, None)
    room.setdefault("guestName", None)
    room.setdefault("guestContact", None)
    return room


def with_derived_fields(room: Room) -> Room:
    room["discrepancy"] = compute_discrepancy(room["frontOfficeStatus"], room.get("hkOccupancy"))
    room["status"] = derive_status(room)
    return room


def new_room(details: Mapping[str, Any], now: datetime) -> Room:
    """A room as first stored: Vacant, no guest-service request, version 1."""
    floor = details.get("floor")
    if floor is None:
        floor = default_floor(details["roomNumber"])
        if floor is None:
            raise ValidationFailed(
                "invalid request body: floor",
                errors={"floor": [f"cannot be derived from room {details['roomNumber']}; give it"]},
            )
    room: Room = {
        "roomNumber": details["roomNumber"],
        "roomType": details["roomType"],
        "price": details["price"],
        "capacity": details["capacity"],
        "description": details.get("description", ""),
        "facilities": list(details.get("facilities", [])),
        "floor": floor,
        "housekeepingStatus": details.get("housekeepingStatus", DIRTY),
        "frontOfficeStatus": VACANT,
        "hkOccupancy": None,
        "outOfOrder": None,
        "guestServiceStatus": GUEST_SERVICE_NONE,
        "turndownStatus": "NotRequired",
        # The ERD's guest of the room: the current stay's, kept by check-in and check-out.
        "guestName": None,
        "guestContact": None,
        "version": 1,
        "createdAt": now,
        "updatedAt": now,
        "statusChangedAt": now,
    }
    return with_derived_fields(room)


# --- the next version of a room ------------------------------------------------------------------


def _changed(room: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in changes.items() if room.get(name) != value}


def _next_version(room: Room, changed: Mapping[str, Any], now: datetime) -> Room:
    updated = {**room, **changed, "version": room["version"] + 1, "updatedAt": now}
    return with_derived_fields(updated)


def apply_status_changes(
    room: Room,
    changes: Mapping[str, Any],
    now: datetime,
    policy: HousekeepingPolicy = DEFAULT_POLICY,
) -> Room | None:
    """The room after a housekeeping/guest-service update, or None when nothing would change."""
    if "housekeepingStatus" in changes:
        check_housekeeping_transition(
            room["housekeepingStatus"], changes["housekeepingStatus"], policy
        )
    changed = _changed(room, changes)
    if not changed:
        return None
    request = changed.get("guestServiceStatus")
    if request in (DO_NOT_DISTURB, MAKE_UP_ROOM) and room["frontOfficeStatus"] != OCCUPIED:
        raise RoomNotOccupied(
            f"room {room['roomNumber']} is {room['frontOfficeStatus']}; "
            f"{request} applies only to an occupied room"
        )
    return with_status_changes(room, changed, now)


def with_status_changes(room: Room, changes: Mapping[str, Any], now: datetime) -> Room:
    """The next version of the room with status fields set by the system (check-in, tasks...)."""
    updated = _next_version(room, changes, now)
    updated["statusChangedAt"] = now
    return updated


def mark_cleaned(room: Room, now: datetime) -> Room | None:
    """A finished cleaning task: Dirty or Pickup → Clean; Clean, Inspected or out of order stay."""
    if room.get("outOfOrder") or room["housekeepingStatus"] not in (DIRTY, PICKUP):
        return None
    return with_status_changes(room, {"housekeepingStatus": CLEAN}, now)


def occupy(room: Room, now: datetime, guest_name: str, guest_contact: str | None) -> Room:
    """Check-in: the room is Occupied by the guest; housekeeping's last sighting is forgotten."""
    # That sighting described the previous guest; kept, it would fake a Skip.
    changes = {
        "frontOfficeStatus": OCCUPIED,
        "hkOccupancy": None,
        "guestName": guest_name,
        "guestContact": guest_contact,
    }
    return with_status_changes(room, changes, now)


def vacate(room: Room, now: datetime) -> Room:
    """Check-out: Vacant and Dirty from any housekeeping status, guest requests cleared."""
    changes = {
        "frontOfficeStatus": VACANT,
        "housekeepingStatus": DIRTY,
        "hkOccupancy": None,
        "guestServiceStatus": GUEST_SERVICE_NONE,
        "guestName": None,
        "guestContact": None,
    }
    return with_status_changes(room, changes, now)


def status_history_entries(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    actor: dict[str, Any] | None,
    source: str,
    now: datetime,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """One entry per status dimension that changed: old and new value, who, through what, when,
    and why when the caller said (a failed inspection's reason)."""
    return [
        {
            "roomNumber": new["roomNumber"],
            "field": name,
            "oldValue": old.get(name),
            "newValue": new.get(name),
            "version": new["version"],
            "actor": actor,
            "source": source,
            "reason": reason,
            "time": now,
        }
        for name in STATUS_DIMENSIONS
        if old.get(name) != new.get(name)
    ]


def apply_detail_changes(room: Room, changes: Mapping[str, Any], now: datetime) -> Room | None:
    """The room after an edit of its descriptive fields, or None when nothing would change."""
    changed = _changed(room, {k: v for k, v in changes.items() if k in DETAIL_FIELDS})
    return _next_version(room, changed, now) if changed else None


def changed_detail_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return sorted(name for name in DETAIL_FIELDS if old.get(name) != new.get(name))


def check_deletable(room: Mapping[str, Any]) -> None:
    if room["frontOfficeStatus"] == OCCUPIED:
        raise RoomOccupied(f"room {room['roomNumber']} is occupied; check the guest out first")

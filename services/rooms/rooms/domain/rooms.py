"""The room use cases: what each room route or handler does, on top of the room rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from hotel_shared.timeutil import utc_now
from rooms import events
from rooms.domain.rules import (
    CLEAN,
    DEFAULT_POLICY,
    DETAIL_FIELDS,
    DIRTY,
    PICKUP,
    SOURCE_API,
    WRITE_ATTEMPTS,
    ConcurrentRoomUpdate,
    HousekeepingPolicy,
    Room,
    RoomNotFound,
    RoomRepository,
    StaleRoomVersion,
    VersionConflict,
    apply_detail_changes,
    apply_status_changes,
    check_deletable,
    check_status_permission,
    check_version,
    new_room,
    status_change_records,
    with_status_changes,
)

if TYPE_CHECKING:
    from hotel_shared.auth import Principal

T = TypeVar("T")


# --- use cases: each is what one route or handler does ----------------------------------------


def list_rooms(
    rooms: RoomRepository, filters: Mapping[str, Any], limit: int, offset: int
) -> tuple[list[Room], int]:
    return rooms.find_page(filters, limit, offset)


def list_discrepancies(rooms: Any) -> list[Room]:
    """Rooms where the front desk and housekeeping disagree (Sleep or Skip)."""
    return rooms.find_discrepancies()


def list_room_history(
    rooms: Any, room_number: str, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    get_room(rooms, room_number)
    return rooms.find_history(room_number, limit, offset)


def mark_room_cleaned(room: Room, now: datetime) -> Room | None:
    """A finished cleaning task: Dirty or Pickup → Clean; Clean, Inspected or out of order stay."""
    if room.get("outOfOrder") or room["housekeepingStatus"] not in (DIRTY, PICKUP):
        return None
    return with_status_changes(room, {"housekeepingStatus": CLEAN}, now)


def get_room(rooms: RoomRepository, room_number: str) -> Room:
    room = rooms.get(room_number)
    if room is None:
        raise RoomNotFound(room_number)
    return room


def create_room(
    rooms: RoomRepository,
    details: Mapping[str, Any],
    *,
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> Room:
    room = new_room(details, utc_now())
    event = events.room_created(room, actor=actor, correlation_id=correlation_id)
    return rooms.insert(room, event)


def update_room_details(
    rooms: RoomRepository,
    room_number: str,
    changes: Mapping[str, Any],
    *,
    actor: dict[str, Any] | None,
    expected_version: int | None,
    correlation_id: str | None,
) -> Room:
    def write(room: Room) -> Room:
        updated = apply_detail_changes(room, changes, utc_now())
        if updated is None:
            return room
        changed = sorted(name for name in DETAIL_FIELDS if updated[name] != room[name])
        event = events.room_updated(
            updated, changed_fields=changed, actor=actor, correlation_id=correlation_id
        )
        return rooms.replace(updated, previous_version=room["version"], event=event)

    return write_with_retry(rooms, room_number, expected_version, write)


def change_room_status(
    rooms: RoomRepository,
    room_number: str,
    changes: Mapping[str, Any],
    *,
    principal: Principal,
    expected_version: int | None,
    correlation_id: str | None,
    policy: HousekeepingPolicy = DEFAULT_POLICY,
) -> Room:
    """Apply a housekeeping/guest-service update; a change to what it already is writes nothing."""
    check_status_permission(principal.role, principal.department, changes)
    return write_status_change(
        rooms,
        room_number,
        lambda room, now: apply_status_changes(room, changes, now, policy),
        actor=principal.as_actor(),
        source=SOURCE_API,
        expected_version=expected_version,
        correlation_id=correlation_id,
    )


def write_status_change(
    rooms: RoomRepository,
    room_number: str,
    transform: Callable[[Room, datetime], Room | None],
    *,
    actor: dict[str, Any] | None,
    source: str,
    expected_version: int | None,
    correlation_id: str | None,
) -> Room:
    """Store `transform(room)` with its status_changed event and history; None writes nothing."""

    def write(room: Room) -> Room:
        now = utc_now()
        updated = transform(room, now)
        if updated is None:
            return room
        event, history = status_change_records(
            room, updated, actor=actor, source=source, correlation_id=correlation_id, now=now
        )
        return rooms.replace(
            updated, previous_version=room["version"], event=event, history=history
        )

    return write_with_retry(rooms, room_number, expected_version, write)


def delete_room(
    rooms: RoomRepository,
    room_number: str,
    *,
    actor: dict[str, Any] | None,
    expected_version: int | None,
    correlation_id: str | None,
) -> None:
    def write(room: Room) -> None:
        check_deletable(room)
        event = events.room_deleted(room, actor=actor, correlation_id=correlation_id)
        rooms.delete(room, event=event)

    write_with_retry(rooms, room_number, expected_version, write)


def write_with_retry(
    rooms: RoomRepository,
    room_number: str,
    expected_version: int | None,
    write: Callable[[Room], T],
) -> T:
    """Run `write` on the current room; the store's compare-and-set on version decides who wins.

    With If-Match the client named the version it saw, so losing the race is 412. Without it the
    rules are rechecked on a fresh read, so a blind write never overwrites a change it did not see.
    """
    for _ in range(WRITE_ATTEMPTS):
        room = get_room(rooms, room_number)
        check_version(room, expected_version)
        try:
            return write(room)
        except VersionConflict:
            if expected_version is not None:
                current = rooms.get(room_number)
                raise StaleRoomVersion(
                    room_number, expected_version, current and current["version"]
                ) from None
    raise ConcurrentRoomUpdate(
        f"room {room_number} kept changing while this update was applied; try again"
    )

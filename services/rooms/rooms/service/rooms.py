"""Room use cases: the inventory, housekeeping status, out of order, history and analytics."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hotel_shared.errors import Conflict
from hotel_shared.principal import Context, check_guest_room
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import hotel_day, utc_now
from rooms import events
from rooms.rules import analytics
from rooms.rules import out_of_order as out_of_order_rules
from rooms.rules import pms as pms_rules
from rooms.rules import rooms as rules
from rooms.rules.pms import PmsRoomStatus
from rooms.rules.rooms import HousekeepingPolicy, Room
from rooms.store import RoomsInMemory, RoomsStores

log = logging.getLogger(__name__)


def list_rooms(
    stores: RoomsStores | RoomsInMemory,
    ctx: Context,
    filters: Mapping[str, Any],
    limit: int,
    offset: int,
) -> tuple[list[Room], int]:
    """A page of rooms, from the database or from the process's read model (the same answer)."""
    return stores.find_rooms(filters, limit, offset)


def get_room(stores: RoomsStores, ctx: Context, room_number: str) -> Room:
    return stores.get_room(room_number)


def get_guest_service(stores: RoomsStores, ctx: Context, room_number: str) -> Room:
    """The room whose door sign is asked for: a guest's own room only (another → 403)."""
    if ctx.principal is not None:
        check_guest_room(ctx.principal, room_number)
    return stores.get_room(room_number)


def list_discrepancies(stores: RoomsStores, ctx: Context) -> list[Room]:
    """Rooms where the front desk and housekeeping disagree (Sleep or Skip)."""
    return stores.find_discrepancies()


def list_room_history(
    stores: RoomsStores, ctx: Context, room_number: str, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    stores.get_room(room_number)
    return stores.find_history(room_number, limit, offset)


@unit_of_work
def create_room(stores: RoomsStores, ctx: Context, details: Mapping[str, Any]) -> Room:
    room = rules.new_room(details, utc_now())
    with stores.transaction() as tx:
        if tx.find_room(room["roomNumber"]) is not None:
            raise rules.RoomExists(room["roomNumber"])
        created = tx.insert_room(room)
        tx.record(events.room_created(created, ctx))
    return created


@unit_of_work
def update_room_details(
    stores: RoomsStores,
    ctx: Context,
    room_number: str,
    changes: Mapping[str, Any],
    expected_version: int | None,
) -> Room:
    """Edit the descriptive fields; an edit to what the room already has writes nothing."""
    with stores.transaction() as tx:
        room = tx.get_room(room_number)
        rules.check_version(room, expected_version)
        updated = rules.apply_detail_changes(room, changes, utc_now())
        if updated is None:
            return room
        tx.save_room(updated, expected_version=room["version"])
        changed = rules.changed_detail_fields(room, updated)
        tx.record(events.room_updated(room, updated, changed, ctx))
    return updated


@unit_of_work
def delete_room(
    stores: RoomsStores, ctx: Context, room_number: str, expected_version: int | None
) -> None:
    with stores.transaction() as tx:
        room = tx.get_room(room_number)
        rules.check_version(room, expected_version)
        rules.check_deletable(room)
        tx.delete_room(room)
        tx.record(events.room_deleted(room, ctx))


@unit_of_work
def update_room_status(
    stores: RoomsStores,
    ctx: Context,
    room_number: str,
    changes: Mapping[str, Any],
    expected_version: int | None,
    policy: HousekeepingPolicy,
    reason: str | None = None,
) -> Room:
    """Apply a housekeeping/guest-service update; a change to what it already is writes nothing.

    `reason` (a failed inspection's "Hair in the bathtub") goes into the history and the event.
    """
    asked = {**changes, "reason": reason} if reason is not None else changes
    rules.check_status_change_allowed(ctx.principal, room_number, asked)
    with stores.transaction() as tx:
        room = tx.get_room(room_number)
        rules.check_version(room, expected_version)
        now = utc_now()
        updated = rules.apply_status_changes(room, changes, now, policy)
        if updated is None:
            return room
        save_status_change(tx, ctx, room, updated, rules.SOURCE_API, now, reason)
    return updated


@unit_of_work
def put_out_of_order(
    stores: RoomsStores,
    ctx: Context,
    room_number: str,
    request: Mapping[str, Any],
    expected_version: int | None,
    policy: HousekeepingPolicy,
    zone: ZoneInfo,
) -> Room:
    """Off sale, unless a guest is in or arrives on the hotel's today (HOTEL_TIMEZONE)."""
    with stores.transaction() as tx:
        room = tx.get_room(room_number)
        rules.check_version(room, expected_version)
        now = utc_now()
        arriving = tx.has_arrival(room_number, hotel_day(now, zone).isoformat())
        updated = out_of_order_rules.take_out_of_order(
            room, request, now, has_arrival_today=arriving, policy=policy
        )
        save_status_change(tx, ctx, room, updated, rules.SOURCE_API, now)
    return updated


@unit_of_work
def end_out_of_order(
    stores: RoomsStores, ctx: Context, room_number: str, expected_version: int | None
) -> Room:
    with stores.transaction() as tx:
        room = tx.get_room(room_number)
        rules.check_version(room, expected_version)
        now = utc_now()
        updated = out_of_order_rules.return_to_service(room, now)
        save_status_change(tx, ctx, room, updated, rules.SOURCE_API, now)
    return updated


@unit_of_work
def mark_room_cleaned(stores: RoomsStores, ctx: Context, room_number: str) -> Room | None:
    """A cleaning task was completed: a Dirty or Pickup room becomes Clean, others stay."""
    with stores.transaction() as tx:
        room = tx.find_room(room_number)
        if room is None:
            return None
        now = utc_now()
        cleaned = rules.mark_cleaned(room, now)
        if cleaned is None:
            return room
        save_status_change(tx, ctx, room, cleaned, rules.SOURCE_TASKS, now)
    return cleaned


@unit_of_work
def apply_pms_room_status(
    stores: RoomsStores, ctx: Context, status: PmsRoomStatus, policy: HousekeepingPolicy
) -> Room | None:
    """A PMS user's room change, by our rules, with source `pms` (so the adapter sends no echo).

    An unknown room, or a move our rules refuse, leaves everything as it is (logged): we are the
    authority on housekeeping, and the adapter's reconcile sends our status back to the PMS.
    """
    with stores.transaction() as tx:
        room = tx.find_room(status.room_number)
        if room is None:
            log.info("PMS change of room %s ignored: no such room here", status.room_number)
            return None
        now = utc_now()
        arriving = bool(status.out_of_order) and tx.has_arrival(
            room["roomNumber"], hotel_day(now, tx.zone).isoformat()
        )
        try:
            updated = pms_rules.apply_pms_room_status(
                room, status, now, has_arrival_today=arriving, policy=policy
            )
        except Conflict as refused:
            log.warning(
                "PMS change of room %s not applied, ours kept (%s): %s",
                room["roomNumber"],
                refused.code,
                refused,
            )
            return None
        if updated is None:
            return room
        save_status_change(tx, ctx, room, updated, rules.SOURCE_PMS, now)
    return updated


def save_status_change(
    tx: RoomsStores,
    ctx: Context,
    room: Room,
    updated: Room,
    source: str,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Inside the caller's transaction: the room, its history and its status_changed event."""
    tx.save_room(updated, expected_version=room["version"])
    tx.add_history(
        rules.status_history_entries(
            room, updated, actor=ctx.actor, source=source, now=now, reason=reason
        )
    )
    tx.record(events.room_status_changed(room, updated, ctx, source, reason))


def room_analytics(
    stores: RoomsStores,
    ctx: Context,
    start: datetime | None,
    end: datetime | None,
    policy: HousekeepingPolicy,
) -> dict[str, Any]:
    """Occupancy and status counts now; turnaround over [start, end) (default: the last week)."""
    start, end = analytics.analytics_period(start, end, utc_now())
    history = stores.housekeeping_history(start, end)
    summary = analytics.summarise_rooms(stores.all_rooms(), history, policy)
    return {"fromTime": start, "toTime": end, **summary}

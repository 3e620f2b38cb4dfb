"""Events the rooms service publishes: their types and how each payload is built from a room."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotel_shared.events import new_event
from hotel_shared.timeutil import to_iso

SOURCE = "rooms"
ROOM_CREATED = "rooms.room.created.v1"
ROOM_UPDATED = "rooms.room.updated.v1"
ROOM_DELETED = "rooms.room.deleted.v1"
ROOM_STATUS_CHANGED = "rooms.room.status_changed.v1"


def room_subject(room_number: str) -> str:
    return f"room/{room_number}"


def out_of_order_data(out_of_order: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not out_of_order:
        return None
    return {
        "kind": out_of_order["kind"],
        "reason": out_of_order.get("reason"),
        "from": to_iso(out_of_order.get("from")),
        "to": to_iso(out_of_order.get("to")),
        "returnStatus": out_of_order.get("returnStatus"),
    }


def room_snapshot(room: Mapping[str, Any]) -> dict[str, Any]:
    """The room's descriptive fields and headline status, as carried by created/updated events."""
    return {
        "roomNumber": room["roomNumber"],
        "roomType": room["roomType"],
        "price": room["price"],
        "capacity": room["capacity"],
        "floor": room["floor"],
        "description": room["description"],
        "amenities": list(room["amenities"]),
        "housekeepingStatus": room["housekeepingStatus"],
        "frontOfficeStatus": room["frontOfficeStatus"],
        "status": room["status"],
        "version": room["version"],
    }


def _room_event(
    event_type: str,
    room_number: str,
    data: dict[str, Any],
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    return new_event(
        event_type,
        source=SOURCE,
        subject=room_subject(room_number),
        data=data,
        actor=actor,
        correlation_id=correlation_id,
    )


def room_created(
    room: Mapping[str, Any], *, actor: dict[str, Any] | None, correlation_id: str | None
) -> dict[str, Any]:
    return _room_event(ROOM_CREATED, room["roomNumber"], room_snapshot(room), actor, correlation_id)


def room_updated(
    room: Mapping[str, Any],
    *,
    changed_fields: list[str],
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    data = {**room_snapshot(room), "changedFields": changed_fields}
    return _room_event(ROOM_UPDATED, room["roomNumber"], data, actor, correlation_id)


def room_deleted(
    room: Mapping[str, Any], *, actor: dict[str, Any] | None, correlation_id: str | None
) -> dict[str, Any]:
    # Deleting is a change too: the next version, so consumers ordering by version apply it last.
    data = {
        "roomNumber": room["roomNumber"],
        "roomType": room["roomType"],
        "version": room["version"] + 1,
    }
    return _room_event(ROOM_DELETED, room["roomNumber"], data, actor, correlation_id)


def room_status_changed(
    room: Mapping[str, Any],
    *,
    previous_housekeeping_status: str,
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    data = {
        "roomNumber": room["roomNumber"],
        "roomType": room["roomType"],
        "housekeepingStatus": room["housekeepingStatus"],
        "previousHousekeepingStatus": previous_housekeeping_status,
        "frontOfficeStatus": room["frontOfficeStatus"],
        "hkOccupancy": room["hkOccupancy"],
        "discrepancy": room["discrepancy"],
        "outOfOrder": out_of_order_data(room["outOfOrder"]),
        "guestServiceStatus": room["guestServiceStatus"],
        "turndownStatus": room["turndownStatus"],
        "status": room["status"],
        "version": room["version"],
    }
    return _room_event(ROOM_STATUS_CHANGED, room["roomNumber"], data, actor, correlation_id)

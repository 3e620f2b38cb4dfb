"""Who hears what: audiences per event and per caller, the inbox record, what a reader has read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hotel_shared.errors import NotFound
from hotel_shared.principal import Principal
from hotel_shared.timeutil import to_iso
from notifications.events import (
    ESCALATION_EVENTS,
    FRONT_DESK_EVENTS,
    ORDER_EVENTS,
    ROOM_EVENTS,
    TASK_EVENTS,
    TASK_UPDATE_EVENTS,
)

ROOM_AUDIENCE = ("role:hotelAdmin", "role:frontOffice", "role:supervisor", "dept:housekeeping")
FRONT_DESK_AUDIENCE = ("role:hotelAdmin", "role:frontOffice")
ADMIN_ESCALATION_LEVEL = 2
# The field whose move an inbox record shows as oldStatus/newStatus; "status" for the others.
STATUS_FIELDS = {"rooms.room.status_changed.v1": "housekeepingStatus"}
# A task whose priority rises to one of these is worth an inbox entry, not only a live hint.
PRIORITY_RANK = {"low": 0, "normal": 1, "high": 2, "urgent": 3}
INBOX_PRIORITIES = ("high", "urgent")

Document = dict[str, Any]


class NotificationNotFound(NotFound):
    code = "notification_not_found"

    def __init__(self, notification_id: str) -> None:
        super().__init__(f"no notification {notification_id} for you")


def event_name(event_type: str) -> str:
    """`rooms.room.status_changed.v1` → `room.status_changed`: what Socket.IO clients listen to."""
    return ".".join(event_type.split(".")[1:-1])


def audiences_for(event_type: str, data: Mapping[str, Any]) -> list[str]:
    """The Socket.IO rooms (and inbox audiences) an event goes to; DESIGN §6."""
    if event_type in ROOM_EVENTS:
        return list(ROOM_AUDIENCE)
    if event_type in FRONT_DESK_EVENTS:
        return list(FRONT_DESK_AUDIENCE)
    if event_type in TASK_EVENTS + TASK_UPDATE_EVENTS:
        audiences = ["role:supervisor", "role:frontOffice"]
        if data.get("department"):
            audiences.append(f"dept:{data['department']}")
        if data.get("employeeId"):
            audiences.append(f"employee:{data['employeeId']}")
        return audiences
    if event_type in ESCALATION_EVENTS:
        level = data.get("level") or 1
        admin = level >= ADMIN_ESCALATION_LEVEL or data.get("notify") == "hotelAdmin"
        return ["role:supervisor", *(["role:hotelAdmin"] if admin else [])]
    if event_type in ORDER_EVENTS:
        audiences = ["role:restaurantAdmin", "dept:fnb"]
        if data.get("roomNumber"):
            audiences.append(f"room:{data['roomNumber']}")
        return audiences
    return []


def watchers_for(event_type: str, data: Mapping[str, Any]) -> list[str]:
    """Who hears an event live without an inbox entry: the hotel admin's screens (task board,
    kitchen, analytics, Today) follow every task and order, but their bell is kept for what is
    theirs to act on (late escalations, alerts, the front desk's events)."""
    if event_type in TASK_EVENTS + TASK_UPDATE_EVENTS + ESCALATION_EVENTS + ORDER_EVENTS:
        return [
            room for room in ("role:hotelAdmin",) if room not in audiences_for(event_type, data)
        ]
    return []


def audiences_of(principal: Principal) -> list[str]:
    """The rooms a caller's socket joins, which are also the inbox audiences it may read."""
    audiences = [f"role:{principal.role}", f"user:{principal.user_id}"]
    if principal.is_guest:
        # A guest hears only about its own room, never a department's or a colleague's work.
        if principal.room_number:
            audiences.append(f"room:{principal.room_number}")
        return audiences
    if principal.department:
        audiences.append(f"dept:{principal.department}")
    if principal.employee_code:
        audiences.append(f"employee:{principal.employee_code}")
    if principal.department and principal.employee_code:
        audiences.append(member_room(principal.department, principal.employee_code))
    return audiences


def member_room(department: str, employee_code: str) -> str:
    """One person while they belong to `department`: their own token says so, nobody guesses."""
    return f"dept:{department}/employee:{employee_code}"


def is_kept_in_inbox(event_type: str, changes: list[dict[str, Any]]) -> bool:
    """Most events are kept; a task update only when its priority rose to high or urgent."""
    if event_type not in TASK_UPDATE_EVENTS:
        return True
    moved = next((change for change in changes if change.get("field") == "priority"), None)
    if moved is None or moved.get("newValue") not in INBOX_PRIORITIES:
        return False
    old = PRIORITY_RANK.get(str(moved.get("oldValue")), -1)
    return PRIORITY_RANK[moved["newValue"]] > old


def status_change(
    event_type: str, data: Mapping[str, Any], changes: list[dict[str, Any]]
) -> tuple[Any, Any]:
    """(old, new) of the event's status field from its `changes`; (None, current) when unmoved."""
    field = STATUS_FIELDS.get(event_type, "status")
    moved = next((change for change in changes if change.get("field") == field), None)
    if moved is not None:
        return moved.get("oldValue"), moved.get("newValue")
    return None, data.get(field)


def build_notification(
    *,
    event_id: str,
    event_type: str,
    time: datetime,
    data: Mapping[str, Any],
    changes: list[dict[str, Any]],
    created_at: datetime,
) -> Document:
    """The inbox record (ERD HotelAdNotif fields), keyed by the event id so it is stored once."""
    old_status, new_status = status_change(event_type, data, changes)
    return {
        "_id": event_id,
        "event": event_name(event_type),
        "type": event_type,
        "audiences": audiences_for(event_type, data),
        "bookingId": data.get("bookingId"),
        "taskId": data.get("taskId"),
        "roomNumber": data.get("roomNumber"),
        "roomType": data.get("roomType"),
        "employeeId": data.get("employeeId"),
        "taskType": data.get("jobType"),
        "oldStatus": old_status,
        "newStatus": new_status,
        "isRoomNotification": event_type in ROOM_EVENTS,
        "isTaskNotification": event_type in TASK_EVENTS + TASK_UPDATE_EVENTS + ESCALATION_EVENTS,
        "raw": dict(data),
        "timestamp": time,
        "createdAt": created_at,
    }


def socket_payload(notification: Document) -> Document:
    """What a Socket.IO client receives: the event data plus its id, type, time and inbox time."""
    return {
        **notification["raw"],
        "eventId": notification["_id"],
        "type": notification["type"],
        "time": to_iso(notification["timestamp"]),
        # The inbox's clock: a reconnecting client passes the last one it saw as `since`.
        "createdAt": to_iso(notification["createdAt"]),
    }


@dataclass(frozen=True)
class ReadState:
    """What one user has read: everything up to `read_all_at`, plus the ids marked one by one."""

    read_all_at: datetime | None = None
    read_ids: frozenset[str] = frozenset()

    def has_read(self, notification: Mapping[str, Any]) -> bool:
        if notification["_id"] in self.read_ids:
            return True
        return self.read_all_at is not None and notification["createdAt"] <= self.read_all_at


def with_read_flag(notification: Document, state: ReadState) -> Document:
    """The notification as its reader sees it: `read` is per user, never stored on it."""
    return {**notification, "read": state.has_read(notification)}

"""Who hears what: event names, audiences per event and per caller, the inbox record."""

from __future__ import annotations

from typing import Any

from hotel_shared.auth import Principal
from hotel_shared.errors import NotFound
from hotel_shared.timeutil import parse_iso

ROOM_EVENTS = (
    "rooms.room.status_changed.v1",
    "rooms.room.created.v1",
    "rooms.room.updated.v1",
    "rooms.room.deleted.v1",
    "rooms.customer.checked_in.v1",
    "rooms.customer.checked_out.v1",
    "rooms.customer.stay_extended.v1",
)
FRONT_DESK_EVENTS = (
    "rooms.booking.created.v1",
    "rooms.booking.cancelled.v1",
    "rooms.contact_message.created.v1",
)
TASK_EVENTS = (
    "tasks.request.created.v1",
    "tasks.task.assigned.v1",
    "tasks.task.unassigned.v1",
    "tasks.task.status_changed.v1",
    "tasks.task.completed.v1",
)
ESCALATION_EVENTS = ("tasks.task.escalated.v1",)
ORDER_EVENTS = (
    "fnb.order.placed.v1",
    "fnb.order.status_changed.v1",
    "fnb.order.cancelled.v1",
)
NOTIFIED_EVENTS = ROOM_EVENTS + FRONT_DESK_EVENTS + TASK_EVENTS + ESCALATION_EVENTS + ORDER_EVENTS

ROOM_AUDIENCE = ("role:hotelAdmin", "role:frontOffice", "role:supervisor", "dept:housekeeping")
FRONT_DESK_AUDIENCE = ("role:hotelAdmin", "role:frontOffice")
ADMIN_ESCALATION_LEVEL = 2


class NotificationNotFound(NotFound):
    code = "notification_not_found"

    def __init__(self, notification_id: str) -> None:
        super().__init__(f"no notification {notification_id} for you")


def event_name(event_type: str) -> str:
    """`rooms.room.status_changed.v1` → `room.status_changed`: what Socket.IO clients listen to."""
    return ".".join(event_type.split(".")[1:-1])


def audiences_for(event_type: str, data: dict[str, Any]) -> list[str]:
    """The Socket.IO rooms (and inbox audiences) an event goes to; DESIGN §6."""
    if event_type in ROOM_EVENTS:
        return list(ROOM_AUDIENCE)
    if event_type in FRONT_DESK_EVENTS:
        return list(FRONT_DESK_AUDIENCE)
    if event_type in TASK_EVENTS:
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
    return audiences


def _status_change(event_type: str, data: dict[str, Any]) -> tuple[Any, Any]:
    if event_type == "rooms.room.status_changed.v1":
        return data.get("previousHousekeepingStatus"), data.get("housekeepingStatus")
    if "oldStatus" in data or "newStatus" in data:
        return data.get("oldStatus"), data.get("newStatus")
    return None, data.get("status")


def build_notification(envelope: dict[str, Any], audiences: list[str]) -> dict[str, Any]:
    """The inbox record (ERD HotelAdNotif fields), keyed by the event id so it is stored once."""
    event_type, data = envelope["type"], envelope.get("data") or {}
    old_status, new_status = _status_change(event_type, data)
    return {
        "_id": envelope["id"],
        "event": event_name(event_type),
        "type": event_type,
        "audiences": audiences,
        "bookingId": data.get("bookingId"),
        "taskId": data.get("taskId"),
        "roomNumber": data.get("roomNumber"),
        "roomType": data.get("roomType"),
        "employeeId": data.get("employeeId"),
        "taskType": data.get("jobType"),
        "oldStatus": old_status,
        "newStatus": new_status,
        "isRoomNotification": event_type in ROOM_EVENTS,
        "isTaskNotification": event_type in TASK_EVENTS + ESCALATION_EVENTS,
        "raw": data,
        "timestamp": parse_iso(envelope["time"]),
    }


def socket_payload(envelope: dict[str, Any], created_at: str) -> dict[str, Any]:
    """What a Socket.IO client receives: the event data plus its id, type, time and inbox time."""
    return {
        **(envelope.get("data") or {}),
        "eventId": envelope["id"],
        "type": envelope["type"],
        "time": envelope["time"],
        # The inbox's clock: a reconnecting client passes the last one it saw as `since`.
        "createdAt": created_at,
    }

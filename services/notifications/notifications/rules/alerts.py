"""Alerts: a person's message to a department, a role or one employee, and its read receipts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hotel_shared.errors import Forbidden, NotFound, ValidationFailed
from hotel_shared.principal import STAFF_ROLES, Principal
from notifications.events import ALERT_SENT
from notifications.rules.inbox import member_room

AUDIENCE_KINDS = ("department", "role", "employee")
ALERT_PRIORITIES = ("normal", "high", "urgent")
ALERT_ROLES = STAFF_ROLES  # guests are never alerted
MAX_ALERT_LENGTH = 500

Document = dict[str, Any]


class AlertNotFound(NotFound):
    code = "alert_not_found"

    def __init__(self, alert_id: str) -> None:
        super().__init__(f"no alert {alert_id} sent by you")


class AlertAudienceForbidden(Forbidden):
    code = "alert_audience_forbidden"


class UnknownAlertAudience(ValidationFailed):
    code = "unknown_audience"


def alert_room(
    sender: Principal, kind: str, value: str, departments: tuple[str, ...] | list[str]
) -> str:
    """The one Socket.IO room (and inbox audience) an alert goes to, if the sender may reach it.

    A hotelAdmin alerts anyone; a supervisor their own department or one of its people, addressed
    so that only someone whose token names that department hears it.
    """
    if kind not in AUDIENCE_KINDS:
        raise _unknown(f"audience kind must be one of: {', '.join(AUDIENCE_KINDS)}", field="kind")
    if kind == "department" and value not in departments:
        raise _unknown(f"no department {value}; known: {', '.join(departments)}")
    if kind == "role" and value not in ALERT_ROLES:
        raise _unknown(f"no role {value} to alert; one of: {', '.join(ALERT_ROLES)}")
    if sender.role == "hotelAdmin":
        return {"department": "dept", "role": "role", "employee": "employee"}[kind] + f":{value}"
    own = sender.department
    if sender.role == "supervisor" and own:
        if kind == "department" and value == own:
            return f"dept:{own}"
        if kind == "employee":
            return member_room(own, value)
    raise AlertAudienceForbidden(
        f"a {sender.role} may alert their own department ({own or 'none'}) or its people only"
    )


def _unknown(message: str, field: str = "value") -> UnknownAlertAudience:
    return UnknownAlertAudience(message, errors={"audience": {field: [message]}})


def build_alert(
    *,
    alert_id: str,
    sender: Principal,
    kind: str,
    value: str,
    room: str,
    message: str,
    priority: str,
    created_at: datetime,
) -> Document:
    """The alert as its sender lists it; read receipts are kept apart, one per reader."""
    return {
        "_id": alert_id,
        "audience": {"kind": kind, "value": value},
        "room": room,
        "message": message,
        "priority": priority,
        "sentBy": {
            "userId": sender.user_id,
            "username": sender.username,
            "role": sender.role,
            "employeeCode": sender.employee_code,
        },
        "createdAt": created_at,
    }


def alert_notification(alert: Document) -> Document:
    """The inbox record of an alert (same id), addressed to its one room."""
    return {
        "_id": alert["_id"],
        "event": ALERT_SENT,
        "type": ALERT_SENT,
        "audiences": [alert["room"]],
        "bookingId": None,
        "taskId": None,
        "roomNumber": None,
        "roomType": None,
        "employeeId": alert["audience"]["value"]
        if alert["audience"]["kind"] == "employee"
        else None,
        "taskType": None,
        "oldStatus": None,
        "newStatus": None,
        "isRoomNotification": False,
        "isTaskNotification": False,
        "raw": {
            "alertId": alert["_id"],
            "message": alert["message"],
            "priority": alert["priority"],
            "audience": alert["audience"],
            "sentBy": alert["sentBy"],
        },
        "timestamp": alert["createdAt"],
        "createdAt": alert["createdAt"],
    }


def is_alert(notification: Mapping[str, Any]) -> bool:
    return notification.get("event") == ALERT_SENT


def counts_as_receipt(notification: Mapping[str, Any], reader: Principal) -> bool:
    """A recipient reading an alert is a receipt; its sender reading their own copy is not."""
    return is_alert(notification) and notification["raw"]["sentBy"]["userId"] != reader.user_id


def receipt(alert_id: str, reader: Principal, read_at: datetime) -> Document:
    return {
        "alertId": alert_id,
        "userId": reader.user_id,
        "username": reader.username,
        "employeeCode": reader.employee_code,
        "readAt": read_at,
    }


def with_receipts(alert: Document, receipts: list[Document]) -> Document:
    """The alert with who has read it, first reader first."""
    read_by = sorted(receipts, key=lambda row: row["readAt"])
    return {**alert, "readBy": read_by, "readCount": len(read_by)}


def may_see_alert(alert: Mapping[str, Any], viewer: Principal) -> bool:
    return viewer.role == "hotelAdmin" or alert["sentBy"]["userId"] == viewer.user_id

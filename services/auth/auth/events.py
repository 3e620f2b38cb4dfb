"""The user events auth publishes (never with the password hash), and the stay events it reads."""

from __future__ import annotations

from typing import Any

from hotel_shared.events import EventSource, changes_between
from hotel_shared.principal import Context

SOURCE = EventSource("auth")
USER_CREATED = "auth.user.created.v1"
USER_UPDATED = "auth.user.updated.v1"
USER_DEACTIVATED = "auth.user.deactivated.v1"

CHECKED_IN = "rooms.customer.checked_in.v1"
CHECKED_OUT = "rooms.customer.checked_out.v1"

# The user fields an update may move; a new password shows as {"field": "password"} with no values.
CHANGEABLE_FIELDS = ("role", "department", "employeeCode", "name", "active")
PASSWORD_FIELD = "password"


def user_data(user: dict[str, Any]) -> dict[str, Any]:
    """What other services may know about a user."""
    return {
        "userId": str(user["_id"]),
        "username": user["username"],
        "role": user["role"],
        "department": user.get("department"),
        "employeeCode": user.get("employeeCode"),
        "name": user.get("name"),
        "active": bool(user.get("active")),
    }


def user_created(user: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _user_event(USER_CREATED, user, user_data(user), ctx)


def user_updated(
    before: dict[str, Any], after: dict[str, Any], ctx: Context, *, password_changed: bool
) -> dict[str, Any]:
    data = user_data(after)
    changes = changes_between(user_data(before), data, CHANGEABLE_FIELDS)
    if password_changed:
        changes.append({"field": PASSWORD_FIELD, "oldValue": None, "newValue": None})
    return _user_event(USER_UPDATED, after, {**data, "changes": changes}, ctx)


def user_deactivated(user: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return _user_event(USER_DEACTIVATED, user, user_data(user), ctx)


def _user_event(
    event_type: str, user: dict[str, Any], data: dict[str, Any], ctx: Context
) -> dict[str, Any]:
    return SOURCE.event(
        event_type,
        subject=f"user/{user['_id']}",
        data=data,
        actor=ctx.actor,
        correlation_id=ctx.correlation_id,
    )

"""The user events auth publishes (never with the password hash), and the stay events it reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from auth.rules import guests
from hotel_shared.events import EventSource, changes_between
from hotel_shared.principal import Context
from hotel_shared.revocations import ACCESS_REVOKED, revocation_data

SOURCE = EventSource("auth")
USER_CREATED = "auth.user.created.v1"
USER_UPDATED = "auth.user.updated.v1"
USER_DEACTIVATED = "auth.user.deactivated.v1"

CHECKED_IN = "rooms.customer.checked_in.v1"
CHECKED_OUT = "rooms.customer.checked_out.v1"

# The user fields an update may move; a new password shows as {"field": "password"} with no values.
CHANGEABLE_FIELDS = ("role", "department", "employeeCode", "email", "name", "active")
PASSWORD_FIELD = "password"


def user_data(user: dict[str, Any]) -> dict[str, Any]:
    """What other services may know about a user."""
    return {
        "userId": str(user["_id"]),
        "username": user["username"],
        "role": user["role"],
        "department": user.get("department"),
        "employeeCode": user.get("employeeCode"),
        "email": user.get("email"),
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


def user_access_revoked(
    user: dict[str, Any], reason: str, revoked_at: datetime, expires_at: datetime, ctx: Context
) -> dict[str, Any]:
    """The user's access tokens issued until `revoked_at` are refused from now on."""
    data = revocation_data(
        str(user["_id"]),
        reason=reason,
        revoked_at=revoked_at,
        expires_at=expires_at,
        username=user["username"],
        role=user["role"],
    )
    return _user_event(ACCESS_REVOKED, user, data, ctx)


def guest_access_revoked(
    stay: dict[str, Any], revoked_at: datetime, expires_at: datetime, ctx: Context
) -> dict[str, Any]:
    """A checked-out guest's access tokens are refused from now on (subject `guest:<id>`)."""
    data = revocation_data(
        guests.guest_user_id(stay["_id"]),
        reason=guests.REVOKED_CHECKED_OUT,
        revoked_at=revoked_at,
        expires_at=expires_at,
        username=stay.get("name") or "guest",
        role="guest",
    )
    return SOURCE.event(
        ACCESS_REVOKED,
        subject=f"customer/{stay['_id']}",
        data=data,
        actor=ctx.actor,
        correlation_id=ctx.correlation_id,
    )


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

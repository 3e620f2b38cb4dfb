"""Events auth publishes about users, and the payload every one of them carries."""

from __future__ import annotations

from typing import Any

from hotel_shared.events import new_event

SOURCE = "auth"
USER_CREATED = "auth.user.created.v1"
USER_UPDATED = "auth.user.updated.v1"
USER_DEACTIVATED = "auth.user.deactivated.v1"


def user_event_data(user: dict[str, Any]) -> dict[str, Any]:
    """What other services may know about a user: never the password hash."""
    return {
        "userId": str(user["_id"]),
        "username": user["username"],
        "role": user["role"],
        "department": user.get("department"),
        "employeeCode": user.get("employeeCode"),
        "name": user.get("name"),
        "active": bool(user.get("active")),
    }


def user_event(
    event_type: str,
    user: dict[str, Any],
    *,
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    return new_event(
        event_type,
        source=SOURCE,
        subject=f"user/{user['_id']}",
        data=user_event_data(user),
        actor=actor,
        correlation_id=correlation_id,
    )

"""Auth rules as plain functions: sign-in, throttling maths, token families, audit mapping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hotel_shared.auth import Principal
from hotel_shared.errors import (
    Conflict,
    NotFound,
    TooManyRequests,
    Unauthorized,
    ValidationFailed,
)
from hotel_shared.timeutil import parse_iso

USER_ROLES = ("hotelAdmin", "frontOffice", "supervisor", "staff", "restaurantAdmin")
ROLES_NEEDING_DEPARTMENT = ("staff", "supervisor")
GUEST_ROLE = "guest"
GUEST_ID_PREFIX = "guest:"
PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH = 10, 256

STAY_CHECKED_IN, STAY_CHECKED_OUT = "checked in", "checked out"
CHECKED_IN_EVENT = "rooms.customer.checked_in.v1"
CHECKED_OUT_EVENT = "rooms.customer.checked_out.v1"

# Subject entities whose collection name is not simply the plural (ERD names).
_COLLECTION_EXCEPTIONS = {"bill": "billings"}

REFRESH_VALID, REFRESH_REUSED, REFRESH_INVALID = "valid", "reused", "invalid"


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


class LoginThrottled(TooManyRequests):
    code = "login_throttled"


class InvalidRefreshToken(Unauthorized):
    code = "invalid_refresh_token"


class RefreshTokenReused(Unauthorized):
    code = "refresh_token_reused"


class AccountInactive(Unauthorized):
    code = "account_inactive"


class UserNotFound(NotFound):
    code = "user_not_found"


class UsernameTaken(Conflict):
    code = "username_taken"


class EmployeeCodeTaken(Conflict):
    code = "employee_code_taken"


class CannotModifySelf(Conflict):
    code = "cannot_modify_self"


# --- users -------------------------------------------------------------------------------------


def normalize_username(username: str) -> str:
    """Usernames are unique case-insensitively, so they are stored and looked up lowercased."""
    return username.strip().lower()


def check_user_fields(role: str, department: str | None) -> None:
    """Staff and supervisors belong to a department: routing and alerts depend on it."""
    if role in ROLES_NEEDING_DEPARTMENT and not department:
        raise ValidationFailed(
            f"role {role} needs a department",
            errors={"department": [f"required for role {role}"]},
        )


def check_admin_self_change(actor_id: str, target_id: str, changes: dict[str, Any], role: str):
    """An admin may not lock themself out: no self-deactivation, no change of their own role."""
    if actor_id != target_id:
        return
    if changes.get("active") is False:
        raise CannotModifySelf("you cannot deactivate your own account")
    if "role" in changes and changes["role"] != role:
        raise CannotModifySelf("you cannot change your own role")


def merge_user_changes(user: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The user as it would be after `changes`, validated as a whole (department vs role)."""
    merged = {**user, **changes}
    check_user_fields(merged["role"], merged.get("department"))
    return merged


def is_deactivation(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return bool(before.get("active")) and not after.get("active")


def principal_for_user(user: dict[str, Any]) -> Principal:
    return Principal(
        user_id=str(user["_id"]),
        username=user["username"],
        role=user["role"],
        department=user.get("department"),
        employee_code=user.get("employeeCode"),
    )


# --- login throttling --------------------------------------------------------------------------


def throttle_retry_after_s(
    failure_times: list[datetime], limit: int, window_s: int, now: datetime
) -> int | None:
    """Seconds until fewer than `limit` failures remain in the sliding window; None if allowed."""
    recent = sorted(t for t in failure_times if (now - t).total_seconds() < window_s)
    if len(recent) < limit:
        return None
    # Once the oldest (len - limit + 1) failures age out, the count drops below the limit.
    frees_at = recent[len(recent) - limit]
    remaining = window_s - (now - frees_at).total_seconds()
    return max(1, int(remaining + 0.999))


def check_not_throttled(
    failures_by_scope: dict[str, list[datetime]],
    limits: dict[str, int],
    window_s: int,
    now: datetime,
) -> None:
    waits = [
        throttle_retry_after_s(failures_by_scope.get(scope, []), limit, window_s, now)
        for scope, limit in limits.items()
    ]
    blocked = [wait for wait in waits if wait is not None]
    if blocked:
        raise LoginThrottled(
            "too many failed sign-in attempts; try again later", retry_after_s=max(blocked)
        )


# --- refresh tokens ----------------------------------------------------------------------------


def classify_refresh_token(token: dict[str, Any] | None, now: datetime) -> str:
    """valid: may be rotated once; reused: already rotated (a copy is loose); invalid otherwise."""
    if token is None:
        return REFRESH_INVALID
    if token.get("usedAt") is not None:
        return REFRESH_REUSED
    if token.get("revokedAt") is not None or token["expiresAt"] <= now:
        return REFRESH_INVALID
    return REFRESH_VALID


def raise_for_refresh_outcome(outcome: str) -> None:
    if outcome == REFRESH_REUSED:
        raise RefreshTokenReused(
            "this refresh token was already used; every session of its family is now revoked"
        )
    if outcome != REFRESH_VALID:
        raise InvalidRefreshToken("the refresh token is invalid, expired or revoked")


# --- guests ------------------------------------------------------------------------------------


def guest_user_id(customer_id: str) -> str:
    return f"{GUEST_ID_PREFIX}{customer_id}"


def principal_for_guest(stay: dict[str, Any]) -> Principal:
    return Principal(
        user_id=guest_user_id(stay["_id"]),
        username=stay.get("name") or "guest",
        role=GUEST_ROLE,
        room_number=stay["roomNumber"],
    )


def is_stay_open(stay: dict[str, Any] | None) -> bool:
    return stay is not None and stay.get("status") == STAY_CHECKED_IN


def stay_from_event(envelope: dict[str, Any]) -> dict[str, Any]:
    """The guest_access document a check-in or check-out event describes."""
    data = envelope["data"]
    checked_in = envelope["type"] == CHECKED_IN_EVENT
    return {
        "_id": str(data["customerId"]),
        "roomNumber": str(data["roomNumber"]),
        "specialId": None if data.get("specialId") is None else str(data["specialId"]),
        "name": data.get("name"),
        "bookingId": None if data.get("bookingId") is None else str(data["bookingId"]),
        "status": STAY_CHECKED_IN if checked_in else STAY_CHECKED_OUT,
        "eventTime": parse_iso(envelope["time"]),
        "eventId": envelope["id"],
    }


def is_newer_stay_event(current: dict[str, Any] | None, incoming: dict[str, Any]) -> bool:
    """Events can arrive out of order; only a newer one may change a stay.

    On a tie, checkout wins, so a closed stay is never reopened by an equally old check-in.
    """
    if current is None:
        return True
    if incoming["eventTime"] != current["eventTime"]:
        return incoming["eventTime"] > current["eventTime"]
    return incoming["status"] == STAY_CHECKED_OUT and current["status"] != STAY_CHECKED_OUT


# --- audit trail -------------------------------------------------------------------------------


def collection_for_entity(entity: str) -> str:
    return _COLLECTION_EXCEPTIONS.get(entity, f"{entity}s")


def action_type(event_type: str) -> str:
    """`rooms.room.status_changed.v1` → `room.status_changed`."""
    return ".".join(event_type.split(".")[1:-1])


def change_for_event(event_type: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The field an event changed, with old and new values, when the payload says so."""
    if "previousHousekeepingStatus" in data and "housekeepingStatus" in data:
        return {
            "field": "housekeepingStatus",
            "oldValue": data["previousHousekeepingStatus"],
            "newValue": data["housekeepingStatus"],
        }
    if "oldStatus" in data and "newStatus" in data:
        return {"field": "status", "oldValue": data["oldStatus"], "newValue": data["newStatus"]}
    return None


def activity_log_for_event(envelope: dict[str, Any]) -> dict[str, Any]:
    """One activity_logs document (ERD fields plus the event's identity) for any event."""
    subject = str(envelope.get("subject") or "")
    entity, _, document_id = subject.partition("/")
    if not entity:
        entity = envelope["type"].split(".")[1]
    actor = envelope.get("actor")
    user = None
    if actor:
        user = {key: actor.get(key) for key in ("userId", "username", "role")}
    return {
        "actionType": action_type(envelope["type"]),
        "collection": collection_for_entity(entity),
        "documentId": document_id or None,
        "user": user,
        "timestamp": parse_iso(envelope["time"]),
        "details": envelope["data"],
        "change": change_for_event(envelope["type"], envelope["data"]),
        "eventId": envelope["id"],
        "eventType": envelope["type"],
        "source": envelope.get("source"),
        "correlationId": envelope.get("correlationId"),
    }


def check_time_range(start: datetime | None, end: datetime | None) -> None:
    if start is not None and end is not None and start > end:
        raise ValidationFailed(
            "from must not be after to", errors={"from": ["must not be after to"]}
        )

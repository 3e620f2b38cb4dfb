"""Auth rules as plain functions: users, sign-in throttling, token families, stays, the audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hotel_shared.errors import Conflict, NotFound, TooManyRequests, Unauthorized, ValidationFailed
from hotel_shared.principal import Principal

USER_ROLES = ("hotelAdmin", "frontOffice", "supervisor", "staff", "restaurantAdmin")
ROLES_NEEDING_DEPARTMENT = ("staff", "supervisor")
GUEST_ROLE = "guest"
GUEST_ID_PREFIX = "guest:"
PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH = 10, 256

STAY_CHECKED_IN, STAY_CHECKED_OUT = "checked in", "checked out"

# Subject entities whose collection name is not simply the plural (ERD names).
_COLLECTION_EXCEPTIONS = {"bill": "billings"}
_ACTOR_FIELDS = ("userId", "username", "role")

# valid: may be rotated once; reused: already rotated (a copy is loose); disallowed: valid, but
# its user was deactivated or its stay closed since; invalid: unknown, expired or revoked.
REFRESH_VALID, REFRESH_REUSED = "valid", "reused"
REFRESH_DISALLOWED, REFRESH_INVALID = "disallowed", "invalid"


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


def new_user(fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The users document for a validated create body, without its password hash yet."""
    check_user_fields(fields["role"], fields.get("department"))
    return {
        "username": normalize_username(fields["username"]),
        "role": fields["role"],
        "department": fields.get("department"),
        "employeeCode": fields.get("employeeCode"),
        "name": fields.get("name"),
        "active": fields.get("active", True),
        "createdAt": now,
        "updatedAt": now,
    }


def check_admin_self_change(
    actor_id: str | None, target_id: str, changes: dict[str, Any], role: str
) -> None:
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


@dataclass(frozen=True)
class Throttle:
    """Failed sign-ins allowed per scope in a sliding window (a guest's room counts as a user)."""

    max_failures_per_user: int = 5
    max_failures_per_ip: int = 20
    window_s: int = 900

    def limits(self, scopes: dict[str, str]) -> dict[str, int]:
        per_scope = {
            "user": self.max_failures_per_user,
            "room": self.max_failures_per_user,
            "ip": self.max_failures_per_ip,
        }
        return {scope: per_scope[scope] for scope in scopes}


def login_keys(username: str, client_ip: str | None) -> dict[str, str]:
    """The throttle keys of a staff sign-in, by scope."""
    return {"user": f"user:{username}", "ip": f"ip:{client_ip or 'unknown'}"}


def guest_login_keys(room_number: str, client_ip: str | None) -> dict[str, str]:
    """The throttle keys of a guest sign-in, by scope."""
    return {"room": f"room:{room_number}", "ip": f"ip:{client_ip or 'unknown'}"}


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
    """How a presented refresh token stands, before its holder is looked at."""
    if token is None:
        return REFRESH_INVALID
    if token.get("usedAt") is not None:
        return REFRESH_REUSED
    if token.get("revokedAt") is not None or token["expiresAt"] <= now:
        return REFRESH_INVALID
    return REFRESH_VALID


def ends_family(outcome: str) -> bool:
    """A loose copy, or a holder who may no longer sign in: every token of the family dies."""
    return outcome in (REFRESH_REUSED, REFRESH_DISALLOWED)


def raise_for_refresh_outcome(outcome: str) -> None:
    if outcome == REFRESH_REUSED:
        raise RefreshTokenReused(
            "this refresh token was already used; every session of its family is now revoked"
        )
    if outcome != REFRESH_VALID:
        raise InvalidRefreshToken("the refresh token is invalid, expired or revoked")


# --- guests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stay:
    """A guest's stay as a check-in or check-out event describes it."""

    customer_id: str
    room_number: str
    special_id: str | None
    name: str | None
    booking_id: str | None
    status: str
    event_time: datetime
    event_id: str


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


def stay_document(stay: Stay) -> dict[str, Any]:
    """The guest_access document of a stay."""
    return {
        "_id": stay.customer_id,
        "roomNumber": stay.room_number,
        "specialId": stay.special_id,
        "name": stay.name,
        "bookingId": stay.booking_id,
        "status": stay.status,
        "eventTime": stay.event_time,
        "eventId": stay.event_id,
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


def activity_entry(
    *,
    event_id: str,
    event_type: str,
    source: str | None,
    subject: str | None,
    time: datetime,
    actor: dict[str, Any] | None,
    correlation_id: str | None,
    details: dict[str, Any],
    changes: list[dict[str, Any]],
) -> dict[str, Any]:
    """One activity_logs document (ERD fields plus the event's identity) for any event.

    The ERD's single `change` is the event's first change; `changes` keeps all of them.
    """
    entity, _, document_id = (subject or "").partition("/")
    return {
        "actionType": action_type(event_type),
        "collection": collection_for_entity(entity or event_type.split(".")[1]),
        "documentId": document_id or None,
        "user": {key: actor.get(key) for key in _ACTOR_FIELDS} if actor else None,
        "timestamp": time,
        "details": details,
        "change": changes[0] if changes else None,
        "changes": changes,
        "eventId": event_id,
        "eventType": event_type,
        "source": source,
        "correlationId": correlation_id,
    }

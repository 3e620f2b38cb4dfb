"""Users: who may exist with which role and department, and what an admin may not do to themself."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hotel_shared.errors import Conflict, NotFound, ValidationFailed
from hotel_shared.principal import Principal

USER_ROLES = ("hotelAdmin", "frontOffice", "supervisor", "staff", "restaurantAdmin")
ROLES_NEEDING_DEPARTMENT = ("staff", "supervisor")
PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH = 10, 256
# Why a user's earlier access tokens were revoked (auth.access.revoked.v1 `reason`).
REVOKED_DEACTIVATED = "user_deactivated"
REVOKED_CLAIMS_CHANGED = "claims_changed"  # role, department or employee code moved
REVOKED_PASSWORD_RESET = "password_reset"  # an admin set a new password
# The user fields an access token claims: a change makes earlier tokens wrong.
TOKEN_CLAIM_FIELDS = ("role", "department", "employeeCode")


class UserNotFound(NotFound):
    code = "user_not_found"


class UsernameTaken(Conflict):
    code = "username_taken"


class EmployeeCodeTaken(Conflict):
    code = "employee_code_taken"


class EmailTaken(Conflict):
    code = "email_taken"


class CannotModifySelf(Conflict):
    code = "cannot_modify_self"


# --- users -------------------------------------------------------------------------------------


def normalize_username(username: str) -> str:
    """Usernames are unique case-insensitively, so they are stored and looked up lowercased."""
    return username.strip().lower()


def normalize_email(email: str | None) -> str | None:
    """Emails are unique case-insensitively (when present), so they are stored lowercased."""
    return email.strip().lower() if email else None


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
        "email": normalize_email(fields.get("email")),
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


def revocation_reason(before: dict[str, Any], after: dict[str, Any], password_reset: bool):
    """Why the user's earlier access tokens must stop working now, or None when they may live:
    a deactivation, a change of what the token claims (role, department, employee code), or a
    password set by an admin."""
    if is_deactivation(before, after):
        return REVOKED_DEACTIVATED
    if any(before.get(name) != after.get(name) for name in TOKEN_CLAIM_FIELDS):
        return REVOKED_CLAIMS_CHANGED
    if password_reset:
        return REVOKED_PASSWORD_RESET
    return None


def principal_for_user(user: dict[str, Any]) -> Principal:
    return Principal(
        user_id=str(user["_id"]),
        username=user["username"],
        role=user["role"],
        department=user.get("department"),
        employee_code=user.get("employeeCode"),
    )

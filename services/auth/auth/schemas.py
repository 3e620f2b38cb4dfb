"""Request and response shapes: every body and query is validated here before any rule runs."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from auth.domain import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USER_ROLES, guest_user_id
from hotel_shared.timeutil import to_iso
from hotel_shared.web import PageQuerySchema

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$"


class RoomNumber(fields.String):
    """Room numbers are strings ("204"); a client sending the number 204 means the same room."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs).strip()


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def _password(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH), **kwargs
    )


# --- requests ----------------------------------------------------------------------------------


class LoginSchema(Schema):
    username = _text(64, required=True)
    # No minimum here: an old short password must still be rejected as wrong, not as invalid.
    password = _text(PASSWORD_MAX_LENGTH, required=True)


class GuestLoginSchema(Schema):
    roomNumber = RoomNumber(required=True, validate=validate.Length(min=1, max=10))
    specialId = _text(64, required=True)


class RefreshTokenSchema(Schema):
    refreshToken = _text(128, required=True)


class UserCreateSchema(Schema):
    username = fields.String(
        required=True,
        validate=validate.Regexp(
            USERNAME_PATTERN,
            error="3-64 letters, digits or . _ @ -, starting with a letter or digit",
        ),
    )
    password = _password(required=True)
    role = fields.String(required=True, validate=validate.OneOf(USER_ROLES))
    department = _text(64, allow_none=True)
    employeeCode = _text(32, allow_none=True)
    name = _text(128, allow_none=True)
    active = fields.Boolean(load_default=True)


class UserUpdateSchema(Schema):
    password = _password()
    role = fields.String(validate=validate.OneOf(USER_ROLES))
    department = _text(64, allow_none=True)
    employeeCode = _text(32, allow_none=True)
    name = _text(128, allow_none=True)
    active = fields.Boolean()

    @validates_schema
    def _has_a_change(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            raise ValidationError("name at least one field to change", "_schema")


class UserQuerySchema(PageQuerySchema):
    role = fields.String(validate=validate.OneOf(USER_ROLES))
    department = _text(64)
    active = fields.Boolean()


class ActivityLogQuerySchema(PageQuerySchema):
    collection = _text(64)
    documentId = _text(128)
    user = _text(128)
    start = fields.AwareDateTime(data_key="from", default_timezone=UTC)
    end = fields.AwareDateTime(data_key="to", default_timezone=UTC)


# --- responses ---------------------------------------------------------------------------------


def _iso(name: str) -> fields.Function:
    return fields.Function(lambda doc: to_iso(doc.get(name)))


class UserSchema(Schema):
    id = fields.Function(lambda user: str(user["_id"]))
    username = fields.String()
    role = fields.String()
    department = fields.String(allow_none=True)
    employeeCode = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    active = fields.Boolean()
    createdAt = _iso("createdAt")
    updatedAt = _iso("updatedAt")


class GuestProfileSchema(Schema):
    id = fields.Function(lambda stay: guest_user_id(stay["_id"]))
    username = fields.Function(lambda stay: stay.get("name") or "guest")
    role = fields.Constant("guest")
    name = fields.String(allow_none=True)
    roomNumber = fields.String()
    bookingId = fields.String(allow_none=True)


def _signed_in_user(grant: Any) -> dict[str, Any]:
    principal = grant.principal
    user = {
        "id": principal.user_id,
        "username": principal.username,
        "role": principal.role,
        "department": principal.department,
        "employeeCode": principal.employee_code,
    }
    if principal.is_guest:
        user["roomNumber"] = principal.room_number
    return user


class GrantSchema(Schema):
    accessToken = fields.String(attribute="access_token")
    refreshToken = fields.String(attribute="refresh_token")
    tokenType = fields.String(attribute="token_type")
    expiresIn = fields.Integer(attribute="expires_in")
    user = fields.Function(_signed_in_user)


class ActivityLogSchema(Schema):
    id = fields.Function(lambda entry: str(entry["_id"]))
    actionType = fields.String()
    collection = fields.String()
    documentId = fields.String(allow_none=True)
    user = fields.Raw(allow_none=True)
    timestamp = _iso("timestamp")
    details = fields.Raw()
    change = fields.Raw(allow_none=True)
    eventId = fields.String()
    eventType = fields.String()
    source = fields.String(allow_none=True)
    correlationId = fields.String(allow_none=True)

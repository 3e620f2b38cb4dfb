"""Request and response shapes: every body and query is validated here before any rule runs."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_dump, validate

from auth.rules.guests import guest_user_id
from auth.rules.users import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USER_ROLES
from hotel_shared.schemas import (
    ChangeSchema,
    RoomNumber,
    StrictBoolean,
    TimePeriodSchema,
    UtcDateTime,
    one_of,
)
from hotel_shared.web import PageQuerySchema

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$"


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def _password(**kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH), **kwargs
    )


def _email(**kwargs: Any) -> fields.Email:
    """Optional; unique case-insensitively (stored lowercased)."""
    return fields.Email(validate=validate.Length(max=254), **kwargs)


def _query_boolean(**kwargs: Any) -> fields.Boolean:
    """A query flag: exactly `true` or `false` (not 1, yes, on)."""
    return fields.Boolean(truthy={"true"}, falsy={"false"}, **kwargs)


# --- requests ----------------------------------------------------------------------------------


class LoginSchema(Schema):
    username = _text(64, required=True)
    # No minimum here: an old short password must still be rejected as wrong, not as invalid.
    password = _text(PASSWORD_MAX_LENGTH, required=True)


class GuestLoginSchema(Schema):
    roomNumber = RoomNumber(required=True)
    specialId = _text(64, required=True)


class RefreshTokenSchema(Schema):
    # Optional: a browser sends `{}` and its HttpOnly refresh cookie instead.
    refreshToken = _text(128)


class UserCreateSchema(Schema):
    username = fields.String(
        required=True,
        validate=validate.Regexp(
            USERNAME_PATTERN,
            error="3-64 letters, digits or . _ @ -, starting with a letter or digit",
        ),
    )
    password = _password(required=True)
    role = fields.String(required=True, validate=one_of(USER_ROLES))
    department = _text(64, allow_none=True)
    employeeCode = _text(32, allow_none=True)
    email = _email(allow_none=True)
    name = _text(128, allow_none=True)
    active = StrictBoolean(load_default=True)


class UserUpdateSchema(ChangeSchema):
    """Username is immutable; a new password or deactivation ends the user's sessions."""

    password = _password()
    role = fields.String(validate=one_of(USER_ROLES))
    department = _text(64, allow_none=True)
    employeeCode = _text(32, allow_none=True)
    email = _email(allow_none=True)
    name = _text(128, allow_none=True)
    active = StrictBoolean()


class UserQuerySchema(PageQuerySchema):
    role = fields.String(validate=one_of(USER_ROLES))
    department = _text(64)
    active = _query_boolean()


class ActivityLogQuerySchema(PageQuerySchema, TimePeriodSchema):
    """`user` matches the actor's username or userId; `from`/`to` bound the event time."""

    collection = _text(64)
    documentId = _text(128)
    user = _text(128)


# --- responses ---------------------------------------------------------------------------------


class UserSchema(Schema):
    id = fields.String(attribute="_id")
    username = fields.String()
    role = fields.String()
    department = fields.String(allow_none=True)
    employeeCode = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    active = fields.Boolean()
    createdAt = UtcDateTime()
    updatedAt = UtcDateTime()


class GuestProfileSchema(Schema):
    """A guest's stay as /me shows it: never its special id."""

    id = fields.Function(lambda stay: guest_user_id(stay["_id"]))
    username = fields.Function(lambda stay: stay.get("name") or "guest")
    role = fields.Constant("guest")
    name = fields.String(allow_none=True)
    roomNumber = fields.String()
    bookingId = fields.String(allow_none=True)


class SignedInUserSchema(Schema):
    """Who signed in (a Principal); `roomNumber` only for guests."""

    id = fields.String(attribute="user_id")
    username = fields.String()
    role = fields.String()
    department = fields.String(allow_none=True)
    employeeCode = fields.String(attribute="employee_code", allow_none=True)
    roomNumber = fields.String(attribute="room_number")

    @post_dump(pass_original=True)
    def _room_for_guests_only(self, data: dict[str, Any], principal: Any, **_: Any):
        if not principal.is_guest:
            data.pop("roomNumber", None)
        return data


class GrantSchema(Schema):
    accessToken = fields.String(attribute="access_token")
    refreshToken = fields.String(attribute="refresh_token")
    tokenType = fields.String(attribute="token_type")
    expiresIn = fields.Integer(attribute="expires_in")
    user = fields.Nested(SignedInUserSchema, attribute="principal")


class JwksSchema(Schema):
    """The verification keys (JWK, `kid` = RFC 7638 thumbprint)."""

    keys = fields.List(fields.Dict())


class ActivityLogSchema(Schema):
    id = fields.String(attribute="_id")
    actionType = fields.String()
    collection = fields.String()
    documentId = fields.String(allow_none=True)
    user = fields.Dict(allow_none=True)
    timestamp = UtcDateTime()
    details = fields.Dict()
    change = fields.Dict(allow_none=True)
    changes = fields.List(fields.Dict(), dump_default=list)
    eventId = fields.String()
    eventType = fields.String()
    source = fields.String(allow_none=True)
    correlationId = fields.String(allow_none=True)

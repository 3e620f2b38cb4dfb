"""Marshmallow schemas of the notifications API: the list query, the inbox item, the count."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from hotel_shared.schemas import QueryFlag, UtcDateTime, one_of
from hotel_shared.web import PageQuerySchema
from notifications.rules.alerts import ALERT_PRIORITIES, AUDIENCE_KINDS, MAX_ALERT_LENGTH

# A department code, a role or an employee code: letters, digits, - and _.
AUDIENCE_VALUE = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", error="letters, digits, - and _ only (at most 40)"
)


class NotificationListQuerySchema(PageQuerySchema):
    # Only `true` or `false`: 1, yes or on are refused, not guessed.
    unread = QueryFlag(
        load_default=False,
        metadata={"description": "only the unread ones (true or false)"},
    )
    since = UtcDateTime(
        load_default=None,
        metadata={"description": "only those with createdAt after it (catch-up on reconnect)"},
    )


class NotificationSchema(Schema):
    id = fields.String(attribute="_id")
    event = fields.String()
    type = fields.String()
    audiences = fields.List(fields.String())
    bookingId = fields.String(allow_none=True)
    taskId = fields.String(allow_none=True)
    roomNumber = fields.String(allow_none=True)
    roomType = fields.String(allow_none=True)
    employeeId = fields.String(allow_none=True)
    taskType = fields.String(allow_none=True)
    oldStatus = fields.Raw(allow_none=True)
    newStatus = fields.Raw(allow_none=True)
    isRoomNotification = fields.Boolean()
    isTaskNotification = fields.Boolean()
    raw = fields.Dict(metadata={"description": "the event's data"})
    timestamp = UtcDateTime(metadata={"description": "when the event happened"})
    createdAt = UtcDateTime(metadata={"description": "inbox time: pass the last seen as since"})
    read = fields.Boolean(metadata={"description": "read by the caller"})


class UnreadCountSchema(Schema):
    count = fields.Integer()


# --- alerts -------------------------------------------------------------------------------------


class AlertAudienceSchema(Schema):
    kind = fields.String(
        required=True,
        validate=one_of(AUDIENCE_KINDS),
        metadata={"description": "department, role or employee"},
    )
    value = fields.String(
        required=True,
        validate=AUDIENCE_VALUE,
        metadata={"description": "a department code, a staff role or an employee code"},
    )


class AlertCreateSchema(Schema):
    audience = fields.Nested(AlertAudienceSchema, required=True)
    message = fields.String(required=True, validate=validate.Length(min=1, max=MAX_ALERT_LENGTH))
    priority = fields.String(load_default="normal", validate=one_of(ALERT_PRIORITIES))


class AlertSenderSchema(Schema):
    userId = fields.String()
    username = fields.String()
    role = fields.String()
    employeeCode = fields.String(allow_none=True)


class ReadReceiptSchema(Schema):
    userId = fields.String()
    username = fields.String()
    employeeCode = fields.String(allow_none=True)
    readAt = UtcDateTime()


class AlertSchema(Schema):
    id = fields.String(attribute="_id")
    audience = fields.Nested(AlertAudienceSchema)
    message = fields.String()
    priority = fields.String()
    sentBy = fields.Nested(AlertSenderSchema)
    createdAt = UtcDateTime()
    readBy = fields.List(
        fields.Nested(ReadReceiptSchema),
        metadata={"description": "each recipient who has read it, first reader first"},
    )
    readCount = fields.Integer()


# --- Web Push -----------------------------------------------------------------------------------


class VapidPublicKeySchema(Schema):
    publicKey = fields.String(
        metadata={
            "description": "URL-safe base64 of the uncompressed P-256 key: the browser's "
            "applicationServerKey"
        }
    )


class PushKeysSchema(Schema):
    p256dh = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "the browser's P-256 public key, base64url"},
    )
    auth = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "the browser's 16-byte auth secret, base64url"},
    )


class PushSubscriptionCreateSchema(Schema):
    """What `PushSubscription.toJSON()` gives (its expirationTime is accepted and ignored)."""

    endpoint = fields.String(required=True, validate=validate.Length(min=1, max=2048))
    keys = fields.Nested(PushKeysSchema, required=True)
    expirationTime = fields.Raw(load_default=None, allow_none=True, load_only=True)


class PushSubscriptionSchema(Schema):
    id = fields.String(attribute="_id")
    endpoint = fields.String()
    userId = fields.String()
    employeeCode = fields.String(allow_none=True)
    department = fields.String(allow_none=True)
    role = fields.String()
    audiences = fields.List(fields.String(), metadata={"description": "who this device hears"})
    userAgent = fields.String(allow_none=True)
    createdAt = UtcDateTime()
    updatedAt = UtcDateTime()


class PushSubscriptionListSchema(Schema):
    items = fields.List(fields.Nested(PushSubscriptionSchema))

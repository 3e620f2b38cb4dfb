"""Marshmallow schemas of the notifications API: the list query, the inbox item, the count."""

from __future__ import annotations

from marshmallow import Schema, fields

from hotel_shared.schemas import QueryFlag, UtcDateTime
from hotel_shared.web import PageQuerySchema


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

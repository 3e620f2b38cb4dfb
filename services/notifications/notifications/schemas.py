"""Marshmallow schemas of the notifications API: list query and the inbox item."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields

from hotel_shared.timeutil import parse_iso, to_iso
from hotel_shared.web import PageQuerySchema


class IsoTime(fields.Field):
    """ISO 8601 in, aware UTC datetime out (a time without offset is UTC); ISO with Z on dump."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_iso(str(value))
        except ValueError:
            raise ValidationError("not an ISO 8601 time, e.g. 2025-05-01T09:30:12.345Z") from None

    def _serialize(self, value, attr, obj, **kwargs):
        return to_iso(value)


class NotificationListQuerySchema(PageQuerySchema):
    unread = fields.Boolean(load_default=False)
    since = IsoTime(load_default=None)


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
    raw = fields.Dict()
    timestamp = IsoTime()
    createdAt = IsoTime()
    read = fields.Boolean()


class UnreadCountSchema(Schema):
    count = fields.Integer()

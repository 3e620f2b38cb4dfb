"""Marshmallow schemas of the rooms API: request bodies, list queries, the room as JSON."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hotel_shared.timeutil import to_iso
from hotel_shared.web import PageQuerySchema
from rooms.domain import (
    FRONT_OFFICE_STATUSES,
    GUEST_SERVICE_STATUSES,
    HK_OCCUPANCIES,
    HOUSEKEEPING_STATUSES,
    OUT_OF_ORDER_KINDS,
    ROOM_NUMBER_PATTERN,
    ROOM_TYPES,
    STATUS_FIELDS,
    TURNDOWN_STATUSES,
)


class UtcDateTime(fields.Field):
    """Dumps an aware datetime as ISO 8601 UTC with `Z`, the platform's one time format."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return to_iso(value)


class JsonNumber(fields.Float):
    """A JSON number: unlike fields.Float, a numeric string such as "120" is refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, str):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _one_of(choices: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices, error=f"must be one of: {', '.join(choices)}")


def _require_some(data: dict[str, Any], names: tuple[str, ...]) -> None:
    if not data:
        raise ValidationError(f"give at least one of: {', '.join(names)}", "_schema")


PRICE_RANGE = validate.Range(min=0, min_inclusive=False, max=1_000_000)
CAPACITY_RANGE = validate.Range(min=1, max=20)
FLOOR_RANGE = validate.Range(min=-5, max=200)
DESCRIPTION_LENGTH = validate.Length(max=1000)


def _amenities(**kwargs: Any) -> fields.List:
    amenity = fields.Str(validate=validate.Length(min=1, max=40))
    return fields.List(amenity, validate=validate.Length(max=30), **kwargs)


class RoomCreateSchema(Schema):
    roomNumber = fields.Str(
        required=True,
        validate=validate.Regexp(ROOM_NUMBER_PATTERN, error="must be 1-10 letters, digits or '-'"),
    )
    roomType = fields.Str(required=True, validate=_one_of(ROOM_TYPES))
    price = JsonNumber(required=True, allow_nan=False, validate=PRICE_RANGE)
    capacity = fields.Int(required=True, strict=True, validate=CAPACITY_RANGE)
    description = fields.Str(load_default="", validate=DESCRIPTION_LENGTH)
    amenities = _amenities(load_default=list)
    floor = fields.Int(strict=True, validate=FLOOR_RANGE)
    # A new room is Dirty unless said otherwise: it is sold only once cleaned and inspected.
    housekeepingStatus = fields.Str(validate=_one_of(HOUSEKEEPING_STATUSES))


class RoomUpdateSchema(Schema):
    """The descriptive fields; status fields have their own route, roomNumber never changes."""

    roomType = fields.Str(validate=_one_of(ROOM_TYPES))
    price = JsonNumber(allow_nan=False, validate=PRICE_RANGE)
    capacity = fields.Int(strict=True, validate=CAPACITY_RANGE)
    description = fields.Str(validate=DESCRIPTION_LENGTH)
    amenities = _amenities()
    floor = fields.Int(strict=True, validate=FLOOR_RANGE)

    @validates_schema
    def require_some_field(self, data: dict[str, Any], **kwargs: Any) -> None:
        _require_some(data, tuple(self.fields))


class RoomStatusUpdateSchema(Schema):
    housekeepingStatus = fields.Str(validate=_one_of(HOUSEKEEPING_STATUSES))
    hkOccupancy = fields.Str(allow_none=True, validate=_one_of(HK_OCCUPANCIES))
    guestServiceStatus = fields.Str(validate=_one_of(GUEST_SERVICE_STATUSES))
    turndownStatus = fields.Str(validate=_one_of(TURNDOWN_STATUSES))

    @validates_schema
    def require_some_field(self, data: dict[str, Any], **kwargs: Any) -> None:
        _require_some(data, STATUS_FIELDS)


class RoomListQuerySchema(PageQuerySchema):
    housekeepingStatus = fields.Str(validate=_one_of(HOUSEKEEPING_STATUSES))
    frontOfficeStatus = fields.Str(validate=_one_of(FRONT_OFFICE_STATUSES))
    roomType = fields.Str(validate=_one_of(ROOM_TYPES))
    floor = fields.Int(validate=FLOOR_RANGE)


class OutOfOrderSchema(Schema):
    kind = fields.Str(validate=_one_of(OUT_OF_ORDER_KINDS))
    reason = fields.Str()
    from_ = UtcDateTime(data_key="from", attribute="from")
    to = UtcDateTime()
    returnStatus = fields.Str(validate=_one_of(HOUSEKEEPING_STATUSES))


class RoomSchema(Schema):
    id = fields.Function(lambda room: str(room["_id"]))
    roomNumber = fields.Str()
    roomType = fields.Str()
    price = fields.Float()
    capacity = fields.Int()
    description = fields.Str()
    amenities = fields.List(fields.Str())
    floor = fields.Int()
    status = fields.Str()
    housekeepingStatus = fields.Str()
    frontOfficeStatus = fields.Str()
    hkOccupancy = fields.Str(allow_none=True)
    discrepancy = fields.Str(allow_none=True)
    outOfOrder = fields.Nested(OutOfOrderSchema, allow_none=True)
    guestServiceStatus = fields.Str()
    turndownStatus = fields.Str()
    version = fields.Int()
    createdAt = UtcDateTime()
    updatedAt = UtcDateTime()
    statusChangedAt = UtcDateTime()

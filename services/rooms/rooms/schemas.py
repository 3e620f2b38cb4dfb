"""Marshmallow schemas of the rooms API: request bodies, list queries, documents as JSON."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from hotel_shared.schemas import (
    ChangeSchema,
    DatePeriodSchema,
    Day,
    JsonNumber,
    QueryFlag,
    RoomNumber,
    StrictBoolean,
    StrictInteger,
    TimePeriodSchema,
    UtcDateTime,
    one_of,
)
from hotel_shared.web import PageQuerySchema
from rooms.rules.bookings import BOOKING_STATUSES
from rooms.rules.out_of_order import OUT_OF_ORDER_KINDS
from rooms.rules.rooms import (
    FRONT_OFFICE_STATUSES,
    GUEST_SERVICE_STATUSES,
    HK_OCCUPANCIES,
    HOUSEKEEPING_STATUSES,
    ROOM_TYPES,
    TURNDOWN_STATUSES,
)
from rooms.rules.stays import STAY_STATUSES

PRICE_RANGE = validate.Range(min=0, min_inclusive=False, max=1_000_000)
CAPACITY_RANGE = validate.Range(min=1, max=20)
FLOOR_RANGE = validate.Range(min=-5, max=200)
DESCRIPTION_LENGTH = validate.Length(max=1000)
NAME_LENGTH = validate.Length(min=1, max=120)
REASON_LENGTH = validate.Length(min=1, max=500)


def _facilities(**kwargs: Any) -> fields.List:
    facility = fields.Str(validate=validate.Length(min=1, max=40))
    return fields.List(facility, validate=validate.Length(max=30), **kwargs)


# --- rooms ---------------------------------------------------------------------------------------


class _FacilitiesAlias(Schema):
    """`facilities` (the ERD's name); `amenities`, its old name, is still read for one release."""

    facilities = _facilities()
    amenities = _facilities(
        metadata={"deprecated": True, "description": "old name of facilities (one release)"}
    )

    @validates_schema
    def _one_list(self, data: dict[str, Any], **_: Any) -> None:
        both = "facilities" in data and "amenities" in data
        if both and data["facilities"] != data["amenities"]:
            raise ValidationError(
                "give facilities (amenities is its old name), not both", "amenities"
            )

    @post_load
    def _as_facilities(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if "amenities" in data:
            data["facilities"] = data.pop("amenities")
        return data


class RoomCreateSchema(_FacilitiesAlias):
    roomNumber = RoomNumber(required=True)
    roomType = fields.Str(required=True, validate=one_of(ROOM_TYPES))
    price = JsonNumber(required=True, validate=PRICE_RANGE)
    capacity = StrictInteger(required=True, validate=CAPACITY_RANGE)
    description = fields.Str(load_default="", validate=DESCRIPTION_LENGTH)
    floor = StrictInteger(validate=FLOOR_RANGE)
    # A new room is Dirty unless said otherwise: it is sold only once cleaned and inspected.
    housekeepingStatus = fields.Str(validate=one_of(HOUSEKEEPING_STATUSES))


class RoomUpdateSchema(_FacilitiesAlias, ChangeSchema):
    """The descriptive fields; status fields have their own route, roomNumber never changes."""

    roomType = fields.Str(validate=one_of(ROOM_TYPES))
    price = JsonNumber(validate=PRICE_RANGE)
    capacity = StrictInteger(validate=CAPACITY_RANGE)
    description = fields.Str(validate=DESCRIPTION_LENGTH)
    floor = StrictInteger(validate=FLOOR_RANGE)


class RoomStatusUpdateSchema(ChangeSchema):
    housekeepingStatus = fields.Str(validate=one_of(HOUSEKEEPING_STATUSES))
    hkOccupancy = fields.Str(allow_none=True, validate=one_of(HK_OCCUPANCIES))
    guestServiceStatus = fields.Str(validate=one_of(GUEST_SERVICE_STATUSES))
    turndownStatus = fields.Str(validate=one_of(TURNDOWN_STATUSES))
    reason = fields.Str(
        validate=REASON_LENGTH,
        metadata={"description": "why (a failed inspection's finding): history and event"},
    )

    @validates_schema
    def _reason_of_a_change(self, data: dict[str, Any], **_: Any) -> None:
        if data and set(data) == {"reason"}:
            raise ValidationError("a reason goes with a status change; give one", "reason")


class RoomListQuerySchema(PageQuerySchema):
    housekeepingStatus = fields.Str(validate=one_of(HOUSEKEEPING_STATUSES))
    frontOfficeStatus = fields.Str(validate=one_of(FRONT_OFFICE_STATUSES))
    roomType = fields.Str(validate=one_of(ROOM_TYPES))
    floor = fields.Int(validate=FLOOR_RANGE)


class OutOfOrderSchema(Schema):
    kind = fields.Str(validate=one_of(OUT_OF_ORDER_KINDS))
    reason = fields.Str()
    from_ = UtcDateTime(data_key="from", attribute="from")
    to = UtcDateTime(allow_none=True)
    returnStatus = fields.Str(validate=one_of(HOUSEKEEPING_STATUSES))


class OutOfOrderRequestSchema(Schema):
    kind = fields.Str(required=True, validate=one_of(OUT_OF_ORDER_KINDS))
    reason = fields.Str(required=True, validate=REASON_LENGTH)
    from_ = UtcDateTime(data_key="from", attribute="from")
    to = UtcDateTime()
    returnStatus = fields.Str(validate=one_of(HOUSEKEEPING_STATUSES))


class GuestServiceSchema(Schema):
    """What a guest may read of their room: its door sign (Do not disturb / Make up room)."""

    roomNumber = fields.Str()
    guestServiceStatus = fields.Str(metadata={"enum": list(GUEST_SERVICE_STATUSES)})
    version = fields.Int(metadata={"description": "the room's version (its ETag)"})


class RoomSchema(Schema):
    id = fields.Function(lambda room: str(room["_id"]), metadata={"type": "string"})
    roomNumber = fields.Str()
    roomType = fields.Str()
    price = fields.Float()
    capacity = fields.Int()
    description = fields.Str()
    facilities = fields.List(fields.Str())
    amenities = fields.Function(
        lambda room: list(room.get("facilities") or []),
        metadata={
            "type": "array",
            "items": {"type": "string"},
            "deprecated": True,
            "description": "old name of facilities (one release)",
        },
    )
    floor = fields.Int()
    # The guest of the current stay (check-in sets them, check-out clears them); null when vacant.
    guestName = fields.Str(allow_none=True)
    guestContact = fields.Str(allow_none=True)
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


class RoomStatusHistorySchema(Schema):
    roomNumber = fields.Str()
    field = fields.Str()
    oldValue = fields.Method("dump_old_value")
    newValue = fields.Method("dump_new_value")
    version = fields.Int()
    actor = fields.Dict(allow_none=True)
    source = fields.Str()
    reason = fields.Function(
        lambda entry: entry.get("reason"),
        metadata={"type": ["string", "null"], "description": "why, when the change said"},
    )
    time = UtcDateTime()

    def dump_old_value(self, entry: dict[str, Any]) -> Any:
        return _history_value(entry.get("oldValue"))

    def dump_new_value(self, entry: dict[str, Any]) -> Any:
        return _history_value(entry.get("newValue"))


def _history_value(value: Any) -> Any:
    # outOfOrder is the one dimension whose value is a document (with datetimes).
    return OutOfOrderSchema().dump(value) if isinstance(value, dict) else value


class AvailabilityQuerySchema(DatePeriodSchema):
    """The nights from … to-1 (days within 2000-2100)."""

    from_ = Day(required=True, data_key="from", attribute="from")
    to = Day(required=True)
    roomType = fields.Str(validate=one_of(ROOM_TYPES))


class AnalyticsQuerySchema(TimePeriodSchema):
    """The turnaround period [from, to); by default the seven days up to now."""


class OutOfOrderSummarySchema(OutOfOrderSchema):
    roomNumber = fields.Str()


class RoomAnalyticsSchema(Schema):
    fromTime = UtcDateTime(data_key="from")
    toTime = UtcDateTime(data_key="to")
    totalRooms = fields.Int()
    occupiedRooms = fields.Int()
    occupancyRate = fields.Float()
    byHousekeepingStatus = fields.Dict()
    byFrontOfficeStatus = fields.Dict()
    byGuestServiceStatus = fields.Dict()
    byTurndownStatus = fields.Dict()
    byDiscrepancy = fields.Dict()
    readyStatus = fields.Str()
    turnarounds = fields.Int()
    averageTurnaroundMinutes = fields.Float(allow_none=True)
    outOfOrderCount = fields.Int()
    outOfOrderRooms = fields.List(fields.Nested(OutOfOrderSummarySchema))


# --- the front office ----------------------------------------------------------------------------


PAYMENT_METHODS = ("cash", "card", "bankTransfer", "online", "voucher", "other")
# A payment reference names a payment, never a card: no run of more than 4 digits, and no
# 12 or more digits split only by spaces or dashes (a card number written in groups).
_LONG_DIGIT_RUN = re.compile(r"[0-9]{5,}")
_CARD_LIKE = re.compile(r"(?:[0-9][ -]*){12,}")


def _no_card_number(value: str) -> None:
    if _LONG_DIGIT_RUN.search(value) or _CARD_LIKE.search(value):
        raise ValidationError("must not hold a card number (no more than 4 digits in a row)")


class PaymentDetailsSchema(Schema):
    """How the booking is (to be) paid: never a full card number, at most its last four digits."""

    method = fields.Str(required=True, validate=one_of(PAYMENT_METHODS))
    reference = fields.Str(
        validate=[validate.Length(min=1, max=64), _no_card_number],
        metadata={"description": "the payment's reference (no more than 4 digits in a row)"},
    )
    last4 = fields.Str(validate=validate.Regexp(r"^[0-9]{4}\Z", error="must be 4 digits"))
    brand = fields.Str(validate=validate.Length(min=1, max=20))

    @validates_schema
    def _card_fields(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("method") != "card":
            for name in sorted(data.keys() & {"last4", "brand"}):
                raise ValidationError("only for method card", name)


class BookingCreateSchema(Schema):
    roomNumber = RoomNumber(required=True)
    customerName = fields.Str(required=True, validate=NAME_LENGTH)
    customerEmail = fields.Email(required=True, validate=validate.Length(max=254))
    checkInDate = Day(required=True)
    checkOutDate = Day(required=True)
    partialPayment = JsonNumber(validate=validate.Range(min=0, max=10_000_000))
    paymentDetails = fields.Nested(PaymentDetailsSchema)


class BookingListQuerySchema(PageQuerySchema):
    roomNumber = RoomNumber()
    status = fields.Str(validate=one_of(BOOKING_STATUSES))
    from_ = Day(data_key="from", attribute="from")
    to = Day()


class BookingSchema(Schema):
    id = fields.Str(attribute="_id")
    roomNumber = fields.Str()
    customerName = fields.Str()
    customerEmail = fields.Str(allow_none=True)
    checkInDate = fields.Str()
    checkOutDate = fields.Str()
    totalAmount = fields.Float()
    partialPayment = fields.Float()
    paymentStatus = fields.Str()
    bookingStatus = fields.Str()
    specialId = fields.Str(
        metadata={"description": "the guest's booking code: only for hotelAdmin and frontOffice"}
    )
    paymentDetails = fields.Nested(PaymentDetailsSchema, allow_none=True)
    pmsReservationId = fields.Str(allow_none=True)
    customerId = fields.Str()
    bookedAt = UtcDateTime()
    createdAt = UtcDateTime()
    updatedAt = UtcDateTime()
    cancelledAt = UtcDateTime()


class CheckInSchema(Schema):
    """Either {bookingId} or a walk-in {name, roomNumber, checkoutDate}; override needs a reason."""

    bookingId = fields.Str(validate=validate.Length(min=1, max=64))
    name = fields.Str(validate=NAME_LENGTH)
    contactNumber = fields.Str(validate=validate.Length(min=3, max=32))
    roomNumber = RoomNumber()
    checkoutDate = Day()
    override = StrictBoolean(load_default=False)
    reason = fields.Str(validate=REASON_LENGTH)

    @validates_schema
    def check_shape(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("override") and not data.get("reason"):
            raise ValidationError("give the reason for the override", "reason")
        if "bookingId" in data:
            if "roomNumber" in data or "checkoutDate" in data:
                raise ValidationError(
                    "a check-in from a booking takes the booking's room and dates"
                )
            return
        missing = {"name", "roomNumber", "checkoutDate"} - data.keys()
        if missing:
            raise ValidationError(
                {name: ["required for a walk-in (or give bookingId)"] for name in missing}
            )


class StayUpdateSchema(Schema):
    updatedCheckoutDate = Day(required=True)


class StayListQuerySchema(PageQuerySchema):
    roomNumber = RoomNumber()
    status = fields.Str(validate=one_of(STAY_STATUSES))


class StaySchema(Schema):
    id = fields.Str(attribute="_id")
    name = fields.Str()
    contactNumber = fields.Str(allow_none=True)
    roomNumber = fields.Str()
    checkinDate = UtcDateTime()
    checkinTime = UtcDateTime(metadata={"description": "the instant of check-in (ERD name)"})
    checkoutDate = fields.Str()
    updatedCheckoutDate = fields.Str(allow_none=True)
    bookingId = fields.Str(allow_none=True)
    specialId = fields.Str(
        metadata={"description": "the guest's booking code: only for hotelAdmin and frontOffice"}
    )
    status = fields.Str()
    checkedOutAt = UtcDateTime(allow_none=True)
    checkinSource = fields.Str(metadata={"description": "frontOffice | pms: who checked in"})
    checkoutSource = fields.Str(
        allow_none=True, metadata={"description": "frontOffice | pms; null while in house"}
    )
    override = fields.Dict(allow_none=True)


class ContactMessageCreateSchema(Schema):
    name = fields.Str(required=True, validate=NAME_LENGTH)
    roomNumber = RoomNumber(required=True)
    message = fields.Str(required=True, validate=validate.Length(min=1, max=2000))


class ContactMessageListQuerySchema(PageQuerySchema):
    roomNumber = RoomNumber()
    handled = QueryFlag(metadata={"description": "true: handled ones only; false: waiting ones"})


class ContactMessageUpdateSchema(Schema):
    handled = StrictBoolean(required=True)


class ContactMessageSchema(Schema):
    id = fields.Str(attribute="_id")
    name = fields.Str()
    roomNumber = fields.Str()
    message = fields.Str()
    createdAt = UtcDateTime()
    handled = fields.Bool()
    handledBy = fields.Dict(
        allow_none=True,
        metadata={"description": "the actor who marked it handled (never shown to a guest)"},
    )
    handledAt = UtcDateTime(allow_none=True)

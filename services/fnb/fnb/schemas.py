"""Marshmallow schemas of the fnb service's bodies, queries and responses (money as "12.50")."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from fnb.rules.money import MoneyError, format_money, parse_money
from fnb.rules.orders import LIFECYCLE
from hotel_shared.schemas import (
    ChangeSchema,
    DatePeriodSchema,
    QueryFlag,
    RoomNumber,
    StrictBoolean,
    StrictInteger,
    UtcDateTime,
    one_of,
)
from hotel_shared.web import PageQuerySchema

_IMAGE = re.compile(r"^(https?://[^\s/$.?#][^\s]*|/(?!.*\.\.)[^\s]*)$", re.IGNORECASE)
_ID = validate.Length(1, 64)


class Money(fields.Field):
    """An exact amount: in as a JSON number or decimal string (≤ 2 decimals), out as "12.50"."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "example": "12.50"}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else format_money(value)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        try:
            return parse_money(value)
        except MoneyError as error:
            raise ValidationError(str(error)) from None


def _text(low: int, high: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(low, high), **kwargs)


def _image(**kwargs: Any) -> fields.String:
    checks = [
        validate.Length(1, 500),
        validate.Regexp(_IMAGE, error="must be an http(s) URL or a path such as /img/club.jpg"),
    ]
    return fields.String(validate=checks, allow_none=True, **kwargs)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


# --- menu ------------------------------------------------------------------------------------


class FoodCreateSchema(_Strict):
    name = _text(1, 120, required=True)
    price = Money(required=True)
    category = _text(1, 60, required=True)
    img = _image()
    details = _text(0, 2000)
    available = StrictBoolean()


class FoodUpdateSchema(ChangeSchema, FoodCreateSchema):
    name = _text(1, 120)
    price = Money()
    category = _text(1, 60)


class FoodSchema(Schema):
    id = fields.String(attribute="_id")
    name = fields.String()
    price = Money()
    category = fields.String()
    img = fields.String(allow_none=True)
    details = fields.String()
    available = fields.Boolean()
    currency = fields.String(metadata={"description": "the hotel's currency of price"})
    createdAt = UtcDateTime()
    updatedAt = UtcDateTime()
    version = fields.Integer()


class MenuQuerySchema(_Strict):
    category = _text(1, 60)
    available = QueryFlag()


class ComboItemInSchema(_Strict):
    foodId = fields.String(required=True, validate=_ID)
    quantity = StrictInteger(load_default=1, validate=validate.Range(1, 20))


class ComboCreateSchema(_Strict):
    title = _text(1, 120, required=True)
    description = _text(0, 2000)
    price = Money(required=True)
    img = _image()
    items = fields.List(
        fields.Nested(ComboItemInSchema), required=True, validate=validate.Length(1, 20)
    )
    active = StrictBoolean()


class ComboUpdateSchema(ChangeSchema, ComboCreateSchema):
    title = _text(1, 120)
    price = Money()
    items = fields.List(fields.Nested(ComboItemInSchema), validate=validate.Length(1, 20))


class ComboContentSchema(Schema):
    foodId = fields.String()
    name = fields.String()
    quantity = fields.Integer()


class ComboSchema(Schema):
    id = fields.String(attribute="_id")
    title = fields.String()
    description = fields.String()
    price = Money()
    img = fields.String(allow_none=True)
    items = fields.List(fields.Nested(ComboContentSchema))
    active = fields.Boolean()
    orderable = fields.Boolean()
    currency = fields.String(metadata={"description": "the hotel's currency of price"})
    createdAt = UtcDateTime()
    updatedAt = UtcDateTime()
    version = fields.Integer()


class ComboQuerySchema(_Strict):
    active = QueryFlag()


# --- carts -----------------------------------------------------------------------------------


class CartItemAddSchema(_Strict):
    foodId = fields.String(validate=_ID)
    comboId = fields.String(validate=_ID)
    quantity = StrictInteger(load_default=1, validate=validate.Range(1, 50))

    @validates_schema
    def _one_item(self, data: dict[str, Any], **_: Any) -> None:
        if bool(data.get("foodId")) == bool(data.get("comboId")):
            raise ValidationError("give exactly one of foodId or comboId", "_schema")


class CartItemUpdateSchema(_Strict):
    quantity = StrictInteger(required=True, validate=validate.Range(1, 50))


class LineSchema(Schema):
    itemId = fields.String()
    kind = fields.String()
    foodId = fields.String()
    comboId = fields.String()
    name = fields.String()
    quantity = fields.Integer()
    unitPrice = Money()
    lineTotal = fields.Method("_line_total", metadata={"type": "string"})
    comboContents = fields.List(fields.Nested(ComboContentSchema))

    def _line_total(self, line: dict[str, Any]) -> str:
        return format_money(line.get("lineTotal", line["unitPrice"] * line["quantity"]))


class CartSchema(Schema):
    roomNumber = fields.String()
    items = fields.List(fields.Nested(LineSchema))
    subtotal = fields.Method("_subtotal", metadata={"type": "string"})
    currency = fields.String(metadata={"description": "the hotel's currency of the prices"})
    updatedAt = UtcDateTime()
    version = fields.Integer()

    def _subtotal(self, cart: dict[str, Any]) -> str:
        return format_money(sum(line["unitPrice"] * line["quantity"] for line in cart["items"]))


# --- orders, cancellations, bills -----------------------------------------------------------


class OrderSchema(Schema):
    id = fields.String(attribute="_id")
    roomNumber = fields.String()
    customerId = fields.String(allow_none=True)
    bookingId = fields.String(allow_none=True)
    items = fields.List(fields.Nested(LineSchema))
    totalPrice = Money()
    currency = fields.String()
    status = fields.String()
    checkedOutAt = UtcDateTime()
    statusTimes = fields.Dict(keys=fields.String(), values=UtcDateTime())
    deliveredAt = UtcDateTime(allow_none=True)
    version = fields.Integer()


class OrderListQuerySchema(PageQuerySchema):
    class Meta:
        unknown = RAISE

    roomNumber = RoomNumber()
    status = fields.String(validate=one_of(LIFECYCLE))


class StatusChangeSchema(_Strict):
    status = fields.String(required=True, validate=one_of(LIFECYCLE))


class CancelSchema(_Strict):
    reason = _text(0, 500, load_default="")


class CancelledOrderSchema(Schema):
    id = fields.String(attribute="_id")
    originalOrderId = fields.String()
    roomNumber = fields.String()
    items = fields.List(fields.Nested(LineSchema))
    checkedOutAt = UtcDateTime()
    cancelledAt = UtcDateTime()
    cancellationReason = fields.String()
    statusAtCancellation = fields.String()
    totalPrice = Money()
    currency = fields.String()


class BillSchema(Schema):
    id = fields.String(attribute="_id")
    orderId = fields.String()
    roomNumber = fields.String()
    customerId = fields.String(allow_none=True)
    items = fields.List(fields.Nested(LineSchema))
    checkedOutAt = UtcDateTime()
    deliveredAt = UtcDateTime()
    totalPrice = Money()
    currency = fields.String()


class BillListQuerySchema(PageQuerySchema):
    class Meta:
        unknown = RAISE

    roomNumber = RoomNumber()


class RecommendationQuerySchema(_Strict):
    roomNumber = RoomNumber(required=True)


class RecommendationSchema(Schema):
    kind = fields.String()
    id = fields.String()
    name = fields.String()
    price = Money()
    currency = fields.String(metadata={"description": "the hotel's currency of price"})
    reason = fields.String()


# --- analytics -------------------------------------------------------------------------------


class AnalyticsQuerySchema(DatePeriodSchema):
    class Meta:
        unknown = RAISE


class TopItemSchema(Schema):
    kind = fields.String()
    id = fields.String()
    name = fields.String()
    quantity = fields.Integer()
    revenue = Money()


class DaySchema(Schema):
    day = fields.String()
    orders = fields.Integer()
    delivered = fields.Integer()
    cancelled = fields.Integer()
    revenue = Money()


class AnalyticsSchema(Schema):
    fromDay = fields.String(data_key="from")
    toDay = fields.String(data_key="to")
    timezone = fields.String()
    currency = fields.String()
    orders = fields.Integer()
    delivered = fields.Integer()
    cancelled = fields.Integer()
    revenue = Money()
    avgDeliveryMinutes = fields.Float(allow_none=True)
    cancellationRate = fields.Float(allow_none=True)
    topItems = fields.List(fields.Nested(TopItemSchema))
    byDay = fields.List(fields.Nested(DaySchema))

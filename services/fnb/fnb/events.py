"""Events the fnb service publishes (types and payload builders) and the ones it consumes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnb.rules.money import format_money
from fnb.rules.orders import CANCELLED
from hotel_shared.events import EventSource, changes_between
from hotel_shared.principal import Context
from hotel_shared.timeutil import to_iso

SOURCE = EventSource("fnb")
ORDER_PLACED = "fnb.order.placed.v1"
ORDER_STATUS_CHANGED = "fnb.order.status_changed.v1"
ORDER_CANCELLED = "fnb.order.cancelled.v1"
BILL_CREATED = "fnb.bill.created.v1"

# Events in: handlers.py names the fields of each that this service reads.
CUSTOMER_CHECKED_IN = "rooms.customer.checked_in.v1"
CUSTOMER_CHECKED_OUT = "rooms.customer.checked_out.v1"

STATUS_CHANGE_FIELDS = ("status",)

Document = Mapping[str, Any]
Envelope = dict[str, Any]


def public_lines(lines: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Order lines as events carry them: money as decimal strings, no combo contents."""
    return [
        {
            "itemId": line["itemId"],
            "kind": line["kind"],
            **({"comboId": line["comboId"]} if "comboId" in line else {"foodId": line["foodId"]}),
            "name": line["name"],
            "quantity": line["quantity"],
            "unitPrice": format_money(line["unitPrice"]),
            "lineTotal": format_money(line["lineTotal"]),
        }
        for line in lines
    ]


def _order_event(event_type: str, order: Document, data: dict[str, Any], ctx: Context) -> Envelope:
    return SOURCE.event(
        event_type,
        subject=f"order/{order['_id']}",
        data={
            "orderId": order["_id"],
            "roomNumber": order["roomNumber"],
            "totalPrice": format_money(order["totalPrice"]),
            "currency": order["currency"],
            **data,
        },
        actor=ctx.actor,
        correlation_id=ctx.correlation_id,
    )


def order_placed(order: Document, ctx: Context) -> Envelope:
    data = {
        "status": order["status"],
        "oldStatus": None,
        "itemCount": sum(line["quantity"] for line in order["items"]),
        "items": public_lines(order["items"]),
        "version": order["version"],
    }
    return _order_event(ORDER_PLACED, order, data, ctx)


def order_status_changed(before: Document, after: Document, ctx: Context) -> Envelope:
    data = {
        "status": after["status"],
        "oldStatus": before["status"],
        "version": after["version"],
        "changes": changes_between(before, after, STATUS_CHANGE_FIELDS),
    }
    return _order_event(ORDER_STATUS_CHANGED, after, data, ctx)


def order_cancelled(order: Document, cancelled: Document, ctx: Context) -> Envelope:
    data = {
        "status": CANCELLED,
        "oldStatus": order["status"],
        "statusAtCancellation": cancelled["statusAtCancellation"],
        "reason": cancelled["cancellationReason"],
        "version": cancelled["version"],
    }
    return _order_event(ORDER_CANCELLED, order, data, ctx)


def bill_created(billing: Document, ctx: Context) -> Envelope:
    return SOURCE.event(
        BILL_CREATED,
        subject=f"bill/{billing['_id']}",
        data={
            "billingId": billing["_id"],
            "orderId": billing["orderId"],
            "roomNumber": billing["roomNumber"],
            "customerId": billing.get("customerId"),
            "totalPrice": format_money(billing["totalPrice"]),
            "currency": billing["currency"],
            "items": public_lines(billing["items"]),
            "deliveredAt": to_iso(billing["deliveredAt"]),
        },
        actor=ctx.actor,
        correlation_id=ctx.correlation_id,
    )

"""Order rules: pricing at checkout, the kitchen's lifecycle, cancellation and the one bill."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fnb.rules import menu
from fnb.rules.carts import COMBO, Cart, Stay, fingerprint
from hotel_shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hotel_shared.principal import Principal, check_guest_room, guest_stay_id

Order = dict[str, Any]

PENDING, ACKNOWLEDGED, PREPARING, ON_THE_WAY, DELIVERED = (
    "pending",
    "acknowledged",
    "preparing",
    "on the way",
    "delivered",
)
CANCELLED = "cancelled"
LIFECYCLE = (PENDING, ACKNOWLEDGED, PREPARING, ON_THE_WAY, DELIVERED)
KITCHEN_ROLES = ("restaurantAdmin", "staff")
KITCHEN_DEPARTMENT = "fnb"
CANCEL_ROLES = ("restaurantAdmin", "guest")
ORDER_READER_ROLES = (
    "hotelAdmin",
    "frontOffice",
    "supervisor",
    "restaurantAdmin",
    "staff",
    "guest",
)
BILL_READER_ROLES = ("hotelAdmin", "frontOffice", "restaurantAdmin", "guest")
ANALYTICS_ROLES = ("hotelAdmin", "restaurantAdmin", "supervisor")
IDEMPOTENCY_TTL_S = 24 * 3600


class OrderNotFound(NotFound):
    code = "order_not_found"

    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id} does not exist", orderId=order_id)


class NoStay(Forbidden):
    code = "no_stay"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class OrderDelivered(Conflict):
    code = "order_delivered"


class IdempotencyKeyReused(ValidationFailed):
    code = "idempotency_key_reused"


def new_id() -> str:
    return uuid.uuid4().hex


def priced_lines(
    cart: Cart, foods: Mapping[str, menu.Food], combos: Mapping[str, menu.Combo]
) -> list[dict[str, Any]]:
    """The cart's lines at today's menu names and prices; an item that cannot be ordered → 409."""
    lines = []
    for line in cart["items"]:
        if line["kind"] == COMBO:
            combo = combos.get(line["comboId"])
            if combo is None:
                raise menu.ItemUnavailable(line["name"], comboId=line["comboId"])
            menu.check_combo_orderable(combo, foods)
            name, unit = combo["title"], combo["price"]
            extra = {"comboId": combo["_id"], "comboContents": [dict(i) for i in combo["items"]]}
        else:
            food = foods.get(line["foodId"])
            if food is None:
                raise menu.ItemUnavailable(line["name"], foodId=line["foodId"])
            menu.check_food_orderable(food)
            name, unit, extra = food["name"], food["price"], {"foodId": food["_id"]}
        quantity = line["quantity"]
        lines.append(
            {
                "itemId": line["itemId"],
                "kind": line["kind"],
                **extra,
                "name": name,
                "quantity": quantity,
                "unitPrice": unit,
                "lineTotal": unit * quantity,
            }
        )
    return lines


def new_order(
    cart: Cart,
    lines: list[dict[str, Any]],
    stay: Stay,
    now: datetime,
    currency: str,
    principal: Principal,
    idempotency_key: str | None,
) -> Order:
    return {
        "_id": new_id(),
        "roomNumber": cart["roomNumber"],
        "customerId": stay.get("customerId"),
        "bookingId": stay.get("bookingId"),
        "items": lines,
        "totalPrice": sum(line["lineTotal"] for line in lines),
        "currency": currency,
        "status": PENDING,
        "checkedOutAt": now,
        "statusTimes": {PENDING: now},
        "placedBy": principal.as_actor(),
        "idempotencyKey": idempotency_key,
        "cartFingerprint": fingerprint(cart["items"]),
        "version": 1,
    }


def check_idempotent_retry(order: Order, cart: Cart) -> None:
    """A retry of a checkout: the cart is empty (the first attempt took it) or asks the same."""
    if cart["items"] and fingerprint(cart["items"]) != order["cartFingerprint"]:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was used for a different cart; use a new key",
            orderId=order["_id"],
        )


def guest_stay(principal: Principal) -> str:
    """The stay (customerId) a guest's token belongs to; a guest token without one → 403."""
    stay_id = guest_stay_id(principal)
    if stay_id is None:
        raise NoStay("this guest token names no stay")
    return stay_id


def check_order_access(principal: Principal, order: Order) -> None:
    """A guest reaches only their own stay's orders: another room → 403, another stay's → 404."""
    check_guest_room(principal, order["roomNumber"])
    if principal.is_guest and order.get("customerId") != guest_stay(principal):
        raise OrderNotFound(order["_id"])


def check_kitchen(principal: Principal) -> None:
    if principal.role == "staff" and principal.department != KITCHEN_DEPARTMENT:
        raise Forbidden("only F&B staff move orders", code="not_fnb_staff")


def advance(order: Order, target: str, now: datetime) -> Order:
    """The order one step further along the lifecycle; a skip, a step back or a repeat → 409."""
    current = order["status"]
    position = LIFECYCLE.index(current)
    if target not in LIFECYCLE or LIFECYCLE.index(target) != position + 1:
        following = LIFECYCLE[position + 1] if position + 1 < len(LIFECYCLE) else None
        raise InvalidTransition(
            f"an order {current} cannot become {target}"
            + (f"; next is {following}" if following else "; it is finished"),
            currentStatus=current,
            allowed=[following] if following else [],
        )
    moved = {**order, "status": target, "statusTimes": {**order["statusTimes"], target: now}}
    if target == DELIVERED:
        moved["deliveredAt"] = now
    return moved


def check_cancellable(order: Order, principal: Principal) -> None:
    """The guest while pending; the restaurant admin until delivered; nobody after."""
    check_order_access(principal, order)
    if order["status"] == DELIVERED:
        raise OrderDelivered("a delivered order cannot be cancelled", orderId=order["_id"])
    if principal.is_guest and order["status"] != PENDING:
        raise InvalidTransition(
            f"the kitchen has {order['status']} the order; ask the restaurant to cancel it",
            currentStatus=order["status"],
        )


def cancelled_order(order: Order, reason: str, principal: Principal, now: datetime) -> dict:
    return {
        "_id": new_id(),
        "originalOrderId": order["_id"],
        "roomNumber": order["roomNumber"],
        "customerId": order.get("customerId"),
        "bookingId": order.get("bookingId"),
        "items": order["items"],
        "checkedOutAt": order["checkedOutAt"],
        "cancelledAt": now,
        "cancellationReason": reason,
        "statusAtCancellation": order["status"],
        "totalPrice": order["totalPrice"],
        "currency": order["currency"],
        "cancelledBy": principal.as_actor(),
        "version": order["version"] + 1,
    }


def new_billing(order: Order) -> dict[str, Any]:
    """The one bill of a delivered order: its items and total exactly as checked out."""
    return {
        "_id": new_id(),
        "orderId": order["_id"],
        "roomNumber": order["roomNumber"],
        "customerId": order.get("customerId"),
        "bookingId": order.get("bookingId"),
        "items": order["items"],
        "checkedOutAt": order["checkedOutAt"],
        "deliveredAt": order["deliveredAt"],
        "totalPrice": order["totalPrice"],
        "currency": order["currency"],
    }


def order_filters(principal: Principal, filters: Mapping[str, Any]) -> dict[str, Any]:
    """A guest's list is their room's in their own stay, whatever they asked for (another room →
    403); it serves orders and bills alike."""
    scoped = dict(filters)
    if principal.is_guest:
        if "roomNumber" in scoped:
            check_guest_room(principal, scoped["roomNumber"])
        scoped["roomNumber"] = principal.room_number
        scoped["customerId"] = guest_stay(principal)
    return scoped

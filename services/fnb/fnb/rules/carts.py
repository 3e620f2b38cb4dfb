"""Cart rules: one cart per room, lines of foods or combos, and who may use a room's cart."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from fnb.rules.menu import Combo, Food
from hotel_shared.errors import Conflict, Forbidden, NotFound
from hotel_shared.principal import Principal, check_guest_room

Cart = dict[str, Any]
Line = dict[str, Any]
Stay = dict[str, Any]

FOOD, COMBO = "food", "combo"
MAX_QUANTITY = 50
MAX_LINES = 50
# Staff who may keep a room's cart for it (taking an order by phone); a guest only their own.
CART_ROLES = ("hotelAdmin", "frontOffice", "restaurantAdmin", "staff", "guest")
CART_STAFF_DEPARTMENTS = ("fnb", "frontOffice")


class RoomNotOccupied(Conflict):
    code = "room_not_occupied"

    def __init__(self, room_number: str) -> None:
        super().__init__(f"room {room_number} has no checked-in stay", roomNumber=room_number)


class CartEmpty(Conflict):
    code = "cart_empty"

    def __init__(self, room_number: str) -> None:
        super().__init__(f"the cart of room {room_number} is empty", roomNumber=room_number)


class CartFull(Conflict):
    code = "cart_full"


class LineNotFound(NotFound):
    code = "cart_item_not_found"

    def __init__(self, item_id: str) -> None:
        super().__init__(f"the cart has no item {item_id}", itemId=item_id)


class NotFnbStaff(Forbidden):
    code = "not_fnb_staff"


def check_cart_access(principal: Principal, room_number: str) -> None:
    """A guest reaches only their own room's cart; staff only from F&B or the front office."""
    check_guest_room(principal, room_number)
    if principal.role == "staff" and principal.department not in CART_STAFF_DEPARTMENTS:
        raise NotFnbStaff("only F&B or front-office staff keep a room's cart")


def check_occupied(stay: Stay | None, room_number: str) -> Stay:
    if stay is None:
        raise RoomNotOccupied(room_number)
    return stay


def empty_cart(room_number: str, now: datetime) -> Cart:
    return {"_id": room_number, "roomNumber": room_number, "items": [], "updatedAt": now}


def food_line(food: Food, quantity: int) -> Line:
    return {
        "kind": FOOD,
        "foodId": food["_id"],
        "name": food["name"],
        "unitPrice": food["price"],
        "quantity": quantity,
    }


def combo_line(combo: Combo, quantity: int) -> Line:
    return {
        "kind": COMBO,
        "comboId": combo["_id"],
        "name": combo["title"],
        "unitPrice": combo["price"],
        "quantity": quantity,
        "comboContents": [dict(item) for item in combo["items"]],
    }


def line_key(line: Mapping[str, Any]) -> tuple[str, str]:
    return line["kind"], line.get("foodId") or line.get("comboId") or ""


def add_line(cart: Cart, line: Line, now: datetime) -> Cart:
    """The cart with `line` added: the same food or combo again adds to its quantity."""
    items = [dict(item) for item in cart["items"]]
    for item in items:
        if line_key(item) == line_key(line):
            item.update(
                {**line, "quantity": min(MAX_QUANTITY, item["quantity"] + line["quantity"])}
            )
            return {**cart, "items": items, "updatedAt": now}
    if len(items) >= MAX_LINES:
        raise CartFull(f"a cart holds at most {MAX_LINES} different items")
    items.append({"itemId": uuid.uuid4().hex[:8], **line})
    return {**cart, "items": items, "updatedAt": now}


def set_quantity(cart: Cart, item_id: str, quantity: int, now: datetime) -> Cart:
    find_line(cart, item_id)
    items = [
        {**item, "quantity": quantity} if item["itemId"] == item_id else item
        for item in cart["items"]
    ]
    return {**cart, "items": items, "updatedAt": now}


def remove_line(cart: Cart, item_id: str, now: datetime) -> Cart:
    find_line(cart, item_id)
    items = [item for item in cart["items"] if item["itemId"] != item_id]
    return {**cart, "items": items, "updatedAt": now}


def find_line(cart: Cart, item_id: str) -> Line:
    for item in cart["items"]:
        if item["itemId"] == item_id:
            return item
    raise LineNotFound(item_id)


def fingerprint(lines: list[Mapping[str, Any]]) -> str:
    """What a cart asks for (items and quantities, not prices): equal carts, equal prints."""
    asked = sorted((*line_key(line), line["quantity"]) for line in lines)
    return hashlib.sha256(json.dumps(asked).encode()).hexdigest()

"""Cart use cases: a room's cart while it has a checked-in stay (guests only their own room)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnb.rules import carts as rules
from fnb.rules import menu as menu_rules
from fnb.store import FnbStores
from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now

Document = dict[str, Any]


def get_cart(stores: FnbStores, ctx: Context, room_number: str) -> Document:
    rules.check_cart_access(ctx.principal, room_number)
    rules.check_occupied(stores.checked_in_stay(room_number), room_number)
    return stores.get_cart(room_number) or {
        **rules.empty_cart(room_number, utc_now()),
        "version": 0,
    }


@unit_of_work
def add_item(
    stores: FnbStores, ctx: Context, room_number: str, request: Mapping[str, Any]
) -> Document:
    """Add a food or a combo that can be ordered now (else 409 item_unavailable)."""
    rules.check_cart_access(ctx.principal, room_number)
    with stores.transaction() as tx:
        rules.check_occupied(tx.checked_in_stay(room_number), room_number)
        if request.get("comboId"):
            combo = tx.get_combo(request["comboId"])
            foods = tx.foods_by_id(item["foodId"] for item in combo["items"])
            menu_rules.check_combo_orderable(combo, foods)
            line = rules.combo_line(combo, request["quantity"])
        else:
            food = tx.get_food(request["foodId"])
            menu_rules.check_food_orderable(food)
            line = rules.food_line(food, request["quantity"])
        return _change_cart(tx, room_number, lambda cart, now: rules.add_line(cart, line, now))


@unit_of_work
def change_quantity(
    stores: FnbStores, ctx: Context, room_number: str, item_id: str, quantity: int
) -> Document:
    rules.check_cart_access(ctx.principal, room_number)
    with stores.transaction() as tx:
        rules.check_occupied(tx.checked_in_stay(room_number), room_number)
        return _change_cart(
            tx, room_number, lambda cart, now: rules.set_quantity(cart, item_id, quantity, now)
        )


@unit_of_work
def remove_item(stores: FnbStores, ctx: Context, room_number: str, item_id: str) -> Document:
    rules.check_cart_access(ctx.principal, room_number)
    with stores.transaction() as tx:
        rules.check_occupied(tx.checked_in_stay(room_number), room_number)
        return _change_cart(
            tx, room_number, lambda cart, now: rules.remove_line(cart, item_id, now)
        )


def _change_cart(tx: FnbStores, room_number: str, change: Any) -> Document:
    now = utc_now()
    cart = tx.get_cart(room_number)
    version = cart.get("version") if cart else None
    changed = change(cart or rules.empty_cart(room_number, now), now)
    return tx.save_cart(changed, version)

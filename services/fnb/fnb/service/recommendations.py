"""Recommendation use cases: what to suggest to a room, from its cart or from the hour."""

from __future__ import annotations

from typing import Any

from fnb.rules import carts as cart_rules
from fnb.rules import recommendations as rules
from fnb.store import FnbStores
from hotel_shared.principal import Context
from hotel_shared.timeutil import hotel_today, utc_now


def recommend(stores: FnbStores, ctx: Context, room_number: str) -> list[dict[str, Any]]:
    """At most five orderable items: often ordered with the cart, else popular at this hour."""
    cart_rules.check_cart_access(ctx.principal, room_number)
    cart = stores.get_cart(room_number) or {"items": []}
    in_cart = {rules.item_key(line): line["name"] for line in cart["items"]}
    since = rules.window_start(hotel_today(stores.zone))
    if in_cart:
        rows = stores.pairs_with(sorted(in_cart), since)
        scores, reasons = rules.together_scores(rows, in_cart)
    else:
        hour = rules.hotel_hour(utc_now(), stores.zone)
        scores, reasons = rules.hour_scores(stores.sales_at_hour(hour, since), hour)
    ids = [rules.split_key(key) for key in scores]
    combos = stores.combos_by_id(item_id for kind, item_id in ids if kind == "combo")
    food_ids = [item_id for kind, item_id in ids if kind == "food"]
    food_ids += [item["foodId"] for combo in combos.values() for item in combo["items"]]
    foods = stores.foods_by_id(food_ids)
    return rules.pick(scores, reasons, set(in_cart), foods, combos)

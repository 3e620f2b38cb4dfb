"""Order use cases: checkout (idempotent), the kitchen's steps, cancellation, the one bill."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnb import events
from fnb.rules import carts as cart_rules
from fnb.rules import orders as rules
from fnb.rules import recommendations
from fnb.store import FnbStores
from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import hotel_day, utc_now
from hotel_shared.versions import check_version

Document = dict[str, Any]


@unit_of_work
def checkout(
    stores: FnbStores,
    ctx: Context,
    room_number: str,
    currency: str,
    idempotency_key: str | None,
) -> tuple[Document, bool]:
    """The cart becomes a pending order and is emptied, together; (order, created).

    A retry with the same Idempotency-Key answers the order the first attempt made.
    """
    cart_rules.check_cart_access(ctx.principal, room_number)
    with stores.transaction() as tx:
        now = utc_now()
        cart = tx.get_cart(room_number) or cart_rules.empty_cart(room_number, now)
        if idempotency_key:
            earlier = tx.idempotent_order_id(room_number, idempotency_key)
            if earlier is not None:
                order = _order_or_archive(tx, earlier)
                rules.check_idempotent_retry(order, cart)
                return order, False
        stay = cart_rules.check_occupied(tx.checked_in_stay(room_number), room_number)
        if not cart["items"]:
            raise cart_rules.CartEmpty(room_number)
        foods = tx.foods_by_id(line["foodId"] for line in cart["items"] if "foodId" in line)
        combo_ids = [line["comboId"] for line in cart["items"] if "comboId" in line]
        combos = tx.combos_by_id(combo_ids)
        foods.update(tx.foods_by_id(i["foodId"] for c in combos.values() for i in c["items"]))
        lines = rules.priced_lines(cart, foods, combos)
        order = rules.new_order(cart, lines, stay, now, currency, ctx.principal, idempotency_key)
        # The cart is written first: two checkouts of one cart conflict here, and one reruns.
        tx.save_cart({**cart, "items": [], "updatedAt": now}, cart.get("version"))
        tx.insert_order(order)
        if idempotency_key:
            tx.remember_idempotency_key(room_number, idempotency_key, order["_id"], now)
        tx.record(events.order_placed(order, ctx))
    return order, True


def _order_or_archive(tx: FnbStores, order_id: str) -> Document:
    """An order by id, live or (cancelled since) from the archive, in its order shape."""
    order = tx.find_order(order_id)
    if order is not None:
        return order
    cancelled = tx.find_cancelled_order(order_id)
    if cancelled is None:
        return tx.get_order(order_id)  # 404
    return {**cancelled, "_id": order_id, "status": rules.CANCELLED}


def list_orders(
    stores: FnbStores, ctx: Context, filters: Mapping[str, Any], limit: int, offset: int
) -> tuple[list[Document], int]:
    """Orders, newest first; a guest sees only their own stay's, not earlier guests' of the room."""
    return stores.find_orders(rules.order_filters(ctx.principal, filters), limit, offset)


def get_order(stores: FnbStores, ctx: Context, order_id: str) -> Document:
    order = stores.get_order(order_id)
    rules.check_order_access(ctx.principal, order)
    return order


@unit_of_work
def change_status(
    stores: FnbStores, ctx: Context, order_id: str, target: str, expected_version: int | None
) -> Document:
    """One step along the lifecycle; delivered writes the bill and its event in the same unit."""
    rules.check_kitchen(ctx.principal)
    with stores.transaction() as tx:
        order = tx.get_order(order_id)
        check_version(order, expected_version, f"order {order_id}")
        moved = rules.advance(order, target, utc_now())
        changes = {key: moved[key] for key in ("status", "statusTimes")}
        if "deliveredAt" in moved:
            changes["deliveredAt"] = moved["deliveredAt"]
        saved = tx.save_order(order, changes)
        tx.record(events.order_status_changed(order, saved, ctx))
        if saved["status"] == rules.DELIVERED:
            billing = rules.new_billing(saved)
            tx.insert_billing(billing)
            tx.record(events.bill_created(billing, ctx))
            count_sale(tx, billing)
    return saved


def count_sale(tx: FnbStores, billing: Document) -> None:
    """Keep the recommendation counts up to date with this delivery, in its transaction."""
    moment = billing["deliveredAt"]
    day = hotel_day(moment, tx.zone).isoformat()
    items: dict[str, int] = {}
    for line in billing["items"]:
        key = recommendations.item_key(line)
        items[key] = items.get(key, 0) + line["quantity"]
    hour = recommendations.hotel_hour(moment, tx.zone)
    tx.bump_sales(day, hour, recommendations.pairs(billing["items"]), items)


@unit_of_work
def cancel_order(
    stores: FnbStores, ctx: Context, order_id: str, reason: str, expected_version: int | None
) -> Document:
    """Archive the order in cancelled_orders and remove the live one, together."""
    with stores.transaction() as tx:
        order = tx.get_order(order_id)
        rules.check_order_access(ctx.principal, order)  # before the version: no hint it exists
        check_version(order, expected_version, f"order {order_id}")
        rules.check_cancellable(order, ctx.principal)
        cancelled = rules.cancelled_order(order, reason, ctx.principal, utc_now())
        tx.delete_order(order)
        tx.insert_cancelled_order(cancelled)
        tx.record(events.order_cancelled(order, cancelled, ctx))
    return cancelled


def list_bills(
    stores: FnbStores, ctx: Context, filters: Mapping[str, Any], limit: int, offset: int
) -> tuple[list[Document], int]:
    """Bills, newest first; a guest sees only the bills of their own stay (as with orders)."""
    return stores.find_bills(rules.order_filters(ctx.principal, filters), limit, offset)

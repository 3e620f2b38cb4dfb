"""HTTP routes of the fnb service: each declares its contract, makes one service call, dumps."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask import Blueprint, Response, current_app, request

from fnb.config import Config
from fnb.rules.analytics import csv_rows
from fnb.rules.carts import CART_ROLES
from fnb.rules.menu import MENU_EDITOR_ROLES
from fnb.rules.money import format_money
from fnb.rules.orders import (
    ANALYTICS_ROLES,
    BILL_READER_ROLES,
    CANCEL_ROLES,
    KITCHEN_ROLES,
    ORDER_READER_ROLES,
)
from fnb.schemas import (
    AnalyticsQuerySchema,
    AnalyticsSchema,
    BillListQuerySchema,
    BillSchema,
    CancelledOrderSchema,
    CancelSchema,
    CartItemAddSchema,
    CartItemUpdateSchema,
    CartSchema,
    ComboCreateSchema,
    ComboQuerySchema,
    ComboSchema,
    ComboUpdateSchema,
    FoodCreateSchema,
    FoodSchema,
    FoodUpdateSchema,
    MenuQuerySchema,
    OrderListQuerySchema,
    OrderSchema,
    RecommendationQuerySchema,
    RecommendationSchema,
    StatusChangeSchema,
)
from fnb.service import carts, menu, orders, recommendations, reports
from fnb.store import FnbStores, MenuInMemory
from hotel_shared.auth import request_context, require
from hotel_shared.errors import ValidationFailed
from hotel_shared.openapi import operation
from hotel_shared.readmodel import cached_response, view_key
from hotel_shared.web import expected_version, paged, split_page, with_etag

CONFIG_KEY = "fnb.config"
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,200}$")

blueprint = Blueprint("fnb", __name__)

FOOD, COMBO, CART, RECOMMENDATION = (
    FoodSchema(),
    ComboSchema(),
    CartSchema(),
    RecommendationSchema(),
)
ORDER, CANCELLED, BILL, ANALYTICS = (
    OrderSchema(),
    CancelledOrderSchema(),
    BillSchema(),
    AnalyticsSchema(),
)


def config() -> Config:
    return current_app.extensions[CONFIG_KEY]


def stores() -> FnbStores:
    # Built per request from the per-process client, so nothing opens a connection before a fork.
    return FnbStores.from_settings(config().service)


def priced(document: dict[str, Any]) -> dict[str, Any]:
    """A menu item, combo, cart or suggestion with the hotel's currency: no price shown bare."""
    return {**document, "currency": config().currency}


def versioned(schema: Any, document: dict[str, Any], status: int = 200, headers=None):
    return with_etag(schema.dump(document), document["version"], status, headers)


def idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not IDEMPOTENCY_KEY.match(key):
        raise ValidationFailed(
            "Idempotency-Key must be 1-200 letters, digits or ._:-",
            errors={"Idempotency-Key": ["1-200 letters, digits or ._:-"]},
        )
    return key


def report_response(report: dict[str, Any]):
    if request.accept_mimetypes.best_match(["application/json", "text/csv"]) != "text/csv":
        return ANALYTICS.dump(report)
    out = io.StringIO()
    csv.writer(out).writerows(csv_rows(report, format_money))
    name = f"fnb-{report['fromDay']}-{report['toDay']}.csv"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(out.getvalue(), mimetype="text/csv", headers=disposition)


# --- menu: foods -------------------------------------------------------------------------------


@blueprint.get("/api/menu")
@require()
@operation(query=MenuQuerySchema, response=FoodSchema, paged=True)
def list_foods(query: dict):
    """The menu's foods, by category (guests too); ETag, If-None-Match."""
    ctx, source = request_context(), stores()

    def page(finder: FnbStores | MenuInMemory) -> dict:
        items = [priced(food) for food in menu.list_foods(finder, ctx, query)]
        return paged(FOOD.dump(items, many=True), len(items), len(items), 0)

    # Every caller (a guest too) sees the same menu: the view depends on the query alone.
    models = (source.food_list(),) if config().read_model else None
    return cached_response(models, view_key("menu", query), page, MenuInMemory, source)


@blueprint.get("/api/menu/recommendations")
@require(*CART_ROLES)
@operation(query=RecommendationQuerySchema, response=RecommendationSchema, paged=True)
def recommend(query: dict):
    """Up to five items for a room: often ordered with its cart, else popular at this hour."""
    found = recommendations.recommend(stores(), request_context(), query["roomNumber"])
    items = [priced(item) for item in found]
    return paged(RECOMMENDATION.dump(items, many=True), len(items), len(items), 0)


@blueprint.get("/api/menu/<food_id>")
@require()
@operation(response=FoodSchema)
def get_food(food_id: str):
    """One food."""
    return versioned(FOOD, priced(menu.get_food(stores(), request_context(), food_id)))


@blueprint.post("/api/menu")
@require(*MENU_EDITOR_ROLES)
@operation(body=FoodCreateSchema, response=FoodSchema, status=201)
def create_food(body: dict):
    """Add a food to the menu."""
    food = priced(menu.create_food(stores(), request_context(), body))
    return versioned(FOOD, food, 201, {"Location": f"/api/menu/{food['_id']}"})


@blueprint.patch("/api/menu/<food_id>")
@require(*MENU_EDITOR_ROLES)
@operation(body=FoodUpdateSchema, response=FoodSchema, errors=(412,))
def update_food(food_id: str, body: dict):
    """Edit a food, or make it (un)available."""
    food = menu.update_food(stores(), request_context(), food_id, body, expected_version())
    return versioned(FOOD, priced(food))


@blueprint.delete("/api/menu/<food_id>")
@require(*MENU_EDITOR_ROLES)
@operation(status=204, errors=(412,))
def delete_food(food_id: str):
    """Remove a food (combos holding it stop being orderable)."""
    menu.delete_food(stores(), request_context(), food_id, expected_version())
    return "", 204


# --- menu: carousel combos ---------------------------------------------------------------------


@blueprint.get("/api/combos")
@require()
@operation(query=ComboQuerySchema, response=ComboSchema, paged=True)
def list_combos(query: dict):
    """The carousel combos, each saying whether it can be ordered now; ETag, If-None-Match."""
    ctx, source = request_context(), stores()

    def page(finder: FnbStores | MenuInMemory) -> dict:
        items = [priced(combo) for combo in menu.list_combos(finder, ctx, query)]
        return paged(COMBO.dump(items, many=True), len(items), len(items), 0)

    # `orderable` reads the foods: the view changes with either collection.
    models = (source.food_list(), source.combo_list()) if config().read_model else None
    return cached_response(models, view_key("combos", query), page, MenuInMemory, source)


@blueprint.get("/api/combos/<combo_id>")
@require()
@operation(response=ComboSchema)
def get_combo(combo_id: str):
    """One combo."""
    return versioned(COMBO, priced(menu.get_combo(stores(), request_context(), combo_id)))


@blueprint.post("/api/combos")
@require(*MENU_EDITOR_ROLES)
@operation(body=ComboCreateSchema, response=ComboSchema, status=201)
def create_combo(body: dict):
    """Add a combo of menu foods (names kept as a snapshot)."""
    combo = priced(menu.create_combo(stores(), request_context(), body))
    return versioned(COMBO, combo, 201, {"Location": f"/api/combos/{combo['_id']}"})


@blueprint.patch("/api/combos/<combo_id>")
@require(*MENU_EDITOR_ROLES)
@operation(body=ComboUpdateSchema, response=ComboSchema, errors=(412,))
def update_combo(combo_id: str, body: dict):
    """Edit a combo, or (de)activate it."""
    combo = menu.update_combo(stores(), request_context(), combo_id, body, expected_version())
    return versioned(COMBO, priced(combo))


@blueprint.delete("/api/combos/<combo_id>")
@require(*MENU_EDITOR_ROLES)
@operation(status=204, errors=(412,))
def delete_combo(combo_id: str):
    """Remove a combo."""
    menu.delete_combo(stores(), request_context(), combo_id, expected_version())
    return "", 204


# --- carts -------------------------------------------------------------------------------------


@blueprint.get("/api/carts/<room_number>")
@require(*CART_ROLES)
@operation(response=CartSchema, errors=(409,))
def get_cart(room_number: str):
    """A room's cart (a guest: their own room's)."""
    return CART.dump(priced(carts.get_cart(stores(), request_context(), room_number)))


@blueprint.post("/api/carts/<room_number>/items")
@require(*CART_ROLES)
@operation(body=CartItemAddSchema, response=CartSchema, status=201, errors=(409,))
def add_cart_item(room_number: str, body: dict):
    """Put a food or a combo in the room's cart (the same again adds to its quantity)."""
    cart = carts.add_item(stores(), request_context(), room_number, body)
    return CART.dump(priced(cart)), 201


@blueprint.patch("/api/carts/<room_number>/items/<item_id>")
@require(*CART_ROLES)
@operation(body=CartItemUpdateSchema, response=CartSchema, errors=(409,))
def update_cart_item(room_number: str, item_id: str, body: dict):
    """Change a cart line's quantity."""
    ctx, quantity = request_context(), body["quantity"]
    cart = carts.change_quantity(stores(), ctx, room_number, item_id, quantity)
    return CART.dump(priced(cart))


@blueprint.delete("/api/carts/<room_number>/items/<item_id>")
@require(*CART_ROLES)
@operation(response=CartSchema, errors=(409,))
def delete_cart_item(room_number: str, item_id: str):
    """Take a line out of the cart."""
    cart = carts.remove_item(stores(), request_context(), room_number, item_id)
    return CART.dump(priced(cart))


@blueprint.post("/api/carts/<room_number>/checkout")
@require(*CART_ROLES)
@operation(response=OrderSchema, status=201, errors=(409,))
def checkout(room_number: str):
    """Turn the cart into a pending order at menu prices (Idempotency-Key: a retry, same order)."""
    order, _ = orders.checkout(
        stores(), request_context(), room_number, config().currency, idempotency_key()
    )
    return versioned(ORDER, order, 201, {"Location": f"/api/orders/{order['_id']}"})


# --- orders and bills --------------------------------------------------------------------------


@blueprint.get("/api/orders")
@require(*ORDER_READER_ROLES)
@operation(query=OrderListQuerySchema, response=OrderSchema, paged=True)
def list_orders(query: dict):
    """Orders, newest first (a guest: their room's)."""
    filters, limit, offset = split_page(query)
    items, total = orders.list_orders(stores(), request_context(), filters, limit, offset)
    return paged(ORDER.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/orders/<order_id>")
@require(*ORDER_READER_ROLES)
@operation(response=OrderSchema)
def get_order(order_id: str):
    """One order, with its version as the ETag."""
    return versioned(ORDER, orders.get_order(stores(), request_context(), order_id))


@blueprint.patch("/api/orders/<order_id>/status")
@require(*KITCHEN_ROLES)
@operation(body=StatusChangeSchema, response=OrderSchema, errors=(409, 412))
def change_order_status(order_id: str, body: dict):
    """Move an order one step: pending, acknowledged, preparing, on the way, delivered."""
    ctx, status = request_context(), body["status"]
    order = orders.change_status(stores(), ctx, order_id, status, expected_version())
    return versioned(ORDER, order)


@blueprint.post("/api/orders/<order_id>/cancel")
@require(*CANCEL_ROLES)
@operation(body=CancelSchema, response=CancelledOrderSchema, errors=(409, 412))
def cancel_order(order_id: str, body: dict):
    """Cancel an order (a guest while pending; the restaurant until delivered)."""
    ctx, reason = request_context(), body["reason"]
    return CANCELLED.dump(orders.cancel_order(stores(), ctx, order_id, reason, expected_version()))


@blueprint.get("/api/bills")
@require(*BILL_READER_ROLES)
@operation(query=BillListQuerySchema, response=BillSchema, paged=True)
def list_bills(query: dict):
    """Bills of delivered orders, newest first (a guest: their stay's)."""
    filters, limit, offset = split_page(query)
    items, total = orders.list_bills(stores(), request_context(), filters, limit, offset)
    return paged(BILL.dump(items, many=True), total, limit, offset)


# --- analytics ---------------------------------------------------------------------------------


@blueprint.get("/api/analytics/fnb")
@require(*ANALYTICS_ROLES)
@operation(query=AnalyticsQuerySchema, response=AnalyticsSchema)
def fnb_analytics(query: dict):
    """Sales over hotel days (default: the last 30): JSON, or CSV with Accept: text/csv."""
    ctx, currency = request_context(), config().currency
    report = reports.sales_report(stores(), ctx, query.get("from"), query.get("to"), currency)
    return report_response(report)

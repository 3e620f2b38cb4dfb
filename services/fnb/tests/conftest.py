"""Fixtures for the fnb tests: an app on a fresh database with the demo menu, occupied rooms."""

from __future__ import annotations

from typing import Any

import pytest

from fnb.app import create_app
from fnb.config import Config
from fnb.seed import seed_demo
from fnb.store import FnbStores
from hotel_shared.principal import Context
from hotel_shared.readmodel import close_read_models

pytest_plugins = ["hotel_shared.testing"]

# Rooms with a checked-in stay in every test (204 is the demo guest's, 205 a neighbour's).
GUEST_ROOM, NEIGHBOUR_ROOM, EMPTY_ROOM = "204", "205", "310"


@pytest.fixture
def config(service_settings) -> Config:
    return Config(service=service_settings("fnb"), currency="USD")


@pytest.fixture
def stores(config: Config, make_stores) -> FnbStores:
    """The demo menu on a fresh database, rooms 204 and 205 checked in."""
    from fnb.service import stays

    stores = make_stores(FnbStores, config.service)
    seed_demo(stores)
    for room in (GUEST_ROOM, NEIGHBOUR_ROOM):
        stays.open_stay(stores, Context(), stay_for(room))
    return stores


def stay_for(room: str, customer_id: str | None = None) -> dict[str, Any]:
    return {
        "customerId": customer_id or f"cust-{room}",
        "roomNumber": room,
        "bookingId": f"book-{room}",
        "name": "Ada Lovelace",
    }


@pytest.fixture
def app(config: Config, stores: FnbStores):
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def callers(demo_callers):
    """The demo staff, the guest of 204, the guest of 205, and a runner of the F&B department."""
    demo_callers.guest = demo_callers.guest_headers(GUEST_ROOM)
    demo_callers.neighbour = demo_callers.guest_headers(NEIGHBOUR_ROOM)
    demo_callers.runner = demo_callers.staff_headers("runner", "fnb", "FB-002")
    return demo_callers


@pytest.fixture
def menu(stores: FnbStores) -> dict[str, dict[str, Any]]:
    """The demo foods and combos by name (title)."""
    foods = {food["name"]: food for food in stores.find_foods({})}
    combos = {combo["title"]: combo for combo in stores.find_combos({})}
    return {**foods, **combos}


def outbox_events(stores: FnbStores, event_type: str) -> list[dict[str, Any]]:
    entries = stores.db["outbox"].find({"type": event_type}).sort("createdAt", 1)
    return [entry["envelope"] for entry in entries]


def fill_cart(client, headers, room: str, *lines: tuple[str, str, int]) -> dict[str, Any]:
    """Put (kind, id, quantity) lines in a room's cart; returns the cart."""
    cart: dict[str, Any] = {}
    for kind, item_id, quantity in lines:
        body = {f"{kind}Id": item_id, "quantity": quantity}
        response = client.post(f"/api/carts/{room}/items", json=body, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)
        cart = response.get_json()
    return cart


def place_order(
    client, callers, menu, room: str = GUEST_ROOM, key: str | None = None, headers=None
) -> dict:
    if headers is None:
        headers = callers.guest if room == GUEST_ROOM else callers.guest_headers(room)
    fill_cart(
        client,
        headers,
        room,
        ("food", menu["Club sandwich"]["_id"], 2),
        ("combo", menu["Breakfast for two"]["_id"], 1),
    )
    extra = {"Idempotency-Key": key} if key else {}
    response = client.post(f"/api/carts/{room}/checkout", headers={**headers, **extra})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def move(client, headers, order_id: str, status: str, **extra_headers: str):
    return client.patch(
        f"/api/orders/{order_id}/status",
        json={"status": status},
        headers={**headers, **extra_headers},
    )


@pytest.fixture(autouse=True)
def _stop_read_models(make_stores):
    """Each test's database is dropped after it: stop the watchers this test started first."""
    yield
    close_read_models()

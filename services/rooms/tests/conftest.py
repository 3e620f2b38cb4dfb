"""The rooms fixtures: its app and stores on a fresh database; rooms and guests in them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hotel_shared.principal import Context, Principal
from hotel_shared.readmodel import close_read_models
from hotel_shared.timeutil import utc_now
from rooms.app import create_app
from rooms.config import Config
from rooms.rules.rooms import DEFAULT_POLICY, INSPECTED
from rooms.service import rooms, stays
from rooms.store import RoomsStores

pytest_plugins = ["hotel_shared.testing"]

FRONT_DESK = Context(
    principal=Principal(
        user_id="u-frontdesk", username="frontdesk", role="frontOffice", department="frontOffice"
    ),
    correlation_id="test",
)


@pytest.fixture
def config(service_settings) -> Config:
    return Config(service=service_settings("rooms"))


@pytest.fixture
def stores(config: Config, make_stores) -> RoomsStores:
    return make_stores(RoomsStores, config.service)


@pytest.fixture
def app(config: Config, stores: RoomsStores):
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def callers(demo_callers):
    """The demo staff, plus the guest of room 204 (of stay cust-204)."""
    demo_callers.guest = demo_callers.guest_headers("204")
    return demo_callers


def add_room(stores: RoomsStores, room_number: str, **details: Any) -> dict[str, Any]:
    """Create a room the way the API does (with its created event), Inspected unless told."""
    fields = {
        "roomNumber": room_number,
        "roomType": "Standard",
        "price": 120.0,
        "capacity": 2,
        "housekeepingStatus": INSPECTED,
        **details,
    }
    return rooms.create_room(stores, Context(), fields)


def check_in_walk_in(stores: RoomsStores, room_number: str) -> dict[str, Any]:
    """A walk-in guest checked in by the front desk for one night: the room becomes Occupied."""
    request = {
        "name": "Walk In",
        "roomNumber": room_number,
        "checkoutDate": utc_now().date() + timedelta(days=1),
    }
    return stays.check_in(stores, FRONT_DESK, request, DEFAULT_POLICY, ZoneInfo("UTC"))


def outbox_entries(stores: RoomsStores, event_type: str) -> list[dict[str, Any]]:
    return list(stores.db["outbox"].find({"type": event_type}).sort("createdAt", 1))


@pytest.fixture(autouse=True)
def _stop_read_models(make_stores):
    """Each test's database is dropped after it: stop the watchers this test started."""
    yield
    close_read_models()

"""Fixtures for the rooms tests: an app on a fresh database, its store, callers of each role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rooms.app import create_app
from rooms.config import Config
from rooms.domain import rooms as domain
from rooms.domain import rules
from rooms.store import RoomStore

pytest_plugins = ["hotel_shared.testing"]


@pytest.fixture
def config(service_settings) -> Config:
    return Config(service=service_settings("rooms"))


@pytest.fixture
def store(config: Config) -> Iterator[RoomStore]:
    store = RoomStore.from_settings(config.service)
    store.ensure_indexes()
    yield store
    store.client.drop_database(store.db.name)


@pytest.fixture
def app(config: Config, store: RoomStore):
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def callers(demo_callers):
    """The demo staff of DESIGN §4, plus the guest of room 204."""
    demo_callers.guest = demo_callers.guest_headers("204")
    return demo_callers


def add_room(store: RoomStore, room_number: str, **details: Any) -> dict[str, Any]:
    """Create a room the way the API does (with its created event), Inspected unless told."""
    fields = {
        "roomNumber": room_number,
        "roomType": "Standard",
        "price": 120.0,
        "capacity": 2,
        "housekeepingStatus": rules.INSPECTED,
        **details,
    }
    return domain.create_room(store, fields, actor=None, correlation_id=None)


def occupy(store: RoomStore, room_number: str) -> None:
    """Stand-in for check-in (next issue): the front office marks the room Occupied."""
    store.rooms.update_one(
        {"roomNumber": room_number},
        {"$set": {"frontOfficeStatus": "Occupied", "status": "booked"}, "$inc": {"version": 1}},
    )


def outbox_entries(store: RoomStore, event_type: str) -> list[dict[str, Any]]:
    return list(store.db["outbox"].find({"type": event_type}).sort("createdAt", 1))

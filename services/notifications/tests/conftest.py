"""Fixtures for the notifications tests: an app on a fresh database, its store, callers by role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from notifications.app import SOCKETIO_KEY, create_app
from notifications.config import Config
from notifications.handlers import bind_handlers
from notifications.store import NotificationStore

pytest_plugins = ["hotel_shared.testing"]


@pytest.fixture
def config(service_settings) -> Config:
    # Threading and no message queue: the test client and the emits share this one process.
    return Config(service=service_settings("notifications"), async_mode="threading")


@pytest.fixture
def store(config: Config) -> Iterator[NotificationStore]:
    store = NotificationStore.from_settings(config.service)
    store.ensure_indexes()
    yield store
    store.client.drop_database(store.db.name)


@pytest.fixture
def app(config: Config, store: NotificationStore):
    return create_app(config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def socketio(app):
    return app.extensions[SOCKETIO_KEY]


@pytest.fixture
def deliver(store: NotificationStore, socketio):
    """Hand an envelope to the consumer's handler, emitting on the test app's Socket.IO."""

    def emit(event, payload, audiences):
        socketio.emit(event, payload, to=audiences)

    handlers = bind_handlers(store, emit)

    def deliver_one(envelope):
        handlers[envelope["type"]](envelope)

    return deliver_one


@pytest.fixture
def tokens(demo_callers):
    """A token by name: a demo user of DESIGN §4, or `guest<room>` for that room's guest."""

    def token(user: str) -> str:
        if user.startswith("guest"):
            return demo_callers.guest_token(user.removeprefix("guest"))
        return demo_callers.token_for(user)

    return token


@pytest.fixture
def headers(tokens):
    return lambda user: {"Authorization": f"Bearer {tokens(user)}"}

"""Fixtures of the notifications tests: an app on a fresh database, its stores, a delivery."""

from __future__ import annotations

import pytest

from hotel_shared.inbox import bind_handlers
from notifications.app import SOCKETIO_KEY, create_app
from notifications.config import Config, PushSettings
from notifications.handlers import make_handlers
from notifications.sockets import WATCH_KEY, socketio_emitter
from notifications.store import NotificationsStores

pytest_plugins = ["hotel_shared.testing"]


@pytest.fixture
def config(service_settings) -> Config:
    # Threading and no message queue: the test client and the emits share this one process.
    # Push endpoints on 127.0.0.1 are allowed here only: the tests' local push service.
    push = PushSettings(allow_local_endpoints=True, max_attempts=3, backoff_base_s=0.01)
    return Config(service=service_settings("notifications"), async_mode="threading", push=push)


@pytest.fixture
def stores(config: Config, make_stores) -> NotificationsStores:
    return make_stores(NotificationsStores, config.service)


@pytest.fixture
def app(config: Config, stores: NotificationsStores):
    app = create_app(config)
    yield app
    app.extensions[WATCH_KEY].stop()  # the revocation watch of sockets left open by the test


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def socketio(app):
    return app.extensions[SOCKETIO_KEY]


@pytest.fixture
def deliver(stores: NotificationsStores, socketio):
    """Hand an envelope to the consumer's bound HANDLERS, emitting on the test app's Socket.IO."""
    return bind_handlers(stores, make_handlers(socketio_emitter(socketio))).handle

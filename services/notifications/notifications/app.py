"""Application factory of the notifications service: the inbox API and the Socket.IO hub."""

from __future__ import annotations

from flask import Flask

from hotel_shared.auth import TokenVerifier, init_auth
from hotel_shared.openapi import register_openapi
from hotel_shared.web import init_service
from notifications import api
from notifications.config import Config
from notifications.sockets import hint_emitter, init_sockets
from notifications.store import NotificationsStores
from notifications.webpush import LazyVapidKeys

SOCKETIO_KEY = "notifications.socketio"


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    app = Flask(__name__)
    app.extensions[api.CONFIG_KEY] = config
    init_service(app, config.service)
    init_auth(app, TokenVerifier.from_settings(config.service))
    app.register_blueprint(api.blueprint)
    app.extensions[SOCKETIO_KEY] = socketio = init_sockets(app, config)
    app.extensions[api.EMIT_KEY] = hint_emitter(socketio)
    app.extensions[api.VAPID_KEY] = LazyVapidKeys(
        config.push, lambda: NotificationsStores.from_settings(config.service)
    )
    register_openapi(app, title="notifications service")
    return app

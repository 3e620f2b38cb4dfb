"""The Socket.IO hub: token-checked sockets joined to their audiences' rooms, and the emitter."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app
from flask_socketio import SocketIO, join_room

from hotel_shared.errors import Unauthorized
from notifications import rules
from notifications.config import Config
from notifications.service import Emit

log = logging.getLogger(__name__)
VERIFIER_KEY = "hotel_token_verifier"


def on_connect(auth: Any = None) -> None:
    token = auth.get("token") if isinstance(auth, dict) else None
    if not isinstance(token, str) or not token:
        raise ConnectionRefusedError("missing_token")
    try:
        principal = current_app.extensions[VERIFIER_KEY].verify(token)
    except Unauthorized as error:
        raise ConnectionRefusedError(error.code) from None
    for audience in rules.audiences_of(principal):
        join_room(audience)
    log.info("socket connected for %s (%s)", principal.username, principal.role)


def init_sockets(app: Flask, config: Config) -> SocketIO:
    """Socket.IO on `app`; with a message queue, an emit on any process reaches every client."""
    socketio = SocketIO(
        app,
        async_mode=config.async_mode,
        message_queue=config.message_queue_url,
        channel=config.socketio_channel,
        # Browsers come through the gateway, which forwards Host; engine.io checks Origin on it.
        cors_allowed_origins=None,
    )
    socketio.on_event("connect", on_connect)
    return socketio


def socketio_emitter(socketio: SocketIO) -> Emit:
    """Emit on `socketio` to every socket in any of the rooms (a socket in several hears once)."""

    def emit(event: str, payload: dict[str, Any], audiences: list[str]) -> None:
        socketio.emit(event, payload, to=audiences)

    return emit


def message_queue_emitter(config: Config) -> Emit:
    """The worker's emitter: a write-only Socket.IO server reaching the clients of every web
    process through the AMQP message queue."""
    return socketio_emitter(
        SocketIO(message_queue=config.message_queue_url, channel=config.socketio_channel)
    )

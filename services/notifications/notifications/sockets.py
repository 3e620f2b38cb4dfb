"""The Socket.IO hub: token-checked sockets joined to their audiences' rooms, and the emitter.

Revoked access ends at once here too: each web process remembers who every open socket belongs
to (subject and token issue time), and while any socket is open a background task checks them
every quarter second against the process's revocation list (the verifier's), closing the sockets
whose access was revoked (hotel_shared.revocations).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import SocketIO, join_room

from hotel_shared.errors import Unauthorized
from hotel_shared.revocations import RevocationList
from notifications.config import Config
from notifications.rules import inbox
from notifications.service.inbox import Emit

log = logging.getLogger(__name__)
VERIFIER_KEY = "hotel_token_verifier"
WATCH_KEY = "notifications.revocation_watch"
NAMESPACE = "/"
# With the list refreshed at most every 0.5 s, a revoked socket is closed within 0.75 s.
WATCH_INTERVAL_S = 0.25


class RevocationWatch:
    """The open sockets of this process (sid → subject, token issue time) and the task closing
    those whose access was revoked. The task runs only while a socket is open."""

    def __init__(
        self,
        socketio: SocketIO,
        revocations: RevocationList | None,
        interval_s: float = WATCH_INTERVAL_S,
    ) -> None:
        self._socketio = socketio
        self._revocations = revocations
        self._interval_s = interval_s
        self._sessions: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        self._running = False
        self._stopped = False
        self.passes = 0  # completed checks, so a test can wait for one more

    def open(self, sid: str, subject: str, issued_at: float) -> None:
        with self._lock:
            self._sessions[sid] = (subject, issued_at)
            start = self._revocations is not None and not self._running and not self._stopped
            if start:
                self._running = True
        if start:
            self._socketio.start_background_task(self._run)

    def close(self, sid: str) -> None:
        with self._lock:
            self._sessions.pop(sid, None)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True

    def check(self) -> list[str]:
        """Close every open socket whose access was revoked; the sids closed."""
        with self._lock:
            sessions = list(self._sessions.items())
        revoked = [
            sid
            for sid, (subject, issued_at) in sessions
            if self._revocations is not None and self._revocations.is_revoked(subject, issued_at)
        ]
        subjects = dict(sessions)
        for sid in revoked:
            self.close(sid)
            log.info("closing a socket of %s: access revoked", subjects[sid][0])
            # This process holds the socket: closed here, not announced on the message queue.
            self._socketio.server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)
        self.passes += 1
        return revoked

    def _run(self) -> None:
        while True:
            self._socketio.sleep(self._interval_s)
            with self._lock:
                if self._stopped or not self._sessions:
                    self._running = False
                    return
            try:
                self.check()
            except Exception:  # the watch must outlive a bad pass (Mongo down: the list is kept)
                log.exception("revocation check of the open sockets failed")


def on_connect(auth: Any = None) -> None:
    token = auth.get("token") if isinstance(auth, dict) else None
    if not isinstance(token, str) or not token:
        raise ConnectionRefusedError("missing_token")
    try:
        principal = current_app.extensions[VERIFIER_KEY].verify(token)
    except Unauthorized as error:
        raise ConnectionRefusedError(error.code) from None
    current_app.extensions[WATCH_KEY].open(
        request.sid, principal.user_id, principal.issued_at or 0.0
    )
    for audience in inbox.audiences_of(principal):
        join_room(audience)
    log.info("socket connected for %s (%s)", principal.username, principal.role)


def on_disconnect(*_: Any) -> None:
    current_app.extensions[WATCH_KEY].close(request.sid)


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
    verifier = app.extensions[VERIFIER_KEY]
    app.extensions[WATCH_KEY] = RevocationWatch(socketio, verifier.revocations)
    socketio.on_event("connect", on_connect)
    socketio.on_event("disconnect", on_disconnect)
    return socketio


def socketio_emitter(socketio: SocketIO) -> Emit:
    """Emit on `socketio` to every socket in any of the rooms (a socket in several hears once)."""

    def emit(event: str, payload: dict[str, Any], audiences: list[str]) -> None:
        socketio.emit(event, payload, to=audiences)

    return emit


def hint_emitter(socketio: SocketIO) -> Emit:
    """A request's emitter: a hint that cannot be sent is logged, never fails a committed write."""
    send = socketio_emitter(socketio)

    def emit(event: str, payload: dict[str, Any], audiences: list[str]) -> None:
        try:
            send(event, payload, audiences)
        except Exception:  # at most once by design: clients refetch the REST truth
            log.exception("could not push %s to %s", event, ",".join(audiences))

    return emit


def message_queue_emitter(config: Config) -> Emit:
    """The worker's emitter: a write-only Socket.IO server reaching the clients of every web
    process through the AMQP message queue."""
    return socketio_emitter(
        SocketIO(message_queue=config.message_queue_url, channel=config.socketio_channel)
    )

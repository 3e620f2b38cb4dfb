"""Each event people care about: stored once in the inbox, then pushed to its audiences."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from hotel_shared.bus import Handler
from hotel_shared.inbox import process_once
from hotel_shared.timeutil import to_iso, utc_now
from notifications import rules
from notifications.store import NotificationStore

log = logging.getLogger(__name__)

# (event name, payload, Socket.IO rooms): a SocketIO(message_queue=...).emit in the worker.
Emit = Callable[[str, dict[str, Any], list[str]], None]


class InboxClock:
    """Strictly increasing times per process, so `since` never hides a same-millisecond sibling."""

    def __init__(self) -> None:
        self._last: datetime | None = None
        self._lock = threading.Lock()

    def next(self) -> datetime:
        with self._lock:
            now = utc_now()
            if self._last is not None and now <= self._last:
                now = self._last + timedelta(milliseconds=1)
            self._last = now
            return now


def bind_handlers(
    store: NotificationStore, emit: Emit, clock: InboxClock | None = None
) -> dict[str, Handler]:
    clock = clock or InboxClock()

    def on_event(envelope: dict[str, Any]) -> None:
        audiences = rules.audiences_for(envelope["type"], envelope.get("data") or {})
        notification = rules.build_notification(envelope, audiences)
        notification["createdAt"] = created_at = clock.next()
        applied = process_once(
            store.client,
            store.db,
            envelope,
            lambda session: store.insert_notification(notification, session),
        )
        if not applied:
            return  # a redelivery: stored and pushed the first time
        # Pushed after the commit: a crash in between loses only the push; the inbox has it.
        payload = rules.socket_payload(envelope, to_iso(created_at))
        emit(notification["event"], payload, audiences)
        log.info("notified %s to %s", notification["event"], ",".join(audiences))

    return dict.fromkeys(rules.NOTIFIED_EVENTS, on_event)

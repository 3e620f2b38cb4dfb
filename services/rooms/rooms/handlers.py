"""Reactions to other services' events, by type (none yet; tasks.task.completed.v1 comes next)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from hotel_shared.bus import Handler
from rooms.store import RoomStore

# Each handler gets the envelope and the store, and applies its change inside
# hotel_shared.inbox.process_once(store.client, store.db, envelope, apply): redeliveries are no-ops.
RoomEventHandler = Callable[[dict[str, Any], RoomStore], None]

HANDLERS: dict[str, RoomEventHandler] = {}


def bind_handlers(store: RoomStore) -> dict[str, Handler]:
    """The handlers as the bus calls them: envelope in, store already bound."""
    return {
        event_type: functools.partial(handler, store=store)
        for event_type, handler in HANDLERS.items()
    }

"""Reactions to other services' events: cleaning done → Clean; PMS reservations → bookings."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from hotel_shared.bus import Handler
from hotel_shared.inbox import process_once
from hotel_shared.timeutil import utc_now
from rooms import events
from rooms.booking_store import BookingStore
from rooms.domain import bookings as booking_rules
from rooms.domain.rooms import mark_room_cleaned
from rooms.domain.rules import (
    SOURCE_TASKS,
    WRITE_ATTEMPTS,
    ConcurrentRoomUpdate,
    VersionConflict,
    status_change_records,
)
from rooms.store import RoomStore

TASK_COMPLETED = "tasks.task.completed.v1"
PMS_RESERVATION_IMPORTED = "pms.reservation.imported.v1"
CLEANING_JOB = "cleaning"

# Each handler gets the envelope and the store, and applies its change inside
# hotel_shared.inbox.process_once(store.client, store.db, envelope, apply): redeliveries are no-ops.
RoomEventHandler = Callable[[dict[str, Any], RoomStore], None]


def on_task_completed(envelope: dict[str, Any], store: RoomStore) -> None:
    data = envelope["data"]
    if data.get("jobType") != CLEANING_JOB:
        return
    room_number = str(data.get("roomNumber"))
    for _ in range(WRITE_ATTEMPTS):
        room = store.get(room_number)
        now = utc_now()
        updated = None if room is None else mark_room_cleaned(room, now)
        if updated is None:
            process_once(store.client, store.db, envelope, lambda session: None)
            return
        event, history = status_change_records(
            room,
            updated,
            actor=envelope.get("actor"),
            source=SOURCE_TASKS,
            correlation_id=envelope.get("correlationId"),
            now=now,
        )

        def apply(session, updated=updated, room=room, event=event, history=history) -> None:
            store.replace(
                updated,
                previous_version=room["version"],
                event=event,
                history=history,
                session=session,
            )

        try:
            process_once(store.client, store.db, envelope, apply)
            return
        except VersionConflict:
            continue
    raise ConcurrentRoomUpdate(f"room {room_number} kept changing; the event will be retried")


def on_reservation_imported(envelope: dict[str, Any], store: RoomStore) -> None:
    bookings = BookingStore(store)
    booking = booking_rules.import_pms_reservation(bookings, store, envelope)
    is_new = bookings.get(booking["_id"]) is None
    event = (
        events.booking_created(
            booking, actor=envelope.get("actor"), correlation_id=envelope.get("correlationId")
        )
        if is_new
        else None
    )
    process_once(
        store.client,
        store.db,
        envelope,
        lambda session: bookings.save_imported(session, booking, event),
    )


HANDLERS: dict[str, RoomEventHandler] = {
    TASK_COMPLETED: on_task_completed,
    PMS_RESERVATION_IMPORTED: on_reservation_imported,
}


def bind_handlers(store: RoomStore) -> dict[str, Handler]:
    """The handlers as the bus calls them: envelope in, store already bound."""
    return {
        event_type: functools.partial(handler, store=store)
        for event_type, handler in HANDLERS.items()
    }

"""Reactions to rooms events: a departure clean per checkout, a clean for a room set Dirty."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo.client_session import ClientSession

from hotel_shared.bus import Handler
from hotel_shared.inbox import process_once
from hotel_shared.timeutil import utc_now
from tasks import domain, rules
from tasks.events import CUSTOMER_CHECKED_OUT, ROOM_STATUS_CHANGED
from tasks.store import TaskStores

DIRTY = "Dirty"
DEPARTURE_CLEAN_PRIORITY = "high"
Reaction = Callable[[TaskStores, dict[str, Any], ClientSession], None]


def departure_clean_key(data: dict[str, Any]) -> str:
    # Keyed by the stay, not the envelope: a re-published checkout is still the same checkout.
    return f"checkout:{data['customerId']}"


def on_customer_checked_out(
    stores: TaskStores, envelope: dict[str, Any], session: ClientSession
) -> None:
    data = envelope["data"]
    key = departure_clean_key(data)
    if stores.task_by_dedupe_key(key, session) is not None:
        return
    existing = stores.open_cleaning_task(data["roomNumber"], session)
    if existing is not None:
        # The room's Dirty status arrived first and opened a clean: that one becomes the
        # departure clean, so the room still has exactly one open cleaning task.
        department = stores.get_department(existing["department"], session)
        changes = {
            "dedupeKey": key,
            "priority": DEPARTURE_CLEAN_PRIORITY,
            "dueDate": min(
                existing["dueDate"],
                rules.due_date(existing["createdAt"], department, DEPARTURE_CLEAN_PRIORITY),
            ),
            "updatedAt": utc_now(),
        }
        changes["nextEscalationAt"] = rules.next_escalation_at(
            {**existing, **changes}, department["escalation"]
        )
        stores.save_task(existing, changes, session)
        return
    details = {
        "roomNumber": data["roomNumber"],
        "jobType": rules.CLEANING,
        "priority": DEPARTURE_CLEAN_PRIORITY,
        "description": f"Departure clean after {data.get('name') or 'the guest'} checked out",
    }
    domain.open_task(
        stores,
        session,
        details,
        actor=None,
        correlation_id=envelope.get("correlationId"),
        dedupe_key=key,
    )


def on_room_status_changed(
    stores: TaskStores, envelope: dict[str, Any], session: ClientSession
) -> None:
    data = envelope["data"]
    if data.get("housekeepingStatus") != DIRTY or data.get("previousHousekeepingStatus") == DIRTY:
        return
    if stores.open_cleaning_task(data["roomNumber"], session) is not None:
        return
    details = {
        "roomNumber": data["roomNumber"],
        "jobType": rules.CLEANING,
        "priority": "normal",
        "description": "Room set Dirty",
    }
    domain.open_task(
        stores, session, details, actor=None, correlation_id=envelope.get("correlationId")
    )


HANDLERS: dict[str, Reaction] = {
    CUSTOMER_CHECKED_OUT: on_customer_checked_out,
    ROOM_STATUS_CHANGED: on_room_status_changed,
}


def bind_handlers(stores: TaskStores) -> dict[str, Handler]:
    """The handlers as the bus calls them: each applied exactly once per event id."""

    def bound(reaction: Reaction) -> Handler:
        def handle(envelope: dict[str, Any]) -> None:
            process_once(
                stores.client,
                stores.db,
                envelope,
                lambda session: reaction(stores, envelope, session),
            )

        return handle

    return {event_type: bound(reaction) for event_type, reaction in HANDLERS.items()}

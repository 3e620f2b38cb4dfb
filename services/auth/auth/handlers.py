"""Auth's event consumer: every event is audited; stay events also gate guest logins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo.client_session import ClientSession

from auth.domain import (
    CHECKED_IN_EVENT,
    CHECKED_OUT_EVENT,
    STAY_CHECKED_OUT,
    activity_log_for_event,
    is_newer_stay_event,
    stay_from_event,
)
from auth.store import AuthStores
from hotel_shared.bus import Handler
from hotel_shared.inbox import process_once
from hotel_shared.timeutil import utc_now

# The audit trail wants everything, so the queue is bound to every routing key.
BINDINGS = ("#",)

Reaction = Callable[[AuthStores, dict[str, Any], ClientSession], None]


def on_stay_changed(stores: AuthStores, envelope: dict[str, Any], session: ClientSession) -> None:
    incoming = stay_from_event(envelope)
    current = stores.guest_access.get(incoming["_id"], session)
    if not is_newer_stay_event(current, incoming):
        return  # an older event arriving late must not reopen (or re-close) a stay
    stores.guest_access.save({**incoming, "updatedAt": utc_now()}, session)
    if incoming["status"] == STAY_CHECKED_OUT:
        stores.refresh_tokens.revoke_for_guest(incoming["_id"], utc_now(), session)


HANDLERS: dict[str, Reaction] = {
    CHECKED_IN_EVENT: on_stay_changed,
    CHECKED_OUT_EVENT: on_stay_changed,
}


def make_handler(stores: AuthStores) -> Handler:
    """One handler for every event: audit it, react if it is a stay event, all exactly once."""

    def handle(envelope: dict[str, Any]) -> None:
        def apply(session: ClientSession) -> None:
            stores.activity_logs.insert_once(activity_log_for_event(envelope), session)
            reaction = HANDLERS.get(envelope["type"])
            if reaction is not None:
                reaction(stores, envelope, session)

        process_once(stores.client, stores.db, envelope, apply)

    return handle

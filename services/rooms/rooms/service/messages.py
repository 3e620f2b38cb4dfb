"""Contact message use cases: a guest writes to the front desk; the desk reads and handles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now
from rooms import events
from rooms.rules import messages as rules
from rooms.store import RoomsStores


@unit_of_work
def create_contact_message(
    stores: RoomsStores, ctx: Context, name: str, room_number: str, message: str
) -> dict[str, Any]:
    written = rules.new_contact_message(ctx.principal, name, room_number, message, utc_now())
    with stores.transaction() as tx:
        tx.insert_message(written)
        tx.record(events.contact_message_created(written, ctx))
    return rules.as_seen_by(ctx.principal, written)


def list_contact_messages(
    stores: RoomsStores, ctx: Context, filters: Mapping[str, Any], limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """Messages, newest first; a guest: their own stay's, without who handled them."""
    scoped = rules.message_filters(ctx.principal, filters)
    items, total = stores.find_messages(scoped, limit, offset)
    return [rules.as_seen_by(ctx.principal, message) for message in items], total


@unit_of_work
def mark_contact_message_handled(
    stores: RoomsStores, ctx: Context, message_id: str, handled: bool
) -> dict[str, Any]:
    """The desk marks a message handled (who, when) or waiting again; a repeat writes nothing."""
    with stores.transaction() as tx:
        message = tx.get_message(message_id)
        updated = rules.mark_handled(message, handled, ctx.principal, utc_now())
        if updated is None:
            return message
        tx.save_message(updated, expected_handled=message["handled"])
    return updated

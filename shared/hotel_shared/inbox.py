"""Idempotent consumption: a service's HANDLERS bound to its stores, each event applied once.

Every consumer declares `HANDLERS = {event type: on_x}` with one signature,
`on_x(stores, event: InboundEvent) -> None`. `bind_handlers` opens one transaction per delivery
in which the event id is marked in `processed_events` and the handlers run, so a redelivery is a
no-op and a crash before the commit replays the whole event. The key `"#"` is a handler for every
event (auth's audit trail); it runs before the one for the event's own type.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from hotel_shared.mongo import retry_contention
from hotel_shared.principal import Context
from hotel_shared.timeutil import parse_iso, utc_now

log = logging.getLogger(__name__)

PROCESSED_COLLECTION = "processed_events"
EVERY_EVENT = "#"


def ensure_inbox_indexes(db: Database, ttl_days: int = 7) -> None:
    # _id is the event id, unique by construction; the TTL keeps the table bounded.
    db[PROCESSED_COLLECTION].create_index(
        "processedAt", name="processed_ttl", expireAfterSeconds=max(7, ttl_days) * 86_400
    )


class AlreadyProcessed(Exception):
    """This event id was applied before: the unit of work is abandoned and nothing is written."""


def mark_processed(db: Database, session: ClientSession, envelope: Mapping[str, Any]) -> None:
    """Note the event id in the caller's transaction; AlreadyProcessed when it is there already."""
    inbox = db[PROCESSED_COLLECTION]
    # Looked up first: a duplicate-key error inside a transaction would abort the transaction.
    if inbox.find_one({"_id": envelope["id"]}, {"_id": 1}, session=session) is not None:
        raise AlreadyProcessed(envelope["id"])
    try:
        inbox.insert_one(
            {"_id": envelope["id"], "type": envelope["type"], "processedAt": utc_now()},
            session=session,
        )
    except DuplicateKeyError:
        raise AlreadyProcessed(envelope["id"]) from None


@dataclass(frozen=True)
class InboundEvent:
    """An envelope as plain values: what a handler reads instead of the raw message."""

    id: str
    type: str
    source: str
    time: datetime
    subject: str | None
    actor: dict[str, Any] | None
    correlation_id: str | None
    data: dict[str, Any]

    @classmethod
    def from_envelope(cls, envelope: Mapping[str, Any]) -> InboundEvent:
        return cls(
            id=str(envelope["id"]),
            type=envelope["type"],
            source=envelope.get("source", ""),
            time=parse_iso(str(envelope["time"])),
            subject=envelope.get("subject"),
            actor=envelope.get("actor"),
            correlation_id=envelope.get("correlationId"),
            data=dict(envelope.get("data") or {}),
        )

    @property
    def context(self) -> Context:
        """The Context of a reaction: a system action carrying on the upstream actor and chain."""
        return Context(correlation_id=self.correlation_id, upstream_actor=self.actor)

    @property
    def changes(self) -> list[dict[str, Any]]:
        """The `changes` list every `*_changed` event carries (empty for other events)."""
        changes = self.data.get("changes")
        return [c for c in changes if isinstance(c, dict)] if isinstance(changes, list) else []

    def change_of(self, field: str) -> dict[str, Any] | None:
        """The {field, oldValue, newValue} entry for `field`, or None when it did not move."""
        return next((c for c in self.changes if c.get("field") == field), None)


EventHandler = Callable[[Any, InboundEvent], None]


@dataclass(frozen=True)
class BoundHandlers:
    """What the worker needs: the routing keys to bind, and one callable per delivery."""

    bindings: tuple[str, ...]
    handle: Callable[[dict[str, Any]], None]


def bind_handlers(stores: Any, handlers: Mapping[str, EventHandler]) -> BoundHandlers:
    """Bind `handlers` to `stores` (a MongoStores): each event applied exactly once per id."""
    every = handlers.get(EVERY_EVENT)

    def handle(envelope: dict[str, Any]) -> None:
        own = handlers.get(envelope["type"])
        chosen = [h for h in (every, own) if h is not None]
        if not chosen:
            log.info("no handler for %s; acknowledged without effect", envelope["type"])
            return
        event = InboundEvent.from_envelope(envelope)

        def apply() -> None:
            with stores.transaction() as tx:
                tx.mark_processed(envelope)
                for handler in chosen:
                    handler(tx, event)

        try:
            retry_contention(apply, stores.transaction_attempts)
        except AlreadyProcessed:
            log.info("event %s already applied; redelivery ignored", event.id)

    return BoundHandlers(bindings=tuple(handlers), handle=handle)

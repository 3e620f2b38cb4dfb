"""Idempotent consumption: a service's HANDLERS bound to its stores, each event applied once.

Every consumer declares `HANDLERS = {event type: on_x}` with one signature,
`on_x(stores, event: InboundEvent) -> None`. `bind_handlers` gives the worker two ways to apply
deliveries, both marking each event id in `processed_events` in the same transaction as its
handlers, so a redelivery is a no-op and a crash before the commit replays the events:
- `handle(envelope)`: one event, one transaction;
- `handle_batch(envelopes)`: a batch in ONE transaction, in order (a handler sees what the events
  before it in the batch wrote); an id already processed, or twice in the batch, is skipped. If
  anything fails the whole batch rolls back and the worker applies it again one by one, so only
  the failing event is retried.
The key `"#"` is a handler for every event (auth's audit trail); it runs before the one for the
event's own type.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from hotel_shared.events import EventData
from hotel_shared.expiry import ensure_expiring_index
from hotel_shared.logs import event_id_var
from hotel_shared.mongo import retry_contention
from hotel_shared.principal import Context
from hotel_shared.timeutil import parse_iso, utc_now

log = logging.getLogger(__name__)

PROCESSED_COLLECTION = "processed_events"
EVERY_EVENT = "#"


def ensure_inbox_indexes(db: Database, ttl_days: int = 7) -> None:
    # _id is the event id, unique by construction; expiry keeps the table bounded.
    ensure_expiring_index(
        db[PROCESSED_COLLECTION],
        "processedAt",
        seconds=max(7, ttl_days) * 86_400,
        name="processed_ttl",
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
        inbox.insert_one(_processed_entry(envelope), session=session)
    except DuplicateKeyError:
        raise AlreadyProcessed(envelope["id"]) from None


def mark_batch_processed(
    db: Database, session: ClientSession, envelopes: Sequence[Mapping[str, Any]]
) -> list[bool]:
    """Note the event ids of `envelopes` in the caller's transaction (one read, one write); per
    envelope, whether it is new (False: processed before, or earlier in the same batch). Another
    consumer committing one of them meanwhile fails the transaction (duplicate key)."""
    inbox = db[PROCESSED_COLLECTION]
    ids = [envelope["id"] for envelope in envelopes]
    seen = {doc["_id"] for doc in inbox.find({"_id": {"$in": ids}}, {"_id": 1}, session=session)}
    is_new = []
    for envelope in envelopes:
        is_new.append(envelope["id"] not in seen)
        seen.add(envelope["id"])
    fresh = [_processed_entry(e) for e, new in zip(envelopes, is_new, strict=True) if new]
    if fresh:
        inbox.insert_many(fresh, session=session)
    return is_new


def _processed_entry(envelope: Mapping[str, Any]) -> dict[str, Any]:
    return {"_id": envelope["id"], "type": envelope["type"], "processedAt": utc_now()}


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
            data=EventData(envelope.get("data") or {}),
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
    """What the worker needs: the routing keys to bind, and how to apply one delivery or a batch."""

    bindings: tuple[str, ...]
    handle: Callable[[dict[str, Any]], None]
    handle_batch: Callable[[Sequence[dict[str, Any]]], None]


def bind_handlers(stores: Any, handlers: Mapping[str, EventHandler]) -> BoundHandlers:
    """Bind `handlers` to `stores` (a MongoStores): each event applied exactly once per id."""
    every = handlers.get(EVERY_EVENT)

    def chosen_for(envelope: Mapping[str, Any]) -> list[EventHandler]:
        chosen = [h for h in (every, handlers.get(envelope["type"])) if h is not None]
        if not chosen:
            log.info("no handler for %s; acknowledged without effect", envelope["type"])
        return chosen

    def handle(envelope: dict[str, Any]) -> None:
        chosen = chosen_for(envelope)
        if not chosen:
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

    def handle_batch(envelopes: Sequence[dict[str, Any]]) -> None:
        work = [
            (envelope, chosen, InboundEvent.from_envelope(envelope))
            for envelope in envelopes
            if (chosen := chosen_for(envelope))
        ]
        if not work:
            return

        def apply() -> None:
            with stores.transaction() as tx:
                is_new = mark_batch_processed(tx.db, tx.session, [e for e, _, _ in work])
                for (_, chosen, event), new in zip(work, is_new, strict=True):
                    if not new:
                        log.info("event %s already applied; redelivery ignored", event.id)
                        continue
                    token = event_id_var.set(event.id)
                    try:
                        for handler in chosen:
                            handler(tx, event)
                    finally:
                        event_id_var.reset(token)

        retry_contention(apply, stores.transaction_attempts)

    return BoundHandlers(bindings=tuple(handlers), handle=handle, handle_batch=handle_batch)

"""Transactional outbox: record an event beside the state change, relay it to the broker later."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Any, Protocol

from pymongo import ASCENDING
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import PyMongoError

from hotel_shared.timeutil import parse_iso, utc_now

log = logging.getLogger(__name__)

OUTBOX_COLLECTION = "outbox"
SENT_RETENTION = timedelta(days=7)


class EventPublisher(Protocol):
    def publish(self, envelope: dict[str, Any]) -> None: ...

    def idle(self, seconds: float) -> None:
        """Wait between polls; a broker publisher services its heartbeats meanwhile."""


def ensure_outbox_indexes(db: Database) -> None:
    outbox = db[OUTBOX_COLLECTION]
    outbox.create_index([("sentAt", ASCENDING), ("createdAt", ASCENDING)], name="unsent_first")
    # Sent events stay a week for ops to inspect, then expire; unsent ones (sentAt null) never do.
    outbox.create_index(
        "sentAt", name="sent_ttl", expireAfterSeconds=int(SENT_RETENTION.total_seconds())
    )


def outbox_entry(envelope: dict[str, Any]) -> dict[str, Any]:
    """The outbox document of an event, unsent."""
    return {
        "_id": envelope["id"],
        "type": envelope["type"],
        "envelope": envelope,
        "createdAt": parse_iso(envelope["time"]),
        "sentAt": None,
        "attempts": 0,
    }


def record_event(db: Database, session: ClientSession, envelope: dict[str, Any]) -> None:
    """Write the event in the caller's transaction, so it exists exactly when the change does."""
    db[OUTBOX_COLLECTION].insert_one(outbox_entry(envelope), session=session)


class OutboxRelay:
    """Publishes unsent entries in creation order, marking each sent once the broker confirms it.

    At-least-once: a crash between confirm and mark resends, and consumers drop the duplicate.
    """

    def __init__(
        self, db: Database, publisher: EventPublisher, *, batch_size: int = 200, poll_s: float = 0.1
    ):
        self.db = db
        self.publisher = publisher
        self.batch_size = batch_size
        self.poll_s = poll_s

    def relay_once(self) -> int:
        """Publish one batch; returns how many were sent. Broker errors propagate to the caller."""
        outbox = self.db[OUTBOX_COLLECTION]
        batch = list(
            outbox.find({"sentAt": None}, {"envelope": 1})
            .sort([("createdAt", ASCENDING), ("_id", ASCENDING)])
            .limit(self.batch_size)
        )
        sent_ids = []
        try:
            for entry in batch:
                self.publisher.publish(entry["envelope"])
                sent_ids.append(entry["_id"])
        finally:
            if sent_ids:
                outbox.update_many({"_id": {"$in": sent_ids}}, {"$set": {"sentAt": utc_now()}})
        return len(sent_ids)

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set, backing off while Mongo or the broker is down."""
        backoff = self.poll_s
        while not stop.is_set():
            try:
                sent = self.relay_once()
                backoff = self.poll_s
            except PyMongoError as error:
                log.warning("outbox relay cannot read the outbox: %s", error)
                sent, backoff = 0, min(backoff * 2 or 0.5, 10.0)
            except Exception as error:  # broker down: keep the events, try again later
                log.warning("outbox relay cannot publish: %s", error)
                sent, backoff = 0, min(max(backoff * 2, 0.5), 10.0)
            if sent < self.batch_size and not stop.is_set():
                self.publisher.idle(backoff)

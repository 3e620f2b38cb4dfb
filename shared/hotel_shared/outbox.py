"""Transactional outbox: record an event beside the state change, relay it to the broker later.

The relay runs in the service's worker; the entries are written by its web processes. It:
- wakes when entries are committed (the writer announces the outbox after its commit, see
  `hotel_shared.bus.notices`), and then drains batch after batch until the outbox is empty, so a
  burst costs one wake-up, not one per entry. A safety poll (`safety_poll_s`) remains for an
  entry whose notice was lost; while the notices are not flowing it polls every `poll_s`.
- publishes each batch in creation order with asynchronous publisher confirms (BusPublisher) and
  marks sent only what the broker confirmed. A nack or a lost connection leaves the rest unsent,
  to be published again: at-least-once, and consumers drop the duplicate by event id.
- is one per service at a time however many workers run: it holds a lease (`outbox_lease`), renews
  it while working, and another worker's relay takes over once it expired. Marking sent renews the
  lease in the same transaction, so a relay that lost its lease marks nothing (the new holder
  publishes those entries again) and steps back.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from pymongo import ASCENDING, ReturnDocument
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, PyMongoError

from hotel_shared.bus.notices import Listener, change_notices
from hotel_shared.errors import BrokerUnavailable
from hotel_shared.expiry import ensure_expiring_index
from hotel_shared.timeutil import parse_iso, utc_now

log = logging.getLogger(__name__)

OUTBOX_COLLECTION = "outbox"
LEASE_COLLECTION = "outbox_lease"
LEASE_ID = "relay"
SENT_RETENTION = timedelta(days=7)
FIRST_SLICE = timedelta(seconds=1)
MAX_SLICE = timedelta(days=1)


class BatchOutcome(Protocol):
    confirmed: list[str]
    failure: str | None


class EventPublisher(Protocol):
    def publish_batch(self, envelopes: Sequence[Mapping[str, Any]]) -> BatchOutcome:
        """Publish in order; say which ids the broker confirmed and why the rest were not."""

    def idle(self, seconds: float) -> bool:
        """Wait up to `seconds` (a broker publisher services its heartbeats meanwhile), less when
        `wake` is called; returns whether it was woken."""

    def wake(self) -> None:
        """End the relay's wait early; called from the watcher's thread."""


def ensure_outbox_indexes(db: Database) -> None:
    outbox = db[OUTBOX_COLLECTION]
    outbox.create_index([("sentAt", ASCENDING), ("createdAt", ASCENDING)], name="unsent_first")
    # Sent events stay a week for ops to inspect, then expire; unsent ones (sentAt null) never do.
    ensure_expiring_index(outbox, "sentAt", seconds=SENT_RETENTION.total_seconds(), name="sent_ttl")


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


def relay_identity() -> str:
    """Who holds the lease, readable by ops: host, process, and a nonce per relay."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class RelayLease:
    """The one document saying which relay may publish the outbox, and until when.

    Times are the holders' own clocks: keep `lease_s` well above the skew between machines.
    """

    def __init__(self, db: Database, holder: str, lease_s: float) -> None:
        self.db = db
        self.leases = db[LEASE_COLLECTION]
        self.holder = holder
        self.lease_s = lease_s
        self._held_until = float("-inf")  # monotonic; our own view, renewed well before expiry

    @property
    def renew_every_s(self) -> float:
        return self.lease_s / 3

    def hold(self) -> bool:
        """Take the lease if it is free or expired, renew it if ours; False while another has it."""
        if self._held_until - time.monotonic() > self.lease_s - self.renew_every_s:
            return True
        started, now = time.monotonic(), utc_now()
        try:
            self.leases.find_one_and_update(
                {"_id": LEASE_ID, "$or": [{"holder": self.holder}, {"expiresAt": {"$lte": now}}]},
                {"$set": {"holder": self.holder, "expiresAt": self._expiry(now)}},
                upsert=True,
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:  # the document exists and another relay holds it
            self._lost()
            return False
        if self._held_until == float("-inf"):
            log.info("outbox relay %s holds the lease", self.holder)
        self._held_until = started + self.lease_s
        return True

    def mark_sent(self, ids: list[str]) -> bool:
        """Mark `ids` sent and renew the lease in one transaction, only while the lease is ours;
        False (nothing marked) once another relay has taken it."""
        started = time.monotonic()

        def renew_and_mark(session: ClientSession) -> bool:
            now = utc_now()
            renewed = self.leases.update_one(
                {"_id": LEASE_ID, "holder": self.holder, "expiresAt": {"$gt": now}},
                {"$set": {"expiresAt": self._expiry(now)}},
                session=session,
            )
            if renewed.matched_count == 0:
                return False
            self.db[OUTBOX_COLLECTION].update_many(
                {"_id": {"$in": ids}}, {"$set": {"sentAt": now}}, session=session
            )
            return True

        with self.db.client.start_session() as session:
            held = session.with_transaction(renew_and_mark)
        if held:
            self._held_until = started + self.lease_s
        else:
            self._lost()
        return held

    def release(self) -> None:
        """Hand the lease over at once (a clean stop), so another relay need not wait it out."""
        if self._held_until == float("-inf"):
            return
        self._held_until = float("-inf")
        try:
            self.leases.delete_one({"_id": LEASE_ID, "holder": self.holder})
        except PyMongoError as error:
            log.warning("outbox relay could not release its lease (it expires): %s", error)

    def _expiry(self, now):
        return now + timedelta(seconds=self.lease_s)

    def _lost(self) -> None:
        if self._held_until != float("-inf"):
            log.warning("outbox relay %s lost its lease to another relay", self.holder)
        self._held_until = float("-inf")


def announce_outbox(db: Database) -> None:
    """After a commit that recorded events: wake the service's relay, wherever it runs."""
    notices = change_notices()
    if notices is not None:
        notices.announce(db.name, OUTBOX_COLLECTION, [])


class OutboxDoorbell:
    """The relay's ear for outbox notices: `on_insert` for each, `is_listening` while they flow."""

    def __init__(self, db: Database, on_insert: Callable[[], None]) -> None:
        self.db = db
        self.on_insert = on_insert
        self.is_listening = False
        self._listener: Listener | None = None

    def start(self) -> None:
        notices = change_notices()
        if self._listener is None and notices is not None:
            self._listener = notices.listen(
                self.db.name,
                OUTBOX_COLLECTION,
                on_notice=lambda _ids: self.on_insert(),
                on_ready=self._ready,
                on_lost=self._lost,
                hears_own=True,  # the worker's own handlers record events too
            )

    def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self.is_listening = False

    def _ready(self) -> None:
        self.is_listening = True
        self.on_insert()  # for what was written while the notices were away

    def _lost(self) -> None:
        self.is_listening = False


class OutboxRelay:
    """Publishes unsent entries in creation order, marking each sent once the broker confirms it.

    At-least-once: a crash between confirm and mark resends, and consumers drop the duplicate.
    """

    def __init__(
        self,
        db: Database,
        publisher: EventPublisher,
        *,
        batch_size: int = 256,
        poll_s: float = 0.1,
        safety_poll_s: float = 5.0,
        lease_s: float = 10.0,
        holder: str | None = None,
    ):
        self.db = db
        self.publisher = publisher
        self.batch_size = batch_size
        self.poll_s = poll_s
        self.safety_poll_s = safety_poll_s
        self.lease = RelayLease(db, holder or relay_identity(), lease_s)
        self.doorbell = OutboxDoorbell(db, self._on_insert)
        self._insert_seen = threading.Event()
        self._newest_fetched: datetime | None = None
        self._slice = FIRST_SLICE

    def relay_once(self) -> int:
        """Publish one batch if this relay holds the lease; returns how many were marked sent.

        The confirmed part of a batch is marked even when the rest failed; then BrokerUnavailable
        is raised. Mongo errors propagate."""
        if not self.lease.hold():
            return 0
        batch = self._next_batch()
        if not batch:
            return 0
        outcome = self.publisher.publish_batch([entry["envelope"] for entry in batch])
        marked = 0
        if outcome.confirmed and self.lease.mark_sent(outcome.confirmed):
            marked = len(outcome.confirmed)
        if outcome.failure is not None:
            unsent = len(batch) - marked
            raise BrokerUnavailable(f"{unsent} events left unsent: {outcome.failure}")
        return marked

    def _next_batch(self) -> list[dict[str, Any]]:
        """The oldest unsent entries, up to a batch.

        Asked first among the entries up to `_slice` after the newest one fetched last time: when
        that slice fills a batch, it is exactly the oldest batch of all (anything later is newer
        than every entry in it), and the server reads a slice instead of the whole backlog (the
        Mongo-wire server sorts every match in memory). Otherwise the whole outbox is asked."""
        if self._newest_fetched is not None:
            bound = {"$lte": self._newest_fetched + self._slice}
            batch = self._oldest_unsent({"createdAt": bound})
            if len(batch) == self.batch_size:
                self._newest_fetched = batch[-1]["createdAt"]
                return batch
        batch = self._oldest_unsent({})
        if batch:
            if self._newest_fetched is not None and len(batch) == self.batch_size:
                self._slice = min(self._slice * 2, MAX_SLICE)  # entries sparser than the slice
            self._newest_fetched = batch[-1]["createdAt"]
        return batch

    def _oldest_unsent(self, bound: dict[str, Any]) -> list[dict[str, Any]]:
        return list(
            self.db[OUTBOX_COLLECTION]
            .find({"sentAt": None, **bound}, {"envelope": 1, "createdAt": 1})
            .sort([("createdAt", ASCENDING), ("_id", ASCENDING)])
            .limit(self.batch_size)
        )

    def run(self, stop: threading.Event) -> None:
        """Relay until `stop` is set, backing off while Mongo or the broker is down; on a clean
        stop the lease is released for another worker's relay."""
        backoff = 0.0
        try:
            while not stop.is_set():
                try:
                    if not self.lease.hold():
                        self._wait(stop, self.lease.renew_every_s)
                        continue
                    self.doorbell.start()
                    self._insert_seen.clear()
                    sent = self.relay_once()
                    backoff = 0.0
                except PyMongoError as error:
                    log.warning("outbox relay cannot read the outbox: %s", error)
                    sent, backoff = 0, min(max(backoff * 2, 0.5), 10.0)
                except Exception as error:  # broker down: keep the events, try again later
                    log.warning("outbox relay cannot publish: %s", error)
                    sent, backoff = 0, min(max(backoff * 2, 0.5), 10.0)
                if sent == self.batch_size:
                    continue  # a full batch: more may wait, drain before waiting
                self._wait(stop, backoff or self._idle_s())
        finally:
            self.doorbell.stop()
            self.lease.release()

    def _idle_s(self) -> float:
        """How long to wait for a wake-up: the safety poll while the notices flow, the plain
        poll interval without them; never past the lease's renewal."""
        wait = self.safety_poll_s if self.doorbell.is_listening else self.poll_s
        return min(wait, self.lease.renew_every_s)

    def _wait(self, stop: threading.Event, seconds: float) -> None:
        # In short slices, so a stop is seen promptly whatever the wait.
        deadline = time.monotonic() + seconds
        while not stop.is_set() and (remaining := deadline - time.monotonic()) > 0:
            if self.publisher.idle(min(remaining, 0.5)):
                return

    def _on_insert(self) -> None:
        # One wake-up per drain pass, not one per inserted entry.
        if not self._insert_seen.is_set():
            self._insert_seen.set()
            self.publisher.wake()

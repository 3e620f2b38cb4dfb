"""The event pipeline at speed and with several workers, on the real Mongo-wire server and RabbitMQ:
the relay woken by change notices, its windowed confirms and its lease; the consumer's batches."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest

from hotel_shared.bus import EXCHANGE, BusPublisher, EventConsumer, PublishOutcome
from hotel_shared.bus.notices import configure_notices
from hotel_shared.errors import BrokerUnavailable
from hotel_shared.events import encode_event, new_event
from hotel_shared.inbox import PROCESSED_COLLECTION, bind_handlers
from hotel_shared.outbox import (
    LEASE_COLLECTION,
    LEASE_ID,
    OutboxRelay,
    announce_outbox,
    outbox_entry,
)
from hotel_shared.timeutil import utc_now

# A worker process holding the lease, to be killed with SIGKILL (nothing released, nothing marked).
DOOMED_WORKER = """
import sys, threading
from pymongo import MongoClient
from hotel_shared.bus import BusPublisher
from hotel_shared.outbox import OutboxRelay
mongo_url, db_name, amqp_url, holder, lease_s = sys.argv[1:]
db = MongoClient(mongo_url, tz_aware=True)[db_name]
relay = OutboxRelay(db, BusPublisher(amqp_url), lease_s=float(lease_s), holder=holder)
relay.run(threading.Event())
"""


def bind_queue(broker, event_type, arguments=None) -> str:
    channel, created = broker
    name = f"probe.{uuid.uuid4().hex[:10]}"
    channel.queue_declare(name, durable=True, arguments=arguments)
    channel.queue_bind(name, EXCHANGE, routing_key=event_type)
    created.append(name)
    return name


def probe_event(event_type, number):
    return new_event(event_type, source="probe", subject=f"probe/{number}", data={"n": number})


def write_entries(db, event_type, count, apart=timedelta(milliseconds=1)) -> list[str]:
    """Unsent entries as committed transactions leave them, `apart` from each other: the outbox
    order is the order they were written."""
    start = utc_now()
    entries = []
    for number in range(count):
        entry = outbox_entry(probe_event(event_type, number))
        entry["createdAt"] = start + number * apart
        entries.append(entry)
    db.outbox.insert_many(entries)
    announce_outbox(db)
    return [entry["_id"] for entry in entries]


class Received:
    """Message ids taken off a queue, in arrival order."""

    def __init__(self, channel, queue):
        self.channel, self.queue, self.ids = channel, queue, []

    def take(self) -> list[str]:
        while True:
            method, properties, _body = self.channel.basic_get(self.queue, auto_ack=True)
            if method is None:
                return self.ids
            self.ids.append(properties.message_id)

    def wait_for(self, ids, timeout=30.0) -> bool:
        wanted = set(ids)
        return wait_until(lambda: wanted <= set(self.take()), timeout)


def wait_until(predicate, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@contextmanager
def running(*relays):
    stop = threading.Event()
    threads = [threading.Thread(target=relay.run, args=(stop,), daemon=True) for relay in relays]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
        for relay in relays:
            relay.publisher.close()


def lease_holder(db):
    lease = db[LEASE_COLLECTION].find_one({"_id": LEASE_ID})
    return lease and lease["holder"]


def unsent(db) -> set[str]:
    return {entry["_id"] for entry in db.outbox.find({"sentAt": None}, {"_id": 1})}


class CountingPublisher(BusPublisher):
    """A real publisher that counts its batches and the waits a wake-up ended."""

    def __init__(self, url):
        super().__init__(url)
        self.batches = 0
        self.wake_ups = 0

    def publish_batch(self, envelopes):
        self.batches += 1
        return super().publish_batch(envelopes)

    def idle(self, seconds):
        woken = super().idle(seconds)
        self.wake_ups += woken
        return woken


# --- publishing ------------------------------------------------------------------------------


def test_a_batch_is_published_in_order_with_more_messages_than_the_window(
    settings, broker, event_type
):
    queue = Received(broker[0], bind_queue(broker, event_type))
    envelopes = [probe_event(event_type, n) for n in range(600)]
    publisher = BusPublisher(settings.amqp_url, window=64)
    try:
        outcome = publisher.publish_batch(envelopes)
    finally:
        publisher.close()

    ids = [envelope["id"] for envelope in envelopes]
    assert outcome == PublishOutcome(confirmed=ids)
    assert queue.wait_for(ids)
    assert queue.ids == ids


def test_entries_the_broker_refuses_stay_unsent(settings, db, broker, event_type):
    # A full queue that rejects new messages: the broker nacks them.
    bind_queue(broker, event_type, {"x-max-length": 3, "x-overflow": "reject-publish"})
    ids = write_entries(db, event_type, 5)
    relay = OutboxRelay(db, BusPublisher(settings.amqp_url), holder="worker-1")
    try:
        with pytest.raises(BrokerUnavailable, match="nacked"):
            relay.relay_once()
    finally:
        relay.publisher.close()
    assert unsent(db) == set(ids[3:])


def test_batches_follow_the_outbox_order_however_far_apart_the_entries_are(
    settings, db, broker, event_type
):
    queue = Received(broker[0], bind_queue(broker, event_type))
    write_entries(db, event_type, 300)
    write_entries(db, event_type, 300, apart=timedelta(seconds=10))
    in_order = [e["_id"] for e in db.outbox.find().sort([("createdAt", 1), ("_id", 1)])]
    relay = OutboxRelay(db, BusPublisher(settings.amqp_url), batch_size=64)
    try:
        for _ in range(3):
            relay.relay_once()
        # A transaction that began first commits only now: its entry is older than all sent.
        [late] = write_entries(db, event_type, 1)
        db.outbox.update_one({"_id": late}, {"$set": {"createdAt": utc_now() - timedelta(hours=1)}})
        while relay.relay_once():
            pass
    finally:
        relay.publisher.close()
    expected = [*in_order[:192], late, *in_order[192:]]
    assert queue.wait_for(expected)
    assert queue.ids == expected


# --- waking ----------------------------------------------------------------------------------


def test_the_relay_wakes_on_new_entries_and_drains_a_burst_per_wake_up(
    settings, stores, db, broker, event_type
):
    queue = Received(broker[0], bind_queue(broker, event_type))
    publisher = CountingPublisher(settings.amqp_url)
    # Polls and lease renewals far beyond the test: only the writers' notices can wake it.
    relay = OutboxRelay(db, publisher, poll_s=600, safety_poll_s=600, lease_s=1800)
    with running(relay):
        assert wait_until(lambda: relay.doorbell.is_listening)
        envelope = probe_event(event_type, 0)
        with stores.transaction() as tx:
            tx.record(envelope)
        assert queue.wait_for([envelope["id"]])

        burst = write_entries(db, event_type, 1000)
        assert queue.wait_for(burst)
    assert queue.ids == [envelope["id"], *burst]
    # 1000 entries, 256 per batch: a handful of batches and wake-ups, never one per entry.
    assert publisher.batches < 40
    assert publisher.wake_ups < 40


def test_without_notices_the_relay_polls(settings, db, broker, event_type):
    queue = Received(broker[0], bind_queue(broker, event_type))
    configure_notices(None)  # nobody announces, nothing rings
    relay = OutboxRelay(db, BusPublisher(settings.amqp_url), poll_s=0.05, safety_poll_s=600)
    with running(relay):
        ids = write_entries(db, event_type, 3)
        assert queue.wait_for(ids)
        assert relay.doorbell.is_listening is False


# --- several workers -------------------------------------------------------------------------


def test_two_relays_publish_every_entry_exactly_once_in_outbox_order(
    settings, db, broker, event_type
):
    queue = Received(broker[0], bind_queue(broker, event_type))
    relays = [
        OutboxRelay(db, BusPublisher(settings.amqp_url), holder=f"worker-{n}") for n in (1, 2)
    ]
    with running(*relays):
        burst = write_entries(db, event_type, 500)
        assert queue.wait_for(burst)
        marker = write_entries(db, event_type, 1)  # what arrives after it was sent before it
        assert queue.wait_for(marker)
    assert queue.ids == burst + marker
    assert unsent(db) == set()


def test_a_relay_that_lost_its_lease_marks_nothing_sent(settings, db, broker, event_type):
    queue = Received(broker[0], bind_queue(broker, event_type))
    ids = write_entries(db, event_type, 4)
    relay = OutboxRelay(db, BusPublisher(settings.amqp_url), holder="worker-1", lease_s=600)
    successor = OutboxRelay(db, BusPublisher(settings.amqp_url), holder="worker-2")
    try:
        assert relay.lease.hold()
        # Its lease expired while it was stalled, and another worker took over.
        db[LEASE_COLLECTION].update_one({"_id": LEASE_ID}, {"$set": {"holder": "worker-2"}})
        assert relay.relay_once() == 0
        assert unsent(db) == set(ids)

        assert successor.relay_once() == 4
        assert unsent(db) == set()
    finally:
        relay.publisher.close()
        successor.publisher.close()
    assert queue.wait_for(ids)
    assert queue.ids == ids + ids  # at-least-once: the consumers drop the second copy


def test_a_standby_relay_takes_over_from_a_killed_holder_within_the_lease(
    settings, db, broker, event_type
):
    queue = Received(broker[0], bind_queue(broker, event_type))
    lease_s = 2.0
    worker_args = [settings.mongo_url, settings.mongo_db, settings.amqp_url, "doomed", str(lease_s)]
    doomed = subprocess.Popen([sys.executable, "-c", DOOMED_WORKER, *worker_args])
    try:
        assert wait_until(lambda: lease_holder(db) == "doomed")
        publisher = BusPublisher(settings.amqp_url)
        standby = OutboxRelay(db, publisher, holder="standby", lease_s=lease_s)
        with running(standby):
            before = write_entries(db, event_type, 300)
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=10)
            after = write_entries(db, event_type, 300)
            # The lease runs out, then the standby's next look (a third of a lease) takes it;
            # generous for a busy machine.
            assert wait_until(lambda: lease_holder(db) == "standby", timeout=lease_s + 10)
            assert queue.wait_for(before + after)
            assert wait_until(lambda: not unsent(db))
    finally:
        if doomed.poll() is None:
            doomed.kill()
            doomed.wait()
    assert set(queue.ids) == set(before + after)  # nothing lost; a duplicate is allowed


# --- consuming -------------------------------------------------------------------------------


def run_consumer(consumer, until, timeout=30.0) -> bool:
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    try:
        return wait_until(until, timeout)
    finally:
        stop.set()
        thread.join(timeout=10)


def batch_consumer(settings, broker, event_type, bound, batch_sizes):
    def handle_batch(envelopes):
        batch_sizes.append(len(envelopes))
        bound.handle_batch(envelopes)

    queue = f"probe.{uuid.uuid4().hex[:10]}.events"
    consumer = EventConsumer(
        settings.amqp_url,
        queue,
        bound.bindings,
        bound.handle,
        handle_batch=handle_batch,
        retry_delays_ms=(50, 50, 50, 50),
    )
    broker[1].extend([queue, consumer.dead_queue, consumer.retry_queue(50)])
    run_consumer(consumer, until=lambda: False, timeout=1.0)  # declares its queues
    return consumer


def publish(broker, envelopes):
    for envelope in envelopes:
        broker[0].basic_publish(EXCHANGE, envelope["type"], encode_event(envelope))


def dead_count(broker, consumer):
    return broker[0].queue_declare(consumer.dead_queue, passive=True).method.message_count


def test_a_consumer_applies_its_window_in_batches_each_event_seeing_the_ones_before(
    settings, stores, db, broker, event_type
):
    def on_counted(tx, event):
        # Read, then write what was read plus one: a handler that did not see the events before
        # it in the same batch would lose counts.
        tally = tx.db.tally.find_one({"_id": "t"}, session=tx.session) or {"count": 0}
        tx.db.tally.replace_one(
            {"_id": "t"}, {"count": tally["count"] + 1}, upsert=True, session=tx.session
        )

    sizes = []
    consumer = batch_consumer(
        settings, broker, event_type, bind_handlers(stores, {event_type: on_counted}), sizes
    )
    publish(broker, [probe_event(event_type, n) for n in range(120)])

    def tally():
        return (db.tally.find_one({"_id": "t"}) or {"count": 0})["count"]

    assert run_consumer(consumer, until=lambda: tally() >= 120)
    assert tally() == 120
    assert db[PROCESSED_COLLECTION].count_documents({}) == 120
    assert sum(sizes) == 120
    assert max(sizes) > 1


def test_a_failing_event_alone_goes_the_retry_way_the_rest_of_its_batch_is_applied(
    settings, stores, db, broker, event_type
):
    envelopes = [probe_event(event_type, n) for n in range(30)]
    poison = envelopes[7]["id"]

    def on_counted(tx, event):
        if event.id == poison:
            raise RuntimeError("poison")
        tx.db.applied.insert_one({"_id": event.id}, session=tx.session)

    consumer = batch_consumer(
        settings, broker, event_type, bind_handlers(stores, {event_type: on_counted}), []
    )
    publish(broker, envelopes)

    assert run_consumer(consumer, until=lambda: dead_count(broker, consumer) >= 1)
    assert {doc["_id"] for doc in db.applied.find()} == {e["id"] for e in envelopes} - {poison}
    _, properties, body = broker[0].basic_get(consumer.dead_queue, auto_ack=True)
    assert json.loads(body)["id"] == poison
    assert properties.headers["x-attempts"] == 5
    assert db[PROCESSED_COLLECTION].find_one({"_id": poison}) is None


def test_a_redelivered_duplicate_in_a_batch_is_skipped_not_failed(
    settings, stores, db, broker, event_type
):
    applied = []

    def on_counted(tx, event):
        applied.append(event.data["n"])

    bound = bind_handlers(stores, {event_type: on_counted})
    seen_before, new, last = (probe_event(event_type, n) for n in range(3))
    bound.handle(seen_before)
    sizes = []
    consumer = batch_consumer(settings, broker, event_type, bound, sizes)
    publish(broker, [seen_before, new, new, last])

    assert run_consumer(consumer, until=lambda: sum(sizes) >= 4)
    # Had the batch failed, its handlers would have run again one by one.
    assert applied == [0, 1, 2]
    assert dead_count(broker, consumer) == 0

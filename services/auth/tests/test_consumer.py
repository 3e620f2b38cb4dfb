"""The audit consumer end to end: an event published to RabbitMQ ends up in activity_logs."""

from __future__ import annotations

import random
import string
import threading
import time
import uuid

import pytest

from hotel_shared.bus import BusPublisher, EventConsumer, connect
from hotel_shared.inbox import bind_handlers


@pytest.fixture
def consumer_queue(amqp_url):
    name = f"auth.events.test.{uuid.uuid4().hex[:12]}"
    yield name
    connection = connect(amqp_url)
    channel = connection.channel()
    for queue in (name, f"{name}.dead", *(f"{name}.retry.{d}ms" for d in (50, 100, 150, 200))):
        channel.queue_delete(queue)
    connection.close()


def test_an_event_published_to_the_broker_is_audited_once(
    amqp_url, stores, handlers, make_envelope, consumer_queue
):
    # A type unique to this test, so no other suite's traffic reaches the queue.
    suffix = "".join(random.choices(string.ascii_lowercase, k=10))
    event_type = f"rooms.room.status_changed_{suffix}.v1"
    envelope = make_envelope(
        event_type,
        {
            "roomNumber": "204",
            "housekeepingStatus": "Clean",
            "changes": [{"field": "housekeepingStatus", "oldValue": "Dirty", "newValue": "Clean"}],
        },
        subject="room/204",
    )
    marker = make_envelope(event_type, {"roomNumber": "marker"}, subject="room/marker")
    consumer = EventConsumer(
        amqp_url,
        consumer_queue,
        [event_type],
        bind_handlers(stores, handlers).handle,
        retry_delays_ms=(50, 100, 150, 200),
    )
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    publisher = BusPublisher(amqp_url)
    logs = stores.db["activity_logs"]
    try:
        _wait_for(lambda: _queue_exists(amqp_url, consumer_queue), "the consumer's queue")
        publisher.publish(envelope)
        publisher.publish(envelope)  # a duplicate delivery must still leave one log
        publisher.publish(marker)  # the barrier: once it is logged, the duplicate was consumed
        _wait_for(lambda: logs.find_one({"eventId": marker["id"]}), "the marker's activity log")
    finally:
        publisher.close()
        stop.set()
        thread.join(timeout=10)

    [log] = list(logs.find({"eventId": envelope["id"]}))
    assert (log["collection"], log["documentId"]) == ("rooms", "204")
    assert log["change"]["newValue"] == "Clean"


def _queue_exists(url: str, queue: str) -> bool:
    connection = connect(url)
    try:
        connection.channel().queue_declare(queue, passive=True)
        return True
    except Exception:
        return False
    finally:
        if connection.is_open:
            connection.close()


def _wait_for(condition, what: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")

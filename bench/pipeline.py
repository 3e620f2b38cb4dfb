"""P8: events through the whole pipeline (outbox → relay → RabbitMQ → a consumer's inbox and
handler), and its baseline: pika publishing and consuming alone on the same broker.

The load is written straight into the rooms service's outbox at a fixed rate, as rooms' own
transactions would leave it, each write announced as their commits announce it: rooms' worker
relays each entry, and auth's audit consumer (bound to every routing key) applies it in one
transaction with its inbox mark, writing one activity log per event. The event type
`rooms.bench.ping.v1` is bound by nobody else, so no other consumer does work for it.
Delivered = activity logs of that type; lost = written - delivered after a drain.
"""

from __future__ import annotations

import threading
import time
import uuid

import pika
from pymongo import MongoClient

from hotel_shared.bus.notices import ChangeNotices
from hotel_shared.events import new_event
from hotel_shared.outbox import outbox_entry

PING = "rooms.bench.ping.v1"
OUTBOX = ("hotel_rooms", "outbox")
ACTIVITY = ("hotel_auth", "activity_logs")
TICK_S = 0.05


def pipeline(
    mongo_url: str, amqp_url: str, rate: float, seconds: float, drain_s: float = 60
) -> dict:
    """Write `rate` events/s for `seconds` into rooms' outbox; watch auth's audit apply them."""
    client = MongoClient(mongo_url)
    notices = ChangeNotices(amqp_url)
    try:
        outbox = client[OUTBOX[0]][OUTBOX[1]]
        logs = client[ACTIVITY[0]][ACTIVITY[1]]
        run = uuid.uuid4().hex[:8]
        subject = f"bench/{run}"
        # Auth's audit files a `bench/<run>` subject under collection "benchs", documentId <run>:
        # counted on its document_history index, not by a scan of every log line.
        delivered = lambda: logs.count_documents({"collection": "benchs", "documentId": run})  # noqa: E731
        written = 0
        samples: list[tuple[float, int]] = []
        # Counting on the index costs the measured database about 6 ms at 20,000 lines (by
        # event type, a scan, it was 0.86 s each and starved the pipeline it measured).
        sample_every_s = 1.0
        started = time.monotonic()
        next_tick = started
        while (now := time.monotonic()) < started + seconds:
            due = int((now - started) * rate) - written
            if due > 0:
                outbox.insert_many([_entry(subject, written + n) for n in range(due)])
                notices.announce(OUTBOX[0], OUTBOX[1], [])  # as rooms' commits ring the relay
                written += due
            if now >= next_tick:
                samples.append((now - started, delivered()))
                next_tick += sample_every_s
            time.sleep(TICK_S)
        produced_for = time.monotonic() - started
        drained_at = None
        deadline = time.monotonic() + drain_s
        while time.monotonic() < deadline:
            count = delivered()
            samples.append((time.monotonic() - started, count))
            if count >= written:
                drained_at = time.monotonic() - started
                break
            time.sleep(min(sample_every_s, 2.0))
        final = delivered()
        # Steady rate: what was applied between 10 % and 90 % of the producing window.
        steady = [(t, n) for t, n in samples if 0.1 * produced_for <= t <= 0.9 * produced_for]
        if len(steady) >= 2:
            (t0, n0), (t1, n1) = steady[0], steady[-1]
            applied_rate = (n1 - n0) / (t1 - t0)
        else:
            applied_rate = final / (drained_at or produced_for)
        return {
            "value": round(applied_rate, 1),
            "unit": "events/s",
            "offeredRate": rate,
            "written": written,
            "delivered": final,
            "lost": written - final,
            "endToEndSeconds": round(drained_at, 1) if drained_at else None,
            "producedForSeconds": round(produced_for, 1),
        }
    finally:
        notices.stop()
        client.close()


def _entry(subject: str, number: int) -> dict:
    """An unsent outbox entry, as rooms' transactions leave one."""
    return outbox_entry(new_event(PING, source="rooms", subject=subject, data={"n": number}))


def pika_alone(amqp_url: str, seconds: float, body_size: int = 400) -> dict:
    """Publish persistent messages with publisher confirms (as the relay does) to a queue of its
    own while a second connection consumes and acks them; messages/s consumed."""
    queue = f"bench.p8.{uuid.uuid4().hex[:8]}"
    body = b"x" * body_size
    setup = pika.BlockingConnection(pika.URLParameters(amqp_url))
    setup.channel().queue_declare(queue, durable=True)
    consumed = 0
    stop = threading.Event()

    def consume() -> None:
        nonlocal consumed
        connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
        channel = connection.channel()
        channel.basic_qos(prefetch_count=200)
        for method, _props, _body in channel.consume(queue, inactivity_timeout=0.5):
            if method is not None:
                channel.basic_ack(method.delivery_tag)
                consumed += 1
            if stop.is_set() and method is None:
                break
        channel.cancel()
        connection.close()

    consumer = threading.Thread(target=consume, daemon=True)
    consumer.start()
    publisher = pika.BlockingConnection(pika.URLParameters(amqp_url))
    channel = publisher.channel()
    channel.confirm_delivery()
    properties = pika.BasicProperties(delivery_mode=2, content_type="application/json")
    published = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        channel.basic_publish("", queue, body, properties)
        published += 1
    elapsed = time.monotonic() - started
    publisher.close()
    deadline = time.monotonic() + 30
    while consumed < published and time.monotonic() < deadline:
        time.sleep(0.1)
    consumed_in = time.monotonic() - started
    stop.set()
    consumer.join(timeout=10)
    setup.channel().queue_delete(queue)
    setup.close()
    return {
        "value": round(consumed / consumed_in, 1),
        "unit": "events/s",
        "published": published,
        "consumed": consumed,
        "publishRate": round(published / elapsed, 1),
    }

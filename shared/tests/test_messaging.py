"""Outbox, relay, inbox and consumer against the real Mongo-wire server and RabbitMQ."""

import json
import random
import string
import threading
import time

import pika
import pytest
from pymongo.errors import DuplicateKeyError

from hotel_shared.bus import (
    EXCHANGE,
    UNROUTED_QUEUE,
    BusPublisher,
    EventConsumer,
    connect,
    declare_topology,
)
from hotel_shared.errors import BrokerUnavailable
from hotel_shared.events import encode_event, new_event
from hotel_shared.inbox import InboundEvent
from hotel_shared.mongo import WriteContention, find_page
from hotel_shared.outbox import OutboxRelay


def random_word(n=10):
    return "".join(random.choices(string.ascii_lowercase, k=n))


def bound_queue(broker, event_type):
    channel, created = broker
    name = f"probe.{random_word()}"
    channel.queue_declare(name, durable=True)
    channel.queue_bind(name, EXCHANGE, routing_key=event_type)
    created.append(name)
    return name


def wait_for_message(channel, queue, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is not None:
            return properties, json.loads(body)
        time.sleep(0.05)
    return None, None


def test_transaction_writes_all_or_nothing(stores, db):
    db.things.create_index("code", unique=True)
    envelope = new_event("probe.thing.created.v1", source="probe", subject="thing/a", data={})

    with pytest.raises(DuplicateKeyError), stores.transaction() as tx:  # noqa: PT012
        db.things.insert_one({"code": "a"}, session=tx.session)
        tx.record(envelope)
        db.things.insert_one({"code": "a"}, session=tx.session)  # violates the unique index
    assert db.things.count_documents({}) == 0
    assert db.outbox.count_documents({}) == 0


def test_relay_publishes_with_confirms_and_marks_sent(settings, stores, db, broker, event_type):
    queue = bound_queue(broker, event_type)
    envelope = new_event(event_type, source="probe", subject="thing/1", data={"n": 1})
    with stores.transaction() as tx:
        tx.record(envelope)

    publisher = BusPublisher(settings.amqp_url)
    relay = OutboxRelay(db, publisher)
    assert relay.relay_once() == 1
    publisher.close()

    properties, body = wait_for_message(broker[0], queue)
    assert body == envelope
    assert properties.message_id == envelope["id"]
    assert properties.delivery_mode == 2
    assert db.outbox.find_one({"_id": envelope["id"]})["sentAt"] is not None
    assert relay.relay_once() == 0


def test_relay_keeps_events_while_the_broker_is_down(settings, stores, db, broker, event_type):
    queue = bound_queue(broker, event_type)
    envelope = new_event(event_type, source="probe", subject="thing/2", data={})
    with stores.transaction() as tx:
        tx.record(envelope)

    dead_broker = BusPublisher("amqp://guest:guest@127.0.0.1:9/%2F")
    with pytest.raises(BrokerUnavailable):
        OutboxRelay(db, dead_broker, holder="worker-1").relay_once()
    assert db.outbox.find_one({"_id": envelope["id"]})["sentAt"] is None

    # The same worker once the broker is back (it still holds the lease).
    OutboxRelay(db, BusPublisher(settings.amqp_url), holder="worker-1").relay_once()
    assert wait_for_message(broker[0], queue)[1]["id"] == envelope["id"]


def test_unrouted_events_are_kept(amqp_url):
    # Needs a broker where no queue binds '#' (auth's audit queue does): the tests' own node.
    envelope = new_event("probe.thing.orphaned.v1", source="probe", subject="x/1", data={})
    BusPublisher(amqp_url).publish(envelope)
    connection = connect(amqp_url)
    try:
        method, _, body = connection.channel().basic_get(UNROUTED_QUEUE, auto_ack=True)
    finally:
        connection.close()
    assert method is not None
    assert json.loads(body)["id"] == envelope["id"]


def run_consumer(consumer, until, timeout=10.0):
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,), daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not until():
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=5)


def consumer_for(settings, broker, event_type, handle):
    queue = f"probe.{random_word()}.events"
    consumer = EventConsumer(
        settings.amqp_url, queue, [event_type], handle, retry_delays_ms=(50, 50, 50, 50)
    )
    _, created = broker
    created += [queue, consumer.dead_queue, consumer.retry_queue(50)]
    return consumer


def test_consumer_retries_then_succeeds(settings, broker, event_type):
    calls = []

    def flaky(envelope):
        calls.append(envelope["id"])
        if len(calls) < 3:
            raise RuntimeError("transient")

    consumer = consumer_for(settings, broker, event_type, flaky)
    envelope = new_event(event_type, source="probe", subject="x/1", data={})
    run_consumer(consumer, until=lambda: False, timeout=1.0)  # declare queues first
    BusPublisher(settings.amqp_url).publish(envelope)
    run_consumer(consumer, until=lambda: len(calls) >= 3)
    assert calls == [envelope["id"]] * 3


def test_an_event_without_a_field_its_handler_needs_is_parked_at_once(settings, broker, event_type):
    calls = []

    def needs_a_room(envelope):
        calls.append(envelope["id"])
        InboundEvent.from_envelope(envelope).data["roomNumber"]

    consumer = consumer_for(settings, broker, event_type, needs_a_room)
    run_consumer(consumer, until=lambda: False, timeout=1.0)
    channel, _ = broker
    BusPublisher(settings.amqp_url).publish(
        new_event(event_type, source="probe", subject="x/1", data={"floor": 2})
    )

    def dead_count():
        return channel.queue_declare(consumer.dead_queue, passive=True).method.message_count

    run_consumer(consumer, until=lambda: dead_count() >= 1)
    assert len(calls) == 1  # no retry: a missing contract field does not appear by waiting
    _, properties, _ = channel.basic_get(consumer.dead_queue, auto_ack=True)
    assert "roomNumber" in properties.headers["x-last-error"]


def test_write_contention_spends_no_attempt_however_long_it_lasts(settings, broker, event_type):
    calls = []

    def held_for_a_while(envelope):
        calls.append(envelope["id"])
        if len(calls) <= 8:  # longer than the whole retry ladder (4 retries, then parked)
            raise WriteContention("too many concurrent changes to the same data; try again")

    consumer = consumer_for(settings, broker, event_type, held_for_a_while)
    run_consumer(consumer, until=lambda: False, timeout=1.0)
    channel, _ = broker
    envelope = new_event(event_type, source="probe", subject="x/1", data={})
    BusPublisher(settings.amqp_url).publish(envelope)
    run_consumer(consumer, until=lambda: len(calls) >= 9)
    assert calls == [envelope["id"]] * 9  # applied on the ninth try, never parked
    assert channel.queue_declare(consumer.dead_queue, passive=True).method.message_count == 0


def test_consumer_parks_after_five_attempts_and_parks_malformed_at_once(
    settings, broker, event_type
):
    calls = []

    def always_fails(envelope):
        calls.append(1)
        raise RuntimeError("poison")

    consumer = consumer_for(settings, broker, event_type, always_fails)
    run_consumer(consumer, until=lambda: False, timeout=1.0)
    channel, _ = broker
    BusPublisher(settings.amqp_url).publish(
        new_event(event_type, source="probe", subject="x/1", data={})
    )
    channel.basic_publish(
        EXCHANGE,
        event_type,
        b"{broken",
        pika.BasicProperties(delivery_mode=2),
    )

    def dead_count():
        return channel.queue_declare(consumer.dead_queue, passive=True).method.message_count

    run_consumer(consumer, until=lambda: dead_count() >= 2)
    assert len(calls) == 5
    assert dead_count() == 2
    _, properties, _ = channel.basic_get(consumer.dead_queue, auto_ack=True)
    assert properties.headers["x-last-error"]


def test_encoded_envelope_round_trips_through_the_broker(settings, broker, event_type):
    received = []
    consumer = consumer_for(settings, broker, event_type, received.append)
    run_consumer(consumer, until=lambda: False, timeout=1.0)
    envelope = new_event(event_type, source="probe", subject="x/9", data={"roomNumber": "204"})
    broker[0].basic_publish(EXCHANGE, event_type, encode_event(envelope))
    run_consumer(consumer, until=lambda: received)
    assert received == [envelope]


def test_find_page_reports_the_total_with_or_without_a_count(db):
    db.items.insert_many([{"n": n} for n in range(7)])
    order = [("n", 1)]
    items, total = find_page(db.items, {}, order, 5, 0)
    assert ([item["n"] for item in items], total) == ([0, 1, 2, 3, 4], 7)
    items, total = find_page(db.items, {}, order, 5, 5)
    assert ([item["n"] for item in items], total) == ([5, 6], 7)
    assert find_page(db.items, {}, order, 5, 20) == ([], 7)
    assert find_page(db.items, {"n": {"$gt": 4}}, order, 50, 0)[1] == 2


# --- quorum queues ---------------------------------------------------------------------------


def queue_type_is_quorum(amqp_url: str, name: str, arguments: dict | None = None) -> bool:
    """The queue, declared again with its other arguments but as a classic queue, is refused
    (406) for its x-queue-type."""
    connection = connect(amqp_url)
    try:
        classic = {**(arguments or {}), "x-queue-type": "classic"}
        connection.channel().queue_declare(name, durable=True, arguments=classic)
    except pika.exceptions.ChannelClosedByBroker as refused:
        return refused.reply_code == 406 and "x-queue-type" in refused.reply_text
    finally:
        if connection.is_open:
            connection.close()
    return False


def publish_many(channel, event_type: str, count: int) -> list[str]:
    ids = []
    for number in range(count):
        event = new_event(event_type, source="probe", subject=f"probe/{number}", data={"n": number})
        channel.basic_publish(
            EXCHANGE,
            event_type,
            encode_event(event),
            pika.BasicProperties(delivery_mode=2, message_id=event["id"]),
        )
        ids.append(event["id"])
    return ids


def drain(channel, queue: str) -> list[str]:
    ids = []
    while True:
        method, properties, _body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            return ids
        ids.append(properties.message_id)


def idle_consumer(amqp_url, queue, event_type):
    return EventConsumer(amqp_url, queue, [event_type], lambda envelope: None)


def queue_exists(amqp_url: str, name: str) -> bool:
    connection = connect(amqp_url)
    try:
        connection.channel().queue_declare(name, passive=True)
        return True
    except pika.exceptions.ChannelClosedByBroker:
        return False
    finally:
        if connection.is_open:
            connection.close()


def delete_queues(amqp_url: str, consumer: EventConsumer) -> None:
    connection = connect(amqp_url)
    channel = connection.channel()
    names = [consumer.queue, consumer.dead_queue, f"{consumer.queue}.migrating"]
    names += [consumer.retry_queue(delay) for delay in consumer.retry_delays_ms]
    for name in names:
        channel.queue_delete(name)
    connection.close()


def test_a_consumer_declares_quorum_queues_for_its_queue_retries_and_parking(amqp_url, event_type):
    consumer = idle_consumer(amqp_url, f"probe.{random_word()}", event_type)
    connection = connect(amqp_url)
    try:
        consumer.declare(connection.channel())
        assert queue_type_is_quorum(amqp_url, consumer.queue)
        assert queue_type_is_quorum(amqp_url, consumer.dead_queue)
        for delay in consumer.retry_delays_ms:
            retry = {
                "x-message-ttl": delay,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": consumer.queue,
                "x-overflow": "reject-publish",
                "x-dead-letter-strategy": "at-least-once",
            }
            assert queue_type_is_quorum(amqp_url, consumer.retry_queue(delay), retry)
    finally:
        connection.close()
        delete_queues(amqp_url, consumer)


def test_a_classic_queue_becomes_quorum_with_its_messages_and_bindings(amqp_url, event_type):
    consumer = idle_consumer(amqp_url, f"probe.{random_word()}", event_type)
    connection = connect(amqp_url)
    channel = declare_topology(connection.channel())
    try:
        # What an older version left: a classic queue, bound, holding 50 undelivered events.
        channel.queue_declare(consumer.queue, durable=True)
        channel.queue_bind(consumer.queue, EXCHANGE, routing_key=event_type)
        channel.confirm_delivery()
        sent = publish_many(channel, event_type, 50)

        channel = consumer.declare(channel)

        assert queue_type_is_quorum(amqp_url, consumer.queue)
        assert not queue_exists(amqp_url, f"{consumer.queue}.migrating")
        later = publish_many(channel, event_type, 1)  # still bound: new events arrive
        time.sleep(0.2)
        assert drain(channel, consumer.queue) == sent + later  # nothing lost, order kept
    finally:
        if connection.is_open:
            connection.close()
        delete_queues(amqp_url, consumer)


def test_a_migration_cut_short_is_finished_at_the_next_declaration(amqp_url, event_type):
    consumer = idle_consumer(amqp_url, f"probe.{random_word()}", event_type)
    side = f"{consumer.queue}.migrating"
    connection = connect(amqp_url)
    channel = declare_topology(connection.channel())
    try:
        # A crash after the queue was re-made but before the messages came back from the side.
        channel.queue_declare(side, durable=True, arguments={"x-queue-type": "quorum"})
        channel.queue_bind(side, EXCHANGE, routing_key=event_type)
        channel.confirm_delivery()
        aside = publish_many(channel, event_type, 5)
        channel.queue_unbind(side, EXCHANGE, routing_key=event_type)

        channel = consumer.declare(channel)

        assert not queue_exists(amqp_url, side)
        assert drain(channel, consumer.queue) == aside
    finally:
        if connection.is_open:
            connection.close()
        delete_queues(amqp_url, consumer)

"""RabbitMQ event bus, the only module that imports pika: topology, confirmed publish, consume.

Consumption is at-least-once: ack after the handler commits; a failing handler is retried through
per-delay retry queues and, after the last attempt, parked in `<queue>.dead` for ops.

Every queue is a quorum queue: durable and replicated on a cluster (on one node it is simply
durable). A queue an older version declared classic is migrated when first declared: its
messages move to `<queue>.migrating`, the queue is re-made as a quorum queue with its bindings,
and the messages move back (see `ensure_queue`). A migration cut short is finished at the next
start. Stop a service's old workers before its new one starts: the classic queue is deleted.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError, ChannelClosedByBroker

from hotel_shared.errors import BrokerUnavailable, DatabaseUnavailable
from hotel_shared.events import MalformedEvent, encode_event, parse_event
from hotel_shared.logs import event_id_var

log = logging.getLogger(__name__)

EXCHANGE = "hotel.events"
UNROUTED_EXCHANGE = "hotel.events.unrouted"
UNROUTED_QUEUE = "hotel.events.unrouted"

Handler = Callable[[dict[str, Any]], None]
Binding = tuple[str, str]  # (exchange, routing key)

QUORUM = {"x-queue-type": "quorum"}
# A retry queue hands each message back to the service's queue when its TTL expires. Quorum
# queues dead-letter at-most-once by default; at-least-once (which needs reject-publish overflow)
# keeps a message through a node failure during that hand-back.
RETRY_QUEUE_ARGUMENTS = {
    **QUORUM,
    "x-overflow": "reject-publish",
    "x-dead-letter-strategy": "at-least-once",
}
PRECONDITION_FAILED = 406
NOT_FOUND = 404
MIGRATING_SUFFIX = ".migrating"


class _ExpectedSideQueueCheck(logging.Filter):
    """Every declaration looks for a side queue left by a cut-short migration; the broker's
    "no queue '<name>.migrating'" answer is the normal case, not a warning for ops."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("NOT_FOUND" in message and f"{MIGRATING_SUFFIX}'" in message)


logging.getLogger("pika.channel").addFilter(_ExpectedSideQueueCheck())


def _parameters(url: str) -> pika.URLParameters:
    params = pika.URLParameters(url)
    params.connection_attempts = 1
    params.socket_timeout = 3
    params.blocked_connection_timeout = 30
    params.heartbeat = 30
    return params


def connect(url: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(_parameters(url))


def is_broker_reachable(url: str) -> bool:
    try:
        connect(url).close()
    except AMQPError:
        return False
    return True


def declare_topology(channel: BlockingChannel) -> BlockingChannel:
    """The shared exchange; anything no queue is bound to yet lands in the unrouted queue.
    Returns the channel to go on with (a migration may have had to replace it)."""
    channel.exchange_declare(UNROUTED_EXCHANGE, "fanout", durable=True)
    channel = ensure_queue(channel, UNROUTED_QUEUE, QUORUM, [(UNROUTED_EXCHANGE, "")])
    channel.exchange_declare(
        EXCHANGE, "topic", durable=True, arguments={"alternate-exchange": UNROUTED_EXCHANGE}
    )
    return channel


def ensure_queue(
    channel: BlockingChannel,
    name: str,
    arguments: Mapping[str, Any],
    bindings: Iterable[Binding] = (),
) -> BlockingChannel:
    """Declare `name` as a quorum queue with `arguments` and `bindings`; a queue declared otherwise
    before is migrated without losing a message. Returns a usable channel: the broker closes a
    channel whose declaration it refused, so a fresh one replaces it."""
    bindings = list(bindings)
    try:
        channel.queue_declare(name, durable=True, arguments=dict(arguments))
    except ChannelClosedByBroker as refused:
        if refused.reply_code != PRECONDITION_FAILED:
            raise
        channel = _fresh_channel(channel)
        log.warning("queue %s exists with other arguments: migrating it to a quorum queue", name)
        channel, moved = _migrate(channel, name, arguments, bindings)
        log.warning("queue %s is a quorum queue now; moving its %d messages back", name, moved)
    for exchange, key in bindings:
        channel.queue_bind(name, exchange, routing_key=key)
    return _finish_cut_short_migration(channel, name, bindings)


def _fresh_channel(channel: BlockingChannel) -> BlockingChannel:
    fresh = channel.connection.channel()
    fresh.confirm_delivery()
    return fresh


def _migrating(name: str) -> str:
    return f"{name}{MIGRATING_SUFFIX}"


def _migrate(
    channel: BlockingChannel, name: str, arguments: Mapping[str, Any], bindings: list[Binding]
) -> tuple[BlockingChannel, int]:
    """Move `name`'s messages aside, re-make it as a quorum queue, move them back (the caller's
    last step). New events are routed to the side queue meanwhile, so they follow the same way.
    Returns the channel to go on with and how many messages were moved aside."""
    side = _migrating(name)
    channel.queue_declare(side, durable=True, arguments=dict(arguments))
    for exchange, key in bindings:
        channel.queue_bind(side, exchange, routing_key=key)
        channel.queue_unbind(name, exchange, routing_key=key)
    aside = _move(channel, name, side)
    channel.queue_delete(name)
    # A channel remembers the type of the queues it used: the new queue of the same name is
    # declared and used on a fresh one (the broker fails the old channel otherwise).
    channel.close()
    channel = _fresh_channel(channel)
    channel.queue_declare(name, durable=True, arguments=dict(arguments))
    return channel, aside


def _finish_cut_short_migration(
    channel: BlockingChannel, name: str, bindings: list[Binding]
) -> BlockingChannel:
    """A side queue left by a migration (this one or one cut short): its messages go home."""
    side = _migrating(name)
    try:
        channel.queue_declare(side, passive=True)
    except ChannelClosedByBroker as missing:
        if missing.reply_code != NOT_FOUND:
            raise
        return _fresh_channel(channel)
    for exchange, key in bindings:
        channel.queue_unbind(side, exchange, routing_key=key)
    _move(channel, side, name)
    channel.queue_delete(side)
    return channel


def _move(channel: BlockingChannel, source: str, target: str) -> int:
    """Every message of `source` into `target`, each acked only once the broker confirmed its copy
    (a crash in between leaves a duplicate, which consumers drop by event id, never a loss)."""
    moved = 0
    while True:
        method, properties, body = channel.basic_get(source, auto_ack=False)
        if method is None:
            return moved
        channel.basic_publish("", target, body, properties, mandatory=True)
        channel.basic_ack(method.delivery_tag)
        moved += 1


def _properties(envelope: Mapping[str, Any], headers: dict[str, Any] | None = None):
    return pika.BasicProperties(
        content_type="application/json",
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=str(envelope.get("id", "")),
        type=str(envelope.get("type", "")),
        correlation_id=envelope.get("correlationId") or None,
        headers=headers or {},
    )


class BusPublisher:
    """Publishes with publisher confirms on a lazily opened connection (one per thread)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _open_channel(self) -> BlockingChannel:
        if self._channel is None or self._channel.is_closed:
            self.close()
            self._connection = connect(self.url)
            channel = self._connection.channel()
            channel.confirm_delivery()
            self._channel = declare_topology(channel)
        return self._channel

    def publish(self, envelope: dict[str, Any]) -> None:
        """Return only once the broker has the message; raise BrokerUnavailable otherwise."""
        try:
            self._open_channel().basic_publish(
                EXCHANGE,
                routing_key=envelope["type"],
                body=encode_event(envelope),
                properties=_properties(envelope),
                mandatory=True,
            )
        except AMQPError as error:
            self.close()
            raise BrokerUnavailable(f"could not publish {envelope['type']}: {error!r}") from error

    def idle(self, seconds: float) -> None:
        """Wait while keeping the connection's heartbeats answered."""
        if self._connection is not None and self._connection.is_open:
            try:
                self._connection.process_data_events(time_limit=seconds)
                return
            except AMQPError:
                self.close()
        time.sleep(seconds)

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except AMQPError:
                pass


class EventConsumer:
    """Consumes `<queue>` bound to `bindings`, with retries and parking as described above."""

    def __init__(
        self,
        url: str,
        queue: str,
        bindings: Iterable[str],
        handle: Handler,
        *,
        retry_delays_ms: tuple[int, ...] = (1000, 5000, 30000, 120000),
        prefetch: int = 50,
    ) -> None:
        self.url = url
        self.queue = queue
        self.bindings = tuple(bindings)
        self.handle = handle
        self.retry_delays_ms = retry_delays_ms
        self.prefetch = prefetch

    @property
    def dead_queue(self) -> str:
        return f"{self.queue}.dead"

    def retry_queue(self, delay_ms: int) -> str:
        return f"{self.queue}.retry.{delay_ms}ms"

    def declare(self, channel: BlockingChannel) -> BlockingChannel:
        """The service's queue, its retry queues and its parking queue, all quorum queues (older
        classic ones migrated); returns the channel to consume on."""
        channel = declare_topology(channel)
        bindings = [(EXCHANGE, pattern) for pattern in self.bindings]
        channel = ensure_queue(channel, self.queue, QUORUM, bindings)
        for delay in self.retry_delays_ms:
            retry = {
                **RETRY_QUEUE_ARGUMENTS,
                "x-message-ttl": delay,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.queue,
            }
            channel = ensure_queue(channel, self.retry_queue(delay), retry)
        return ensure_queue(channel, self.dead_queue, QUORUM)

    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            connection = None
            try:
                connection = connect(self.url)
                channel = connection.channel()
                channel.confirm_delivery()
                channel = self.declare(channel)
                channel.basic_qos(prefetch_count=self.prefetch)
                log.info("consuming %s bound to %s", self.queue, ", ".join(self.bindings))
                backoff = 0.5
                for method, properties, body in channel.consume(self.queue, inactivity_timeout=0.5):
                    if stop.is_set():
                        break
                    if method is not None:
                        self._on_message(channel, method, properties, body)
                channel.cancel()
            except AMQPError as error:
                log.warning("consumer %s lost the broker: %r; reconnecting", self.queue, error)
                stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                if connection is not None and connection.is_open:
                    try:
                        connection.close()
                    except AMQPError:
                        pass

    def _on_message(self, channel: BlockingChannel, method, properties, body: bytes) -> None:
        headers = dict(properties.headers or {})
        attempts = int(headers.get("x-attempts", 0))
        try:
            envelope = parse_event(body)
        except MalformedEvent as error:
            log.error("parking malformed message on %s: %s", self.queue, error)
            self._republish(channel, self.dead_queue, body, properties, attempts, str(error))
            channel.basic_ack(method.delivery_tag)
            return
        token = event_id_var.set(envelope["id"])
        try:
            self.handle(envelope)
        except DatabaseUnavailable:
            # Our own database is down: not the event's fault, so no attempt is spent on it.
            log.warning("database unavailable; requeueing %s", envelope["type"])
            time.sleep(1.0)
            channel.basic_nack(method.delivery_tag, requeue=True)
            return
        except Exception as error:
            attempts += 1
            if attempts > len(self.retry_delays_ms):
                log.exception("parking %s after %d attempts", envelope["type"], attempts)
                target = self.dead_queue
            else:
                log.warning(
                    "handler failed for %s (attempt %d): %r", envelope["type"], attempts, error
                )
                target = self.retry_queue(self.retry_delays_ms[attempts - 1])
            self._republish(channel, target, body, properties, attempts, repr(error))
        finally:
            event_id_var.reset(token)
        channel.basic_ack(method.delivery_tag)

    def _republish(self, channel, queue, body, properties, attempts: int, reason: str) -> None:
        headers = dict(properties.headers or {})
        headers.update({"x-attempts": attempts, "x-last-error": reason[:500]})
        channel.basic_publish(
            "",
            routing_key=queue,
            body=body,
            properties=pika.BasicProperties(
                content_type=properties.content_type,
                delivery_mode=pika.DeliveryMode.Persistent,
                message_id=properties.message_id,
                type=properties.type,
                correlation_id=properties.correlation_id,
                headers=headers,
            ),
            mandatory=True,
        )


def queue_depths(url: str, queues: Iterable[str]) -> dict[str, int]:
    """Messages ready in each named queue (0 for one not declared yet), read with passive
    declarations on one short-lived connection. Raises AMQPError when the broker is down."""
    depths: dict[str, int] = {}
    connection = connect(url)
    try:
        channel = connection.channel()
        for name in queues:
            try:
                depths[name] = channel.queue_declare(name, passive=True).method.message_count
            except ChannelClosedByBroker as missing:
                if missing.reply_code != NOT_FOUND:
                    raise
                depths[name] = 0
                channel = connection.channel()
    finally:
        if connection.is_open:
            connection.close()
    return depths

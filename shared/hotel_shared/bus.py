"""RabbitMQ event bus, the only module that imports pika: topology, confirmed publish, consume.

Publishing (BusPublisher) uses asynchronous publisher confirms with a window of unconfirmed
messages. Consumption is at-least-once: ack after the handler commits (a batch of deliveries in
one commit, one multiple ack); a failing handler is retried through per-delay retry queues and,
after the last attempt, parked in `<queue>.dead` for ops.

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pika
from pika import spec
from pika.adapters.blocking_connection import BlockingChannel
from pika.adapters.select_connection import IOLoop, SelectConnection
from pika.channel import Channel
from pika.exceptions import AMQPError, ChannelClosedByBroker

from hotel_shared.errors import BrokerUnavailable, DatabaseUnavailable
from hotel_shared.events import MalformedEvent, encode_event, parse_event
from hotel_shared.logs import event_id_var

log = logging.getLogger(__name__)

EXCHANGE = "hotel.events"
UNROUTED_EXCHANGE = "hotel.events.unrouted"
UNROUTED_QUEUE = "hotel.events.unrouted"

Handler = Callable[[dict[str, Any]], None]
BatchHandler = Callable[[Sequence[dict[str, Any]]], None]
Delivery = tuple[Any, Any, bytes]  # (method, properties, body) as pika delivers them
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


@dataclass(frozen=True)
class PublishOutcome:
    """What became of a batch: the ids the broker confirmed (in publish order), and why the rest
    were not (a nack, an unroutable return, a lost connection, no confirm in time)."""

    confirmed: list[str]
    failure: str | None = None


class BusPublisher:
    """Publishes with asynchronous publisher confirms, up to `window` messages unconfirmed at once.

    A BlockingChannel in confirm mode waits for each message's confirm (for a quorum queue, a
    consensus write) before the next publish. Here a SelectConnection runs on an IOLoop that the
    caller's thread drives whenever it waits (for confirms in `publish_batch`, or in `idle`), so
    the broker's Basic.Ack/Nack (often `multiple`) settle many messages per round trip, the
    connection's heartbeats are answered while the caller waits, and pika stays single-threaded:
    `wake` is the only method another thread may call (it uses the IOLoop's one thread-safe entry).
    Messages leave in the order given. The topology is declared on a short blocking connection
    first, with the same migration rules as the consumers'.
    """

    def __init__(self, url: str, *, window: int = 256, confirm_timeout_s: float = 30.0) -> None:
        self.url = url
        self.window = window
        self.confirm_timeout_s = confirm_timeout_s
        self._ioloop = IOLoop()
        self._closed = False
        self._connection: SelectConnection | None = None
        self._channel: Channel | None = None
        self._ready = False
        self._broken: str | None = None  # why the current connection stopped being usable
        self._next_tag = 1
        self._unsettled: dict[int, int] = {}  # delivery tag -> index in the batch being published
        self._settled: list[bool | None] = []
        self._returned: set[str] = set()
        self._woken = False

    # --- the caller's thread ---------------------------------------------------------------------

    def publish_batch(self, envelopes: Sequence[Mapping[str, Any]]) -> PublishOutcome:
        """Publish every envelope in order, return once each is confirmed, refused or given up."""
        if not envelopes:
            return PublishOutcome([])
        try:
            self._open()
        except BrokerUnavailable as error:
            return PublishOutcome([], str(error))
        self._settled = [None] * len(envelopes)
        self._returned = set()
        published = 0
        progress_deadline = time.monotonic() + self.confirm_timeout_s
        while self._broken is None and (published < len(envelopes) or self._unsettled):
            while published < len(envelopes) and len(self._unsettled) < self.window:
                self._publish(envelopes[published], published)
                published += 1
                if self._broken is not None:
                    break
            if not self._unsettled or self._broken is not None:
                continue
            remaining = progress_deadline - time.monotonic()
            if remaining <= 0:
                self._broken = f"no confirm from the broker within {self.confirm_timeout_s} s"
                break
            before = len(self._unsettled)
            self._run_once(remaining)
            if len(self._unsettled) < before:
                progress_deadline = time.monotonic() + self.confirm_timeout_s
        return self._outcome(envelopes)

    def publish(self, envelope: Mapping[str, Any]) -> None:
        """Return only once the broker has the message; raise BrokerUnavailable otherwise."""
        outcome = self.publish_batch([envelope])
        if outcome.failure is not None:
            raise BrokerUnavailable(f"could not publish {envelope['type']}: {outcome.failure}")

    def idle(self, seconds: float) -> bool:
        """Wait up to `seconds`, servicing the connection, or less when `wake` is called; returns
        whether it was woken (a wake that came while not idle ends the next idle at once)."""
        if not self._woken:
            self._run_until(lambda: self._woken, seconds)
        woken, self._woken = self._woken, False
        return woken

    def close(self) -> None:
        self._discard()
        self._closed = True
        self._ioloop.close()

    # --- any thread ------------------------------------------------------------------------------

    def wake(self) -> None:
        """End the current (or the next) `idle` early; safe from any thread."""
        if not self._closed:
            self._ioloop.add_callback_threadsafe(self._on_wake)

    # --- connection ------------------------------------------------------------------------------

    def _open(self) -> None:
        if self._ready and self._broken is None:
            return
        self._discard()
        try:
            setup = connect(self.url)
            try:
                declare_topology(setup.channel())
            finally:
                if setup.is_open:
                    setup.close()
        except AMQPError as error:
            raise BrokerUnavailable(f"cannot declare the topology: {error!r}") from error
        self._broken = None
        self._connection = SelectConnection(
            _parameters(self.url),
            on_open_callback=self._on_connection_open,
            on_open_error_callback=self._on_connection_failed,
            on_close_callback=self._on_connection_closed,
            custom_ioloop=self._ioloop,
        )
        self._run_until(lambda: self._ready or self._broken is not None, 10.0)
        if not self._ready:
            reason = self._broken or "the broker did not open a confirming channel in 10 s"
            self._discard()
            raise BrokerUnavailable(reason)

    def _discard(self) -> None:
        """Forget the connection (closed if still up): its unconfirmed messages count as unsent."""
        connection, self._connection, self._channel = self._connection, None, None
        self._ready = False
        self._unsettled.clear()
        if connection is not None and not (connection.is_closed or connection.is_closing):
            try:
                connection.close()
            except AMQPError:
                return
            self._run_until(lambda: connection.is_closed, 2.0)

    def _publish(self, envelope: Mapping[str, Any], index: int) -> None:
        assert self._channel is not None
        try:
            self._channel.basic_publish(
                EXCHANGE,
                routing_key=envelope["type"],
                body=encode_event(envelope),
                properties=_properties(envelope),
                mandatory=True,
            )
        except AMQPError as error:
            self._broken = f"publish failed: {error!r}"
            return
        self._unsettled[self._next_tag] = index
        self._next_tag += 1

    def _outcome(self, envelopes: Sequence[Mapping[str, Any]]) -> PublishOutcome:
        confirmed = [
            str(envelope["id"])
            for envelope, settled in zip(envelopes, self._settled, strict=True)
            if settled and str(envelope["id"]) not in self._returned
        ]
        failure = None
        if len(confirmed) < len(envelopes):
            if self._broken is not None:
                failure = self._broken
            elif self._returned:
                failure = f"{len(self._returned)} returned by the broker as unroutable"
            else:
                failure = "nacked by the broker"
        if self._broken is not None:
            self._discard()
        return PublishOutcome(confirmed, failure)

    # --- the IOLoop, run by the caller's thread --------------------------------------------------

    def _run_once(self, timeout: float) -> None:
        """Run the IOLoop until one of our callbacks stops it, or `timeout` passes."""
        timer = self._ioloop.call_later(max(timeout, 0.0), self._ioloop.stop)
        try:
            self._ioloop.start()
        finally:
            self._ioloop.remove_timeout(timer)

    def _run_until(self, done: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._run_once(remaining)
        return True

    def _on_connection_open(self, connection: SelectConnection) -> None:
        if connection is self._connection:
            connection.channel(on_open_callback=self._on_channel_open)

    def _on_channel_open(self, channel: Channel) -> None:
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(
            self._on_confirm, callback=lambda _frame: self._on_confirming(channel)
        )

    def _on_confirming(self, channel: Channel) -> None:
        if channel.connection is self._connection:
            self._channel, self._next_tag, self._ready = channel, 1, True
        self._ioloop.stop()

    def _on_connection_failed(self, connection: SelectConnection, error: BaseException) -> None:
        if connection is self._connection:
            self._broken = f"cannot connect: {error!r}"
        self._ioloop.stop()

    def _on_connection_closed(self, connection: SelectConnection, error: BaseException) -> None:
        if connection is self._connection:
            self._broken = f"connection closed: {error!r}"
        self._ioloop.stop()

    def _on_channel_closed(self, channel: Channel, error: BaseException) -> None:
        if channel is self._channel:
            self._broken = f"channel closed: {error!r}"
            if self._connection is not None and self._connection.is_open:
                self._connection.close()
        self._ioloop.stop()

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        acked = isinstance(method, spec.Basic.Ack)
        if method.multiple:
            tags = [tag for tag in self._unsettled if tag <= method.delivery_tag]
        else:
            tags = [method.delivery_tag]
        for tag in tags:
            index = self._unsettled.pop(tag, None)
            if index is not None:
                self._settled[index] = acked
        self._ioloop.stop()

    def _on_return(self, _channel: Channel, _method: Any, properties: Any, _body: bytes) -> None:
        # An unroutable mandatory message is returned before its ack: it does not count as sent.
        log.warning("broker returned %s %s as unroutable", properties.type, properties.message_id)
        self._returned.add(str(properties.message_id))

    def _on_wake(self) -> None:
        self._woken = True
        self._ioloop.stop()


class EventConsumer:
    """Consumes `<queue>` bound to `bindings`, with retries and parking as described above.

    Given `handle_batch`, it applies what the prefetch window already holds (up to `batch_size`
    deliveries, without waiting for more) in one call and acks them with one multiple ack; when
    that call fails, the batch is applied again one delivery at a time with `handle`, so only the
    failing event goes the retry way. Without it, each delivery is handled and acked alone.
    """

    def __init__(
        self,
        url: str,
        queue: str,
        bindings: Iterable[str],
        handle: Handler,
        *,
        handle_batch: BatchHandler | None = None,
        batch_size: int = 50,
        retry_delays_ms: tuple[int, ...] = (1000, 5000, 30000, 120000),
        prefetch: int = 100,
    ) -> None:
        self.url = url
        self.queue = queue
        self.bindings = tuple(bindings)
        self.handle = handle
        self.handle_batch = handle_batch
        self.batch_size = batch_size
        self.retry_delays_ms = retry_delays_ms
        # Above the batch size, so the next batch streams in while one commits.
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
                deliveries = channel.consume(self.queue, inactivity_timeout=0.5)
                for delivery in deliveries:
                    if stop.is_set():
                        break
                    if delivery[0] is None:
                        continue
                    if self.handle_batch is None:
                        self._on_message(channel, *delivery)
                        continue
                    batch = [delivery]
                    connection.process_data_events(time_limit=0)
                    while len(batch) < self.batch_size and channel.get_waiting_message_count():
                        batch.append(next(deliveries))
                    self._on_batch(channel, batch)
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

    def _on_batch(self, channel: BlockingChannel, batch: list[Delivery]) -> None:
        valid: list[Delivery] = []
        envelopes: list[dict[str, Any]] = []
        for method, properties, body in batch:
            envelope = self._parse_or_park(channel, method, properties, body)
            if envelope is not None:
                valid.append((method, properties, body))
                envelopes.append(envelope)
        if not valid:
            return
        assert self.handle_batch is not None
        last_tag = valid[-1][0].delivery_tag
        try:
            self.handle_batch(envelopes)
        except DatabaseUnavailable:
            log.warning("database unavailable; requeueing %d events", len(valid))
            time.sleep(1.0)
            channel.basic_nack(last_tag, multiple=True, requeue=True)
            return
        except Exception as error:
            log.info("a batch of %d failed (%r); applying it one by one", len(valid), error)
            for delivery in valid:
                self._on_message(channel, *delivery)
            return
        channel.basic_ack(last_tag, multiple=True)

    def _parse_or_park(
        self, channel: BlockingChannel, method, properties, body: bytes
    ) -> dict[str, Any] | None:
        """The envelope; or None when it is malformed, parked at once and acked."""
        try:
            return parse_event(body)
        except MalformedEvent as error:
            log.error("parking malformed message on %s: %s", self.queue, error)
            attempts = int(dict(properties.headers or {}).get("x-attempts", 0))
            self._republish(channel, self.dead_queue, body, properties, attempts, str(error))
            channel.basic_ack(method.delivery_tag)
            return None

    def _on_message(self, channel: BlockingChannel, method, properties, body: bytes) -> None:
        headers = dict(properties.headers or {})
        attempts = int(headers.get("x-attempts", 0))
        envelope = self._parse_or_park(channel, method, properties, body)
        if envelope is None:
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

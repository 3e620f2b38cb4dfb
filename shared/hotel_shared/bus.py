"""RabbitMQ event bus, the only module that imports pika: topology, confirmed publish, consume.

Consumption is at-least-once: ack after the handler commits; a failing handler is retried through
per-delay retry queues and, after the last attempt, parked in `<queue>.dead` for ops.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError

from hotel_shared.errors import BrokerUnavailable, DatabaseUnavailable
from hotel_shared.events import MalformedEvent, encode_event, parse_event
from hotel_shared.logs import event_id_var

log = logging.getLogger(__name__)

EXCHANGE = "hotel.events"
UNROUTED_EXCHANGE = "hotel.events.unrouted"
UNROUTED_QUEUE = "hotel.events.unrouted"

Handler = Callable[[dict[str, Any]], None]


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


def declare_topology(channel: BlockingChannel) -> None:
    """The shared exchange; anything no queue is bound to yet lands in the unrouted queue."""
    channel.exchange_declare(UNROUTED_EXCHANGE, "fanout", durable=True)
    channel.queue_declare(UNROUTED_QUEUE, durable=True)
    channel.queue_bind(UNROUTED_QUEUE, UNROUTED_EXCHANGE)
    channel.exchange_declare(
        EXCHANGE, "topic", durable=True, arguments={"alternate-exchange": UNROUTED_EXCHANGE}
    )


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
            declare_topology(channel)
            self._channel = channel
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

    def declare(self, channel: BlockingChannel) -> None:
        declare_topology(channel)
        channel.queue_declare(self.queue, durable=True)
        for pattern in self.bindings:
            channel.queue_bind(self.queue, EXCHANGE, routing_key=pattern)
        for delay in self.retry_delays_ms:
            channel.queue_declare(
                self.retry_queue(delay),
                durable=True,
                arguments={
                    "x-message-ttl": delay,
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": self.queue,
                },
            )
        channel.queue_declare(self.dead_queue, durable=True)

    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        while not stop.is_set():
            connection = None
            try:
                connection = connect(self.url)
                channel = connection.channel()
                channel.confirm_delivery()
                self.declare(channel)
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

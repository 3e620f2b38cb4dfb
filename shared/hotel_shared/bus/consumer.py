"""Consuming a service's queue: batches applied in one commit, retries by delay, parking."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError

from hotel_shared.bus.topology import (
    EXCHANGE,
    QUORUM,
    RETRY_QUEUE_ARGUMENTS,
    BatchHandler,
    Delivery,
    Handler,
    connect,
    declare_topology,
    ensure_queue,
)
from hotel_shared.errors import DatabaseUnavailable
from hotel_shared.events import MalformedEvent, parse_event
from hotel_shared.logs import event_id_var
from hotel_shared.mongo import WriteContention

log = logging.getLogger(__name__)


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
        except MalformedEvent as error:
            # A well-formed envelope its handler finds broken (a required data field missing):
            # no retry mends it, so it is parked at once, as a message that does not parse is.
            log.error("parking %s on %s: %s", envelope["type"], self.queue, error)
            self._republish(channel, self.dead_queue, body, properties, attempts, str(error))
        except WriteContention as error:
            # The data is held by another transaction (after a worker is killed, its open one
            # holds it until the server aborts it): not the event's fault either. It waits in
            # the shortest retry queue and keeps its attempts, so a long hold cannot park it.
            log.warning("write contention on %s; retrying it shortly", envelope["type"])
            delay = self.retry_delays_ms[0] if self.retry_delays_ms else None
            target = self.retry_queue(delay) if delay is not None else self.queue
            self._republish(channel, target, body, properties, attempts, repr(error))
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

"""Publishing with asynchronous publisher confirms, a window of unconfirmed messages at a time."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pika import spec
from pika.adapters.select_connection import IOLoop, SelectConnection
from pika.channel import Channel
from pika.exceptions import AMQPError

from hotel_shared.bus.topology import (
    EXCHANGE,
    connect,
    connection_parameters,
    declare_topology,
    message_properties,
)
from hotel_shared.errors import BrokerUnavailable
from hotel_shared.events import encode_event

log = logging.getLogger(__name__)


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
            connection_parameters(self.url),
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
                properties=message_properties(envelope),
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

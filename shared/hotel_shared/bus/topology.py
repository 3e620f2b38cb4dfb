"""The broker's shape: connections, the exchanges, quorum queues (and moving classic ones to
quorum), message properties, queue depths for the metrics."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPError, ChannelClosedByBroker

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


def connection_parameters(url: str) -> pika.URLParameters:
    params = pika.URLParameters(url)
    params.connection_attempts = 1
    params.socket_timeout = 3
    params.blocked_connection_timeout = 30
    params.heartbeat = 30
    return params


def connect(url: str) -> pika.BlockingConnection:
    return pika.BlockingConnection(connection_parameters(url))


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


def message_properties(envelope: Mapping[str, Any], headers: dict[str, Any] | None = None):
    return pika.BasicProperties(
        content_type="application/json",
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=str(envelope.get("id", "")),
        type=str(envelope.get("type", "")),
        correlation_id=envelope.get("correlationId") or None,
        headers=headers or {},
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

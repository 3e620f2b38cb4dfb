"""RabbitMQ event bus, the only package that imports pika: topology, confirmed publish, consume.

Publishing (BusPublisher) uses asynchronous publisher confirms with a window of unconfirmed
messages. Consumption is at-least-once: ack after the handler commits (a batch of deliveries in
one commit, one multiple ack); a failing handler is retried through per-delay retry queues and,
after the last attempt, parked in `<queue>.dead` for ops. A message that does not parse, or whose
`data` lacks a field its handler asks for (MissingEventField), is parked at once: no retry mends
it. Two failures are not the event's and
spend no attempt: the database down (requeued) and write contention (back through the shortest
retry queue: a killed worker's open transaction holds its data until the server aborts it).

Every queue is a quorum queue: durable and replicated on a cluster (on one node it is simply
durable). A queue an older version declared classic is migrated when first declared: its
messages move to `<queue>.migrating`, the queue is re-made as a quorum queue with its bindings,
and the messages move back (see `ensure_queue`). A migration cut short is finished at the next
start. Stop a service's old workers before its new one starts: the classic queue is deleted.
"""

from hotel_shared.bus.consumer import EventConsumer
from hotel_shared.bus.publisher import BusPublisher, PublishOutcome
from hotel_shared.bus.topology import (
    EXCHANGE,
    QUORUM,
    RETRY_QUEUE_ARGUMENTS,
    UNROUTED_EXCHANGE,
    UNROUTED_QUEUE,
    Binding,
    Handler,
    connect,
    declare_topology,
    ensure_queue,
    is_broker_reachable,
    queue_depths,
)

__all__ = [
    "EXCHANGE",
    "QUORUM",
    "RETRY_QUEUE_ARGUMENTS",
    "UNROUTED_EXCHANGE",
    "UNROUTED_QUEUE",
    "Binding",
    "BusPublisher",
    "EventConsumer",
    "Handler",
    "PublishOutcome",
    "connect",
    "declare_topology",
    "ensure_queue",
    "is_broker_reachable",
    "queue_depths",
]

"""A service's worker process: the outbox relay, plus an event consumer when it has handlers."""

from __future__ import annotations

import logging
import signal
import threading

from hotel_shared.bus import BusPublisher, EventConsumer
from hotel_shared.config import ServiceSettings
from hotel_shared.expiry import run_pruner
from hotel_shared.inbox import BoundHandlers
from hotel_shared.logs import configure_logging
from hotel_shared.mongo import get_database
from hotel_shared.outbox import OutboxRelay

log = logging.getLogger(__name__)


def run_relay(settings: ServiceSettings, stop: threading.Event) -> None:
    publisher = BusPublisher(settings.amqp_url)
    relay = OutboxRelay(
        get_database(settings),
        publisher,
        poll_s=settings.outbox_poll_interval_s,
        safety_poll_s=settings.outbox_safety_poll_s,
        lease_s=settings.outbox_lease_s,
    )
    try:
        relay.run(stop)
    finally:
        publisher.close()


def run_worker(
    settings: ServiceSettings, handlers: BoundHandlers | None = None, *, relay: bool = True
) -> None:
    """Relay the outbox and, given `handlers` (from inbox.bind_handlers), consume the service's
    queue, until SIGTERM/SIGINT; each thread has its own connection (pika is not thread-safe).
    Beside them, expired documents of the service's database are removed (hotel_shared.expiry).
    `relay=False` for a service that records no events: its relay would only hold a lease and
    poll the outbox for nothing."""
    configure_logging(f"{settings.name}-worker", settings.log_level)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    relay_thread = threading.Thread(target=run_relay, args=(settings, stop), name="outbox-relay")
    if relay:
        relay_thread.start()
    pruner = threading.Thread(
        target=run_pruner, args=(get_database(settings), stop), name="expiry", daemon=True
    )
    pruner.start()
    if handlers is not None and handlers.bindings:
        consumer = EventConsumer(
            settings.amqp_url,
            f"{settings.name}.events",
            handlers.bindings,
            handlers.handle,
            handle_batch=handlers.handle_batch,
            retry_delays_ms=settings.retry_delays_ms,
        )
        consumer.run(stop)
    else:
        stop.wait()
    if relay:
        relay_thread.join(timeout=10)
    log.info("worker stopped")

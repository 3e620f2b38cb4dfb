"""A service's worker process: the outbox relay, plus an event consumer when it has handlers."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterable

from hotel_shared.bus import BusPublisher, EventConsumer, Handler
from hotel_shared.config import ServiceSettings
from hotel_shared.logs import configure_logging
from hotel_shared.mongo import get_database
from hotel_shared.outbox import OutboxRelay

log = logging.getLogger(__name__)


def run_relay(settings: ServiceSettings, stop: threading.Event) -> None:
    publisher = BusPublisher(settings.amqp_url)
    relay = OutboxRelay(get_database(settings), publisher, poll_s=settings.outbox_poll_interval_s)
    try:
        relay.run(stop)
    finally:
        publisher.close()


def run_worker(
    settings: ServiceSettings,
    *,
    bindings: Iterable[str] = (),
    handle: Handler | None = None,
) -> None:
    """Run until SIGTERM/SIGINT; each thread has its own connection (pika is not thread-safe)."""
    configure_logging(f"{settings.name}-worker", settings.log_level)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    relay_thread = threading.Thread(target=run_relay, args=(settings, stop), name="outbox-relay")
    relay_thread.start()
    bindings = tuple(bindings)
    if bindings and handle is not None:
        consumer = EventConsumer(
            settings.amqp_url,
            f"{settings.name}.events",
            bindings,
            handle,
            retry_delays_ms=settings.retry_delays_ms,
        )
        consumer.run(stop)
    else:
        stop.wait()
    relay_thread.join(timeout=10)
    log.info("worker stopped")

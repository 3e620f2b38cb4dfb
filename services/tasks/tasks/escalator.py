"""The SLA clock: a loop that raises due escalations; runs beside the consumer or on its own."""

from __future__ import annotations

import logging
import threading

from hotel_shared.logs import configure_logging
from hotel_shared.principal import Context
from tasks import service
from tasks.config import Config
from tasks.store import TasksStores

log = logging.getLogger("tasks.escalator")


def run_escalator(stores: TasksStores, interval_s: float, stop: threading.Event) -> None:
    """Scan every `interval_s` until `stop`; a failed scan is logged and retried next tick."""
    while not stop.is_set():
        try:
            # The clock acts for nobody: its events carry no actor.
            raised = service.escalate_due_tasks(stores, Context())
            if raised:
                log.info("escalations raised: %d", raised)
        except Exception:  # the clock must keep ticking through a Mongo outage
            log.exception("escalation scan failed")
        stop.wait(interval_s)


def start_escalator(stores: TasksStores, interval_s: float) -> threading.Event:
    """Start the loop in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=run_escalator, args=(stores, interval_s, stop), name="escalator", daemon=True
    )
    thread.start()
    return stop


def main() -> None:
    config = Config.from_env(needs_public_key=False)
    configure_logging(f"{config.service.name}-escalator", config.service.log_level)
    stores = TasksStores.from_settings(config.service)
    stores.ensure_indexes()
    run_escalator(stores, config.escalation_interval_s, threading.Event())


if __name__ == "__main__":
    main()

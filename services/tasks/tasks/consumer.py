"""Worker process (`python -m tasks.consumer`): outbox relay, rooms-event consumer, SLA clock."""

from __future__ import annotations

from hotel_shared.inbox import bind_handlers
from hotel_shared.worker import run_worker
from tasks.config import Config
from tasks.escalator import start_escalator
from tasks.handlers import HANDLERS
from tasks.store import TasksStores


def main() -> None:
    config = Config.from_env(needs_public_key=False)
    stores = TasksStores.from_settings(config.service)
    stores.ensure_indexes()
    stop_escalator = start_escalator(stores, config.escalation_interval_s)
    try:
        run_worker(config.service, bind_handlers(stores, HANDLERS))
    finally:
        stop_escalator.set()


if __name__ == "__main__":
    main()

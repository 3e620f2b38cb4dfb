"""Worker process (`python -m tasks.consumer`): outbox relay, rooms-event consumer, SLA clock."""

from __future__ import annotations

from hotel_shared.bus import dispatch_by_type
from hotel_shared.worker import run_worker
from tasks.config import Config
from tasks.escalator import start_escalator
from tasks.handlers import bind_handlers
from tasks.store import TaskStores


def main() -> None:
    config = Config.from_env(needs_public_key=False)
    stores = TaskStores.from_settings(config.service)
    stores.ensure_indexes()
    handlers = bind_handlers(stores)
    stop_escalator = start_escalator(stores, config.escalation_interval_s)
    try:
        run_worker(config.service, bindings=tuple(handlers), handle=dispatch_by_type(handlers))
    finally:
        stop_escalator.set()


if __name__ == "__main__":
    main()

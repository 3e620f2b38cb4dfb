"""Worker process (`python -m pms_adapter.consumer`): the outbox relay, the event consumer, and
the PMS sync loop (send `pms_outbox`, poll business events, reconcile on a schedule)."""

from __future__ import annotations

import threading

from hotel_shared.inbox import bind_handlers
from hotel_shared.worker import run_worker
from pms_adapter.config import Config
from pms_adapter.handlers import HANDLERS
from pms_adapter.store import PmsStores
from pms_adapter.sync import PmsSync


def main() -> None:
    config = Config.from_env(needs_public_key=False)
    stores = PmsStores.from_settings(config.service)
    stores.ensure_indexes()
    sync = PmsSync(stores, config.opera_client(), config.transaction_code, config.timing)
    # Daemon: it dies with the worker; what it was doing is durable and leased, so nothing is lost.
    stop = threading.Event()
    threading.Thread(target=sync.run, args=(stop,), name="pms-sync", daemon=True).start()
    try:
        run_worker(config.service, bind_handlers(stores, HANDLERS))
    finally:
        stop.set()


if __name__ == "__main__":
    main()

"""Worker process (`python -m rooms.consumer`): the outbox relay plus the HANDLERS consumer."""

from __future__ import annotations

from hotel_shared.inbox import bind_handlers
from hotel_shared.worker import run_worker
from rooms.config import Config
from rooms.handlers import make_handlers
from rooms.store import RoomsStores


def main() -> None:
    config = Config.from_env(needs_public_key=False)
    stores = RoomsStores.from_settings(config.service)
    stores.ensure_indexes()
    run_worker(config.service, bind_handlers(stores, make_handlers(config.policy)))


if __name__ == "__main__":
    main()

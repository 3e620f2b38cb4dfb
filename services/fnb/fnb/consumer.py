"""Worker process (`python -m fnb.consumer`): the outbox relay plus the rooms-stay consumer."""

from __future__ import annotations

from fnb.config import Config
from fnb.handlers import HANDLERS
from fnb.store import FnbStores
from hotel_shared.inbox import bind_handlers
from hotel_shared.worker import run_worker


def main() -> None:
    config = Config.from_env(needs_public_key=False)
    stores = FnbStores.from_settings(config.service)
    stores.ensure_indexes()
    run_worker(config.service, bind_handlers(stores, HANDLERS))


if __name__ == "__main__":
    main()

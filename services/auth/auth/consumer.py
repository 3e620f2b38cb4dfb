"""The auth worker: `python -m auth.consumer` relays the outbox and consumes auth.events."""

from __future__ import annotations

from auth.config import Config
from auth.handlers import make_handlers
from auth.store import AuthStores
from hotel_shared.inbox import bind_handlers
from hotel_shared.worker import run_worker


def main() -> None:
    config = Config.from_env(needs_private_key=False)
    stores = AuthStores.from_settings(config.service)
    stores.ensure_indexes()
    run_worker(config.service, bind_handlers(stores, make_handlers(config.lifetimes)))


if __name__ == "__main__":
    main()

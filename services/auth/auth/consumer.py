"""The auth worker: `python -m auth.consumer` relays the outbox and consumes auth.events."""

from __future__ import annotations

from auth.config import Config
from auth.handlers import BINDINGS, make_handler
from auth.store import AuthStores, ensure_indexes
from hotel_shared.worker import run_worker


def main() -> None:
    settings = Config.from_env(needs_private_key=False).service
    stores = AuthStores(settings)
    ensure_indexes(stores)
    run_worker(settings, bindings=BINDINGS, handle=make_handler(stores))


if __name__ == "__main__":
    main()

"""Worker process (`python -m rooms.consumer`): the outbox relay plus the HANDLERS consumer."""

from __future__ import annotations

from hotel_shared.bus import dispatch_by_type
from hotel_shared.worker import run_worker
from rooms.config import Config
from rooms.handlers import bind_handlers
from rooms.store import RoomStore


def main() -> None:
    config = Config.from_env(needs_public_key=False)
    store = RoomStore.from_settings(config.service)
    store.ensure_indexes()
    handlers = bind_handlers(store)
    run_worker(config.service, bindings=tuple(handlers), handle=dispatch_by_type(handlers))


if __name__ == "__main__":
    main()

"""Worker process (`python -m notifications.consumer`): store each event, emit it through AMQP."""

from __future__ import annotations

from hotel_shared.inbox import bind_handlers
from hotel_shared.worker import run_worker
from notifications.config import Config
from notifications.handlers import make_handlers
from notifications.sockets import message_queue_emitter
from notifications.store import NotificationsStores


def main() -> None:
    config = Config.from_env(needs_public_key=False)
    stores = NotificationsStores.from_settings(config.service)
    stores.ensure_indexes()
    handlers = make_handlers(message_queue_emitter(config))
    run_worker(config.service, bind_handlers(stores, handlers))


if __name__ == "__main__":
    main()

"""Worker process (`python -m notifications.consumer`): store each event, emit it through AMQP."""

from __future__ import annotations

from flask_socketio import SocketIO

from hotel_shared.bus import dispatch_by_type
from hotel_shared.worker import run_worker
from notifications.config import Config
from notifications.handlers import bind_handlers
from notifications.store import NotificationStore


def socketio_publisher(config: Config) -> SocketIO:
    """A write-only Socket.IO server: its emits reach the clients of every web process."""
    return SocketIO(message_queue=config.message_queue_url, channel=config.socketio_channel)


def main() -> None:
    config = Config.from_env(needs_public_key=False)
    store = NotificationStore.from_settings(config.service)
    store.ensure_indexes()
    publisher = socketio_publisher(config)

    def emit(event: str, payload: dict, audiences: list[str]) -> None:
        publisher.emit(event, payload, to=audiences)

    handlers = bind_handlers(store, emit)
    run_worker(config.service, bindings=tuple(handlers), handle=dispatch_by_type(handlers))


if __name__ == "__main__":
    main()

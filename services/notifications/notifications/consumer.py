"""Worker process (`python -m notifications.consumer`): store each event, emit it through AMQP,
and send the queued Web Pushes."""

from __future__ import annotations

from functools import partial

from hotel_shared.inbox import bind_handlers
from hotel_shared.worker import run_worker
from notifications.config import Config
from notifications.handlers import make_handlers
from notifications.service.push import send_due_pushes
from notifications.sockets import message_queue_emitter
from notifications.store import NotificationsStores
from notifications.webpush import PushSender, WebPushClient, load_vapid_keys


def main() -> None:
    config = Config.from_env(needs_public_key=False)
    stores = NotificationsStores.from_settings(config.service)
    stores.ensure_indexes()
    push = config.push
    client = WebPushClient(load_vapid_keys(push, stores), push.vapid_subject, push.timeout_s)
    sender = PushSender(partial(send_due_pushes, stores, client, push), push.poll_interval_s)
    handlers = make_handlers(message_queue_emitter(config), wake=sender.wake)
    sender.start()
    try:
        # No relay: notifications records no events (it reaches people through Socket.IO and
        # Web Push), so its outbox stays empty.
        run_worker(config.service, bind_handlers(stores, handlers), relay=False)
    finally:
        sender.close()


if __name__ == "__main__":
    main()

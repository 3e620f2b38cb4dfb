"""Use cases of Web Push: a person's devices, queueing pushes in a notification's transaction,
and the worker's sending of them."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from hotel_shared.errors import Unauthorized
from hotel_shared.principal import Context, Principal
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now
from notifications.rules import push as push_rules
from notifications.store import NotificationsStores

log = logging.getLogger(__name__)
Document = dict[str, Any]


class Wake(Protocol):
    """Tell this process's push sender that pushes were queued (the worker's; a no-op elsewhere)."""

    def __call__(self) -> None: ...


def no_wake() -> None:
    """A web process queues pushes for the worker, which polls the queue."""


def queue_web_pushes(
    tx: NotificationsStores,
    ctx: Context,
    wake: Wake,
    event_type: str,
    data: Mapping[str, Any],
    source_id: str,
    audiences: list[str] | None = None,
) -> None:
    """Queue a Web Push to each subscribed device of the event's recipients (never to the one
    who caused it), in the caller's transaction; the worker sends them after the commit."""
    message = push_rules.push_message(event_type, data, source_id)
    if message is None:
        return
    targets = audiences if audiences is not None else push_rules.push_audiences(event_type, data)
    if not targets:
        return
    actor = (ctx.actor or {}).get("userId")
    now = utc_now()
    entries = [
        push_rules.queue_entry(
            entry_id=str(uuid.uuid4()),
            subscription=device,
            source_id=source_id,
            message=message,
            now=now,
        )
        for device in tx.subscriptions_for(targets, except_user=actor)
    ]
    tx.queue_pushes(entries)
    if entries:
        tx.after_commit(wake)


@unit_of_work
def subscribe_device(
    stores: NotificationsStores,
    ctx: Context,
    fields: Mapping[str, Any],
    *,
    user_agent: str | None,
    allow_local: bool,
) -> tuple[Document, bool]:
    """Keep a device's push subscription for the caller; (subscription, created).

    The same endpoint again for the same person refreshes it (keys, audiences) and is not new;
    an endpoint another person subscribed moves to the caller (a shared phone: the last one
    signed in on it hears its pushes), and that is new for the caller.
    """
    owner = _owner(ctx)
    push_rules.check_subscriber(owner)
    endpoint = push_rules.check_endpoint(fields["endpoint"], allow_local=allow_local)
    keys = push_rules.check_keys(fields["keys"])
    now = utc_now()
    with stores.transaction() as tx:
        existing = tx.find_subscription_by_endpoint(endpoint)
        fresh = push_rules.build_subscription(
            subscription_id=existing["_id"] if existing else str(uuid.uuid4()),
            owner=owner,
            endpoint=endpoint,
            keys=keys,
            user_agent=user_agent,
            now=now,
        )
        if existing is None:
            tx.insert_subscription(fresh)
            return fresh, True
        mine = push_rules.is_owner(existing, owner)
        if mine:
            fresh["createdAt"] = existing["createdAt"]
        else:
            # The previous owner's queued pushes must not reach the new one.
            tx.drop_pushes_to(existing["_id"])
            log.info("push device %s moved to %s", existing["_id"], owner.username)
        tx.replace_subscription(fresh)
    return fresh, not mine


def list_devices(stores: NotificationsStores, ctx: Context) -> list[Document]:
    owner = _owner(ctx)
    push_rules.check_subscriber(owner)
    return stores.user_subscriptions(owner.user_id)


@unit_of_work
def unsubscribe_device(stores: NotificationsStores, ctx: Context, subscription_id: str) -> None:
    """Forget one of the caller's devices (someone else's: not found)."""
    owner = _owner(ctx)
    push_rules.check_subscriber(owner)
    with stores.transaction() as tx:
        device = tx.find_subscription(subscription_id)
        if device is None or not push_rules.is_owner(device, owner):
            raise push_rules.SubscriptionNotFound(subscription_id)
        tx.delete_subscription(subscription_id)
        tx.drop_pushes_to(subscription_id)


@unit_of_work
def forget_user_devices(stores: NotificationsStores, ctx: Context, user_id: str) -> int:
    """Someone's access was revoked (deactivated; role, department or code changed; password
    reset): their devices hear nothing more until they sign in and subscribe again (with the
    audiences of their new token). How many devices were forgotten."""
    with stores.transaction() as tx:
        forgotten = tx.delete_user_subscriptions(user_id)
    if forgotten:
        log.info(
            "forgot %d push device(s) of %s: access revoked",
            forgotten,
            user_id,
            extra={"correlationId": ctx.correlation_id},
        )
    return forgotten


def vapid_public_key(ctx: Context, keys: Any) -> str:
    """The key a browser subscribes with (`keys`: the process's LazyVapidKeys)."""
    push_rules.check_subscriber(_owner(ctx))
    return keys.get().public_key


def send_due_pushes(
    stores: NotificationsStores, client: Any, settings: Any, *, now: datetime | None = None
) -> int:
    """Send each due push once (the worker's loop); how many were handled. A push service's
    404/410 removes the device; 429/5xx or no answer retries with back-off, up to
    `settings.max_attempts`; anything else gives up. Each outcome is one small write."""
    now = now or utc_now()
    handled = 0
    for due in stores.due_pushes(now):
        entry = stores.claim_push(due["_id"], now, lease_s=settings.timeout_s * 3)
        if entry is not None:
            _send_push(stores, client, settings, entry, now)
            handled += 1
    return handled


def _send_push(
    stores: NotificationsStores, client: Any, settings: Any, entry: Document, now: datetime
) -> None:
    device = stores.find_subscription(entry["subscriptionId"])
    if device is None or device["userId"] != entry["userId"]:
        stores.finish_push(entry["_id"])  # the device was removed or moved to someone else
        return
    if push_rules.is_stale(entry, now, settings.ttl_s):
        log.info("push %s dropped: older than %ss", entry["_id"], settings.ttl_s)
        stores.finish_push(entry["_id"])
        return
    result = client.send(device, entry["payload"], settings.ttl_s)
    outcome = push_rules.outcome(result.status)
    attempts = entry["attempts"] + 1
    if outcome == "sent":
        stores.finish_push(entry["_id"])
        log.info("pushed %s to device %s", entry["payload"].get("tag"), device["_id"])
    elif outcome == "gone":
        _forget_device(stores, device["_id"])
        log.info("push device %s gone (%s): removed", device["_id"], result.status)
    elif outcome == "retry" and attempts < settings.max_attempts:
        delay = push_rules.backoff(attempts, settings.backoff_base_s, settings.backoff_cap_s)
        if result.retry_after_s:
            delay = max(delay, timedelta(seconds=min(result.retry_after_s, settings.backoff_cap_s)))
        stores.retry_push(entry["_id"], attempts, now + delay, result.error or "no answer")
    else:
        stores.fail_push(entry["_id"], attempts, result.error or "no answer", now)
        log.warning(
            "gave up pushing %s to device %s after %d attempts: %s",
            entry["payload"].get("tag"),
            device["_id"],
            attempts,
            result.error,
        )


@unit_of_work
def _forget_device(stores: NotificationsStores, subscription_id: str) -> None:
    with stores.transaction() as tx:
        tx.delete_subscription(subscription_id)
        tx.drop_pushes_to(subscription_id)


def _owner(ctx: Context) -> Principal:
    if ctx.principal is None:
        raise Unauthorized("sign in to use push notifications")
    return ctx.principal

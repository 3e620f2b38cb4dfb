"""Use cases of the inbox: store and push an event's notification; list, count and mark read."""

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
from notifications.events import ALERT_READ, ALERT_SENT
from notifications.rules import alerts as alert_rules
from notifications.rules import inbox
from notifications.rules import push as push_rules
from notifications.store import NotificationsStores

log = logging.getLogger(__name__)
Document = dict[str, Any]


class Wake(Protocol):
    """Tell this process's push sender that pushes were queued (the worker's; a no-op elsewhere)."""

    def __call__(self) -> None: ...


def no_wake() -> None:
    """A web process queues pushes for the worker, which polls the queue."""


class Emit(Protocol):
    """Push a Socket.IO event to rooms: the worker's message-queue publisher, a test's recorder."""

    def __call__(self, event: str, payload: Document, audiences: list[str]) -> None: ...


@unit_of_work
def notify(
    stores: NotificationsStores,
    ctx: Context,
    emit: Emit,
    *,
    event_id: str,
    event_type: str,
    time: datetime,
    data: Mapping[str, Any],
    changes: list[dict[str, Any]],
    created_at: datetime,
    wake: Wake = no_wake,
) -> Document:
    """Store an event's notification for its audiences, then push it to their sockets (a mere
    hint, such as a task update that did not raise its priority, is pushed, not stored)."""
    notification = inbox.build_notification(
        event_id=event_id,
        event_type=event_type,
        time=time,
        data=data,
        changes=changes,
        created_at=created_at,
    )

    live_audiences = notification["audiences"] + inbox.watchers_for(event_type, data)

    def push() -> None:
        emit(notification["event"], inbox.socket_payload(notification), live_audiences)
        log.info(
            "notified %s to %s",
            notification["event"],
            ",".join(live_audiences),
            extra={"correlationId": ctx.correlation_id},
        )

    with stores.transaction() as tx:
        if inbox.is_kept_in_inbox(event_type, changes):
            tx.insert_notification(notification)
        # Pushed after the commit: a crash in between loses only the push; the inbox has it.
        tx.after_commit(push)
        _queue_web_pushes(tx, ctx, wake, event_type, data, event_id)
    return notification


def _queue_web_pushes(
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


def list_notifications(
    stores: NotificationsStores,
    ctx: Context,
    *,
    since: datetime | None,
    unread_only: bool,
    limit: int,
    offset: int,
) -> tuple[list[Document], int]:
    """The caller's notifications, newest first, each with the caller's `read` flag."""
    principal = _reader(ctx)
    state = stores.read_state(principal.user_id)
    items, total = stores.find_notifications(
        inbox.audiences_of(principal),
        since=since,
        unread_by=state if unread_only else None,
        limit=limit,
        offset=offset,
    )
    return [inbox.with_read_flag(item, state) for item in items], total


def count_unread(stores: NotificationsStores, ctx: Context) -> int:
    principal = _reader(ctx)
    return stores.count_unread(inbox.audiences_of(principal), stores.read_state(principal.user_id))


@unit_of_work
def mark_read(
    stores: NotificationsStores, ctx: Context, emit: Emit, notification_id: str
) -> Document:
    """Mark one of the caller's notifications read (for the caller only); an alert read by one
    of its recipients gets that reader's receipt, and its sender a live `alert.read` hint."""
    principal = _reader(ctx)
    now = utc_now()
    with stores.transaction() as tx:
        notification = tx.find_visible(inbox.audiences_of(principal), notification_id)
        if notification is None:
            raise inbox.NotificationNotFound(notification_id)
        tx.add_read(principal.user_id, notification_id, notification["createdAt"])
        _record_receipts(tx, emit, principal, [notification], now)
    return {**notification, "read": True}


@unit_of_work
def mark_all_read(stores: NotificationsStores, ctx: Context, emit: Emit) -> None:
    """Everything created until now is read for the caller; what comes later is not. Each
    alert among them that the caller had not read gets the caller's receipt."""
    principal = _reader(ctx)
    now = utc_now()
    with stores.transaction() as tx:
        audiences = inbox.audiences_of(principal)
        unread_alerts = tx.find_unread_alerts(audiences, tx.read_state(principal.user_id), now)
        tx.move_read_mark(principal.user_id, now)
        _record_receipts(tx, emit, principal, unread_alerts, now)


def _record_receipts(
    tx: NotificationsStores,
    emit: Emit,
    reader: Principal,
    notifications: list[Document],
    read_at: datetime,
) -> None:
    for notification in notifications:
        if not alert_rules.counts_as_receipt(notification, reader):
            continue
        tx.add_receipt(alert_rules.receipt(notification["_id"], reader, read_at))
        sender = notification["raw"]["sentBy"]["userId"]
        hint = {"alertId": notification["_id"], "userId": reader.user_id}
        # A hint only: the sender's page refetches GET /api/alerts, the truth.
        tx.after_commit(lambda hint=hint, sender=sender: emit(ALERT_READ, hint, [f"user:{sender}"]))


# --- alerts -------------------------------------------------------------------------------------


@unit_of_work
def send_alert(
    stores: NotificationsStores,
    ctx: Context,
    emit: Emit,
    fields: Mapping[str, Any],
    departments: tuple[str, ...],
) -> Document:
    """Store an alert and its inbox record for its audience, then push `alert.sent` live.

    The sender's own copy (a supervisor alerting their own department is in it) is read already.
    """
    sender = _reader(ctx)
    kind, value = fields["audience"]["kind"], fields["audience"]["value"]
    room = alert_rules.alert_room(sender, kind, value, departments)
    alert = alert_rules.build_alert(
        alert_id=str(uuid.uuid4()),
        sender=sender,
        kind=kind,
        value=value,
        room=room,
        message=fields["message"],
        priority=fields["priority"],
        created_at=utc_now(),
    )
    notification = alert_rules.alert_notification(alert)
    with stores.transaction() as tx:
        tx.insert_alert(alert)
        tx.insert_notification(notification)
        tx.add_read(sender.user_id, alert["_id"], alert["createdAt"])
        tx.after_commit(
            lambda: emit(notification["event"], inbox.socket_payload(notification), [room])
        )
        _queue_web_pushes(
            tx, ctx, no_wake, ALERT_SENT, notification["raw"], alert["_id"], audiences=[room]
        )
    log.info("alert %s sent to %s", alert["_id"], room, extra={"correlationId": ctx.correlation_id})
    return alert_rules.with_receipts(alert, [])


def list_alerts(
    stores: NotificationsStores, ctx: Context, *, limit: int, offset: int
) -> tuple[list[Document], int]:
    """The caller's sent alerts (a hotelAdmin's: everyone's), newest first, with receipts."""
    viewer = _reader(ctx)
    sender = None if viewer.role == "hotelAdmin" else viewer.user_id
    alerts, total = stores.find_alerts(sender, limit=limit, offset=offset)
    receipts = stores.receipts_of([alert["_id"] for alert in alerts])
    return [alert_rules.with_receipts(alert, receipts[alert["_id"]]) for alert in alerts], total


def get_alert(stores: NotificationsStores, ctx: Context, alert_id: str) -> Document:
    """One alert with who has read it: for its sender or a hotelAdmin only."""
    viewer = _reader(ctx)
    alert = stores.find_alert(alert_id)
    if alert is None or not alert_rules.may_see_alert(alert, viewer):
        raise alert_rules.AlertNotFound(alert_id)
    return alert_rules.with_receipts(alert, stores.receipts_of([alert_id])[alert_id])


def _reader(ctx: Context) -> Principal:
    if ctx.principal is None:
        raise Unauthorized("sign in to read notifications")
    return ctx.principal


# --- Web Push: the caller's devices, and the worker's sending -------------------------------


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
    owner = _reader(ctx)
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
    owner = _reader(ctx)
    push_rules.check_subscriber(owner)
    return stores.user_subscriptions(owner.user_id)


@unit_of_work
def unsubscribe_device(stores: NotificationsStores, ctx: Context, subscription_id: str) -> None:
    """Forget one of the caller's devices (someone else's: not found)."""
    owner = _reader(ctx)
    push_rules.check_subscriber(owner)
    with stores.transaction() as tx:
        device = tx.find_subscription(subscription_id)
        if device is None or not push_rules.is_owner(device, owner):
            raise push_rules.SubscriptionNotFound(subscription_id)
        tx.delete_subscription(subscription_id)
        tx.drop_pushes_to(subscription_id)


def vapid_public_key(ctx: Context, keys: Any) -> str:
    """The key a browser subscribes with (`keys`: the process's LazyVapidKeys)."""
    push_rules.check_subscriber(_reader(ctx))
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

"""Use cases of the inbox: store and push an event's notification; list, count and mark read."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from hotel_shared.errors import Unauthorized
from hotel_shared.principal import Context, Principal
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now
from notifications.events import ALERT_READ
from notifications.rules import alerts as alert_rules
from notifications.rules import inbox as inbox_rules
from notifications.service.push import Wake, no_wake, queue_web_pushes
from notifications.store import NotificationsStores

log = logging.getLogger(__name__)
Document = dict[str, Any]


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
    hint, such as a task update that did not raise its priority, is pushed, not stored).

    `created_at` is the earliest inbox time it may get: the store issues the actual one from the
    inbox clock every process shares, and the pushed payload carries that one.
    """
    notification = inbox_rules.build_notification(
        event_id=event_id,
        event_type=event_type,
        time=time,
        data=data,
        changes=changes,
        created_at=created_at,
    )

    live_audiences = notification["audiences"] + inbox_rules.watchers_for(event_type, data)

    def push() -> None:
        emit(notification["event"], inbox_rules.socket_payload(notification), live_audiences)
        log.info(
            "notified %s to %s",
            notification["event"],
            ",".join(live_audiences),
            extra={"correlationId": ctx.correlation_id},
        )

    with stores.transaction() as tx:
        queue_web_pushes(tx, ctx, wake, event_type, data, event_id)
        if inbox_rules.is_kept_in_inbox(event_type, changes):
            # Last: from taking its time on the shared clock to the commit, other inbox writers
            # wait on this transaction, so the less it does after that the better.
            tx.insert_notification(notification)
        # Pushed after the commit: a crash in between loses only the push; the inbox has it.
        tx.after_commit(push)
    return notification


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
    principal = reader(ctx)
    state = stores.read_state(principal.user_id)
    items, total = stores.find_notifications(
        inbox_rules.audiences_of(principal),
        since=since,
        unread_by=state if unread_only else None,
        limit=limit,
        offset=offset,
    )
    return [inbox_rules.with_read_flag(item, state) for item in items], total


def count_unread(stores: NotificationsStores, ctx: Context) -> int:
    principal = reader(ctx)
    return stores.count_unread(
        inbox_rules.audiences_of(principal), stores.read_state(principal.user_id)
    )


@unit_of_work
def mark_read(
    stores: NotificationsStores, ctx: Context, emit: Emit, notification_id: str
) -> Document:
    """Mark one of the caller's notifications read (for the caller only); an alert read by one
    of its recipients gets that reader's receipt, and its sender a live `alert.read` hint."""
    principal = reader(ctx)
    now = utc_now()
    with stores.transaction() as tx:
        notification = tx.find_visible(inbox_rules.audiences_of(principal), notification_id)
        if notification is None:
            raise inbox_rules.NotificationNotFound(notification_id)
        tx.add_read(principal.user_id, notification_id, notification["createdAt"])
        _record_receipts(tx, emit, principal, [notification], now)
    return {**notification, "read": True}


@unit_of_work
def mark_all_read(stores: NotificationsStores, ctx: Context, emit: Emit) -> None:
    """Everything created until now is read for the caller; what comes later is not. Each
    alert among them that the caller had not read gets the caller's receipt."""
    principal = reader(ctx)
    now = utc_now()
    with stores.transaction() as tx:
        # A time of the inbox clock: every entry up to it is committed, every later one is new.
        read_all_at = tx.next_inbox_time(now)
        audiences = inbox_rules.audiences_of(principal)
        unread_alerts = tx.find_unread_alerts(
            audiences, tx.read_state(principal.user_id), read_all_at
        )
        tx.move_read_mark(principal.user_id, read_all_at)
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


def reader(ctx: Context) -> Principal:
    if ctx.principal is None:
        raise Unauthorized("sign in to read notifications")
    return ctx.principal

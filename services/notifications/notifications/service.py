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
from notifications import rules
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
) -> Document:
    """Store an event's notification for its audiences, then push it to their sockets."""
    notification = rules.build_notification(
        event_id=event_id,
        event_type=event_type,
        time=time,
        data=data,
        changes=changes,
        created_at=created_at,
    )

    def push() -> None:
        emit(notification["event"], rules.socket_payload(notification), notification["audiences"])
        log.info(
            "notified %s to %s",
            notification["event"],
            ",".join(notification["audiences"]),
            extra={"correlationId": ctx.correlation_id},
        )

    with stores.transaction() as tx:
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
    principal = _reader(ctx)
    state = stores.read_state(principal.user_id)
    items, total = stores.find_notifications(
        rules.audiences_of(principal),
        since=since,
        unread_by=state if unread_only else None,
        limit=limit,
        offset=offset,
    )
    return [rules.with_read_flag(item, state) for item in items], total


def count_unread(stores: NotificationsStores, ctx: Context) -> int:
    principal = _reader(ctx)
    return stores.count_unread(rules.audiences_of(principal), stores.read_state(principal.user_id))


@unit_of_work
def mark_read(stores: NotificationsStores, ctx: Context, notification_id: str) -> Document:
    """Mark one of the caller's notifications read (for the caller only)."""
    principal = _reader(ctx)
    with stores.transaction() as tx:
        notification = tx.find_visible(rules.audiences_of(principal), notification_id)
        if notification is None:
            raise rules.NotificationNotFound(notification_id)
        tx.add_read(principal.user_id, notification_id, notification["createdAt"])
    return {**notification, "read": True}


@unit_of_work
def mark_all_read(stores: NotificationsStores, ctx: Context) -> None:
    """Everything created until now is read for the caller; what comes later is not."""
    principal = _reader(ctx)
    with stores.transaction() as tx:
        tx.move_read_mark(principal.user_id, utc_now())


def _reader(ctx: Context) -> Principal:
    if ctx.principal is None:
        raise Unauthorized("sign in to read notifications")
    return ctx.principal

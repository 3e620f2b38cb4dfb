"""HTTP routes of the inbox: the caller's notifications, unread count, mark read, read all."""

from __future__ import annotations

from flask import Blueprint, current_app

from hotel_shared.auth import current_principal, require
from hotel_shared.timeutil import utc_now
from hotel_shared.web import load_page_query, paged
from notifications import rules
from notifications.schemas import (
    NotificationListQuerySchema,
    NotificationSchema,
    UnreadCountSchema,
)
from notifications.store import NotificationStore

CONFIG_KEY = "notifications.config"

blueprint = Blueprint("notifications", __name__)
notification_schema = NotificationSchema()


def _store() -> NotificationStore:
    # Built per request from the per-process client, so nothing opens a connection before a fork.
    return NotificationStore.from_settings(current_app.extensions[CONFIG_KEY].service)


def _caller() -> tuple[list[str], str]:
    principal = current_principal()
    return rules.audiences_of(principal), principal.user_id


@blueprint.get("/api/notifications")
@require()
def list_notifications():
    filters, limit, offset = load_page_query(NotificationListQuerySchema())
    audiences, user_id = _caller()
    items, total = _store().find_for(
        audiences,
        user_id,
        since=filters["since"],
        unread_only=filters["unread"],
        limit=limit,
        offset=offset,
    )
    return paged(notification_schema.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/notifications/unread-count")
@require()
def count_unread_notifications():
    return UnreadCountSchema().dump({"count": _store().count_unread(*_caller())})


@blueprint.post("/api/notifications/<notification_id>/read")
@require()
def mark_notification_read(notification_id: str):
    audiences, user_id = _caller()
    return notification_schema.dump(_store().mark_read(audiences, user_id, notification_id))


@blueprint.post("/api/notifications/read-all")
@require()
def mark_all_notifications_read():
    _store().mark_all_read(current_principal().user_id, utc_now())
    return "", 204

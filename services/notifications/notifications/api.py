"""HTTP routes of the inbox: the caller's notifications, unread count, mark read, read all."""

from __future__ import annotations

from flask import Blueprint, current_app

from hotel_shared.auth import request_context, require
from hotel_shared.openapi import operation
from hotel_shared.web import paged, split_page
from notifications import service
from notifications.schemas import (
    NotificationListQuerySchema,
    NotificationSchema,
    UnreadCountSchema,
)
from notifications.store import NotificationsStores

CONFIG_KEY = "notifications.config"

blueprint = Blueprint("notifications", __name__)
notification_schema = NotificationSchema()


def stores() -> NotificationsStores:
    # Built per request from the per-process client, so nothing opens a connection before a fork.
    return NotificationsStores.from_settings(current_app.extensions[CONFIG_KEY].service)


@blueprint.get("/api/notifications")
@require()
@operation(query=NotificationListQuerySchema, response=NotificationSchema, paged=True)
def list_notifications(query: dict):
    """The caller's notifications, newest first."""
    filters, limit, offset = split_page(query)
    items, total = service.list_notifications(
        stores(),
        request_context(),
        since=filters["since"],
        unread_only=filters["unread"],
        limit=limit,
        offset=offset,
    )
    return paged(notification_schema.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/notifications/unread-count")
@require()
@operation(response=UnreadCountSchema)
def count_unread_notifications():
    """How many of the caller's notifications the caller has not read."""
    return UnreadCountSchema().dump({"count": service.count_unread(stores(), request_context())})


@blueprint.post("/api/notifications/<notification_id>/read")
@require()
@operation(response=NotificationSchema)
def mark_notification_read(notification_id: str):
    """Mark one notification read for the caller."""
    notification = service.mark_read(stores(), request_context(), notification_id)
    return notification_schema.dump(notification)


@blueprint.post("/api/notifications/read-all")
@require()
@operation(status=204)
def mark_all_notifications_read():
    """Mark everything created until now read for the caller."""
    service.mark_all_read(stores(), request_context())
    return "", 204

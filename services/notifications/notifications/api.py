"""HTTP routes of the inbox (the caller's notifications, unread count, mark read, read all) and
of alerts (send, list the sent ones, who has read one)."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from hotel_shared.auth import request_context, require
from hotel_shared.openapi import operation
from hotel_shared.principal import STAFF_ROLES
from hotel_shared.web import PageQuerySchema, paged, split_page
from notifications.schemas import (
    AlertCreateSchema,
    AlertSchema,
    NotificationListQuerySchema,
    NotificationSchema,
    PushSubscriptionCreateSchema,
    PushSubscriptionListSchema,
    PushSubscriptionSchema,
    UnreadCountSchema,
    VapidPublicKeySchema,
)
from notifications.service import alerts as alert_service
from notifications.service import inbox as inbox_service
from notifications.service import push as push_use_cases
from notifications.service.inbox import Emit
from notifications.store import NotificationsStores

CONFIG_KEY = "notifications.config"
EMIT_KEY = "notifications.emit"
VAPID_KEY = "notifications.vapid"

blueprint = Blueprint("notifications", __name__)
notification_schema = NotificationSchema()
alert_schema = AlertSchema()
subscription_schema = PushSubscriptionSchema()


def stores() -> NotificationsStores:
    # Built per request from the per-process client, so nothing opens a connection before a fork.
    return NotificationsStores.from_settings(current_app.extensions[CONFIG_KEY].service)


def emit() -> Emit:
    """Live hints from a request: this process's Socket.IO (through the message queue if any)."""
    return current_app.extensions[EMIT_KEY]


@blueprint.get("/api/notifications")
@require()
@operation(query=NotificationListQuerySchema, response=NotificationSchema, paged=True)
def list_notifications(query: dict):
    """The caller's notifications, newest first."""
    filters, limit, offset = split_page(query)
    items, total = inbox_service.list_notifications(
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
    return UnreadCountSchema().dump(
        {"count": inbox_service.count_unread(stores(), request_context())}
    )


@blueprint.post("/api/notifications/<notification_id>/read")
@require()
@operation(response=NotificationSchema)
def mark_notification_read(notification_id: str):
    """Mark one notification read for the caller."""
    notification = inbox_service.mark_read(stores(), request_context(), emit(), notification_id)
    return notification_schema.dump(notification)


@blueprint.post("/api/notifications/read-all")
@require()
@operation(status=204)
def mark_all_notifications_read():
    """Mark everything created until now read for the caller."""
    inbox_service.mark_all_read(stores(), request_context(), emit())
    return "", 204


@blueprint.post("/api/alerts")
@require("hotelAdmin", "supervisor")
@operation(body=AlertCreateSchema, response=AlertSchema, status=201)
def send_alert(body: dict):
    """Alert a department, a role or one employee: their inboxes, and `alert.sent` live."""
    departments = current_app.extensions[CONFIG_KEY].departments
    alert = alert_service.send_alert(stores(), request_context(), emit(), body, departments)
    return alert_schema.dump(alert), 201, {"Location": f"/api/alerts/{alert['_id']}"}


@blueprint.get("/api/alerts")
@require("hotelAdmin", "supervisor")
@operation(query=PageQuerySchema, response=AlertSchema, paged=True)
def list_alerts(query: dict):
    """The alerts the caller sent (a hotelAdmin: all), newest first, with who has read each."""
    _, limit, offset = split_page(query)
    items, total = alert_service.list_alerts(
        stores(), request_context(), limit=limit, offset=offset
    )
    return paged(alert_schema.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/alerts/<alert_id>")
@require("hotelAdmin", "supervisor")
@operation(response=AlertSchema)
def get_alert(alert_id: str):
    """One sent alert with who has read it and when."""
    return alert_schema.dump(alert_service.get_alert(stores(), request_context(), alert_id))


# --- Web Push: the staff app's devices ----------------------------------------------------------


@blueprint.get("/api/push/vapid-public-key")
@require(*STAFF_ROLES)
@operation(response=VapidPublicKeySchema)
def get_vapid_public_key():
    """The key a browser subscribes with (its applicationServerKey)."""
    key = push_use_cases.vapid_public_key(request_context(), current_app.extensions[VAPID_KEY])
    return VapidPublicKeySchema().dump({"publicKey": key})


@blueprint.post("/api/push-subscriptions")
@require(*STAFF_ROLES)
@operation(body=PushSubscriptionCreateSchema, response=PushSubscriptionSchema, upsert=True)
def subscribe_device(body: dict):
    """Push to this device: 201 when new for the caller (or moved from someone else), 200 when
    the caller had it already."""
    allow_local = current_app.extensions[CONFIG_KEY].push.allow_local_endpoints
    user_agent = request.headers.get("User-Agent")
    device, created = push_use_cases.subscribe_device(
        stores(), request_context(), body, user_agent=user_agent, allow_local=allow_local
    )
    location = {"Location": f"/api/push-subscriptions/{device['_id']}"}
    return subscription_schema.dump(device), 201 if created else 200, location


@blueprint.get("/api/push-subscriptions")
@require(*STAFF_ROLES)
@operation(response=PushSubscriptionListSchema)
def list_devices():
    """The caller's own subscribed devices."""
    devices = push_use_cases.list_devices(stores(), request_context())
    return PushSubscriptionListSchema().dump({"items": devices})


@blueprint.delete("/api/push-subscriptions/<subscription_id>")
@require(*STAFF_ROLES)
@operation(status=204)
def unsubscribe_device(subscription_id: str):
    """Stop pushing to one of the caller's devices."""
    push_use_cases.unsubscribe_device(stores(), request_context(), subscription_id)
    return "", 204

"""Web Push: which device subscriptions an endpoint may be, who is pushed what, and when a failed
send is tried again. The sending itself (VAPID, RFC 8291 encryption) is webpush.py's."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from hotel_shared.errors import Forbidden, NotFound, ValidationFailed
from hotel_shared.principal import Principal
from notifications.events import ALERT_SENT, ESCALATION_EVENTS
from notifications.rules.inbox import audiences_for, audiences_of

TASK_ASSIGNED = "tasks.task.assigned.v1"
MAX_ENDPOINT_LENGTH = 2048
LOOPBACK_NAMES = ("localhost",)
# Where the staff app opens what a push is about (its hash routes).
TASKS_URL = "/staff/#/tasks"
ALERTS_URL = "/staff/#/alerts"
MAX_BODY_LENGTH = 180
# A push service's answers: the subscription is gone; try again later; anything else gives up.
GONE_STATUSES = (404, 410)
RETRY_STATUSES = (408, 429, 500, 502, 503, 504)

Document = dict[str, Any]


class SubscriptionNotFound(NotFound):
    code = "push_subscription_not_found"

    def __init__(self, subscription_id: str) -> None:
        super().__init__(f"no push subscription {subscription_id} of yours")


class InvalidSubscription(ValidationFailed):
    code = "invalid_push_subscription"


class GuestsNotPushed(Forbidden):
    code = "push_staff_only"


# --- subscriptions ------------------------------------------------------------------------------


def check_subscriber(principal: Principal) -> None:
    """Only staff have the staff app's devices; a guest is refused."""
    if principal.is_guest:
        raise GuestsNotPushed("push notifications are for staff devices")


def check_endpoint(endpoint: str, *, allow_local: bool) -> str:
    """A push service's URL: https to a named host. Loopback over http only where the setting
    allows it (tests pointing the sender at a local recorder); no IP literal or local name
    otherwise, so a subscription cannot make the worker call into the hotel's own network."""
    if len(endpoint) > MAX_ENDPOINT_LENGTH:
        raise _invalid("endpoint", f"at most {MAX_ENDPOINT_LENGTH} characters")
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (a bad port raises here)
    except ValueError:
        raise _invalid("endpoint", "not a URL") from None
    if parts.username or parts.password or not host:
        raise _invalid("endpoint", "an https URL of a push service")
    local = _is_local(host)
    if local and allow_local and parts.scheme in ("http", "https"):
        return endpoint
    if parts.scheme != "https":
        raise _invalid("endpoint", "must be an https URL")
    if local or _is_ip(host):
        raise _invalid("endpoint", "must name a push service's host")
    return endpoint


def _is_local(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check_keys(keys: Mapping[str, str]) -> dict[str, str]:
    """The browser's keys: p256dh an uncompressed P-256 point (65 bytes), auth 16 bytes."""
    p256dh = _b64url(keys.get("p256dh", ""), "p256dh")
    if len(p256dh) != 65 or p256dh[0] != 4:
        raise _invalid("p256dh", "an uncompressed P-256 public key (65 bytes), base64url")
    if len(_b64url(keys.get("auth", ""), "auth")) != 16:
        raise _invalid("auth", "a 16-byte secret, base64url")
    return {"p256dh": keys["p256dh"], "auth": keys["auth"]}


def _b64url(value: str, field: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise _invalid(field, "base64url") from None


def _invalid(field: str, message: str) -> InvalidSubscription:
    where = {"keys": {field: [message]}} if field in ("p256dh", "auth") else {field: [message]}
    return InvalidSubscription(f"{field}: {message}", errors=where)


def build_subscription(
    *,
    subscription_id: str,
    owner: Principal,
    endpoint: str,
    keys: Mapping[str, str],
    user_agent: str | None,
    now: datetime,
) -> Document:
    """One device of one user, with the audiences that user's socket joins (who it hears)."""
    return {
        "_id": subscription_id,
        "endpoint": endpoint,
        "keys": dict(keys),
        "userId": owner.user_id,
        "username": owner.username,
        "employeeCode": owner.employee_code,
        "department": owner.department,
        "role": owner.role,
        "audiences": audiences_of(owner),
        "userAgent": (user_agent or "")[:200] or None,
        "createdAt": now,
        "updatedAt": now,
    }


def is_owner(subscription: Mapping[str, Any], principal: Principal) -> bool:
    return subscription["userId"] == principal.user_id


# --- what is pushed, to whom ---------------------------------------------------------------------


def push_audiences(event_type: str, data: Mapping[str, Any]) -> list[str]:
    """Whose devices hear an event: an assignment its assignee, an escalation the supervisors
    (and admins when it is late enough), an alert its one room. Nothing else is pushed."""
    if event_type == TASK_ASSIGNED:
        return [f"employee:{data['employeeId']}"] if data.get("employeeId") else []
    if event_type in ESCALATION_EVENTS:
        return audiences_for(event_type, data)
    return []


def push_message(event_type: str, data: Mapping[str, Any], notification_id: str) -> Document | None:
    """The small JSON a device shows: {title, body, url, tag} in English, plus `type` and the
    facts a service worker needs to word it in the phone's language; None for the rest."""
    room = data.get("roomNumber")
    job = _words(data.get("jobType")) or "task"
    where = f" · room {room}" if room else ""
    if event_type == TASK_ASSIGNED:
        priority = data.get("priority")
        body = f"{job.capitalize()}{where}"
        if priority in ("high", "urgent"):
            body += f" · {priority} priority"
        tag = f"task-{data.get('taskId')}"
        return _message("New task for you", body, TASKS_URL, tag, event_type, data)
    if event_type in ESCALATION_EVENTS:
        late = data.get("overdueMinutes")
        late = late if isinstance(late, int | float) and not isinstance(late, bool) else None
        reason = _words(data.get("reason")) or "needs attention"
        body = f"{job.capitalize()}{where}: {reason}"
        if late and late > 0:
            body += f", {round(late)} min overdue"
        title = f"Escalated task (level {data.get('level') or 1})"
        tag = f"escalation-{data.get('taskId')}"
        return {
            **_message(title, body, TASKS_URL, tag, event_type, data),
            "level": data.get("level") or 1,
            "reason": data.get("reason"),
            "overdueMinutes": late,
        }
    if event_type == ALERT_SENT:
        sender = (data.get("sentBy") or {}).get("username") or "a supervisor"
        priority = data.get("priority") or "normal"
        title = f"Alert from {sender}" + ("" if priority == "normal" else f" ({priority})")
        return {
            "title": title,
            "body": _clip(str(data.get("message") or "")),
            "url": ALERTS_URL,
            "tag": f"alert-{notification_id}",
            "type": ALERT_SENT,
            "alertId": notification_id,
            "priority": priority,
            "sentBy": sender,
        }
    return None


def _message(
    title: str, body: str, url: str, tag: str, event_type: str, data: Mapping[str, Any]
) -> Document:
    return {
        "title": title,
        "body": _clip(body),
        "url": url,
        "tag": tag,
        "type": event_type,
        "taskId": data.get("taskId"),
        "roomNumber": data.get("roomNumber"),
        "jobType": data.get("jobType"),
        "priority": data.get("priority"),
    }


def _words(code: Any) -> str:
    return str(code).replace("_", " ") if code else ""


def _clip(text: str) -> str:
    return text if len(text) <= MAX_BODY_LENGTH else text[: MAX_BODY_LENGTH - 1] + "…"


def queue_entry(
    *,
    entry_id: str,
    subscription: Mapping[str, Any],
    source_id: str,
    message: Mapping[str, Any],
    now: datetime,
) -> Document:
    """One push to one device, due now; the sender reads the device's keys when it sends."""
    return {
        "_id": entry_id,
        "subscriptionId": subscription["_id"],
        "userId": subscription["userId"],
        "sourceId": source_id,
        "payload": dict(message),
        "state": "pending",
        "attempts": 0,
        "nextAttemptAt": now,
        "claimedUntil": None,
        "createdAt": now,
    }


# --- the sender's decisions ---------------------------------------------------------------------


def outcome(status: int | None) -> str:
    """What a push service's answer means: sent, gone (drop the device), retry or failed.
    No answer at all (a network error) is worth another try."""
    if status is None or status in RETRY_STATUSES:
        return "retry"
    if 200 <= status < 300:
        return "sent"
    if status in GONE_STATUSES:
        return "gone"
    return "failed"


def backoff(
    attempts: int, base_s: float, cap_s: float, rand: random.Random | None = None
) -> timedelta:
    """Exponential back-off with jitter: in [ceiling/2, ceiling], ceiling = base·2^(n-1) ≤ cap."""
    ceiling = min(cap_s, base_s * (2 ** max(attempts - 1, 0)))
    return timedelta(seconds=(rand or random).uniform(ceiling / 2, ceiling))


def is_stale(entry: Mapping[str, Any], now: datetime, ttl_s: int) -> bool:
    """A push older than its time to live would arrive too late to help: it is dropped."""
    return now - entry["createdAt"] > timedelta(seconds=ttl_s)

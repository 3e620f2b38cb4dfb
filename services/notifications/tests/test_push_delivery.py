"""Web Push end to end inside the service: an event or an alert queues a push in its own
transaction, the worker's sender delivers it to a local push service that checks it as a real
one would (VAPID JWT, aes128gcm body, TTL), and the push service's answers are acted on."""

from datetime import timedelta

import pytest

from hotel_shared.events import new_event
from hotel_shared.revocations import ACCESS_REVOKED, revocation_data
from hotel_shared.testing.push import BrowserDevice, LocalPushService
from hotel_shared.timeutil import utc_now
from notifications.service import push as push_use_cases
from notifications.webpush import WebPushClient, load_vapid_keys

ASSIGNED = (
    "tasks.task.assigned.v1",
    {
        "taskId": "T9",
        "roomNumber": "205",
        "jobType": "plumbing",
        "department": "maintenance",
        "priority": "normal",
        "employeeId": "MT-001",
        "assignedTo": "Tom Tech",
    },
)
ESCALATED = (
    "tasks.task.escalated.v1",
    {**ASSIGNED[1], "level": 1, "notify": "supervisor", "reason": "not_acknowledged"},
)


@pytest.fixture
def push_service():
    with LocalPushService() as local:
        yield local


@pytest.fixture
def send(stores, config):
    """One pass of the worker's sender (at `now`, default the present)."""
    client = WebPushClient(load_vapid_keys(config.push, stores), "mailto:ops@hotel.example", 5)

    def run(now=None):
        return push_use_cases.send_due_pushes(stores, client, config.push, now=now)

    return run


def subscribe(client, headers, endpoint):
    device = BrowserDevice()
    response = client.post(
        "/api/push-subscriptions", json=device.subscription(endpoint), headers=headers
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return device, response.get_json()["id"]


def queued(stores):
    return list(stores.push_queue.find({}))


def test_an_assignment_reaches_the_assignees_device_encrypted_and_signed(
    client, demo_callers, deliver, make_envelope, push_service, send, stores
):
    endpoint = push_service.endpoint("tech-phone")
    device, _ = subscribe(client, demo_callers.technician, endpoint)
    subscribe(client, demo_callers.housekeeper, push_service.endpoint("hk-phone"))
    deliver(make_envelope(*ASSIGNED, actor={"userId": "u-supervisor", "username": "supervisor"}))
    # The handler only queued it, in its transaction: nothing went out yet.
    assert [entry["userId"] for entry in queued(stores)] == ["u-technician"]
    assert push_service.received == []

    assert send() == 1
    [request] = push_service.wait_for(1)
    assert request.path == "/push/tech-phone"
    assert request.vapid_error is None
    public_key = client.get("/api/push/vapid-public-key", headers=demo_callers.technician)
    assert request.vapid_key == public_key.get_json()["publicKey"]
    assert request.vapid_claims["aud"] == push_service.origin
    assert request.vapid_claims["exp"] > utc_now().timestamp()
    assert request.vapid_claims["sub"].startswith("mailto:")
    assert request.headers["authorization"].startswith("vapid t=")
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == "3600"
    assert request.payload(device) == {
        "title": "New task for you",
        "body": "Plumbing · room 205",
        "url": "/staff/#/tasks",
        "tag": "task-T9",
        "type": "tasks.task.assigned.v1",
        "taskId": "T9",
        "roomNumber": "205",
        "jobType": "plumbing",
        "priority": "normal",
    }
    assert queued(stores) == []


def test_a_redelivered_event_is_pushed_once(
    client, demo_callers, deliver, make_envelope, push_service, stores
):
    subscribe(client, demo_callers.technician, push_service.endpoint())
    envelope = make_envelope(*ASSIGNED)
    deliver(envelope)
    deliver(envelope)
    assert len(queued(stores)) == 1


def test_whoever_assigned_themselves_is_not_pushed(
    client, demo_callers, deliver, make_envelope, push_service, stores
):
    subscribe(client, demo_callers.technician, push_service.endpoint())
    deliver(make_envelope(*ASSIGNED, actor={"userId": "u-technician", "username": "technician"}))
    assert queued(stores) == []


def test_an_escalation_reaches_the_supervisors_not_the_assignee(
    client, demo_callers, deliver, make_envelope, push_service, send
):
    supervisor, _ = subscribe(client, demo_callers.supervisor, push_service.endpoint("sup"))
    subscribe(client, demo_callers.technician, push_service.endpoint("tech"))
    deliver(make_envelope(*ESCALATED))
    assert send() == 1
    [request] = push_service.wait_for(1)
    assert request.path == "/push/sup"
    message = request.payload(supervisor)
    assert message["title"] == "Escalated task (level 1)"
    assert message["tag"] == "escalation-T9"


def test_an_alert_reaches_its_audience_but_not_its_sender(client, demo_callers, push_service, send):
    housekeeper, _ = subscribe(client, demo_callers.housekeeper, push_service.endpoint("hk"))
    subscribe(client, demo_callers.supervisor, push_service.endpoint("sup"))
    subscribe(client, demo_callers.technician, push_service.endpoint("tech"))
    body = {
        "audience": {"kind": "department", "value": "housekeeping"},
        "message": "VIP arriving in 301: inspect first",
        "priority": "high",
    }
    sent = client.post("/api/alerts", json=body, headers=demo_callers.supervisor)
    assert sent.status_code == 201, sent.get_data(as_text=True)
    assert send() == 1
    [request] = push_service.wait_for(1)
    assert request.path == "/push/hk"
    assert request.payload(housekeeper) == {
        "title": "Alert from supervisor (high)",
        "body": "VIP arriving in 301: inspect first",
        "url": "/staff/#/alerts",
        "tag": f"alert-{sent.get_json()['id']}",
        "type": "alert.sent",
        "alertId": sent.get_json()["id"],
        "priority": "high",
        "sentBy": "supervisor",
    }


def test_a_gone_device_is_removed(
    client, demo_callers, deliver, make_envelope, push_service, send, stores
):
    subscribe(client, demo_callers.technician, push_service.endpoint())
    push_service.answer(410)
    deliver(make_envelope(*ASSIGNED))
    send()
    push_service.wait_for(1)
    assert client.get("/api/push-subscriptions", headers=demo_callers.technician).get_json() == {
        "items": []
    }
    assert queued(stores) == []


def test_a_busy_push_service_is_tried_again_later(
    client, demo_callers, deliver, make_envelope, push_service, send, stores
):
    device, _ = subscribe(client, demo_callers.technician, push_service.endpoint())
    push_service.answer(429)
    deliver(make_envelope(*ASSIGNED))
    send()
    push_service.wait_for(1)
    [entry] = queued(stores)
    assert (entry["state"], entry["attempts"]) == ("pending", 1)
    assert entry["nextAttemptAt"] > utc_now() - timedelta(seconds=1)
    send(now=entry["nextAttemptAt"] + timedelta(seconds=1))
    [_, second] = push_service.wait_for(2)
    assert second.status == 201
    assert second.payload(device)["tag"] == "task-T9"
    assert queued(stores) == []


def test_the_sender_gives_up_after_max_attempts(
    client, demo_callers, deliver, make_envelope, push_service, send, stores, config
):
    subscribe(client, demo_callers.technician, push_service.endpoint())
    push_service.answer(*[503] * config.push.max_attempts)
    deliver(make_envelope(*ASSIGNED))
    later = utc_now()
    for attempt in range(1, config.push.max_attempts + 1):
        later += timedelta(minutes=1)
        send(now=later)
        push_service.wait_for(attempt)
    [entry] = queued(stores)
    assert (entry["state"], entry["attempts"]) == ("failed", config.push.max_attempts)
    assert entry["lastError"].startswith("503")
    send(now=later + timedelta(hours=1))
    assert len(push_service.received) == config.push.max_attempts


def test_a_moved_device_does_not_get_its_previous_owners_pushes(
    client, demo_callers, deliver, make_envelope, push_service, send, stores
):
    endpoint = push_service.endpoint("shared")
    subscribe(client, demo_callers.technician, endpoint)
    deliver(make_envelope(*ASSIGNED))
    subscribe(client, demo_callers.housekeeper, endpoint)
    assert queued(stores) == []
    assert send() == 0


def test_revoked_access_forgets_the_persons_devices(
    client, demo_callers, deliver, make_envelope, push_service, stores
):
    subscribe(client, demo_callers.technician, push_service.endpoint("tech"))
    subscribe(client, demo_callers.housekeeper, push_service.endpoint("hk"))
    deliver(make_envelope(*ASSIGNED))
    revoked_at = utc_now()
    data = revocation_data(
        "u-technician",
        reason="claims_changed",
        revoked_at=revoked_at,
        expires_at=revoked_at + timedelta(minutes=15),
    )
    deliver(new_event(ACCESS_REVOKED, source="auth", subject="user/u-technician", data=data))
    owners = [device["userId"] for device in stores.push_subscriptions.find({})]
    assert owners == ["u-housekeeper"]
    assert queued(stores) == []

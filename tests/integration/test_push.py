"""Web Push through the real platform: a technician's subscribed phone gets an encrypted, VAPID
signed push when a guest request is assigned to them.

No push service is reachable from the test machine: the "phone" subscribes with an endpoint on a
local push service (hotel_shared.testing.push) that records and verifies what it receives.
Notifications accepts such a loopback endpoint only with NOTIFICATIONS_PUSH_ALLOW_LOCAL_ENDPOINTS,
which the platform fixture (tests/integration/conftest.py) sets for the test stack.
"""

from __future__ import annotations

import pytest
from conftest import eventually

from hotel_shared.testing.push import BrowserDevice, LocalPushService


@pytest.fixture
def push_service():
    with LocalPushService() as local:
        yield local


def test_a_subscribed_technician_is_pushed_a_request_assigned_to_them(gateway, push_service):
    key = gateway.request("GET", "/api/push/vapid-public-key", as_user="technician")
    assert key.status_code == 200, key.text
    public_key = key.json()["publicKey"]

    phone = BrowserDevice()
    endpoint = push_service.endpoint("technician-phone")
    subscribed = gateway.request(
        "POST", "/api/push-subscriptions", as_user="technician", json=phone.subscription(endpoint)
    )
    assert subscribed.status_code in (200, 201), subscribed.text
    subscription_id = subscribed.json()["id"]
    mine = gateway.request("GET", "/api/push-subscriptions", as_user="technician").json()
    assert subscription_id in [device["id"] for device in mine["items"]]

    body = {"roomNumber": "205", "jobType": "plumbing", "priority": "high"}
    created = gateway.request("POST", "/api/requests", as_user="frontdesk", json=body)
    assert created.status_code == 201, created.text
    request = created.json()
    assert request["task"]["employeeId"] == "MT-001"
    tag = f"task-{request['taskId']}"

    def pushed():
        """the technician's phone received the push for the new task"""
        return [r for r in push_service.to(endpoint) if r.payload(phone)["tag"] == tag]

    [push] = eventually(pushed, timeout=20)
    assert push.vapid_error is None
    assert push.vapid_key == public_key
    assert push.vapid_claims["aud"] == push_service.origin
    assert push.headers["content-encoding"] == "aes128gcm"
    assert int(push.headers["ttl"]) > 0
    assert push.payload(phone) == {
        "title": "New task for you",
        "body": "Plumbing · room 205 · high priority",
        "url": "/staff/#/tasks",
        "tag": tag,
        "type": "tasks.task.assigned.v1",
        "taskId": request["taskId"],
        "roomNumber": "205",
        "jobType": "plumbing",
        "priority": "high",
    }

    # The phone is put away: the next push is answered 410, and the device is forgotten.
    push_service.answer(410)
    again = gateway.request("POST", "/api/requests", as_user="frontdesk", json=body)
    assert again.status_code == 201, again.text

    def forgotten():
        """the gone device was removed from the technician's subscriptions"""
        items = gateway.request("GET", "/api/push-subscriptions", as_user="technician").json()
        return subscription_id not in [device["id"] for device in items["items"]]

    eventually(forgotten, timeout=20)

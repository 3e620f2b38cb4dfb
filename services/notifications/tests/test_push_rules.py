"""Web Push rules: which endpoints and keys a device may subscribe with, who is pushed what,
and what the sender does with a push service's answer."""

from datetime import UTC, datetime, timedelta

import pytest

from hotel_shared.principal import Principal
from hotel_shared.testing.push import BrowserDevice
from notifications.rules import push

TECH = Principal("u-technician", "technician", "staff", "maintenance", "MT-001")
GUEST = Principal("u-guest-205", "guest-205", "guest", room_number="205")
ASSIGNED = {
    "taskId": "T1",
    "roomNumber": "205",
    "jobType": "plumbing",
    "department": "maintenance",
    "priority": "high",
    "employeeId": "MT-001",
}
ESCALATED = {**ASSIGNED, "level": 1, "reason": "not_acknowledged", "overdueMinutes": 4.2}


def test_an_assignment_is_pushed_to_its_assignee_only():
    assert push.push_audiences("tasks.task.assigned.v1", ASSIGNED) == ["employee:MT-001"]
    assert push.push_audiences("tasks.task.assigned.v1", {**ASSIGNED, "employeeId": None}) == []


def test_an_escalation_is_pushed_to_supervisors_and_late_ones_to_admins():
    assert push.push_audiences("tasks.task.escalated.v1", ESCALATED) == ["role:supervisor"]
    late = {**ESCALATED, "level": 2}
    assert push.push_audiences("tasks.task.escalated.v1", late) == [
        "role:supervisor",
        "role:hotelAdmin",
    ]


@pytest.mark.parametrize(
    "event_type",
    [
        "rooms.room.status_changed.v1",
        "tasks.task.status_changed.v1",
        "tasks.task.completed.v1",
        "tasks.request.created.v1",
        "fnb.order.placed.v1",
    ],
)
def test_other_events_are_not_pushed(event_type):
    assert push.push_audiences(event_type, ASSIGNED) == []
    assert push.push_message(event_type, ASSIGNED, "e1") is None


def test_the_messages_are_small_and_say_what_happened():
    assigned = push.push_message("tasks.task.assigned.v1", ASSIGNED, "e1")
    assert assigned == {
        "title": "New task for you",
        "body": "Plumbing · room 205 · high priority",
        "url": "/staff/#/tasks",
        "tag": "task-T1",
        "type": "tasks.task.assigned.v1",
        "taskId": "T1",
        "roomNumber": "205",
        "jobType": "plumbing",
        "priority": "high",
    }
    escalated = push.push_message("tasks.task.escalated.v1", ESCALATED, "e2")
    assert escalated["title"] == "Escalated task (level 1)"
    assert escalated["body"] == "Plumbing · room 205: not acknowledged, 4 min overdue"
    assert escalated["tag"] == "escalation-T1"
    assert (escalated["level"], escalated["reason"], escalated["overdueMinutes"]) == (
        1,
        "not_acknowledged",
        4.2,
    )
    odd = push.push_message("tasks.task.escalated.v1", {**ESCALATED, "overdueMinutes": "x"}, "e3")
    assert odd["body"] == "Plumbing · room 205: not acknowledged"
    assert odd["overdueMinutes"] is None
    alert = push.push_message(
        "alert.sent",
        {"message": "x" * 400, "priority": "urgent", "sentBy": {"username": "supervisor"}},
        "A1",
    )
    assert alert["title"] == "Alert from supervisor (urgent)"
    assert len(alert["body"]) == push.MAX_BODY_LENGTH
    assert alert["body"].endswith("…")
    assert (alert["url"], alert["tag"], alert["alertId"]) == ("/staff/#/alerts", "alert-A1", "A1")
    assert (alert["priority"], alert["sentBy"]) == ("urgent", "supervisor")


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/abc",
        "https://web.push.apple.com/QGx",
    ],
)
def test_push_service_urls_are_accepted(endpoint):
    assert push.check_endpoint(endpoint, allow_local=False) == endpoint


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",  # not https
        "https://127.0.0.1/push",  # an IP literal
        "https://10.0.0.5/push",
        "https://[::1]/push",
        "https://localhost/push",
        "http://127.0.0.1:9000/push",  # local, but the setting is off
        "https://user:pw@push.example.com/x",
        "ftp://push.example.com/x",
        "not a url",
        "https://push.example.com:99999/x",
        "https://" + "a" * 2050,
    ],
)
def test_other_endpoints_are_refused(endpoint):
    with pytest.raises(push.InvalidSubscription):
        push.check_endpoint(endpoint, allow_local=False)


def test_local_endpoints_only_where_the_setting_allows():
    for endpoint in ("http://127.0.0.1:9000/push/a", "http://localhost:9000/push/a"):
        assert push.check_endpoint(endpoint, allow_local=True) == endpoint
    with pytest.raises(push.InvalidSubscription):
        push.check_endpoint("http://10.0.0.5:9000/push", allow_local=True)


def test_keys_must_be_a_p256_point_and_a_16_byte_secret():
    keys = BrowserDevice().subscription("https://push.example.com/x")["keys"]
    assert push.check_keys(keys) == keys
    for bad in (
        {**keys, "p256dh": keys["p256dh"][:40]},
        {**keys, "p256dh": "A" + keys["p256dh"][1:]},  # not an uncompressed point (0x04)
        {**keys, "auth": keys["auth"] + "AAAA"},
        {**keys, "auth": "!!!"},
    ):
        with pytest.raises(push.InvalidSubscription):
            push.check_keys(bad)


def test_a_subscription_carries_what_its_owner_hears():
    now = datetime(2026, 12, 1, tzinfo=UTC)
    device = push.build_subscription(
        subscription_id="S1",
        owner=TECH,
        endpoint="https://push.example.com/x",
        keys={"p256dh": "p", "auth": "a"},
        user_agent="Phone",
        now=now,
    )
    assert device["audiences"] == [
        "role:staff",
        "user:u-technician",
        "dept:maintenance",
        "employee:MT-001",
        "dept:maintenance/employee:MT-001",
    ]
    assert (device["userId"], device["employeeCode"], device["role"]) == (
        "u-technician",
        "MT-001",
        "staff",
    )


def test_guests_have_no_push():
    with pytest.raises(push.GuestsNotPushed):
        push.check_subscriber(GUEST)
    push.check_subscriber(TECH)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (201, "sent"),
        (200, "sent"),
        (404, "gone"),
        (410, "gone"),
        (429, "retry"),
        (500, "retry"),
        (503, "retry"),
        (None, "retry"),
        (400, "failed"),
        (403, "failed"),
        (413, "failed"),
    ],
)
def test_what_a_push_service_answer_means(status, outcome):
    assert push.outcome(status) == outcome


def test_backoff_grows_and_is_capped():
    class Top:
        def uniform(self, low, high):
            return high

    delays = [push.backoff(n, 2.0, 30.0, Top()).total_seconds() for n in range(1, 7)]
    assert delays == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_a_push_older_than_its_ttl_is_stale():
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    entry = {"createdAt": now - timedelta(seconds=61)}
    assert push.is_stale(entry, now, 60)
    assert not push.is_stale(entry, now, 3600)

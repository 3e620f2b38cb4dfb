"""SLA clock and escalation, and the department analytics they feed, on the real server."""

from __future__ import annotations

from datetime import timedelta

from conftest import outbox_events
from test_api import HOT_WATER, create, move

from hotel_shared.principal import Context
from hotel_shared.timeutil import utc_now
from tasks import analytics, service

CLOCK = Context()  # the escalator acts for nobody


def escalations(stores) -> list[dict]:
    return [e["data"] for e in outbox_events(stores, "tasks.task.escalated.v1")]


def test_unacknowledged_task_escalates_once_per_level(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]
    created = stores.get_task(task_id)["createdAt"]
    # Maintenance acknowledges within 15 minutes; nothing is due before that.
    assert service.escalate_due_tasks(stores, CLOCK, created + timedelta(minutes=14)) == 0
    assert service.escalate_due_tasks(stores, CLOCK, created + timedelta(minutes=16)) == 1
    assert service.escalate_due_tasks(stores, CLOCK, created + timedelta(minutes=20)) == 0
    [first] = escalations(stores)
    assert (first["level"], first["notify"], first["reason"]) == (
        1,
        "supervisor",
        "not_acknowledged",
    )
    assert first["overdueMinutes"] == 1.0
    # The second level (hotelAdmin) fires 30 minutes after the first breach, once.
    assert service.escalate_due_tasks(stores, CLOCK, created + timedelta(minutes=46)) == 1
    assert service.escalate_due_tasks(stores, CLOCK, created + timedelta(hours=9)) == 0
    assert [e["notify"] for e in escalations(stores)] == ["supervisor", "hotelAdmin"]


def test_acknowledged_task_escalates_only_when_overdue(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]
    assert move(client, callers.technician, task_id, "acknowledged").status_code == 200
    created = stores.get_task(task_id)["createdAt"]
    assert service.escalate_due_tasks(stores, CLOCK, created + timedelta(minutes=59)) == 0
    assert service.escalate_due_tasks(stores, CLOCK, created + timedelta(minutes=61)) == 1
    [event] = escalations(stores)
    assert event["reason"] == "overdue"
    assert event["taskId"] == task_id
    assert stores.get_task(task_id)["slaBreached"] is True


def test_completed_task_never_escalates(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]
    for status in ("acknowledged", "in_progress", "completed"):
        assert move(client, callers.technician, task_id, status).status_code == 200
    assert service.escalate_due_tasks(stores, CLOCK, utc_now() + timedelta(days=2)) == 0
    assert escalations(stores) == []


def test_department_analytics(client, callers, stores):
    done = create(client, callers.front_desk)["taskId"]
    for status in ("acknowledged", "in_progress", "completed"):
        assert move(client, callers.technician, done, status).status_code == 200
    create(client, callers.front_desk)
    cancelled = create(client, callers.front_desk, {**HOT_WATER, "jobType": "cleaning"})["taskId"]
    assert move(client, callers.supervisor, cancelled, "cancelled").status_code == 200
    later = utc_now() + timedelta(hours=3)
    assert service.escalate_due_tasks(stores, CLOCK, later) == 1  # one level per scan
    assert service.escalate_due_tasks(stores, CLOCK, later) == 1
    response = client.get("/api/analytics/departments", headers=callers.supervisor)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    by_department = {row["department"]: row for row in body["departments"]}
    maintenance = by_department["maintenance"]
    assert (maintenance["requests"], maintenance["completed"], maintenance["open"]) == (2, 1, 1)
    assert maintenance["avgAcknowledgeMinutes"] is not None
    assert maintenance["escalations"] == 2  # the open one: supervisor, then hotelAdmin
    assert maintenance["slaBreachRate"] == 0.5
    assert by_department["housekeeping"]["open"] == 0
    [technician] = [e for e in body["employees"] if e["employeeId"] == "MT-001"]
    assert (technician["assigned"], technician["completed"]) == (2, 1)
    assert sum(day["requests"] for day in body["daily"]) == 3
    # A rebuild from the tasks themselves gives the same department figures.
    analytics.rebuild_stats(stores, CLOCK)
    rebuilt = client.get("/api/analytics/departments", headers=callers.supervisor).get_json()
    assert rebuilt["departments"] == body["departments"]
    denied = client.get("/api/analytics/departments", headers=callers.technician)
    assert denied.status_code == 403

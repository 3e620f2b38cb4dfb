"""SLA clock and escalation, department analytics, and the rooms-event reactions, on real Mongo."""

from __future__ import annotations

from datetime import timedelta

from conftest import outbox_events
from test_api import HOT_WATER, create, move

from hotel_shared.timeutil import utc_now
from tasks import domain, rules
from tasks.handlers import bind_handlers

CHECKED_OUT = "rooms.customer.checked_out.v1"
STATUS_CHANGED = "rooms.room.status_changed.v1"


def escalations(stores) -> list[dict]:
    return [e["data"] for e in outbox_events(stores, "tasks.task.escalated.v1")]


def test_unacknowledged_task_escalates_once_per_level(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]
    created = stores.get_task(task_id)["createdAt"]
    # Maintenance acknowledges within 15 minutes; nothing is due before that.
    assert domain.escalate_due_tasks(stores, created + timedelta(minutes=14)) == 0
    assert domain.escalate_due_tasks(stores, created + timedelta(minutes=16)) == 1
    assert domain.escalate_due_tasks(stores, created + timedelta(minutes=20)) == 0
    [first] = escalations(stores)
    assert (first["level"], first["notify"], first["reason"]) == (
        1,
        "supervisor",
        "not_acknowledged",
    )
    assert first["overdueMinutes"] == 1.0
    # The second level (hotelAdmin) fires 30 minutes after the first breach, once.
    assert domain.escalate_due_tasks(stores, created + timedelta(minutes=46)) == 1
    assert domain.escalate_due_tasks(stores, created + timedelta(hours=9)) == 0
    assert [e["notify"] for e in escalations(stores)] == ["supervisor", "hotelAdmin"]


def test_acknowledged_task_escalates_only_when_overdue(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]
    assert move(client, callers.technician, task_id, "acknowledged").status_code == 200
    created = stores.get_task(task_id)["createdAt"]
    assert domain.escalate_due_tasks(stores, created + timedelta(minutes=59)) == 0
    assert domain.escalate_due_tasks(stores, created + timedelta(minutes=61)) == 1
    [event] = escalations(stores)
    assert event["reason"] == "overdue"
    assert event["taskId"] == task_id
    assert stores.get_task(task_id)["slaBreached"] is True


def test_completed_task_never_escalates(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]
    for status in ("acknowledged", "in_progress", "completed"):
        assert move(client, callers.technician, task_id, status).status_code == 200
    assert domain.escalate_due_tasks(stores, utc_now() + timedelta(days=2)) == 0
    assert escalations(stores) == []


def test_department_analytics(client, callers, stores):
    done = create(client, callers.front_desk)["taskId"]
    for status in ("acknowledged", "in_progress", "completed"):
        assert move(client, callers.technician, done, status).status_code == 200
    create(client, callers.front_desk)
    cancelled = create(client, callers.front_desk, {**HOT_WATER, "jobType": "cleaning"})["taskId"]
    assert move(client, callers.supervisor, cancelled, "cancelled").status_code == 200
    later = utc_now() + timedelta(hours=3)
    assert domain.escalate_due_tasks(stores, later) == 1  # one level per scan
    assert domain.escalate_due_tasks(stores, later) == 1
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
    domain.rebuild_stats(stores)
    rebuilt = client.get("/api/analytics/departments", headers=callers.supervisor).get_json()
    assert rebuilt["departments"] == body["departments"]
    denied = client.get("/api/analytics/departments", headers=callers.technician)
    assert denied.status_code == 403


def test_checkout_delivered_twice_creates_one_departure_clean(stores, make_envelope):
    handle = bind_handlers(stores)[CHECKED_OUT]
    data = {
        "customerId": "c-1",
        "roomNumber": "204",
        "name": "Ada",
        "bookingId": "b-1",
        "specialId": "S1",
    }
    envelope = make_envelope(CHECKED_OUT, data, subject="customer/c-1")
    handle(envelope)
    handle(envelope)  # redelivery of the same message
    handle(make_envelope(CHECKED_OUT, data, subject="customer/c-1"))  # re-published checkout
    tasks = list(stores.tasks.find({"room": "204"}))
    assert len(tasks) == 1
    assert (tasks[0]["type"], tasks[0]["priority"]) == ("cleaning", "high")
    assert tasks[0]["employeeId"] == "HK-001"


def test_dirty_status_and_checkout_give_one_open_cleaning_task(stores, make_envelope):
    handlers = bind_handlers(stores)
    dirty = {
        "roomNumber": "204",
        "housekeepingStatus": "Dirty",
        "previousHousekeepingStatus": "Inspected",
    }
    handlers[STATUS_CHANGED](make_envelope(STATUS_CHANGED, dirty))
    handlers[CHECKED_OUT](
        make_envelope(CHECKED_OUT, {"customerId": "c-2", "roomNumber": "204", "name": "Bo"})
    )
    [task] = list(stores.tasks.find({"room": "204"}))
    assert task["priority"] == "high"
    assert task["dedupeKey"] == "checkout:c-2"


def test_room_set_dirty_by_hand_gets_a_cleaning_task_unless_one_is_open(stores, make_envelope):
    handle = bind_handlers(stores)[STATUS_CHANGED]
    dirty = {
        "roomNumber": "110",
        "housekeepingStatus": "Dirty",
        "previousHousekeepingStatus": "Clean",
    }
    handle(make_envelope(STATUS_CHANGED, dirty))
    handle(make_envelope(STATUS_CHANGED, dirty))
    handle(make_envelope(STATUS_CHANGED, {**dirty, "housekeepingStatus": "Clean"}))
    [task] = list(stores.tasks.find({"room": "110"}))
    assert (task["type"], task["priority"], task["status"]) == ("cleaning", "normal", "assigned")


def test_rules_choose_the_least_loaded_then_longest_idle():
    now = utc_now()
    staff = [
        {"employeeCode": "A", "role": "staff", "onDuty": True, "openTasks": 2},
        {
            "employeeCode": "B",
            "role": "staff",
            "onDuty": True,
            "openTasks": 1,
            "lastAssignedAt": now,
        },
        {
            "employeeCode": "C",
            "role": "staff",
            "onDuty": True,
            "openTasks": 1,
            "lastAssignedAt": now - timedelta(hours=1),
        },
        {"employeeCode": "D", "role": "staff", "onDuty": False, "openTasks": 0},
        {"employeeCode": "E", "role": "supervisor", "onDuty": True, "openTasks": 0},
    ]
    assert rules.choose_assignee(staff)["employeeCode"] == "C"
    assert rules.choose_assignee(staff[3:]) is None

"""PATCH /api/tasks/{taskId}: a new priority and the due date following it, on the real server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import outbox_events
from test_api import HOT_WATER, create, move

from hotel_shared.principal import Context
from hotel_shared.testing import assert_problem
from hotel_shared.timeutil import parse_iso
from tasks import service

LINEN = {"roomNumber": "104", "jobType": "linen", "priority": "normal"}


def reprioritise(client, headers, task_id, priority, **extra_headers):
    return client.patch(
        f"/api/tasks/{task_id}", json={"priority": priority}, headers={**headers, **extra_headers}
    )


def minutes_from_creation(task: dict, field: str) -> float:
    return (parse_iso(task[field]) - parse_iso(task["createdAt"])).total_seconds() / 60


def test_urgent_brings_the_due_date_to_the_department_sla_for_urgent(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]  # maintenance, high: 60 minutes
    response = reprioritise(client, callers.front_desk, task_id, "urgent")
    assert response.status_code == 200, response.get_data(as_text=True)
    task = response.get_json()
    assert task["priority"] == "urgent"
    assert minutes_from_creation(task, "dueDate") == pytest.approx(30)
    assert minutes_from_creation(task, "acknowledgeBy") == pytest.approx(15)
    assert response.headers["ETag"] == f'"{task["version"]}"'
    again = client.get(f"/api/tasks/{task_id}", headers=callers.technician).get_json()
    assert (again["priority"], again["dueDate"]) == ("urgent", task["dueDate"])


def test_the_change_is_published_with_what_moved(client, callers, stores):
    before = create(client, callers.front_desk)
    task_id = before["taskId"]
    after = reprioritise(client, callers.admin, task_id, "low").get_json()
    [event] = outbox_events(stores, "tasks.task.updated.v1")
    assert event["subject"] == f"task/{task_id}"
    assert event["actor"]["username"] == "admin"
    data = event["data"]
    assert (data["priority"], data["dueDate"], data["employeeId"]) == (
        "low",
        after["dueDate"],
        "MT-001",
    )
    assert data["changes"] == [
        {"field": "priority", "oldValue": "high", "newValue": "low"},
        {"field": "dueDate", "oldValue": before["task"]["dueDate"], "newValue": after["dueDate"]},
    ]


def test_the_same_priority_is_a_quiet_no_op(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]
    version = client.get(f"/api/tasks/{task_id}", headers=callers.admin).get_json()["version"]
    response = reprioritise(client, callers.front_desk, task_id, "high")
    assert response.status_code == 200
    assert response.get_json()["version"] == version
    assert outbox_events(stores, "tasks.task.updated.v1") == []


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_a_finished_task_is_409(client, callers, status):
    task_id = create(client, callers.front_desk)["taskId"]
    steps = ("acknowledged", "in_progress", "completed") if status == "completed" else (status,)
    for step in steps:
        assert move(client, callers.admin, task_id, step).status_code == 200
    assert_problem(reprioritise(client, callers.admin, task_id, "urgent"), 409, "task_closed")


def test_who_may_change_a_priority(client, callers):
    maintenance = create(client, callers.front_desk)["taskId"]
    housekeeping = create(client, callers.front_desk, LINEN)["taskId"]
    assert_problem(
        reprioritise(client, callers.technician, maintenance, "urgent"), 403, "role_not_allowed"
    )
    # The housekeeping supervisor: their own department's task, not maintenance's.
    assert_problem(
        reprioritise(client, callers.supervisor, maintenance, "urgent"), 403, "not_allowed"
    )
    assert reprioritise(client, callers.supervisor, housekeeping, "urgent").status_code == 200
    assert reprioritise(client, callers.front_desk, maintenance, "low").status_code == 200


def test_a_bad_priority_or_body_is_422(client, callers):
    task_id = create(client, callers.front_desk)["taskId"]
    assert_problem(reprioritise(client, callers.admin, task_id, "asap"), 422)
    response = client.patch(f"/api/tasks/{task_id}", json={}, headers=callers.admin)
    assert_problem(response, 422)
    response = client.patch(
        f"/api/tasks/{task_id}", json={"priority": "low", "status": "done"}, headers=callers.admin
    )
    assert_problem(response, 422)


def test_stale_if_match_is_412_and_the_current_one_passes(client, callers):
    task_id = create(client, callers.front_desk)["taskId"]
    stale = reprioritise(client, callers.admin, task_id, "urgent", **{"If-Match": '"99"'})
    assert_problem(stale, 412, "precondition_failed")
    version = client.get(f"/api/tasks/{task_id}", headers=callers.admin).get_json()["version"]
    fresh = reprioritise(client, callers.admin, task_id, "urgent", **{"If-Match": f'"{version}"'})
    assert fresh.status_code == 200
    assert fresh.get_json()["version"] == version + 1


def test_unknown_task_is_404(client, callers):
    assert_problem(reprioritise(client, callers.admin, "T-nope", "low"), 404, "task_not_found")


def test_a_due_date_moved_into_the_past_is_escalated_as_overdue(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]
    assert move(client, callers.technician, task_id, "acknowledged").status_code == 200
    created = stores.get_task(task_id)["createdAt"]
    forty_minutes_on = created + timedelta(minutes=40)
    assert service.escalate_due_tasks(stores, Context(), forty_minutes_on) == 0
    assert reprioritise(client, callers.front_desk, task_id, "urgent").status_code == 200
    assert service.escalate_due_tasks(stores, Context(), forty_minutes_on) == 1
    [escalated] = [e["data"] for e in outbox_events(stores, "tasks.task.escalated.v1")]
    assert (escalated["level"], escalated["reason"], escalated["priority"]) == (
        1,
        "overdue",
        "urgent",
    )
    assert escalated["overdueMinutes"] == 10.0
    assert stores.get_task(task_id)["slaBreached"] is True


def test_notes_come_back_with_the_task_author_and_time(client, callers):
    task_id = create(client, callers.front_desk, {**HOT_WATER, "priority": "normal"})["taskId"]
    client.post(f"/api/tasks/{task_id}/notes", json={"text": "guest out"}, headers=callers.admin)
    [note] = client.get(f"/api/tasks/{task_id}", headers=callers.supervisor).get_json()["notes"]
    assert (note["text"], note["author"]) == ("guest out", "admin")
    assert parse_iso(note["at"]) is not None

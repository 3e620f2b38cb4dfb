"""Events the tasks service publishes: their types and how each payload is built from a task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotel_shared.events import new_event
from hotel_shared.timeutil import to_iso

SOURCE = "tasks"
REQUEST_CREATED = "tasks.request.created.v1"
TASK_ASSIGNED = "tasks.task.assigned.v1"
TASK_UNASSIGNED = "tasks.task.unassigned.v1"
TASK_STATUS_CHANGED = "tasks.task.status_changed.v1"
TASK_COMPLETED = "tasks.task.completed.v1"
TASK_ESCALATED = "tasks.task.escalated.v1"

# Events in: the two fields of each that this service reads are named in handlers.py.
CUSTOMER_CHECKED_OUT = "rooms.customer.checked_out.v1"
ROOM_STATUS_CHANGED = "rooms.room.status_changed.v1"

Task = Mapping[str, Any]
Actor = dict[str, Any] | None


def task_subject(task: Task) -> str:
    return f"task/{task['taskId']}"


def _task_event(
    event_type: str, task: Task, data: dict[str, Any], actor: Actor, correlation_id: str | None
) -> dict[str, Any]:
    return new_event(
        event_type,
        source=SOURCE,
        subject=task_subject(task),
        data={
            "taskId": task["taskId"],
            "roomNumber": task["room"],
            "jobType": task["type"],
            "department": task["department"],
            **data,
        },
        actor=actor,
        correlation_id=correlation_id,
    )


def request_created(task: Task, *, actor: Actor, correlation_id: str | None) -> dict[str, Any]:
    data = {"priority": task["priority"], "description": task.get("description")}
    return _task_event(REQUEST_CREATED, task, data, actor, correlation_id)


def task_assigned(task: Task, *, actor: Actor, correlation_id: str | None) -> dict[str, Any]:
    data = {
        "priority": task["priority"],
        "employeeId": task["employeeId"],
        "assignedTo": task["assignedTo"],
        "dueDate": to_iso(task["dueDate"]),
    }
    return _task_event(TASK_ASSIGNED, task, data, actor, correlation_id)


def task_unassigned(
    task: Task, *, reason: str, actor: Actor, correlation_id: str | None
) -> dict[str, Any]:
    data = {"priority": task["priority"], "reason": reason, "notify": "supervisor"}
    return _task_event(TASK_UNASSIGNED, task, data, actor, correlation_id)


def task_status_changed(
    task: Task, *, old_status: str, actor: Actor, correlation_id: str | None
) -> dict[str, Any]:
    data = {
        "employeeId": task.get("employeeId"),
        "oldStatus": old_status,
        "newStatus": task["status"],
        "version": task["version"],
    }
    return _task_event(TASK_STATUS_CHANGED, task, data, actor, correlation_id)


def task_completed(task: Task, *, actor: Actor, correlation_id: str | None) -> dict[str, Any]:
    data = {
        "employeeId": task.get("employeeId"),
        "completedAt": to_iso(task["completedAt"]),
        "workMinutes": task.get("workMinutes"),
    }
    return _task_event(TASK_COMPLETED, task, data, actor, correlation_id)


def task_escalated(task: Task, step: Mapping[str, Any]) -> dict[str, Any]:
    data = {
        "employeeId": task.get("employeeId"),
        "status": task["status"],
        "priority": task["priority"],
        "dueDate": to_iso(task["dueDate"]),
        "level": step["level"],
        "notify": step["notify"],
        "reason": step["reason"],
        "overdueMinutes": step["overdueMinutes"],
    }
    return _task_event(TASK_ESCALATED, task, data, None, None)

"""Events the tasks service publishes (types and payload builders) and the ones it consumes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotel_shared.events import EventSource, changes_between
from hotel_shared.principal import Context
from hotel_shared.timeutil import to_iso

SOURCE = EventSource("tasks")
REQUEST_CREATED = "tasks.request.created.v1"
TASK_ASSIGNED = "tasks.task.assigned.v1"
TASK_UNASSIGNED = "tasks.task.unassigned.v1"
TASK_STATUS_CHANGED = "tasks.task.status_changed.v1"
TASK_COMPLETED = "tasks.task.completed.v1"
TASK_ESCALATED = "tasks.task.escalated.v1"
TASK_UPDATED = "tasks.task.updated.v1"

# Events in: handlers.py names the fields of each that this service reads.
CUSTOMER_CHECKED_OUT = "rooms.customer.checked_out.v1"
ROOM_STATUS_CHANGED = "rooms.room.status_changed.v1"
USER_UPDATED = "auth.user.updated.v1"
USER_DEACTIVATED = "auth.user.deactivated.v1"

# The fields of a task whose moves tasks.task.status_changed.v1 lists in `changes`.
STATUS_CHANGE_FIELDS = ("status",)
# ... and those tasks.task.updated.v1 lists (a new priority moves the due date with it).
UPDATE_FIELDS = ("priority", "dueDate")

Task = Mapping[str, Any]
Envelope = dict[str, Any]


def task_subject(task: Task) -> str:
    return f"task/{task['taskId']}"


def _task_event(event_type: str, task: Task, data: dict[str, Any], ctx: Context) -> Envelope:
    return SOURCE.event(
        event_type,
        subject=task_subject(task),
        data={
            "taskId": task["taskId"],
            "roomNumber": task["room"],
            "jobType": task["type"],
            "department": task["department"],
            **data,
        },
        actor=ctx.actor,
        correlation_id=ctx.correlation_id,
    )


def request_created(task: Task, ctx: Context) -> Envelope:
    data = {"priority": task["priority"], "description": task.get("description")}
    return _task_event(REQUEST_CREATED, task, data, ctx)


def task_assigned(task: Task, ctx: Context) -> Envelope:
    data = {
        "priority": task["priority"],
        "employeeId": task["employeeId"],
        "assignedTo": task["assignedTo"],
        "dueDate": to_iso(task["dueDate"]),
    }
    return _task_event(TASK_ASSIGNED, task, data, ctx)


def task_unassigned(task: Task, reason: str, ctx: Context) -> Envelope:
    data = {"priority": task["priority"], "reason": reason, "notify": "supervisor"}
    return _task_event(TASK_UNASSIGNED, task, data, ctx)


def task_status_changed(before: Task, after: Task, ctx: Context) -> Envelope:
    data = {
        "employeeId": after.get("employeeId"),
        "oldStatus": before["status"],
        "newStatus": after["status"],
        "version": after["version"],
        "changes": changes_between(before, after, STATUS_CHANGE_FIELDS),
    }
    return _task_event(TASK_STATUS_CHANGED, after, data, ctx)


def task_updated(before: Task, after: Task, ctx: Context) -> Envelope:
    def shown(task: Task) -> dict[str, Any]:
        return {"priority": task["priority"], "dueDate": to_iso(task["dueDate"])}

    data = {
        "employeeId": after.get("employeeId"),
        "status": after["status"],
        **shown(after),
        "version": after["version"],
        "changes": changes_between(shown(before), shown(after), UPDATE_FIELDS),
    }
    return _task_event(TASK_UPDATED, after, data, ctx)


def task_completed(task: Task, ctx: Context) -> Envelope:
    data = {
        "employeeId": task.get("employeeId"),
        "completedAt": to_iso(task["completedAt"]),
        "workMinutes": task.get("workMinutes"),
    }
    return _task_event(TASK_COMPLETED, task, data, ctx)


def task_escalated(task: Task, step: Mapping[str, Any], ctx: Context) -> Envelope:
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
    return _task_event(TASK_ESCALATED, task, data, ctx)

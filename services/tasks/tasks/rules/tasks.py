"""Tasks: a request becomes a task, who moves it where, and when its SLA clock escalates it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from hotel_shared.errors import Conflict, Forbidden, NotFound
from hotel_shared.principal import Principal, guest_stay_id
from tasks.rules.access import CANCEL_ROLES, PROGRESS_ROLES, NotAllowed
from tasks.rules.departments import acknowledge_by, due_date
from tasks.rules.employees import is_assignable

PRIORITIES = ("low", "normal", "high", "urgent")

PENDING = "pending"
ASSIGNED = "assigned"
ACKNOWLEDGED = "acknowledged"
IN_PROGRESS = "in_progress"
PAUSED = "paused"
COMPLETED = "completed"
CANCELLED = "cancelled"
STATUSES = (PENDING, ASSIGNED, ACKNOWLEDGED, IN_PROGRESS, PAUSED, COMPLETED, CANCELLED)
# Tasks that weigh on their assignee: the auto-assignment load.
LOADED_STATUSES = (ASSIGNED, ACKNOWLEDGED, IN_PROGRESS, PAUSED)
ACTIVE_STATUSES = (PENDING, *LOADED_STATUSES)
# Handed back to the pool when the assignee goes off duty: nobody has started them.
NOT_STARTED_STATUSES = (ASSIGNED, ACKNOWLEDGED)
TERMINAL_STATUSES = (COMPLETED, CANCELLED)
REASSIGNABLE_STATUSES = (PENDING, ASSIGNED, ACKNOWLEDGED, PAUSED)

# The moves along the work itself; `assigned` is reached only through an assignment.
PROGRESS_MOVES = {
    (ASSIGNED, ACKNOWLEDGED),
    (ACKNOWLEDGED, IN_PROGRESS),
    (IN_PROGRESS, PAUSED),
    (PAUSED, IN_PROGRESS),
    (IN_PROGRESS, COMPLETED),
}
CLEANING = "cleaning"
# What a task opened by a reaction may carry beyond its request: why it exists (rules/cleaning).
TASK_MARKS = ("reclean", "failedInspection")
DEFAULT_DURATION_MINUTES = 30

Document = dict[str, Any]


class TaskNotFound(NotFound):
    code = "task_not_found"

    def __init__(self, task_id: str) -> None:
        super().__init__(f"no task {task_id}")


class InvalidTransition(Conflict):
    code = "invalid_transition"


class EmployeeUnavailable(Conflict):
    code = "employee_unavailable"


class TaskClosed(Conflict):
    code = "task_closed"


# --- a request and its task --------------------------------------------------------------------


def new_task_id(now: datetime) -> str:
    return f"T{now:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}"


def new_request_and_task(
    details: Mapping[str, Any],
    department: Mapping[str, Any],
    now: datetime,
    *,
    requested_by: str | None = None,
    dedupe_key: str | None = None,
) -> tuple[Document, Document]:
    """The request as asked, and its task routed to `department`, pending and on the SLA clock.

    `details["stayId"]`, the guest's stay (customerId) when a guest asks, is what their list is
    kept to.
    """
    task_id = new_task_id(now)
    priority = details["priority"]
    request = {
        "taskId": task_id,
        "roomNumber": details["roomNumber"],
        "jobType": details["jobType"],
        "date": now,
        "priority": priority,
        "department": department["code"],
        "description": details.get("description"),
        "requestedBy": requested_by,
    }
    if details.get("stayId"):
        request["stayId"] = details["stayId"]
    task = {
        "taskId": task_id,
        "room": details["roomNumber"],
        "type": details["jobType"],
        "department": department["code"],
        "priority": priority,
        "description": details.get("description"),
        "estimatedDuration": details.get("estimatedDuration")
        or department.get("defaultDurationMinutes", DEFAULT_DURATION_MINUTES),
        "dueDate": due_date(now, department, priority),
        "acknowledgeBy": acknowledge_by(now, department, priority),
        "notes": [],
        "escalationLevel": 0,
        "slaBreached": False,
        "pausedSeconds": 0,
        "createdAt": now,
        "updatedAt": now,
        "version": 1,
        **unassignment_changes(),
    }
    task.update({name: details[name] for name in TASK_MARKS if name in details})
    if dedupe_key:
        task["dedupeKey"] = dedupe_key
    task["nextEscalationAt"] = next_escalation_at(task, department["escalation"])
    return request, task


def new_note(text: str, principal: Principal, now: datetime) -> Document:
    return {
        "text": text,
        "author": principal.username,
        "employeeId": principal.employee_code,
        "at": now,
    }


# --- assignment --------------------------------------------------------------------------------


def assignment_changes(
    task: Mapping[str, Any], employee: Mapping[str, Any], chain: list[Document], now: datetime
) -> Document:
    changes: Document = {
        "status": ASSIGNED,
        "employeeId": employee["employeeCode"],
        "assignedTo": employee["name"],
        "jobTitle": employee.get("jobTitle"),
        "assignedAt": now,
        "acknowledgedAt": None,
        "updatedAt": now,
    }
    changes["nextEscalationAt"] = next_escalation_at({**task, **changes}, chain)
    return changes


def unassignment_changes() -> Document:
    return {
        "status": PENDING,
        "employeeId": None,
        "assignedTo": None,
        "jobTitle": None,
        "assignedAt": None,
        "acknowledgedAt": None,
    }


def weighs_on_assignee(task: Mapping[str, Any]) -> bool:
    """Whether the task counts in its assignee's open tasks (so releasing it lightens them)."""
    return bool(task.get("employeeId")) and task["status"] in LOADED_STATUSES


def check_can_assign(task: Mapping[str, Any], employee: Mapping[str, Any]) -> None:
    if task["status"] not in REASSIGNABLE_STATUSES:
        raise InvalidTransition(f"a task that is {task['status']} cannot be (re)assigned")
    if not is_assignable(employee, task["department"]):
        raise EmployeeUnavailable(
            f"{employee['employeeCode']} is not on duty in {task['department']}"
        )


def is_already_assigned(task: Mapping[str, Any], employee_code: str) -> bool:
    """Assigning a task to whom it is with already changes nothing (unless it was paused)."""
    return task.get("employeeId") == employee_code and task["status"] != PAUSED


# --- priority ----------------------------------------------------------------------------------


def priority_changes(
    task: Mapping[str, Any], priority: str, department: Mapping[str, Any], now: datetime
) -> Document:
    """A new priority moves both SLA deadlines, counted from the task's creation as if it had been
    asked that way; a deadline already past is left to the escalator. Levels raised stay raised.
    Nothing changes (an empty dict) when the task has that priority already."""
    if task["status"] in TERMINAL_STATUSES:
        raise TaskClosed(f"a {task['status']} task keeps its priority")
    if priority == task["priority"]:
        return {}
    changes: Document = {
        "priority": priority,
        "dueDate": due_date(task["createdAt"], department, priority),
        "acknowledgeBy": acknowledge_by(task["createdAt"], department, priority),
        "updatedAt": now,
    }
    changes["nextEscalationAt"] = next_escalation_at({**task, **changes}, department["escalation"])
    return changes


# --- lifecycle ---------------------------------------------------------------------------------


def is_assignee(task: Mapping[str, Any], principal: Principal) -> bool:
    return bool(principal.employee_code) and principal.employee_code == task.get("employeeId")


def check_transition(task: Mapping[str, Any], new_status: str, principal: Principal) -> None:
    """403 when the caller may not make this move, 409 when the move itself is illegal."""
    old_status = task["status"]
    if new_status == CANCELLED:
        if principal.role not in CANCEL_ROLES:
            raise NotAllowed("only a supervisor, the front office or an admin cancels a task")
        if old_status in TERMINAL_STATUSES:
            raise InvalidTransition(f"a {old_status} task cannot be cancelled")
        return
    if principal.role not in PROGRESS_ROLES and not is_assignee(task, principal):
        raise NotAllowed("only the assignee, a supervisor or an admin moves this task")
    if (old_status, new_status) not in PROGRESS_MOVES:
        raise InvalidTransition(f"a task cannot go from {old_status} to {new_status}")


def transition_changes(task: Mapping[str, Any], new_status: str, now: datetime) -> Document:
    """The fields a move sets, every move timestamped; paused time is kept out of work time."""
    changes: Document = {"status": new_status}
    old_status = task["status"]
    if new_status == ACKNOWLEDGED:
        changes["acknowledgedAt"] = now
    elif new_status == IN_PROGRESS and old_status == PAUSED:
        paused = (now - task["pausedAt"]).total_seconds()
        changes["pausedSeconds"] = task.get("pausedSeconds", 0) + paused
        changes["pausedAt"] = None
    elif new_status == IN_PROGRESS:
        changes["startedAt"] = now
    elif new_status == PAUSED:
        changes["pausedAt"] = now
    elif new_status == COMPLETED:
        changes["completedAt"] = now
        changes["workMinutes"] = work_minutes(task, now)
    elif new_status == CANCELLED:
        changes["cancelledAt"] = now
    if new_status in TERMINAL_STATUSES:
        changes["nextEscalationAt"] = None
    return changes


def status_changes(
    task: Mapping[str, Any],
    new_status: str,
    chain: list[Document],
    now: datetime,
    note: Document | None = None,
) -> Document:
    """Everything a status move writes: the move, a note, the next escalation, a late finish."""
    changes = {**transition_changes(task, new_status, now), "updatedAt": now}
    if note is not None:
        changes["notes"] = [*task.get("notes", []), note]
    if new_status not in TERMINAL_STATUSES:
        changes["nextEscalationAt"] = next_escalation_at({**task, **changes}, chain)
    if new_status == COMPLETED and now > task["dueDate"]:
        changes["slaBreached"] = True
    return changes


def work_minutes(task: Mapping[str, Any], completed_at: datetime) -> float | None:
    if task.get("startedAt") is None:
        return None
    seconds = (completed_at - task["startedAt"]).total_seconds() - task.get("pausedSeconds", 0)
    return round(max(seconds, 0) / 60, 2)


def minutes_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 60


# --- reading -----------------------------------------------------------------------------------


def task_filters(filters: Mapping[str, Any], principal: Principal) -> Document | None:
    """A task list's filters with `assignedTo=me` resolved; None when nothing can match."""
    resolved = dict(filters)
    assigned_to = resolved.pop("assignedTo", None)
    if assigned_to == "me":
        if not principal.employee_code:
            return None
        assigned_to = principal.employee_code
    if assigned_to:
        resolved["employeeId"] = assigned_to
    return resolved


class NoStay(Forbidden):
    code = "no_stay"


def guest_stay(principal: Principal) -> str | None:
    """The stay a guest's token names (None for staff); a guest token without one → 403."""
    if not principal.is_guest:
        return None
    stay_id = guest_stay_id(principal)
    if stay_id is None:
        raise NoStay("this guest token names no stay")
    return stay_id


def request_filters(filters: Mapping[str, Any], principal: Principal) -> Document:
    """A guest sees the requests they made in their own stay only (not the room's earlier
    guests', nor those staff opened for the room)."""
    if principal.is_guest:
        return {**filters, "roomNumber": principal.room_number, "stayId": guest_stay(principal)}
    return dict(filters)


GUEST_HIDDEN_TASK_FIELDS = ("assignedTo", "employeeId")


def request_view(
    request: Mapping[str, Any], task: Mapping[str, Any] | None, principal: Principal
) -> Document:
    """A request with where its task stands (`status`, `dueDate`, the task in brief); a guest
    is not told who on the staff has it."""
    summary = dict(task) if task is not None else None
    if summary is not None and principal.is_guest:
        for name in GUEST_HIDDEN_TASK_FIELDS:
            summary.pop(name, None)
    return {
        **request,
        "status": summary["status"] if summary else None,
        "dueDate": summary.get("dueDate") if summary else None,
        "task": summary,
    }


# --- escalation --------------------------------------------------------------------------------


def breach_start(task: Mapping[str, Any]) -> datetime:
    """When the task first fell behind: its acknowledge deadline until seen, then its due date."""
    if task["status"] in (PENDING, ASSIGNED) and task.get("acknowledgeBy"):
        return min(task["acknowledgeBy"], task["dueDate"])
    return task["dueDate"]


def breach_reason(task: Mapping[str, Any], now: datetime) -> str:
    return "overdue" if now >= task["dueDate"] else "not_acknowledged"


def next_escalation_at(task: Mapping[str, Any], chain: list[Document]) -> datetime | None:
    """When the next level of the chain fires for this task, or None when nothing more will."""
    level = task.get("escalationLevel", 0)
    if task["status"] in TERMINAL_STATUSES or level >= len(chain):
        return None
    return breach_start(task) + timedelta(minutes=chain[level]["afterMinutes"])


def escalation_step(
    task: Mapping[str, Any], chain: list[Document], now: datetime
) -> Document | None:
    """The level to raise now (1-based, with whom it notifies), or None when not yet due."""
    when = next_escalation_at(task, chain)
    if when is None or when > now:
        return None
    level = task.get("escalationLevel", 0) + 1
    return {
        "level": level,
        "notify": chain[level - 1]["notify"],
        "reason": breach_reason(task, now),
        "overdueMinutes": round(minutes_between(breach_start(task), now) or 0, 1),
    }


def escalation_changes(
    task: Mapping[str, Any], step: Mapping[str, Any], chain: list[Document]
) -> Document:
    """The level raised, the SLA marked breached once overdue, and when the next level fires."""
    changes: Document = {"escalationLevel": step["level"]}
    if step["reason"] == "overdue" and not task.get("slaBreached"):
        changes["slaBreached"] = True
    changes["nextEscalationAt"] = next_escalation_at({**task, **changes}, chain)
    return changes

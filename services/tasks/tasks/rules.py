"""The tasks service's rules as plain functions: routing, SLA, assignment choice, lifecycle."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from hotel_shared.errors import Conflict, Forbidden, NotFound, PreconditionFailed, ValidationFailed

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

# The moves along the work itself; `assigned` is reached only through an assignment.
PROGRESS_MOVES = {
    (ASSIGNED, ACKNOWLEDGED),
    (ACKNOWLEDGED, IN_PROGRESS),
    (IN_PROGRESS, PAUSED),
    (PAUSED, IN_PROGRESS),
    (IN_PROGRESS, COMPLETED),
}
PROGRESS_ROLES = ("supervisor", "hotelAdmin")  # besides the assignee
CANCEL_ROLES = ("supervisor", "hotelAdmin", "frontOffice")
ASSIGN_ROLES = ("supervisor", "frontOffice", "hotelAdmin")
DEPARTMENT_EDITOR_ROLES = ("hotelAdmin",)
EMPLOYEE_EDITOR_ROLES = ("hotelAdmin", "supervisor")
ANALYTICS_ROLES = ("hotelAdmin", "supervisor", "frontOffice")
# Only field-staff take work automatically; supervisors and managers are assigned by hand.
AUTO_ASSIGNED_ROLE = "staff"
CLEANING = "cleaning"
HOUSEKEEPING = "housekeeping"

Document = dict[str, Any]


class Caller(Protocol):
    role: str
    employee_code: str | None
    room_number: str | None


class TaskNotFound(NotFound):
    code = "task_not_found"

    def __init__(self, task_id: str) -> None:
        super().__init__(f"no task {task_id}")


class EmployeeNotFound(NotFound):
    code = "employee_not_found"

    def __init__(self, employee_code: str) -> None:
        super().__init__(f"no employee {employee_code}")


class EmployeeExists(Conflict):
    code = "employee_exists"

    def __init__(self, employee_code: str) -> None:
        super().__init__(f"employee {employee_code} already exists")


class InvalidTransition(Conflict):
    code = "invalid_transition"


class EmployeeUnavailable(Conflict):
    code = "employee_unavailable"


class NotAllowed(Forbidden):
    code = "not_allowed"


class VersionConflict(PreconditionFailed):
    code = "precondition_failed"


class JobTypeAlreadyRouted(Conflict):
    code = "job_type_already_routed"


def unknown_job_type(job_type: str, valid: list[str]) -> ValidationFailed:
    return ValidationFailed(
        f"unknown job type {job_type!r}",
        errors={"jobType": [f"must be one of: {', '.join(valid)}"]},
        validJobTypes=valid,
    )


# --- routing and SLA ---------------------------------------------------------------------------


def route_job_type(departments: Iterable[Document], job_type: str) -> Document:
    """The department whose jobTypes list `job_type`; 422 naming every valid job type otherwise."""
    departments = list(departments)
    for department in departments:
        if job_type in department["jobTypes"]:
            return department
    valid = sorted({kind for department in departments for kind in department["jobTypes"]})
    raise unknown_job_type(job_type, valid)


def due_date(created_at: datetime, department: Mapping[str, Any], priority: str) -> datetime:
    return created_at + timedelta(minutes=department["slaMinutes"][priority])


def acknowledge_by(created_at: datetime, department: Mapping[str, Any], priority: str) -> datetime:
    # Never later than the SLA itself: an urgent job must not wait longer to be seen than done.
    minutes = min(department["acknowledgeMinutes"], department["slaMinutes"][priority])
    return created_at + timedelta(minutes=minutes)


# --- assignment --------------------------------------------------------------------------------

_NEVER = datetime.min.replace(tzinfo=UTC)


def is_assignable(employee: Mapping[str, Any], department: str) -> bool:
    return bool(employee.get("onDuty")) and employee["department"] == department


def choose_assignee(candidates: Iterable[Document]) -> Document | None:
    """The on-duty staff member with the fewest open tasks; ties go to the longest idle."""
    eligible = [
        employee
        for employee in candidates
        if employee.get("onDuty") and employee.get("role") == AUTO_ASSIGNED_ROLE
    ]
    if not eligible:
        return None
    return min(
        eligible,
        key=lambda e: (e.get("openTasks", 0), e.get("lastAssignedAt") or _NEVER, e["employeeCode"]),
    )


def assignment_changes(employee: Mapping[str, Any], now: datetime) -> Document:
    return {
        "status": ASSIGNED,
        "employeeId": employee["employeeCode"],
        "assignedTo": employee["name"],
        "jobTitle": employee.get("jobTitle"),
        "assignedAt": now,
        "acknowledgedAt": None,
    }


def unassignment_changes() -> Document:
    return {
        "status": PENDING,
        "employeeId": None,
        "assignedTo": None,
        "jobTitle": None,
        "assignedAt": None,
        "acknowledgedAt": None,
    }


def check_can_assign(task: Mapping[str, Any], employee: Mapping[str, Any]) -> None:
    if task["status"] not in (PENDING, ASSIGNED, ACKNOWLEDGED, PAUSED):
        raise InvalidTransition(f"a task that is {task['status']} cannot be (re)assigned")
    if not is_assignable(employee, task["department"]):
        raise EmployeeUnavailable(
            f"{employee['employeeCode']} is not on duty in {task['department']}"
        )


# --- lifecycle ---------------------------------------------------------------------------------


def is_assignee(task: Mapping[str, Any], caller: Caller) -> bool:
    return bool(caller.employee_code) and caller.employee_code == task.get("employeeId")


def check_transition(task: Mapping[str, Any], new_status: str, caller: Caller) -> None:
    """403 when the caller may not make this move, 409 when the move itself is illegal."""
    old_status = task["status"]
    if new_status == CANCELLED:
        if caller.role not in CANCEL_ROLES:
            raise NotAllowed("only a supervisor, the front office or an admin cancels a task")
        if old_status in TERMINAL_STATUSES:
            raise InvalidTransition(f"a {old_status} task cannot be cancelled")
        return
    if caller.role not in PROGRESS_ROLES and not is_assignee(task, caller):
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


def work_minutes(task: Mapping[str, Any], completed_at: datetime) -> float | None:
    if task.get("startedAt") is None:
        return None
    seconds = (completed_at - task["startedAt"]).total_seconds() - task.get("pausedSeconds", 0)
    return round(max(seconds, 0) / 60, 2)


def minutes_between(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 60


def check_may_view_room(caller: Caller, room_number: str) -> None:
    if caller.role == "guest" and caller.room_number != room_number:
        raise NotAllowed("a guest may only make requests for their own room")


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

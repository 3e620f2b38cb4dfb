"""Employees: who takes the next task automatically, and who may edit an employee."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from hotel_shared.errors import Conflict, NotFound
from hotel_shared.principal import Principal
from tasks.rules.access import EMPLOYEE_EDITOR_ROLES, NotAllowed

# Only field-staff take work automatically; supervisors and managers are assigned by hand.
AUTO_ASSIGNED_ROLE = "staff"
_NEVER = datetime.min.replace(tzinfo=UTC)

Document = dict[str, Any]


class EmployeeNotFound(NotFound):
    code = "employee_not_found"

    def __init__(self, employee_code: str) -> None:
        super().__init__(f"no employee {employee_code}")


class EmployeeExists(Conflict):
    code = "employee_exists"

    def __init__(self, employee_code: str) -> None:
        super().__init__(f"employee {employee_code} already exists")


def new_employee(details: Mapping[str, Any], now: datetime) -> Document:
    return {
        **details,
        "onDuty": details.get("onDuty", False),
        "openTasks": 0,
        "lastAssignedAt": None,
        "version": 1,
        "createdAt": now,
        "updatedAt": now,
    }


class EmployeeInactive(Conflict):
    code = "employee_inactive"

    def __init__(self, employee_code: str) -> None:
        super().__init__(f"{employee_code}'s account is deactivated: they cannot go on duty")


def check_may_go_on_duty(employee: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
    """A person whose account auth deactivated stays off duty until it is active again."""
    if changes.get("onDuty") and employee.get("active") is False:
        raise EmployeeInactive(employee["employeeCode"])


def account_changes(user: Mapping[str, Any]) -> Document:
    """What an auth user's change means for their employee record: a deactivated account leaves
    duty (and must not be put back on it); reactivation alone does not put anyone on duty."""
    if user.get("active") is False:
        return {"active": False, "onDuty": False}
    return {"active": True}


def check_may_edit(principal: Principal, employee_code: str, changes: Mapping[str, Any]) -> None:
    """Admins and supervisors edit anyone; a staff member may only set their own duty."""
    is_self = principal.employee_code == employee_code
    if principal.role not in EMPLOYEE_EDITOR_ROLES and not (is_self and set(changes) <= {"onDuty"}):
        raise NotAllowed("only an admin or a supervisor edits employees; staff set their own duty")


def is_assignable(employee: Mapping[str, Any], department: str) -> bool:
    return bool(employee.get("onDuty")) and employee["department"] == department


def choose_assignee(
    candidates: Iterable[Document], preferred: str | None = None
) -> Document | None:
    """The on-duty staff member with the fewest open tasks; ties go to the longest idle.

    `candidates` are the department's staff on duty. `preferred` (the attendant who cleaned a
    room that failed inspection) takes the task whatever their load when among them, on duty."""
    candidates = list(candidates)
    returning = [e for e in candidates if preferred and e["employeeCode"] == preferred]
    if returning and returning[0].get("onDuty"):
        return returning[0]
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

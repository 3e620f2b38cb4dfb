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


def check_may_edit(principal: Principal, employee_code: str, changes: Mapping[str, Any]) -> None:
    """Admins and supervisors edit anyone; a staff member may only set their own duty."""
    is_self = principal.employee_code == employee_code
    if principal.role not in EMPLOYEE_EDITOR_ROLES and not (is_self and set(changes) <= {"onDuty"}):
        raise NotAllowed("only an admin or a supervisor edits employees; staff set their own duty")


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

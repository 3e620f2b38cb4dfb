"""Who may change what: the roles of each action, and the If-Match check of a client's write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotel_shared.errors import Forbidden
from hotel_shared.principal import Principal

PROGRESS_ROLES = ("supervisor", "hotelAdmin")  # besides the assignee
CANCEL_ROLES = ("supervisor", "hotelAdmin", "frontOffice")
ASSIGN_ROLES = ("supervisor", "frontOffice", "hotelAdmin")
PRIORITY_ROLES = ("supervisor", "frontOffice", "hotelAdmin")  # a supervisor: their department's
DEPARTMENT_EDITOR_ROLES = ("hotelAdmin",)
EMPLOYEE_EDITOR_ROLES = ("hotelAdmin", "supervisor")
ANALYTICS_ROLES = ("hotelAdmin", "supervisor", "frontOffice")


class NotAllowed(Forbidden):
    code = "not_allowed"


def check_may_assign(principal: Principal) -> None:
    if principal.role not in ASSIGN_ROLES:
        raise NotAllowed("only a supervisor, the front office or an admin assigns tasks")


def check_may_change_priority(principal: Principal, task: Mapping[str, Any]) -> None:
    """The front office and admins reprioritise any task; a supervisor their department's."""
    if principal.role not in PRIORITY_ROLES:
        raise NotAllowed("only a supervisor, the front office or an admin changes a priority")
    if principal.role == "supervisor" and principal.department != task["department"]:
        raise NotAllowed("a supervisor changes priorities in their own department only")

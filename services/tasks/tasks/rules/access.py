"""Who may change what: the roles of each action, and the If-Match check of a client's write."""

from __future__ import annotations

from hotel_shared.errors import Forbidden
from hotel_shared.principal import Principal

PROGRESS_ROLES = ("supervisor", "hotelAdmin")  # besides the assignee
CANCEL_ROLES = ("supervisor", "hotelAdmin", "frontOffice")
ASSIGN_ROLES = ("supervisor", "frontOffice", "hotelAdmin")
DEPARTMENT_EDITOR_ROLES = ("hotelAdmin",)
EMPLOYEE_EDITOR_ROLES = ("hotelAdmin", "supervisor")
ANALYTICS_ROLES = ("hotelAdmin", "supervisor", "frontOffice")


class NotAllowed(Forbidden):
    code = "not_allowed"


def check_may_assign(principal: Principal) -> None:
    if principal.role not in ASSIGN_ROLES:
        raise NotAllowed("only a supervisor, the front office or an admin assigns tasks")

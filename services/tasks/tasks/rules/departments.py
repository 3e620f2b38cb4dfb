"""Departments: which one a job type is routed to, and the deadlines its SLA sets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from hotel_shared.errors import Conflict, NotFound, ValidationFailed

Document = dict[str, Any]


class DepartmentNotFound(NotFound):
    code = "department_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(f"no department {code}")


class JobTypeAlreadyRouted(Conflict):
    code = "job_type_already_routed"


def unknown_job_type(job_type: str, departments: Iterable[Document]) -> ValidationFailed:
    """The 422 of a job type no department takes, naming every valid one."""
    valid = sorted({kind for department in departments for kind in department["jobTypes"]})
    return ValidationFailed(
        f"unknown job type {job_type!r}",
        errors={"jobType": [f"must be one of: {', '.join(valid)}"]},
        validJobTypes=valid,
    )


def check_job_types_free(
    departments: Iterable[Document], code: str, job_types: Iterable[str]
) -> None:
    """A job type is routed to one department only: 409 naming the one that has it already."""
    wanted = set(job_types)
    for other in departments:
        claimed = wanted & set(other["jobTypes"])
        if other["code"] != code and claimed:
            raise JobTypeAlreadyRouted(
                f"{', '.join(sorted(claimed))} already routed to {other['code']}"
            )


def new_department(code: str, details: Mapping[str, Any], now: datetime) -> Document:
    return {"code": code, **details, "version": 1, "createdAt": now, "updatedAt": now}


def due_date(created_at: datetime, department: Mapping[str, Any], priority: str) -> datetime:
    return created_at + timedelta(minutes=department["slaMinutes"][priority])


def acknowledge_by(created_at: datetime, department: Mapping[str, Any], priority: str) -> datetime:
    # Never later than the SLA itself: an urgent job must not wait longer to be seen than done.
    minutes = min(department["acknowledgeMinutes"], department["slaMinutes"][priority])
    return created_at + timedelta(minutes=minutes)

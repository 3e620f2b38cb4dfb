"""Department performance as daily rollups: what each task step adds, and how reports read them.

A row's day is the hotel's calendar day (HOTEL_TIMEZONE) of the task's creation, never the UTC
day: a request at 23:30 in Honolulu counts on that evening's day. Rows written under another
zone keep their days until `python -m tasks.seed --rebuild-stats` recomputes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hotel_shared.timeutil import hotel_day
from tasks.rules.tasks import ACKNOWLEDGED, CANCELLED, COMPLETED, minutes_between

# Every counter a rollup row may hold; rows are keyed by (creation day, department, employee).
COUNTERS = (
    "requests",
    "assigned",
    "acknowledged",
    "ackMinutesSum",
    "completed",
    "completionMinutesSum",
    "workMinutesSum",
    "workMeasured",
    "cancelled",
    "breached",
    "escalations",
)
DEPARTMENT_ROW = "-"  # employee key of a department's own row
ANALYTICS_DEFAULT_DAYS = 30

Document = dict[str, Any]
Increments = dict[str, float]


def day_of(moment: datetime, zone: ZoneInfo) -> str:
    """The hotel's day of an instant, as YYYY-MM-DD."""
    return hotel_day(moment, zone).isoformat()


def row_key(task: Mapping[str, Any], employee_id: str | None, zone: ZoneInfo) -> Document:
    """The identity of the rollup row a task step counts in: its day, department and employee."""
    day = day_of(task["createdAt"], zone)
    return {
        "_id": f"{day}|{task['department']}|{employee_id or DEPARTMENT_ROW}",
        "day": day,
        "department": task["department"],
        "employeeId": employee_id,
    }


def acknowledged_increments(task: Mapping[str, Any], acknowledged_at: datetime) -> Increments:
    return {
        "acknowledged": 1,
        "ackMinutesSum": minutes_between(task["createdAt"], acknowledged_at) or 0.0,
    }


def completed_increments(
    task: Mapping[str, Any], completed_at: datetime, work_minutes: float | None
) -> Increments:
    increments = {
        "completed": 1,
        "completionMinutesSum": minutes_between(task["createdAt"], completed_at) or 0.0,
    }
    if work_minutes is not None:
        increments["workMinutesSum"] = work_minutes
        increments["workMeasured"] = 1
    return increments


def step_increments(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[tuple[str | None, Increments]]:
    """What a status move adds: (employee, or None for the department's row, counters) pairs."""
    owners = [None, after["employeeId"]] if after.get("employeeId") else [None]
    status = after["status"]
    if status == ACKNOWLEDGED:
        increments = acknowledged_increments(after, after["acknowledgedAt"])
        return [(owner, increments) for owner in owners]
    if status == COMPLETED:
        increments = completed_increments(after, after["completedAt"], after.get("workMinutes"))
        steps = [(owner, increments) for owner in owners]
        if after["slaBreached"]:
            # An escalation marked the department's breach already; the employee's is new.
            breached = owners if not before.get("slaBreached") else owners[1:]
            steps += [(owner, {"breached": 1}) for owner in breached]
        return steps
    if status == CANCELLED:
        return [(None, {"cancelled": 1})]
    return []


def escalation_increments(before: Mapping[str, Any], after: Mapping[str, Any]) -> Increments:
    newly_breached = bool(after.get("slaBreached")) and not before.get("slaBreached")
    return {"escalations": 1, "breached": int(newly_breached)}


def rows_from_tasks(tasks: Iterable[Mapping[str, Any]], zone: ZoneInfo) -> list[Document]:
    """Rollup rows recomputed from task snapshots (after a bulk import or a change of zone)."""
    rows: dict[str, Document] = {}

    def bump(task: Mapping[str, Any], employee_id: str | None, increments: Mapping[str, float]):
        key = row_key(task, employee_id, zone)
        row = rows.setdefault(key["_id"], {**key, **dict.fromkeys(COUNTERS, 0)})
        for name, amount in increments.items():
            row[name] += amount

    for task in tasks:
        employee_id = task.get("employeeId")
        owners = [None, employee_id] if employee_id else [None]
        bump(task, None, {"requests": 1, "escalations": task.get("escalationLevel", 0)})
        if employee_id:
            bump(task, employee_id, {"assigned": 1})
        if task.get("acknowledgedAt"):
            for owner in owners:
                bump(task, owner, acknowledged_increments(task, task["acknowledgedAt"]))
        if task["status"] == COMPLETED:
            increments = completed_increments(task, task["completedAt"], task.get("workMinutes"))
            for owner in owners:
                bump(task, owner, increments)
        if task["status"] == CANCELLED:
            bump(task, None, {"cancelled": 1})
        if task.get("slaBreached"):
            bump(task, None, {"breached": 1})
        if employee_id and task["status"] == COMPLETED and task["completedAt"] > task["dueDate"]:
            bump(task, employee_id, {"breached": 1})
    return list(rows.values())


# --- reports -----------------------------------------------------------------------------------


def analytics_period(first: date | None, last: date | None, today: date) -> tuple[str, str]:
    """The days a report covers, as YYYY-MM-DD: by default the last 30 days up to today."""
    last = last or today
    first = first or last - timedelta(days=ANALYTICS_DEFAULT_DAYS - 1)
    return first.isoformat(), last.isoformat()


def _average(total: float, count: float) -> float | None:
    return round(total / count, 1) if count else None


def department_report(row: Mapping[str, Any]) -> Document:
    measured = row["requests"] - row["cancelled"]
    return {
        "department": row["_id"],
        "requests": row["requests"],
        "completed": row["completed"],
        "cancelled": row["cancelled"],
        "open": row["requests"] - row["completed"] - row["cancelled"],
        "avgAcknowledgeMinutes": _average(row["ackMinutesSum"], row["acknowledged"]),
        "avgCompletionMinutes": _average(row["completionMinutesSum"], row["completed"]),
        "slaBreaches": row["breached"],
        "slaBreachRate": round(row["breached"] / measured, 3) if measured else 0.0,
        "escalations": row["escalations"],
    }


def employee_report(row: Mapping[str, Any]) -> Document:
    return {
        "employeeId": row["_id"]["employeeId"],
        "department": row["_id"]["department"],
        "assigned": row["assigned"],
        "acknowledged": row["acknowledged"],
        "completed": row["completed"],
        "avgAcknowledgeMinutes": _average(row["ackMinutesSum"], row["acknowledged"]),
        "avgCompletionMinutes": _average(row["completionMinutesSum"], row["completed"]),
        "avgWorkMinutes": _average(row["workMinutesSum"], row["workMeasured"]),
        "slaBreaches": row["breached"],
    }


def daily_report(row: Mapping[str, Any]) -> Document:
    return {
        "date": row["_id"],
        "requests": row["requests"],
        "completed": row["completed"],
        "slaBreaches": row["breached"],
        "escalations": row["escalations"],
    }


def analytics_report(
    first_day: str,
    last_day: str,
    departments: Iterable[Mapping[str, Any]],
    employees: Iterable[Mapping[str, Any]],
    days: Iterable[Mapping[str, Any]],
) -> Document:
    """The report of a period from its summed rollup rows (per department, employee and day)."""
    return {
        "from": first_day,
        "to": last_day,
        "departments": [department_report(row) for row in departments],
        "employees": [employee_report(row) for row in employees],
        "daily": [daily_report(row) for row in days],
    }

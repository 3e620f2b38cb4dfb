"""Department performance as daily rollups: what each task step adds, and how reports read them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from tasks.rules import CANCELLED, COMPLETED, minutes_between

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


def day_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def row_id(day: str, department: str, employee_id: str | None) -> str:
    return f"{day}|{department}|{employee_id or DEPARTMENT_ROW}"


def acknowledged_increments(task: Mapping[str, Any], acknowledged_at: datetime) -> dict[str, float]:
    return {
        "acknowledged": 1,
        "ackMinutesSum": minutes_between(task["createdAt"], acknowledged_at) or 0.0,
    }


def completed_increments(
    task: Mapping[str, Any], completed_at: datetime, work_minutes: float | None
) -> dict[str, float]:
    increments = {
        "completed": 1,
        "completionMinutesSum": minutes_between(task["createdAt"], completed_at) or 0.0,
    }
    if work_minutes is not None:
        increments["workMinutesSum"] = work_minutes
        increments["workMeasured"] = 1
    return increments


def rows_from_tasks(tasks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rollup rows recomputed from task snapshots (for a rebuild after a bulk import)."""
    rows: dict[str, dict[str, Any]] = {}

    def bump(task: Mapping[str, Any], employee_id: str | None, increments: Mapping[str, float]):
        day = day_of(task["createdAt"])
        key = row_id(day, task["department"], employee_id)
        row = rows.setdefault(
            key,
            {
                "_id": key,
                "day": day,
                "department": task["department"],
                "employeeId": employee_id,
                **dict.fromkeys(COUNTERS, 0),
            },
        )
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


def _average(total: float, count: float) -> float | None:
    return round(total / count, 1) if count else None


def department_report(row: Mapping[str, Any]) -> dict[str, Any]:
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


def employee_report(row: Mapping[str, Any]) -> dict[str, Any]:
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


def daily_report(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "date": row["_id"],
        "requests": row["requests"],
        "completed": row["completed"],
        "slaBreaches": row["breached"],
        "escalations": row["escalations"],
    }

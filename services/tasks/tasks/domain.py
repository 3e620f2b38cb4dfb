"""Use cases of the tasks service: each reads, applies the rules, and writes in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hotel_shared.timeutil import utc_now
from tasks import events, rules, stats
from tasks.rules import Caller, Document, NotAllowed
from tasks.store import TaskStores

Actor = dict[str, Any] | None
DEFAULT_DURATION_MINUTES = 30


def new_task_id(now: datetime) -> str:
    return f"T{now:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}"


def _bump(stores, session, task: Mapping[str, Any], employee_id, increments) -> None:
    day = stats.day_of(task["createdAt"])
    stores.bump_stats(day, task["department"], employee_id, increments, session)


# --- departments -------------------------------------------------------------------------------


def list_departments(stores: TaskStores) -> list[Document]:
    return stores.list_departments()


def save_department(
    stores: TaskStores, code: str, details: Document, expected_version: int | None
) -> tuple[Document, bool]:
    """Replace a department's routing, SLA and escalation chain (or create it); (dept, created)."""

    def work(session) -> tuple[Document, bool]:
        for other in stores.list_departments(session):
            claimed = set(other["jobTypes"]) & set(details["jobTypes"])
            if other["code"] != code and claimed:
                raise rules.JobTypeAlreadyRouted(
                    f"{', '.join(sorted(claimed))} already routed to {other['code']}"
                )
        now = utc_now()
        if stores.get_department(code, session) is None:
            department = {"code": code, **details, "version": 1, "createdAt": now, "updatedAt": now}
            stores.insert_department(department, session)
            return department, True
        changes = {**details, "updatedAt": now}
        return stores.save_department(code, changes, expected_version, session), False

    return stores.run(work)


# --- employees ---------------------------------------------------------------------------------


def create_employee(stores: TaskStores, details: Document) -> Document:
    now = utc_now()
    employee = {
        **details,
        "onDuty": details.get("onDuty", False),
        "openTasks": 0,
        "lastAssignedAt": None,
        "version": 1,
        "createdAt": now,
        "updatedAt": now,
    }
    return stores.run(lambda session: stores.insert_employee(employee, session))


def update_employee(
    stores: TaskStores,
    code: str,
    changes: Document,
    *,
    caller: Caller,
    expected_version: int | None,
    correlation_id: str | None,
) -> Document:
    """Edit an employee; going off duty hands their unstarted tasks to colleagues (or the pool)."""
    is_self = caller.employee_code == code
    if caller.role not in rules.EMPLOYEE_EDITOR_ROLES and not (
        is_self and set(changes) <= {"onDuty"}
    ):
        raise NotAllowed("only an admin or a supervisor edits employees; staff set their own duty")
    actor = caller.as_actor()  # type: ignore[attr-defined]

    def work(session) -> Document:
        before = stores.require_employee(code, session)
        stores.lock_department(before["department"], session)
        employee = stores.save_employee(
            code, {**changes, "updatedAt": utc_now()}, expected_version, session
        )
        if before.get("onDuty") and not employee["onDuty"]:
            for task in stores.tasks_of(code, rules.NOT_STARTED_STATUSES, session):
                _return_to_pool(stores, session, task, actor, correlation_id)
        if employee["onDuty"] or before["department"] != employee["department"]:
            for task in stores.pending_tasks(employee["department"], session):
                _auto_assign(stores, session, task, actor, correlation_id, alert=False)
        return stores.require_employee(code, session)

    return stores.run(work)


# --- requests and assignment -------------------------------------------------------------------


def create_request(
    stores: TaskStores, details: Document, *, caller: Caller, correlation_id: str | None
) -> tuple[Document, Document]:
    rules.check_may_view_room(caller, details["roomNumber"])
    actor = caller.as_actor()  # type: ignore[attr-defined]
    requested_by = getattr(caller, "username", None)
    return stores.run(
        lambda session: open_task(
            stores,
            session,
            details,
            actor=actor,
            correlation_id=correlation_id,
            requested_by=requested_by,
        )
    )


def open_task(
    stores: TaskStores,
    session,
    details: Mapping[str, Any],
    *,
    actor: Actor,
    correlation_id: str | None,
    requested_by: str | None = None,
    dedupe_key: str | None = None,
) -> tuple[Document, Document]:
    """Record a request and its task, routed by job type and auto-assigned, in `session`."""
    department = stores.department_for_job_type(details["jobType"], session)
    if department is None:
        rules.route_job_type(stores.list_departments(session), details["jobType"])  # raises 422
    stores.lock_department(department["code"], session)
    now = utc_now()
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
    task = {
        "taskId": task_id,
        "room": details["roomNumber"],
        "type": details["jobType"],
        "department": department["code"],
        "priority": priority,
        "description": details.get("description"),
        "estimatedDuration": details.get("estimatedDuration")
        or department.get("defaultDurationMinutes", DEFAULT_DURATION_MINUTES),
        "dueDate": rules.due_date(now, department, priority),
        "acknowledgeBy": rules.acknowledge_by(now, department, priority),
        "notes": [],
        "escalationLevel": 0,
        "slaBreached": False,
        "pausedSeconds": 0,
        "createdAt": now,
        "updatedAt": now,
        "version": 1,
        **rules.unassignment_changes(),
    }
    if dedupe_key:
        task["dedupeKey"] = dedupe_key
    task["nextEscalationAt"] = rules.next_escalation_at(task, department["escalation"])
    stores.insert_request(request, session)
    stores.insert_task(task, session)
    stores.record(events.request_created(task, actor=actor, correlation_id=correlation_id), session)
    _bump(stores, session, task, None, {"requests": 1})
    task = _auto_assign(stores, session, task, actor, correlation_id, alert=True)
    return request, task


def _auto_assign(stores, session, task, actor, correlation_id, *, alert: bool) -> Document:
    employee = rules.choose_assignee(stores.department_staff(task["department"], session))
    if employee is None:
        if alert:
            event = events.task_unassigned(
                task, reason="no_staff_on_duty", actor=actor, correlation_id=correlation_id
            )
            stores.record(event, session)
        return task
    return _assign(stores, session, task, employee, actor, correlation_id)


def _assign(stores, session, task, employee, actor, correlation_id) -> Document:
    now = utc_now()
    department = stores.get_department(task["department"], session)
    changes = {**rules.assignment_changes(employee, now), "updatedAt": now}
    changes["nextEscalationAt"] = rules.next_escalation_at(
        {**task, **changes}, department["escalation"]
    )
    saved = stores.save_task(task, changes, session)
    stores.add_load(employee["employeeCode"], 1, session, assigned_at=now)
    _bump(stores, session, saved, employee["employeeCode"], {"assigned": 1})
    stores.record(events.task_assigned(saved, actor=actor, correlation_id=correlation_id), session)
    if task["status"] != saved["status"]:
        event = events.task_status_changed(
            saved, old_status=task["status"], actor=actor, correlation_id=correlation_id
        )
        stores.record(event, session)
    return saved


def _release(stores, session, task) -> None:
    if task.get("employeeId") and task["status"] in rules.LOADED_STATUSES:
        stores.add_load(task["employeeId"], -1, session)


def _return_to_pool(stores, session, task, actor, correlation_id) -> Document:
    _release(stores, session, task)
    changes = {**rules.unassignment_changes(), "updatedAt": utc_now()}
    pooled = stores.save_task(task, changes, session)
    return _auto_assign(stores, session, pooled, actor, correlation_id, alert=True)


def assign_task(
    stores: TaskStores,
    task_id: str,
    employee_code: str,
    *,
    caller: Caller,
    expected_version: int | None,
    correlation_id: str | None,
) -> Document:
    if caller.role not in rules.ASSIGN_ROLES:
        raise NotAllowed("only a supervisor, the front office or an admin assigns tasks")
    actor = caller.as_actor()  # type: ignore[attr-defined]

    def work(session) -> Document:
        task = stores.get_task(task_id, session)
        stores.lock_department(task["department"], session)
        if expected_version is not None and task["version"] != expected_version:
            raise rules.VersionConflict(f"task {task_id} changed meanwhile")
        employee = stores.require_employee(employee_code, session)
        rules.check_can_assign(task, employee)
        if task.get("employeeId") == employee_code and task["status"] != rules.PAUSED:
            return task
        _release(stores, session, task)
        return _assign(stores, session, task, employee, actor, correlation_id)

    return stores.run(work)


# --- lifecycle ---------------------------------------------------------------------------------


def change_task_status(
    stores: TaskStores,
    task_id: str,
    new_status: str,
    *,
    note: str | None,
    caller: Caller,
    expected_version: int | None,
    correlation_id: str | None,
) -> Document:
    actor = caller.as_actor()  # type: ignore[attr-defined]

    def work(session) -> Document:
        task = stores.get_task(task_id, session)
        rules.check_transition(task, new_status, caller)
        if expected_version is not None and task["version"] != expected_version:
            raise rules.VersionConflict(f"task {task_id} changed meanwhile")
        department = stores.get_department(task["department"], session)
        if new_status in rules.TERMINAL_STATUSES:
            stores.lock_department(task["department"], session)
            _release(stores, session, task)
        now = utc_now()
        changes = {**rules.transition_changes(task, new_status, now), "updatedAt": now}
        if note:
            changes["notes"] = [*task.get("notes", []), _note(note, caller, now)]
        if new_status not in rules.TERMINAL_STATUSES:
            changes["nextEscalationAt"] = rules.next_escalation_at(
                {**task, **changes}, department["escalation"]
            )
        if new_status == rules.COMPLETED and now > task["dueDate"]:
            changes["slaBreached"] = True
        saved = stores.save_task(task, changes, session)
        _record_progress(stores, session, task, saved, actor, correlation_id)
        return saved

    return stores.run(work)


def _record_progress(stores, session, before, task, actor, correlation_id) -> None:
    owners = [None, task["employeeId"]] if task.get("employeeId") else [None]
    status = task["status"]
    if status == rules.ACKNOWLEDGED:
        for owner in owners:
            _bump(
                stores,
                session,
                task,
                owner,
                stats.acknowledged_increments(task, task["acknowledgedAt"]),
            )
    elif status == rules.COMPLETED:
        increments = stats.completed_increments(task, task["completedAt"], task.get("workMinutes"))
        for owner in owners:
            _bump(stores, session, task, owner, increments)
        if task["slaBreached"]:
            breached_owners = owners if not before.get("slaBreached") else owners[1:]
            for owner in breached_owners:
                _bump(stores, session, task, owner, {"breached": 1})
        stores.record(
            events.task_completed(task, actor=actor, correlation_id=correlation_id), session
        )
    elif status == rules.CANCELLED:
        _bump(stores, session, task, None, {"cancelled": 1})
    event = events.task_status_changed(
        task, old_status=before["status"], actor=actor, correlation_id=correlation_id
    )
    stores.record(event, session)


def _note(text: str, caller: Caller, now: datetime) -> Document:
    return {
        "text": text,
        "author": getattr(caller, "username", None),
        "employeeId": caller.employee_code,
        "at": now,
    }


def add_note(stores: TaskStores, task_id: str, text: str, *, caller: Caller) -> Document:
    def work(session) -> Document:
        task = stores.get_task(task_id, session)
        return stores.push_note(task, _note(text, caller, utc_now()), session)

    return stores.run(work)


# --- reading -----------------------------------------------------------------------------------


def list_tasks(
    stores: TaskStores, filters: Document, limit: int, offset: int, *, caller: Caller
) -> tuple[list[Document], int]:
    filters = dict(filters)
    assigned_to = filters.pop("assignedTo", None)
    if assigned_to == "me":
        if not caller.employee_code:
            return [], 0
        assigned_to = caller.employee_code
    if assigned_to:
        filters["employeeId"] = assigned_to
    return stores.find_tasks(filters, limit, offset)


def list_requests(
    stores: TaskStores, filters: Document, limit: int, offset: int, *, caller: Caller
) -> tuple[list[Document], int]:
    if caller.role == "guest":
        filters = {**filters, "roomNumber": caller.room_number}
    return stores.find_requests(filters, limit, offset)


# --- escalation --------------------------------------------------------------------------------


def escalate_due_tasks(stores: TaskStores, now: datetime | None = None) -> int:
    """Raise the next escalation level of every task that is due one; returns how many rose."""
    now = now or utc_now()
    raised = 0
    for candidate in stores.due_for_escalation(now):
        if stores.run(lambda session, c=candidate: _escalate(stores, session, c["taskId"], now)):
            raised += 1
    return raised


def _escalate(stores: TaskStores, session, task_id: str, now: datetime) -> bool:
    task = stores.get_task(task_id, session)
    chain = stores.get_department(task["department"], session)["escalation"]
    step = rules.escalation_step(task, chain, now)
    if step is None:  # acknowledged or finished since the scan: nothing to raise
        changes = {"nextEscalationAt": rules.next_escalation_at(task, chain)}
        stores.save_task(task, changes, session)
        return False
    changes: Document = {"escalationLevel": step["level"]}
    newly_breached = step["reason"] == "overdue" and not task.get("slaBreached")
    if newly_breached:
        changes["slaBreached"] = True
    changes["nextEscalationAt"] = rules.next_escalation_at({**task, **changes}, chain)
    saved = stores.save_task(task, changes, session)
    _bump(stores, session, saved, None, {"escalations": 1, "breached": int(newly_breached)})
    stores.record(events.task_escalated(saved, step), session)
    return True


# --- analytics ---------------------------------------------------------------------------------


def department_analytics(stores: TaskStores, first_day: str, last_day: str) -> Document:
    in_range = {"day": {"$gte": first_day, "$lte": last_day}}
    department_rows = {**in_range, "employeeId": None}
    return {
        "from": first_day,
        "to": last_day,
        "departments": [
            stats.department_report(row) for row in stores.stats_by("$department", department_rows)
        ],
        "employees": [
            stats.employee_report(row)
            for row in stores.stats_by(
                {"employeeId": "$employeeId", "department": "$department"},
                {**in_range, "employeeId": {"$ne": None}},
            )
        ],
        "daily": [stats.daily_report(row) for row in stores.stats_by("$day", department_rows)],
    }


def rebuild_stats(stores: TaskStores) -> int:
    """Recompute the rollups from the tasks themselves (after a bulk import); returns rows."""
    rows = stats.rows_from_tasks(stores.all_tasks())
    stores.replace_stats(rows)
    return len(rows)

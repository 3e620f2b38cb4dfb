"""Use cases of the tasks service: each takes the stores and a Context and owns its unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hotel_shared.principal import Context, Principal, check_guest_room
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now
from hotel_shared.versions import check_version
from tasks import events
from tasks.rules import access, cleaning, stats
from tasks.rules import departments as department_rules
from tasks.rules import employees as employee_rules
from tasks.rules import tasks as task_rules
from tasks.store import TasksStores

Document = dict[str, Any]
Page = tuple[list[Document], int]


def _principal(ctx: Context) -> Principal:
    if ctx.principal is None:
        raise access.NotAllowed("this action needs a signed-in caller")
    return ctx.principal


# --- departments -------------------------------------------------------------------------------


def list_departments(stores: TasksStores, ctx: Context) -> list[Document]:
    return stores.list_departments()


@unit_of_work
def save_department(
    stores: TasksStores,
    ctx: Context,
    code: str,
    details: Mapping[str, Any],
    expected_version: int | None,
) -> tuple[Document, bool]:
    """Replace a department's routing, SLA and escalation chain (or create it); (dept, created)."""
    with stores.transaction() as tx:
        department_rules.check_job_types_free(tx.list_departments(), code, details["jobTypes"])
        current = tx.get_department(code)
        now = utc_now()
        if current is None:
            department = department_rules.new_department(code, details, now)
            tx.insert_department(department)
            return department, True
        check_version(current, expected_version, f"department {code}")
        saved = tx.save_department(current, {**details, "updatedAt": now})
    return saved, False


# --- employees ---------------------------------------------------------------------------------


def list_employees(
    stores: TasksStores, ctx: Context, filters: Mapping[str, Any], limit: int, offset: int
) -> Page:
    return stores.find_employees(filters, limit, offset)


def get_employee(stores: TasksStores, ctx: Context, code: str) -> Document:
    return stores.require_employee(code)


@unit_of_work
def create_employee(stores: TasksStores, ctx: Context, details: Mapping[str, Any]) -> Document:
    employee = employee_rules.new_employee(details, utc_now())
    with stores.transaction() as tx:
        tx.insert_employee(employee)
    return employee


@unit_of_work
def update_employee(
    stores: TasksStores,
    ctx: Context,
    code: str,
    changes: Mapping[str, Any],
    expected_version: int | None,
) -> Document:
    """Edit an employee; going off duty hands their unstarted tasks to colleagues (or the pool)."""
    employee_rules.check_may_edit(_principal(ctx), code, changes)
    with stores.transaction() as tx:
        before = tx.require_employee(code)
        check_version(before, expected_version, f"employee {code}")
        employee_rules.check_may_go_on_duty(before, changes)
        tx.guard_department(before["department"])
        employee = tx.save_employee(before, {**changes, "updatedAt": utc_now()})
        if employee["department"] != before["department"]:
            tx.guard_department(employee["department"])
        if before.get("onDuty") and not employee["onDuty"]:
            for task in tx.tasks_of(code, task_rules.NOT_STARTED_STATUSES):
                _return_to_pool(tx, ctx, task)
        if employee["onDuty"] or before["department"] != employee["department"]:
            for task in tx.pending_tasks(employee["department"]):
                _auto_assign(tx, ctx, task, alert=False)
        employee = tx.require_employee(code)
    return employee


@unit_of_work
def follow_account(stores: TasksStores, ctx: Context, user: Mapping[str, Any]) -> None:
    """Auth deactivated or reactivated a person's account: a deactivated person leaves duty and
    every open task of theirs, started or not, goes back to the pool (nobody can finish it
    under their name any more)."""
    code = user.get("employeeCode")
    if not code:
        return
    with stores.transaction() as tx:
        before = tx.get_employee(code)
        if before is None:
            return
        changes = employee_rules.account_changes(user)
        if all(before.get(field) == value for field, value in changes.items()):
            return
        tx.save_employee(before, {**changes, "updatedAt": utc_now()})
        if changes.get("active") is False:
            for task in tx.tasks_of(code, task_rules.LOADED_STATUSES):
                _return_to_pool(tx, ctx, task)


# --- requests and assignment -------------------------------------------------------------------


@unit_of_work
def create_request(
    stores: TasksStores, ctx: Context, details: Mapping[str, Any]
) -> tuple[Document, Document]:
    """Record a request and its task, routed by job type and auto-assigned; (request, task)."""
    principal = _principal(ctx)
    check_guest_room(principal, details["roomNumber"])
    asked = {**details, "stayId": task_rules.guest_stay(principal)}
    with stores.transaction() as tx:
        request, task = _open_task(tx, ctx, asked, requested_by=principal.username)
    return task_rules.request_view(request, task, principal), task


def list_requests(
    stores: TasksStores, ctx: Context, filters: Mapping[str, Any], limit: int, offset: int
) -> Page:
    """Requests, newest first, each with its task now (a guest: their stay's, no staff names)."""
    principal = _principal(ctx)
    scoped = task_rules.request_filters(filters, principal)
    page, total = stores.find_requests(scoped, limit, offset)  # each with its `task` in brief
    return [task_rules.request_view(r, r.pop("task"), principal) for r in page], total


@unit_of_work
def assign_task(
    stores: TasksStores,
    ctx: Context,
    task_id: str,
    employee_code: str,
    expected_version: int | None,
) -> Document:
    access.check_may_assign(_principal(ctx))
    with stores.transaction() as tx:
        task = tx.get_task(task_id)
        tx.guard_department(task["department"])
        check_version(task, expected_version, f"task {task_id}")
        employee = tx.require_employee(employee_code)
        task_rules.check_can_assign(task, employee)
        if task_rules.is_already_assigned(task, employee_code):
            return task
        _release(tx, task)
        assigned = _assign(tx, ctx, task, employee)
    return assigned


def _open_task(
    tx: TasksStores,
    ctx: Context,
    details: Mapping[str, Any],
    *,
    requested_by: str | None = None,
    dedupe_key: str | None = None,
    preferred: str | None = None,
) -> tuple[Document, Document]:
    department = tx.department_for_job_type(details["jobType"])
    if department is None:
        raise department_rules.unknown_job_type(details["jobType"], tx.list_departments())
    tx.guard_department(department["code"])
    request, task = task_rules.new_request_and_task(
        details, department, utc_now(), requested_by=requested_by, dedupe_key=dedupe_key
    )
    tx.insert_request(request)
    tx.insert_task(task)
    tx.record(events.request_created(task, ctx))
    tx.bump_daily_stats(stats.row_key(task, None, tx.zone), {"requests": 1})
    return request, _auto_assign(tx, ctx, task, alert=True, preferred=preferred)


def _auto_assign(
    tx: TasksStores, ctx: Context, task: Document, *, alert: bool, preferred: str | None = None
) -> Document:
    """Give the task to `preferred` if on duty, else the least-loaded colleague on duty in the
    department; else leave it pending (and say so)."""
    employee = employee_rules.choose_assignee(tx.department_staff(task["department"]), preferred)
    if employee is not None:
        return _assign(tx, ctx, task, employee)
    if alert:
        tx.record(events.task_unassigned(task, "no_staff_on_duty", ctx))
    return task


def _assign(tx: TasksStores, ctx: Context, task: Document, employee: Document) -> Document:
    now = utc_now()
    chain = tx.require_department(task["department"])["escalation"]
    saved = tx.save_task(task, task_rules.assignment_changes(task, employee, chain, now))
    tx.add_load(employee["employeeCode"], 1, assigned_at=now)
    tx.bump_daily_stats(stats.row_key(saved, employee["employeeCode"], tx.zone), {"assigned": 1})
    tx.record(events.task_assigned(saved, ctx))
    if task["status"] != saved["status"]:
        tx.record(events.task_status_changed(task, saved, ctx))
    return saved


def _release(tx: TasksStores, task: Document) -> None:
    if task_rules.weighs_on_assignee(task):
        tx.add_load(task["employeeId"], -1)


def _return_to_pool(tx: TasksStores, ctx: Context, task: Document) -> Document:
    _release(tx, task)
    pooled = tx.save_task(task, {**task_rules.unassignment_changes(), "updatedAt": utc_now()})
    return _auto_assign(tx, ctx, pooled, alert=True)


# --- lifecycle ---------------------------------------------------------------------------------


def list_tasks(
    stores: TasksStores, ctx: Context, filters: Mapping[str, Any], limit: int, offset: int
) -> Page:
    resolved = task_list_scope(ctx, filters)
    return ([], 0) if resolved is None else stores.find_tasks(resolved, limit, offset)


def task_list_scope(ctx: Context, filters: Mapping[str, Any]) -> Document | None:
    """What a task list selects for this caller (`assignedTo=me` resolved): two callers with the
    same scope get the same list."""
    return task_rules.task_filters(filters, _principal(ctx))


def get_task(stores: TasksStores, ctx: Context, task_id: str) -> Document:
    return stores.get_task(task_id)


@unit_of_work
def change_task_status(
    stores: TasksStores,
    ctx: Context,
    task_id: str,
    new_status: str,
    note: str | None,
    expected_version: int | None,
) -> Document:
    principal = _principal(ctx)
    with stores.transaction() as tx:
        task = tx.get_task(task_id)
        task_rules.check_transition(task, new_status, principal)
        check_version(task, expected_version, f"task {task_id}")
        chain = tx.require_department(task["department"])["escalation"]
        if new_status in task_rules.TERMINAL_STATUSES:
            tx.guard_department(task["department"])
            _release(tx, task)
        now = utc_now()
        written_note = task_rules.new_note(note, principal, now) if note else None
        saved = tx.save_task(
            task, task_rules.status_changes(task, new_status, chain, now, written_note)
        )
        for employee_id, increments in stats.step_increments(task, saved):
            tx.bump_daily_stats(stats.row_key(saved, employee_id, tx.zone), increments)
        if saved["status"] == task_rules.COMPLETED:
            tx.record(events.task_completed(saved, ctx))
        tx.record(events.task_status_changed(task, saved, ctx))
    return saved


@unit_of_work
def change_task_priority(
    stores: TasksStores,
    ctx: Context,
    task_id: str,
    priority: str,
    expected_version: int | None,
) -> Document:
    """A new priority, and the department's SLA deadlines for it, counted from the creation."""
    principal = _principal(ctx)
    with stores.transaction() as tx:
        task = tx.get_task(task_id)
        access.check_may_change_priority(principal, task)
        department = tx.require_department(task["department"])
        changes = task_rules.priority_changes(task, priority, department, utc_now())
        check_version(task, expected_version, f"task {task_id}")
        if not changes:
            return task
        saved = tx.save_task(task, changes)
        tx.record(events.task_updated(task, saved, ctx))
    return saved


@unit_of_work
def add_note(stores: TasksStores, ctx: Context, task_id: str, text: str) -> Document:
    note = task_rules.new_note(text, _principal(ctx), utc_now())
    with stores.transaction() as tx:
        task = tx.push_note(task_id, note)
    return task


# --- reactions to rooms' events ----------------------------------------------------------------


@unit_of_work
def open_departure_clean(
    stores: TasksStores, ctx: Context, customer_id: str, room_number: str, guest_name: str | None
) -> None:
    """One high-priority clean per checkout; an open clean of the room becomes that one."""
    key = cleaning.departure_clean_key(customer_id)
    with stores.transaction() as tx:
        if tx.task_by_dedupe_key(key) is not None:
            return
        existing = tx.open_cleaning_task(room_number)
        if existing is None:
            details = cleaning.departure_clean_details(room_number, guest_name)
            _open_task(tx, ctx, details, dedupe_key=key)
            return
        department = tx.require_department(existing["department"])
        tx.save_task(
            existing, cleaning.departure_clean_changes(existing, department, key, utc_now())
        )


@unit_of_work
def open_room_clean(
    stores: TasksStores, ctx: Context, room_number: str, inspection: Mapping[str, Any] | None
) -> None:
    """A room set Dirty gets a clean, one failing inspection ({reason, by, at}) a re-clean for
    whoever did its last clean if on duty there; neither while a clean of the room is open."""
    with stores.transaction() as tx:
        if tx.open_cleaning_task(room_number) is not None:
            return
        if inspection is None:
            _open_task(tx, ctx, cleaning.dirty_room_details(room_number))
            return
        last = tx.last_completed_clean(room_number)
        details = cleaning.reclean_details(room_number, inspection)
        _open_task(tx, ctx, details, preferred=last and last.get("employeeId"))


# --- escalation --------------------------------------------------------------------------------


def escalate_due_tasks(stores: TasksStores, ctx: Context, now: datetime | None = None) -> int:
    """Raise the next escalation level of every task that is due one; returns how many rose."""
    now = now or utc_now()
    due = stores.due_for_escalation(now)
    return sum(escalate_task(stores, ctx, task["taskId"], now) for task in due)


@unit_of_work
def escalate_task(stores: TasksStores, ctx: Context, task_id: str, now: datetime) -> bool:
    """Raise the task's next level if it is still due one (True), else reschedule its clock."""
    with stores.transaction() as tx:
        task = tx.get_task(task_id)
        chain = tx.require_department(task["department"])["escalation"]
        step = task_rules.escalation_step(task, chain, now)
        if step is None:  # acknowledged or finished since the scan: nothing to raise
            tx.save_task(task, {"nextEscalationAt": task_rules.next_escalation_at(task, chain)})
            return False
        saved = tx.save_task(task, task_rules.escalation_changes(task, step, chain))
        tx.bump_daily_stats(
            stats.row_key(saved, None, tx.zone), stats.escalation_increments(task, saved)
        )
        tx.record(events.task_escalated(saved, step, ctx))
    return True

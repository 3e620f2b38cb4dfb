"""HTTP routes of the tasks service: load the input, make one domain call, dump the result."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app

from hotel_shared.auth import STAFF_ROLES, current_principal, require
from hotel_shared.timeutil import utc_now
from hotel_shared.web import (
    current_request_id,
    expected_version,
    load_body,
    load_page_query,
    load_query,
    paged,
    with_etag,
)
from tasks import domain, rules
from tasks.schemas import (
    AnalyticsQuerySchema,
    AssignSchema,
    DepartmentSchema,
    DepartmentUpdateSchema,
    EmployeeCreateSchema,
    EmployeeListQuerySchema,
    EmployeeSchema,
    EmployeeUpdateSchema,
    NoteCreateSchema,
    RequestCreateSchema,
    RequestListQuerySchema,
    RequestSchema,
    StatusChangeSchema,
    TaskListQuerySchema,
    TaskSchema,
)
from tasks.store import TaskStores

CONFIG_KEY = "tasks.config"
ANALYTICS_DEFAULT_DAYS = 30

blueprint = Blueprint("tasks", __name__)

department_schema = DepartmentSchema()
employee_schema = EmployeeSchema()
request_schema = RequestSchema()
task_schema = TaskSchema()


def _stores() -> TaskStores:
    # Built per request from the per-process client, so nothing opens a connection before a fork.
    return TaskStores.from_settings(current_app.extensions[CONFIG_KEY].service)


def _task_response(task, status: int = 200, headers=None):
    return with_etag(task_schema.dump(task), task["version"], status, headers)


@blueprint.get("/api/departments")
@require(*STAFF_ROLES)
def list_departments():
    items = domain.list_departments(_stores())
    return paged(department_schema.dump(items, many=True), len(items), len(items), 0)


@blueprint.put("/api/departments/<code>")
@require(*rules.DEPARTMENT_EDITOR_ROLES)
def save_department(code: str):
    details = load_body(DepartmentUpdateSchema())
    department, created = domain.save_department(_stores(), code, details, expected_version())
    body = department_schema.dump(department)
    return with_etag(body, department["version"], 201 if created else 200)


@blueprint.get("/api/employees")
@require(*STAFF_ROLES)
def list_employees():
    filters, limit, offset = load_page_query(EmployeeListQuerySchema())
    items, total = _stores().find_employees(filters, limit, offset)
    return paged(employee_schema.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/employees/<employee_code>")
@require(*STAFF_ROLES)
def get_employee(employee_code: str):
    employee = _stores().require_employee(employee_code)
    return with_etag(employee_schema.dump(employee), employee["version"])


@blueprint.post("/api/employees")
@require(*rules.EMPLOYEE_EDITOR_ROLES)
def create_employee():
    employee = domain.create_employee(_stores(), load_body(EmployeeCreateSchema()))
    location = {"Location": f"/api/employees/{employee['employeeCode']}"}
    return with_etag(employee_schema.dump(employee), employee["version"], 201, location)


@blueprint.patch("/api/employees/<employee_code>")
@require(*STAFF_ROLES)
def update_employee(employee_code: str):
    employee = domain.update_employee(
        _stores(),
        employee_code,
        load_body(EmployeeUpdateSchema()),
        caller=current_principal(),
        expected_version=expected_version(),
        correlation_id=current_request_id(),
    )
    return with_etag(employee_schema.dump(employee), employee["version"])


@blueprint.post("/api/requests")
@require(*STAFF_ROLES, "guest")
def create_request():
    request, task = domain.create_request(
        _stores(),
        load_body(RequestCreateSchema()),
        caller=current_principal(),
        correlation_id=current_request_id(),
    )
    body = request_schema.dump({**request, "task": task})
    return body, 201, {"Location": f"/api/tasks/{task['taskId']}"}


@blueprint.get("/api/requests")
@require(*STAFF_ROLES, "guest")
def list_requests():
    filters, limit, offset = load_page_query(RequestListQuerySchema())
    items, total = domain.list_requests(
        _stores(), filters, limit, offset, caller=current_principal()
    )
    return paged(request_schema.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/tasks")
@require(*STAFF_ROLES)
def list_tasks():
    filters, limit, offset = load_page_query(TaskListQuerySchema())
    items, total = domain.list_tasks(_stores(), filters, limit, offset, caller=current_principal())
    return paged(task_schema.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/tasks/<task_id>")
@require(*STAFF_ROLES)
def get_task(task_id: str):
    return _task_response(_stores().get_task(task_id))


@blueprint.post("/api/tasks/<task_id>/assign")
@require(*rules.ASSIGN_ROLES)
def assign_task(task_id: str):
    task = domain.assign_task(
        _stores(),
        task_id,
        load_body(AssignSchema())["employeeId"],
        caller=current_principal(),
        expected_version=expected_version(),
        correlation_id=current_request_id(),
    )
    return _task_response(task)


@blueprint.patch("/api/tasks/<task_id>/status")
@require(*STAFF_ROLES)
def change_task_status(task_id: str):
    change = load_body(StatusChangeSchema())
    task = domain.change_task_status(
        _stores(),
        task_id,
        change["status"],
        note=change["note"],
        caller=current_principal(),
        expected_version=expected_version(),
        correlation_id=current_request_id(),
    )
    return _task_response(task)


@blueprint.post("/api/tasks/<task_id>/notes")
@require(*STAFF_ROLES)
def add_note(task_id: str):
    text = load_body(NoteCreateSchema())["text"]
    task = domain.add_note(_stores(), task_id, text, caller=current_principal())
    return _task_response(task, 201)


@blueprint.get("/api/analytics/departments")
@require(*rules.ANALYTICS_ROLES)
def department_analytics():
    query = load_query(AnalyticsQuerySchema())
    last = query.get("to") or utc_now().date()
    first = query.get("from_") or last - timedelta(days=ANALYTICS_DEFAULT_DAYS - 1)
    return domain.department_analytics(_stores(), first.isoformat(), last.isoformat())

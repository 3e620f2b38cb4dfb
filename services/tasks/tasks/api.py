"""HTTP routes of the tasks service: each declares its contract, makes one service call, dumps."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from hotel_shared.auth import STAFF_ROLES, request_context, require
from hotel_shared.openapi import operation
from hotel_shared.readmodel import cached_response, view_key
from hotel_shared.schemas import DatePeriodSchema
from hotel_shared.web import expected_version, paged, split_page, with_etag
from tasks import analytics, service
from tasks.rules import access
from tasks.schemas import (
    AnalyticsSchema,
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
    TaskUpdateSchema,
)
from tasks.store import TasksStores

CONFIG_KEY = "tasks.config"

blueprint = Blueprint("tasks", __name__)

department_schema = DepartmentSchema()
employee_schema = EmployeeSchema()
request_schema = RequestSchema()
task_schema = TaskSchema()
analytics_schema = AnalyticsSchema()


def stores() -> TasksStores:
    # Built per request from the per-process client, so nothing opens a connection before a fork.
    return TasksStores.from_settings(current_app.extensions[CONFIG_KEY].service)


def task_response(task: dict[str, Any], status: int = 200):
    return with_etag(task_schema.dump(task), task["version"], status)


def employee_response(employee: dict[str, Any], status: int = 200, headers=None):
    return with_etag(employee_schema.dump(employee), employee["version"], status, headers)


# --- departments -------------------------------------------------------------------------------


@blueprint.get("/api/departments")
@require(*STAFF_ROLES)
@operation(response=DepartmentSchema, paged=True)
def list_departments():
    """List the departments: their job types, SLA and escalation chain."""
    items = service.list_departments(stores(), request_context())
    return paged(department_schema.dump(items, many=True), len(items), len(items), 0)


@blueprint.put("/api/departments/<code>")
@require(*access.DEPARTMENT_EDITOR_ROLES)
@operation(body=DepartmentUpdateSchema, response=DepartmentSchema, upsert=True, errors=(409, 412))
def save_department(code: str, body: dict):
    """Create or replace a department (201 when created)."""
    department, created = service.save_department(
        stores(), request_context(), code, body, expected_version()
    )
    status = 201 if created else 200
    return with_etag(department_schema.dump(department), department["version"], status)


# --- employees ---------------------------------------------------------------------------------


@blueprint.get("/api/employees")
@require(*STAFF_ROLES)
@operation(query=EmployeeListQuerySchema, response=EmployeeSchema, paged=True)
def list_employees(query: dict):
    """List employees, by department, duty and role."""
    filters, limit, offset = split_page(query)
    items, total = service.list_employees(stores(), request_context(), filters, limit, offset)
    return paged(employee_schema.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/employees/<employee_code>")
@require(*STAFF_ROLES)
@operation(response=EmployeeSchema)
def get_employee(employee_code: str):
    """One employee."""
    return employee_response(service.get_employee(stores(), request_context(), employee_code))


@blueprint.post("/api/employees")
@require(*access.EMPLOYEE_EDITOR_ROLES)
@operation(body=EmployeeCreateSchema, response=EmployeeSchema, status=201, errors=(409,))
def create_employee(body: dict):
    """Add an employee (the code is unique)."""
    employee = service.create_employee(stores(), request_context(), body)
    location = {"Location": f"/api/employees/{employee['employeeCode']}"}
    return employee_response(employee, 201, location)


@blueprint.patch("/api/employees/<employee_code>")
@require(*STAFF_ROLES)
@operation(body=EmployeeUpdateSchema, response=EmployeeSchema, errors=(409, 412))
def update_employee(employee_code: str, body: dict):
    """Edit an employee; a staff member may set their own duty."""
    employee = service.update_employee(
        stores(), request_context(), employee_code, body, expected_version()
    )
    return employee_response(employee)


# --- requests ----------------------------------------------------------------------------------


@blueprint.post("/api/requests")
@require(*STAFF_ROLES, "guest")
@operation(body=RequestCreateSchema, response=RequestSchema, status=201)
def create_request(body: dict):
    """Make a request: it becomes a task, routed by job type and auto-assigned."""
    request, task = service.create_request(stores(), request_context(), body)
    location = {"Location": f"/api/tasks/{task['taskId']}"}
    return request_schema.dump(request), 201, location


@blueprint.get("/api/requests")
@require(*STAFF_ROLES, "guest")
@operation(query=RequestListQuerySchema, response=RequestSchema, paged=True)
def list_requests(query: dict):
    """List requests, newest first, each with its task's status (a guest: their stay's own)."""
    filters, limit, offset = split_page(query)
    items, total = service.list_requests(stores(), request_context(), filters, limit, offset)
    return paged(request_schema.dump(items, many=True), total, limit, offset)


# --- tasks -------------------------------------------------------------------------------------


@blueprint.get("/api/tasks")
@require(*STAFF_ROLES)
@operation(query=TaskListQuerySchema, response=TaskSchema, paged=True)
def list_tasks(query: dict):
    """List tasks, newest first (`assignedTo=me` for the caller's own); ETag, If-None-Match."""
    filters, limit, offset = split_page(query)
    ctx, source = request_context(), stores()

    def page(finder: TasksStores) -> dict:
        items, total = service.list_tasks(finder, ctx, filters, limit, offset)
        return paged(task_schema.dump(items, many=True), total, limit, offset)

    # The list depends on the caller only through what `assignedTo=me` resolves to.
    key = view_key("tasks", service.task_list_scope(ctx, filters), limit, offset)
    model = source.task_board() if current_app.extensions[CONFIG_KEY].read_model else None
    return cached_response(model, key, page, lambda _snapshot: source, source)


@blueprint.get("/api/tasks/<task_id>")
@require(*STAFF_ROLES)
@operation(response=TaskSchema)
def get_task(task_id: str):
    """One task."""
    return task_response(service.get_task(stores(), request_context(), task_id))


@blueprint.post("/api/tasks/<task_id>/assign")
@require(*access.ASSIGN_ROLES)
@operation(body=AssignSchema, response=TaskSchema, errors=(409, 412))
def assign_task(task_id: str, body: dict):
    """Assign a task to an on-duty employee of its department."""
    task = service.assign_task(
        stores(), request_context(), task_id, body["employeeId"], expected_version()
    )
    return task_response(task)


@blueprint.patch("/api/tasks/<task_id>/status")
@require(*STAFF_ROLES)
@operation(body=StatusChangeSchema, response=TaskSchema, errors=(409, 412))
def change_task_status(task_id: str, body: dict):
    """Move a task along its lifecycle, or cancel it."""
    task = service.change_task_status(
        stores(), request_context(), task_id, body["status"], body["note"], expected_version()
    )
    return task_response(task)


@blueprint.patch("/api/tasks/<task_id>")
@require(*access.PRIORITY_ROLES)
@operation(body=TaskUpdateSchema, response=TaskSchema, errors=(409, 412))
def update_task(task_id: str, body: dict):
    """Change a task's priority: its due date follows the department's SLA for it."""
    task = service.change_task_priority(
        stores(), request_context(), task_id, body["priority"], expected_version()
    )
    return task_response(task)


@blueprint.post("/api/tasks/<task_id>/notes")
@require(*STAFF_ROLES)
@operation(body=NoteCreateSchema, response=TaskSchema, status=201)
def add_note(task_id: str, body: dict):
    """Add a note to a task."""
    return task_response(service.add_note(stores(), request_context(), task_id, body["text"]), 201)


# --- analytics ---------------------------------------------------------------------------------


@blueprint.get("/api/analytics/departments")
@require(*access.ANALYTICS_ROLES)
@operation(query=DatePeriodSchema, response=AnalyticsSchema)
def department_analytics(query: dict):
    """Department, employee and daily figures over a period (default: the last 30 days)."""
    report = analytics.department_analytics(
        stores(), request_context(), query.get("from"), query.get("to")
    )
    return analytics_schema.dump(report)

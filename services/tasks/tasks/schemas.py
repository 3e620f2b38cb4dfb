"""Marshmallow schemas of the tasks API: request bodies, list queries, resources as JSON."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hotel_shared.principal import STAFF_ROLES
from hotel_shared.schemas import (
    ChangeSchema,
    QueryFlag,
    RoomNumber,
    StrictBoolean,
    StrictInteger,
    UtcDateTime,
    one_of,
)
from hotel_shared.web import PageQuerySchema
from tasks.rules.tasks import PRIORITIES, STATUSES

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", error="letters, digits, - and _ only")
NAME = validate.Length(min=1, max=100)
MINUTES = validate.Range(min=1, max=60 * 24 * 30)
TEXT = validate.Length(max=1000)
NOTIFIED = ("supervisor", "hotelAdmin")


def alias_of(name: str) -> fields.Function:
    """A string field repeating another under a second name (`id` of `taskId`, ERD and API)."""
    return fields.Function(lambda document: document[name], metadata={"type": "string"})


# --- departments -------------------------------------------------------------------------------


class SlaMinutesSchema(Schema):
    low = StrictInteger(required=True, validate=MINUTES)
    normal = StrictInteger(required=True, validate=MINUTES)
    high = StrictInteger(required=True, validate=MINUTES)
    urgent = StrictInteger(required=True, validate=MINUTES)


class EscalationLevelSchema(Schema):
    notify = fields.Str(required=True, validate=one_of(NOTIFIED))
    afterMinutes = StrictInteger(required=True, validate=validate.Range(min=0, max=60 * 24 * 7))


class DepartmentUpdateSchema(Schema):
    name = fields.Str(required=True, validate=NAME)
    jobTypes = fields.List(
        fields.Str(validate=CODE), required=True, validate=validate.Length(min=1, max=50)
    )
    slaMinutes = fields.Nested(SlaMinutesSchema, required=True)
    acknowledgeMinutes = StrictInteger(load_default=15, validate=MINUTES)
    escalation = fields.List(
        fields.Nested(EscalationLevelSchema),
        load_default=lambda: [
            {"notify": "supervisor", "afterMinutes": 0},
            {"notify": "hotelAdmin", "afterMinutes": 30},
        ],
        validate=validate.Length(max=5),
    )

    @validates_schema
    def _escalation_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        delays = [level["afterMinutes"] for level in data.get("escalation", [])]
        if delays != sorted(delays):
            raise ValidationError("levels must fire in order of afterMinutes", "escalation")


class DepartmentSchema(Schema):
    code = fields.Str()
    name = fields.Str()
    jobTypes = fields.List(fields.Str())
    slaMinutes = fields.Nested(SlaMinutesSchema)
    acknowledgeMinutes = fields.Integer()
    escalation = fields.List(fields.Nested(EscalationLevelSchema))
    version = fields.Integer()
    updatedAt = UtcDateTime()


# --- employees ---------------------------------------------------------------------------------


class EmployeeCreateSchema(Schema):
    employeeCode = fields.Str(required=True, validate=CODE)
    name = fields.Str(required=True, validate=NAME)
    role = fields.Str(required=True, validate=one_of(STAFF_ROLES))
    department = fields.Str(required=True, validate=CODE)
    jobTitle = fields.Str(load_default=None, validate=NAME)
    onDuty = StrictBoolean(load_default=False)


class EmployeeUpdateSchema(ChangeSchema):
    name = fields.Str(validate=NAME)
    role = fields.Str(validate=one_of(STAFF_ROLES))
    department = fields.Str(validate=CODE)
    jobTitle = fields.Str(validate=NAME, allow_none=True)
    onDuty = StrictBoolean()


class EmployeeListQuerySchema(PageQuerySchema):
    department = fields.Str(validate=CODE)
    onDuty = QueryFlag()
    role = fields.Str(validate=one_of(STAFF_ROLES))


class EmployeeSchema(Schema):
    id = alias_of("employeeCode")
    employeeCode = fields.Str()
    name = fields.Str()
    role = fields.Str()
    department = fields.Str()
    jobTitle = fields.Str(allow_none=True)
    onDuty = fields.Boolean()
    openTasks = fields.Integer()
    lastAssignedAt = UtcDateTime(allow_none=True)
    version = fields.Integer()


# --- requests and tasks ------------------------------------------------------------------------


class RequestCreateSchema(Schema):
    roomNumber = RoomNumber(required=True)
    jobType = fields.Str(required=True, validate=CODE)
    priority = fields.Str(load_default="normal", validate=one_of(PRIORITIES))
    description = fields.Str(load_default=None, validate=TEXT)
    estimatedDuration = StrictInteger(load_default=None, validate=MINUTES)


class RequestListQuerySchema(PageQuerySchema):
    roomNumber = RoomNumber()
    jobType = fields.Str(validate=CODE)
    department = fields.Str(validate=CODE)


class NoteSchema(Schema):
    text = fields.Str()
    author = fields.Str(allow_none=True)
    employeeId = fields.Str(allow_none=True)
    at = UtcDateTime()


class FailedInspectionSchema(Schema):
    """Why a re-clean exists: the inspection the room failed."""

    reason = fields.Str(allow_none=True)
    by = fields.Str(allow_none=True, metadata={"description": "the inspector's username"})
    at = UtcDateTime()


class TaskSchema(Schema):
    id = alias_of("taskId")
    taskId = fields.Str()
    roomNumber = alias_of("room")
    room = fields.Str()
    type = fields.Str()
    jobType = alias_of("type")
    department = fields.Str()
    status = fields.Str()
    priority = fields.Str()
    description = fields.Str(allow_none=True)
    assignedTo = fields.Str(allow_none=True)
    employeeId = fields.Str(allow_none=True)
    jobTitle = fields.Str(allow_none=True)
    estimatedDuration = fields.Integer()
    dueDate = UtcDateTime()
    acknowledgeBy = UtcDateTime()
    notes = fields.List(fields.Nested(NoteSchema))
    escalationLevel = fields.Integer()
    slaBreached = fields.Boolean()
    createdAt = UtcDateTime()
    updatedAt = UtcDateTime()
    assignedAt = UtcDateTime(allow_none=True)
    acknowledgedAt = UtcDateTime(allow_none=True)
    startedAt = UtcDateTime(allow_none=True)
    pausedAt = UtcDateTime(allow_none=True)
    pausedMinutes = fields.Function(
        lambda task: round(task.get("pausedSeconds", 0) / 60, 2), metadata={"type": "number"}
    )
    completedAt = UtcDateTime(allow_none=True)
    cancelledAt = UtcDateTime(allow_none=True)
    workMinutes = fields.Float(allow_none=True)
    reclean = fields.Boolean(dump_default=False)
    failedInspection = fields.Nested(FailedInspectionSchema, allow_none=True, dump_default=None)
    version = fields.Integer()


class TaskSummarySchema(Schema):
    """A request's task, in brief (to a guest without assignedTo and employeeId)."""

    taskId = fields.Str()
    status = fields.Str()
    assignedTo = fields.Str(
        allow_none=True, metadata={"description": "who has it (staff only; never to a guest)"}
    )
    employeeId = fields.Str(
        allow_none=True, metadata={"description": "their employee code (staff only)"}
    )
    dueDate = UtcDateTime()


class RequestSchema(Schema):
    id = alias_of("taskId")
    taskId = fields.Str()
    roomNumber = fields.Str()
    jobType = fields.Str()
    priority = fields.Str()
    date = UtcDateTime()
    department = fields.Str()
    description = fields.Str(allow_none=True)
    requestedBy = fields.Str(allow_none=True)
    stayId = fields.Str(
        allow_none=True,
        dump_default=None,
        metadata={"description": "the guest's stay (customerId) when a guest made the request"},
    )
    status = fields.Str(allow_none=True, metadata={"description": "its task's status now"})
    dueDate = UtcDateTime(allow_none=True, metadata={"description": "when its task is due"})
    task = fields.Nested(TaskSummarySchema, allow_none=True)


class TaskListQuerySchema(PageQuerySchema):
    assignedTo = fields.Str(validate=CODE, metadata={"description": "an employee code, or me"})
    status = fields.Str(validate=one_of(STATUSES))
    department = fields.Str(validate=CODE)
    room = RoomNumber()


class AssignSchema(Schema):
    employeeId = fields.Str(required=True, validate=CODE)


class StatusChangeSchema(Schema):
    status = fields.Str(required=True, validate=one_of(STATUSES))
    note = fields.Str(load_default=None, validate=TEXT)


class TaskUpdateSchema(Schema):
    priority = fields.Str(required=True, validate=one_of(PRIORITIES))


class NoteCreateSchema(Schema):
    text = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


# --- analytics ---------------------------------------------------------------------------------


class DepartmentFiguresSchema(Schema):
    department = fields.Str()
    requests = fields.Integer()
    completed = fields.Integer()
    cancelled = fields.Integer()
    open = fields.Integer()
    avgAcknowledgeMinutes = fields.Float(allow_none=True)
    avgCompletionMinutes = fields.Float(allow_none=True)
    slaBreaches = fields.Integer()
    slaBreachRate = fields.Float()
    escalations = fields.Integer()


class EmployeeFiguresSchema(Schema):
    employeeId = fields.Str()
    department = fields.Str()
    assigned = fields.Integer()
    acknowledged = fields.Integer()
    completed = fields.Integer()
    avgAcknowledgeMinutes = fields.Float(allow_none=True)
    avgCompletionMinutes = fields.Float(allow_none=True)
    avgWorkMinutes = fields.Float(allow_none=True)
    slaBreaches = fields.Integer()


class DailyFiguresSchema(Schema):
    date = fields.Str()
    requests = fields.Integer()
    completed = fields.Integer()
    slaBreaches = fields.Integer()
    escalations = fields.Integer()


class AnalyticsSchema(Schema):
    from_ = fields.Str(data_key="from", attribute="from")
    to = fields.Str()
    departments = fields.List(fields.Nested(DepartmentFiguresSchema))
    employees = fields.List(fields.Nested(EmployeeFiguresSchema))
    daily = fields.List(fields.Nested(DailyFiguresSchema))

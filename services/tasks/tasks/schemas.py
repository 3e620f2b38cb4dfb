"""Marshmallow schemas of the tasks API: request bodies, list queries, resources as JSON."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hotel_shared.auth import ROLES
from hotel_shared.timeutil import to_iso
from hotel_shared.web import PageQuerySchema
from tasks.rules import PRIORITIES, STATUSES


class UtcDateTime(fields.Field):
    """Dumps an aware datetime as ISO 8601 UTC with `Z`, the platform's one time format."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return to_iso(value)


def _one_of(choices) -> validate.OneOf:
    return validate.OneOf(choices, error=f"must be one of: {', '.join(choices)}")


CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", error="letters, digits, - and _ only")
ROOM_NUMBER = validate.Regexp(r"^[A-Za-z0-9-]{1,10}$", error="1-10 letters, digits or -")
NAME = validate.Length(min=1, max=100)
MINUTES = validate.Range(min=1, max=60 * 24 * 30)
STAFF_ROLE_CHOICES = tuple(role for role in ROLES if role != "guest")


class SlaMinutesSchema(Schema):
    low = fields.Integer(required=True, validate=MINUTES)
    normal = fields.Integer(required=True, validate=MINUTES)
    high = fields.Integer(required=True, validate=MINUTES)
    urgent = fields.Integer(required=True, validate=MINUTES)


class EscalationLevelSchema(Schema):
    notify = fields.Str(required=True, validate=_one_of(("supervisor", "hotelAdmin")))
    afterMinutes = fields.Integer(required=True, validate=validate.Range(min=0, max=60 * 24 * 7))


class DepartmentUpdateSchema(Schema):
    name = fields.Str(required=True, validate=NAME)
    jobTypes = fields.List(
        fields.Str(validate=CODE), required=True, validate=validate.Length(min=1, max=50)
    )
    slaMinutes = fields.Nested(SlaMinutesSchema, required=True)
    acknowledgeMinutes = fields.Integer(load_default=15, validate=MINUTES)
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
    slaMinutes = fields.Dict()
    acknowledgeMinutes = fields.Integer()
    escalation = fields.List(fields.Dict())
    version = fields.Integer()
    updatedAt = UtcDateTime()


class EmployeeCreateSchema(Schema):
    employeeCode = fields.Str(required=True, validate=CODE)
    name = fields.Str(required=True, validate=NAME)
    role = fields.Str(required=True, validate=_one_of(STAFF_ROLE_CHOICES))
    department = fields.Str(required=True, validate=CODE)
    jobTitle = fields.Str(load_default=None, validate=NAME)
    onDuty = fields.Boolean(load_default=False)


class EmployeeUpdateSchema(Schema):
    name = fields.Str(validate=NAME)
    role = fields.Str(validate=_one_of(STAFF_ROLE_CHOICES))
    department = fields.Str(validate=CODE)
    jobTitle = fields.Str(validate=NAME, allow_none=True)
    onDuty = fields.Boolean()

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("give at least one field to change", "_schema")


class EmployeeListQuerySchema(PageQuerySchema):
    department = fields.Str(validate=CODE)
    onDuty = fields.Boolean()
    role = fields.Str(validate=_one_of(STAFF_ROLE_CHOICES))


class EmployeeSchema(Schema):
    id = fields.Function(lambda e: e["employeeCode"])
    employeeCode = fields.Str()
    name = fields.Str()
    role = fields.Str()
    department = fields.Str()
    jobTitle = fields.Str(allow_none=True)
    onDuty = fields.Boolean()
    openTasks = fields.Integer()
    lastAssignedAt = UtcDateTime()
    version = fields.Integer()


class RequestCreateSchema(Schema):
    roomNumber = fields.Str(required=True, validate=ROOM_NUMBER)
    jobType = fields.Str(required=True, validate=CODE)
    priority = fields.Str(load_default="normal", validate=_one_of(PRIORITIES))
    description = fields.Str(load_default=None, validate=validate.Length(max=1000))
    estimatedDuration = fields.Integer(load_default=None, validate=MINUTES)


class RequestListQuerySchema(PageQuerySchema):
    roomNumber = fields.Str(validate=ROOM_NUMBER)
    jobType = fields.Str(validate=CODE)
    department = fields.Str(validate=CODE)


class NoteSchema(Schema):
    text = fields.Str(required=True, validate=validate.Length(min=1, max=1000))
    author = fields.Str(allow_none=True)
    employeeId = fields.Str(allow_none=True)
    at = UtcDateTime()


class TaskSchema(Schema):
    id = fields.Function(lambda t: t["taskId"])
    taskId = fields.Str()
    roomNumber = fields.Function(lambda t: t["room"])
    room = fields.Str()
    type = fields.Str()
    jobType = fields.Function(lambda t: t["type"])
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
    assignedAt = UtcDateTime()
    acknowledgedAt = UtcDateTime()
    startedAt = UtcDateTime()
    pausedAt = UtcDateTime()
    pausedMinutes = fields.Function(lambda t: round(t.get("pausedSeconds", 0) / 60, 2))
    completedAt = UtcDateTime()
    cancelledAt = UtcDateTime()
    workMinutes = fields.Float(allow_none=True)
    version = fields.Integer()


class RequestSchema(Schema):
    id = fields.Function(lambda r: r["taskId"])
    taskId = fields.Str()
    roomNumber = fields.Str()
    jobType = fields.Str()
    priority = fields.Str()
    date = UtcDateTime()
    department = fields.Str()
    description = fields.Str(allow_none=True)
    requestedBy = fields.Str(allow_none=True)
    task = fields.Nested(
        TaskSchema, only=("taskId", "status", "assignedTo", "employeeId", "dueDate")
    )


class TaskListQuerySchema(PageQuerySchema):
    assignedTo = fields.Str(validate=CODE)
    status = fields.Str(validate=_one_of(STATUSES))
    department = fields.Str(validate=CODE)
    room = fields.Str(validate=ROOM_NUMBER)


class AssignSchema(Schema):
    employeeId = fields.Str(required=True, validate=CODE)


class StatusChangeSchema(Schema):
    status = fields.Str(required=True, validate=_one_of(STATUSES))
    note = fields.Str(load_default=None, validate=validate.Length(max=1000))


class NoteCreateSchema(Schema):
    text = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class AnalyticsQuerySchema(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()

    @validates_schema
    def _ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "from_" in data and "to" in data and data["from_"] > data["to"]:
            raise ValidationError("must not be after to", "from")

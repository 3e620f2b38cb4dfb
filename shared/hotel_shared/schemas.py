"""Marshmallow building blocks every service's schemas.py uses: one definition of each.

Room numbers, times in the platform's one format, exact JSON numbers, "at least one field"
bodies and `from`/`to` periods. Services keep their own schemas; these are the parts.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hotel_shared.timeutil import to_iso

ROOM_NUMBER_PATTERN = re.compile(r"^[0-9A-Za-z-]{1,10}$")


def one_of(choices: tuple[str, ...] | list[str]) -> validate.OneOf:
    """A choice validator whose message lists the choices."""
    return validate.OneOf(choices, error=f"must be one of: {', '.join(choices)}")


class RoomNumber(fields.String):
    """A room number: 1-10 letters, digits or '-'. A client sending the number 204 means "204"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "validate",
            validate.Regexp(ROOM_NUMBER_PATTERN, error="must be 1-10 letters, digits or '-'"),
        )
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        return super()._deserialize(value, attr, data, **kwargs).strip()


class UtcDateTime(fields.AwareDateTime):
    """Reads ISO 8601 (naive means UTC); writes ISO 8601 UTC with `Z`, the platform's one format."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return to_iso(value)


class JsonNumber(fields.Float):
    """A JSON number: unlike fields.Float, a numeric string such as "120" is refused."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_nan", False)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, str):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class ChangeSchema(Schema):
    """A PATCH body: at least one of its fields must be given."""

    @validates_schema
    def _has_a_change(self, data: dict[str, Any], **_: Any) -> None:
        if not data:
            names = ", ".join(field.data_key or name for name, field in self.load_fields.items())
            raise ValidationError(f"give at least one of: {names}", "_schema")


class _Period(Schema):
    @validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("from"), data.get("to")
        if start is not None and end is not None and start > end:
            raise ValidationError("must not be after to", "from")


class TimePeriodSchema(_Period):
    """`from` / `to` as instants (ISO 8601 times); loaded under the keys "from" and "to"."""

    from_ = UtcDateTime(data_key="from", attribute="from")
    to = UtcDateTime()


class DatePeriodSchema(_Period):
    """`from` / `to` as calendar days (YYYY-MM-DD); loaded under the keys "from" and "to"."""

    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()

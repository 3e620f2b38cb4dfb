"""Marshmallow building blocks every service's schemas.py uses: one definition of each.

Room numbers, times in the platform's one format, exact JSON numbers, "at least one field"
bodies and `from`/`to` periods. Services keep their own schemas; these are the parts.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from hotel_shared.timeutil import to_iso

ROOM_NUMBER_PATTERN = re.compile(r"^[0-9A-Za-z-]{1,10}$")
# Dates a hotel can mean: a typo such as 9999-12-31 or 0001-01-03 is refused, never stored.
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2100, 12, 31)
_DAY_RANGE = validate.Range(EARLIEST_DAY, LATEST_DAY, error="must be between {min} and {max}")
_TIME_RANGE = validate.Range(
    datetime.combine(EARLIEST_DAY, time.min, UTC),
    datetime.combine(LATEST_DAY, time.max, UTC),
    error="must be between 2000-01-01 and 2100-12-31",
)


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
    """Reads ISO 8601 (naive means UTC) within 2000-2100; writes ISO 8601 UTC with `Z`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", UTC)
        kwargs.setdefault("validate", _TIME_RANGE)
        super().__init__(**kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return to_iso(value)


class Day(fields.Date):
    """A calendar day (YYYY-MM-DD) within 2000-2100."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", _DAY_RANGE)
        super().__init__(**kwargs)


class StrictBoolean(fields.Boolean):
    """Only JSON true or false: 0, 1, "yes" and "false" are refused, not guessed."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):  # 0 == False in Python, so a set lookup would let it in
            raise self.make_error("invalid")
        return value


class QueryFlag(fields.Boolean):
    """A yes/no query argument: only `true` or `false`, never 1, yes or on."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(truthy={"true"}, falsy={"false"}, **kwargs)


class StrictInteger(fields.Integer):
    """A JSON integer: true, 1.5 and "3" are refused."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class JsonNumber(fields.Float):
    """A JSON number: unlike fields.Float, a numeric string such as "120" is refused."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_nan", False)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, str | bool):
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

    from_ = Day(data_key="from", attribute="from")
    to = Day()

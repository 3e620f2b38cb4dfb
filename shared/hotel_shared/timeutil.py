"""Time helpers: stored and exposed times are UTC (ISO 8601 with `Z`); days are the hotel's."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utc_now() -> datetime:
    # Millisecond precision: what BSON stores, so a value reads back equal to what was written.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def to_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 time; naive values are taken as UTC. Raises ValueError."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def hotel_zone(name: str) -> ZoneInfo:
    """The hotel's time zone (HOTEL_TIMEZONE, an IANA name): what "today" and a day mean."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone name (e.g. Europe/Madrid)") from None


def hotel_day(moment: datetime, zone: ZoneInfo) -> date:
    """The hotel's calendar day at `moment` (a UTC instant), never the server's."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def hotel_today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return hotel_day(now or utc_now(), zone)

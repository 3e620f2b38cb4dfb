"""Report use cases: F&B sales over a period of hotel days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fnb.rules import analytics as rules
from fnb.store import FnbStores
from hotel_shared.principal import Context
from hotel_shared.timeutil import hotel_today


def sales_report(
    stores: FnbStores, ctx: Context, start: date | None, end: date | None, currency: str
) -> dict[str, Any]:
    first, last = rules.period(start, end, hotel_today(stores.zone))
    since = datetime.combine(first, time.min, stores.zone).astimezone(UTC)
    until = datetime.combine(last + timedelta(days=1), time.min, stores.zone).astimezone(UTC)
    found = stores.checked_out_between(since, until)
    report = rules.sales_report(
        found["orders"], found["cancelled"], found["bills"], first, last, stores.zone
    )
    return {**report, "currency": currency}

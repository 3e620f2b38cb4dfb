"""Use cases of the tasks analytics: the report over hotel days, and rebuilding its rollups."""

from __future__ import annotations

from datetime import date
from typing import Any

from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import hotel_today, utc_now
from tasks.rules import stats
from tasks.store import TasksStores

Document = dict[str, Any]


def department_analytics(
    stores: TasksStores, ctx: Context, first: date | None, last: date | None
) -> Document:
    """Per department, employee and hotel day over a period (default: the last 30 days)."""
    first_day, last_day = stats.analytics_period(first, last, hotel_today(stores.zone, utc_now()))
    return stats.analytics_report(
        first_day,
        last_day,
        stores.department_totals(first_day, last_day),
        stores.employee_totals(first_day, last_day),
        stores.daily_totals(first_day, last_day),
    )


@unit_of_work
def rebuild_stats(stores: TasksStores, ctx: Context) -> int:
    """Recompute the rollups from the tasks themselves, in the hotel's zone (after a bulk import
    or a change of HOTEL_TIMEZONE); returns rows."""
    rows = stats.rows_from_tasks(stores.all_tasks(), stores.zone)
    with stores.transaction() as tx:
        tx.replace_daily_stats(rows)
    return len(rows)

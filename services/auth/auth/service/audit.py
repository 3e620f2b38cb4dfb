"""The audit trail: every event on the bus becomes one activity log, read by the audit readers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from auth.rules import audit as rules
from auth.store import AuthStores, Page
from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work


def list_activity(
    stores: AuthStores, ctx: Context, filters: dict[str, Any], limit: int, offset: int
) -> Page:
    return stores.page_activity(filters, limit, offset)


@unit_of_work
def record_activity(
    stores: AuthStores,
    ctx: Context,
    *,
    event_id: str,
    event_type: str,
    source: str | None,
    subject: str | None,
    time: datetime,
    details: dict[str, Any],
    changes: list[dict[str, Any]],
) -> None:
    """Audit one event: who (the event's actor), what, when, and what moved; no credential."""
    entry = rules.activity_entry(
        event_id=event_id,
        event_type=event_type,
        source=source,
        subject=subject,
        time=time,
        actor=ctx.actor,
        correlation_id=ctx.correlation_id,
        details=details,
        changes=changes,
    )
    with stores.transaction() as tx:
        tx.insert_activity_once(entry)

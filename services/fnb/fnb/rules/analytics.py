"""Sales figures: orders, revenue, delivery time, cancellations, top items, per hotel day."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hotel_shared.errors import ValidationFailed
from hotel_shared.timeutil import hotel_day

Document = Mapping[str, Any]

DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP_ITEMS = 10


def period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """The days asked for (default: the last 30 up to today), at most a year."""
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            f"a period is at most {MAX_DAYS} days", errors={"from": [f"at most {MAX_DAYS} days"]}
        )
    return start, end


def sales_report(
    orders: Iterable[Document],
    cancelled: Iterable[Document],
    bills: Iterable[Document],
    start: date,
    end: date,
    zone: ZoneInfo,
) -> dict[str, Any]:
    """Every order checked out in the period (live, cancelled or billed) counted once."""
    orders, cancelled, bills = list(orders), list(cancelled), list(bills)
    days = {start + timedelta(days=n): Counter() for n in range((end - start).days + 1)}

    def bucket(document: Document) -> Counter:
        return days.setdefault(hotel_day(document["checkedOutAt"], zone), Counter())

    for document in orders:
        bucket(document)["orders"] += 1
    for document in cancelled:
        bucket(document).update(orders=1, cancelled=1)
    minutes = []
    items: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"quantity": 0, "revenue": 0}
    )
    for bill in bills:
        bucket(bill).update(delivered=1, revenue=bill["totalPrice"])
        minutes.append((bill["deliveredAt"] - bill["checkedOutAt"]).total_seconds() / 60)
        for line in bill["items"]:
            key = (line["kind"], line.get("foodId") or line.get("comboId") or "")
            entry = items[key]
            entry.update(kind=key[0], id=key[1], name=line["name"])
            entry["quantity"] += line["quantity"]
            entry["revenue"] += line["lineTotal"]
    placed = sum(day["orders"] for day in days.values())
    top = sorted(items.values(), key=lambda item: (-item["quantity"], -item["revenue"]))
    return {
        "fromDay": start.isoformat(),
        "toDay": end.isoformat(),
        "timezone": zone.key,
        "orders": placed,
        "delivered": len(bills),
        "cancelled": len(cancelled),
        "revenue": sum(bill["totalPrice"] for bill in bills),
        "avgDeliveryMinutes": round(sum(minutes) / len(minutes), 1) if minutes else None,
        "cancellationRate": round(len(cancelled) / placed, 4) if placed else None,
        "topItems": top[:TOP_ITEMS],
        "byDay": [
            {
                "day": day.isoformat(),
                "orders": counts["orders"],
                "delivered": counts["delivered"],
                "cancelled": counts["cancelled"],
                "revenue": counts["revenue"],
            }
            for day, counts in sorted(days.items())
            if start <= day <= end
        ],
    }


def csv_rows(report: Mapping[str, Any], money: Any) -> list[list[str]]:
    """The report as CSV rows: one per day, then the totals."""
    rows = [["day", "orders", "delivered", "cancelled", "revenue"]]
    for day in report["byDay"]:
        rows.append(
            [day["day"], str(day["orders"]), str(day["delivered"]), str(day["cancelled"]),
             money(day["revenue"])]
        )  # fmt: skip
    rows.append(
        ["total", str(report["orders"]), str(report["delivered"]), str(report["cancelled"]),
         money(report["revenue"])]
    )  # fmt: skip
    return rows

"""Recommendations: what is most often ordered together with the cart, or sells at this hour.

Counts are kept per hotel day as orders are delivered (in the delivery's transaction), so a
request reads the last 90 days' sums instead of recomputing co-occurrence from the orders.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from itertools import permutations
from typing import Any
from zoneinfo import ZoneInfo

from fnb.rules import menu
from fnb.rules.carts import COMBO

WINDOW_DAYS = 90
LIMIT = 5


def item_key(line: Mapping[str, Any]) -> str:
    """`food:<id>` or `combo:<id>`: one key space for foods and combos."""
    return f"{line['kind']}:{line.get('foodId') or line.get('comboId')}"


def split_key(key: str) -> tuple[str, str]:
    kind, _, item_id = key.partition(":")
    return kind, item_id


def pairs(lines: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """Every ordered pair of different items of one order (each counted once per order)."""
    keys = sorted({item_key(line) for line in lines})
    return list(permutations(keys, 2))


def window_start(today: date) -> str:
    return (today - timedelta(days=WINDOW_DAYS - 1)).isoformat()


def hotel_hour(moment: datetime, zone: ZoneInfo) -> int:
    return moment.astimezone(zone).hour


def pick(
    scores: Mapping[str, float],
    reasons: Mapping[str, str],
    exclude: set[str],
    foods: Mapping[str, menu.Food],
    combos: Mapping[str, menu.Combo],
) -> list[dict[str, Any]]:
    """The best-scoring orderable items not in the cart, at most five, each with its reason."""
    chosen = []
    for key in sorted(scores, key=lambda k: (-scores[k], k)):
        if key in exclude:
            continue
        kind, item_id = split_key(key)
        if kind == COMBO:
            combo = combos.get(item_id)
            if combo is None or not menu.is_combo_orderable(combo, foods):
                continue
            name, price = combo["title"], combo["price"]
        else:
            food = foods.get(item_id)
            if food is None or not food.get("available"):
                continue
            name, price = food["name"], food["price"]
        chosen.append(
            {"kind": kind, "id": item_id, "name": name, "price": price, "reason": reasons[key],
             "score": scores[key]}
        )  # fmt: skip
        if len(chosen) == LIMIT:
            break
    return chosen


def together_scores(
    rows: Iterable[Mapping[str, Any]], names: Mapping[str, str]
) -> tuple[dict[str, float], dict[str, str]]:
    """Rows {a, b, count} (b ordered with the cart's a): score per b, reason naming its best a."""
    scores: dict[str, float] = {}
    best: dict[str, tuple[float, str]] = {}
    for row in rows:
        b, count = row["b"], row["count"]
        scores[b] = scores.get(b, 0) + count
        if count > best.get(b, (0, ""))[0]:
            best[b] = (count, row["a"])
    reasons = {b: f"often ordered with {names.get(a, 'your order')}" for b, (_, a) in best.items()}
    return scores, reasons


def hour_scores(rows: Iterable[Mapping[str, Any]], hour: int) -> tuple[dict, dict]:
    scores = {row["item"]: row["count"] for row in rows}
    return scores, dict.fromkeys(scores, f"popular around {hour:02d}:00")

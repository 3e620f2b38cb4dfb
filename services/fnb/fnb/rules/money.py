"""Exact money: prices and totals are integer minor units (cents), shown as "12.50" strings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CENTS = 100
MAX_PRICE_CENTS = 100_000_00  # a menu price above 100,000.00 is a typo, never a dish


class MoneyError(ValueError):
    """A value that is not an amount of money with at most two decimals."""


def parse_money(value: object) -> int:
    """A JSON number or decimal string ("12.5", 12.50) as cents; never through a binary float."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MoneyError("must be an amount such as 12.50")
    try:
        # repr of a float is its shortest round-tripping text: 12.3 stays 12.3, not 12.2999...
        amount = Decimal(value if isinstance(value, str) else repr(value))
    except InvalidOperation:
        raise MoneyError("must be an amount such as 12.50") from None
    if not amount.is_finite():
        raise MoneyError("must be a finite amount")
    cents = amount * CENTS
    if cents != cents.to_integral_value():
        raise MoneyError("must have at most two decimals")
    if amount < 0 or cents > MAX_PRICE_CENTS:
        raise MoneyError(f"must be between 0.00 and {format_money(MAX_PRICE_CENTS)}")
    return int(cents)


def format_money(cents: int) -> str:
    """12.50 for 1250: two decimals always, exact."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), CENTS)
    return f"{sign}{whole}.{part:02d}"

"""Stay use cases: the projection of rooms' check-ins and check-outs (checkout clears a cart)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnb.store import FnbStores
from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work


@unit_of_work
def open_stay(stores: FnbStores, ctx: Context, stay: Mapping[str, Any]) -> None:
    with stores.transaction() as tx:
        tx.open_stay(dict(stay))


@unit_of_work
def close_stay(stores: FnbStores, ctx: Context, stay: Mapping[str, Any]) -> None:
    """The stay ends: the room's cart goes with it (orders already placed stay, to be billed)."""
    with stores.transaction() as tx:
        tx.close_stay(dict(stay))
        if tx.checked_in_stay(stay["roomNumber"]) is None:
            tx.delete_cart(stay["roomNumber"])

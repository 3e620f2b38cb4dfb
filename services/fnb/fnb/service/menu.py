"""Menu use cases: foods and carousel combos (the restaurant admin edits, everyone reads)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnb.rules import menu as rules
from fnb.store import FnbStores, MenuInMemory
from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now
from hotel_shared.versions import check_version

Document = dict[str, Any]


def list_foods(
    stores: FnbStores | MenuInMemory, ctx: Context, filters: Mapping[str, Any]
) -> list[Document]:
    """The menu, from the database or from the process's read model (the same answer)."""
    return stores.find_foods(filters)


def get_food(stores: FnbStores, ctx: Context, food_id: str) -> Document:
    return stores.get_food(food_id)


@unit_of_work
def create_food(stores: FnbStores, ctx: Context, details: Mapping[str, Any]) -> Document:
    food = rules.new_food(details, utc_now())
    with stores.transaction() as tx:
        tx.insert_food(food)
    return food


@unit_of_work
def update_food(
    stores: FnbStores,
    ctx: Context,
    food_id: str,
    changes: Mapping[str, Any],
    expected_version: int | None,
) -> Document:
    with stores.transaction() as tx:
        food = tx.get_food(food_id)
        check_version(food, expected_version, f"food {food_id}")
        return tx.save_food(food, {**changes, "updatedAt": utc_now()})


@unit_of_work
def delete_food(
    stores: FnbStores, ctx: Context, food_id: str, expected_version: int | None
) -> None:
    with stores.transaction() as tx:
        food = tx.get_food(food_id)
        check_version(food, expected_version, f"food {food_id}")
        tx.delete_food(food)


def list_combos(
    stores: FnbStores | MenuInMemory, ctx: Context, filters: Mapping[str, Any]
) -> list[Document]:
    """Combos, each with `orderable`: active and every one of its foods available."""
    combos = stores.find_combos(filters)
    foods = stores.foods_by_id(item["foodId"] for combo in combos for item in combo["items"])
    return [{**combo, "orderable": rules.is_combo_orderable(combo, foods)} for combo in combos]


def get_combo(stores: FnbStores, ctx: Context, combo_id: str) -> Document:
    combo = stores.get_combo(combo_id)
    foods = stores.foods_by_id(item["foodId"] for item in combo["items"])
    return {**combo, "orderable": rules.is_combo_orderable(combo, foods)}


@unit_of_work
def create_combo(stores: FnbStores, ctx: Context, details: Mapping[str, Any]) -> Document:
    with stores.transaction() as tx:
        foods = tx.foods_by_id(item["foodId"] for item in details["items"])
        combo = rules.new_combo(details, rules.combo_contents(details["items"], foods), utc_now())
        tx.insert_combo(combo)
    return {**combo, "orderable": rules.is_combo_orderable(combo, foods)}


@unit_of_work
def update_combo(
    stores: FnbStores,
    ctx: Context,
    combo_id: str,
    changes: Mapping[str, Any],
    expected_version: int | None,
) -> Document:
    with stores.transaction() as tx:
        combo = tx.get_combo(combo_id)
        check_version(combo, expected_version, f"combo {combo_id}")
        changes = dict(changes)
        if "items" in changes:
            asked = tx.foods_by_id(item["foodId"] for item in changes["items"])
            changes["items"] = rules.combo_contents(changes["items"], asked)
        saved = tx.save_combo(combo, {**changes, "updatedAt": utc_now()})
        foods = tx.foods_by_id(item["foodId"] for item in saved["items"])
    return {**saved, "orderable": rules.is_combo_orderable(saved, foods)}


@unit_of_work
def delete_combo(
    stores: FnbStores, ctx: Context, combo_id: str, expected_version: int | None
) -> None:
    with stores.transaction() as tx:
        combo = tx.get_combo(combo_id)
        check_version(combo, expected_version, f"combo {combo_id}")
        tx.delete_combo(combo)

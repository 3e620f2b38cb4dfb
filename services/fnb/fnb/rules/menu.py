"""Menu rules: foods, carousel combos, and whether an item can be ordered now."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hotel_shared.errors import Conflict, NotFound, ValidationFailed

Food = dict[str, Any]
Combo = dict[str, Any]

MENU_EDITOR_ROLES = ("restaurantAdmin",)
FOOD_FIELDS = ("name", "price", "category", "img", "details", "available")
COMBO_FIELDS = ("title", "description", "price", "img", "items", "active")


class FoodNotFound(NotFound):
    code = "food_not_found"

    def __init__(self, food_id: str) -> None:
        super().__init__(f"food {food_id} does not exist", foodId=food_id)


class ComboNotFound(NotFound):
    code = "combo_not_found"

    def __init__(self, combo_id: str) -> None:
        super().__init__(f"combo {combo_id} does not exist", comboId=combo_id)


class ItemUnavailable(Conflict):
    code = "item_unavailable"

    def __init__(self, name: str, **extensions: Any) -> None:
        super().__init__(f"{name} cannot be ordered now", item=name, **extensions)


def new_id() -> str:
    return uuid.uuid4().hex


def new_food(details: Mapping[str, Any], now: datetime) -> Food:
    food = {name: details[name] for name in FOOD_FIELDS if name in details}
    food.setdefault("available", True)
    food.setdefault("details", "")
    food.setdefault("img", None)
    return {"_id": new_id(), **food, "createdAt": now, "updatedAt": now, "version": 1}


def combo_contents(
    requested: list[Mapping[str, Any]], foods: Mapping[str, Food]
) -> list[dict[str, Any]]:
    """A combo's items as snapshots: each food by id, with its name now and the quantity."""
    missing = [item["foodId"] for item in requested if item["foodId"] not in foods]
    if missing:
        raise ValidationFailed(
            f"unknown foods in the combo: {', '.join(missing)}",
            errors={"items": [f"no food {food_id}" for food_id in missing]},
        )
    return [
        {
            "foodId": item["foodId"],
            "name": foods[item["foodId"]]["name"],
            "quantity": item["quantity"],
        }
        for item in requested
    ]


def new_combo(details: Mapping[str, Any], contents: list[dict[str, Any]], now: datetime) -> Combo:
    combo = {name: details[name] for name in COMBO_FIELDS if name in details}
    combo.update(items=contents)
    combo.setdefault("active", True)
    combo.setdefault("description", "")
    combo.setdefault("img", None)
    return {"_id": new_id(), **combo, "createdAt": now, "updatedAt": now, "version": 1}


def check_food_orderable(food: Food) -> None:
    if not food.get("available"):
        raise ItemUnavailable(food["name"], foodId=food["_id"])


def check_combo_orderable(combo: Combo, foods: Mapping[str, Food]) -> None:
    """A combo is orderable while active and every one of its foods exists and is available."""
    if not combo.get("active"):
        raise ItemUnavailable(combo["title"], comboId=combo["_id"])
    for item in combo["items"]:
        food = foods.get(item["foodId"])
        if food is None or not food.get("available"):
            raise ItemUnavailable(
                combo["title"], comboId=combo["_id"], unavailableFood=item["name"]
            )


def is_combo_orderable(combo: Combo, foods: Mapping[str, Food]) -> bool:
    try:
        check_combo_orderable(combo, foods)
    except ItemUnavailable:
        return False
    return True

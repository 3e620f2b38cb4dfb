"""`python -m fnb.seed [--demo]`: indexes, and the demo menu (DESIGN §4)."""

from __future__ import annotations

import argparse
import logging

from fnb.config import Config
from fnb.rules import menu as rules
from fnb.rules.money import parse_money
from fnb.store import FnbStores
from hotel_shared.logs import configure_logging
from hotel_shared.timeutil import utc_now

log = logging.getLogger("fnb.seed")  # not "__main__" when run with -m

# (category, name, price, details)
DEMO_FOODS = (
    ("Breakfast", "Continental breakfast", "18.00", "Croissant, bread basket, butter, jam, juice"),
    ("Breakfast", "Eggs Benedict", "16.50", "Poached eggs, ham, hollandaise on English muffin"),
    ("Breakfast", "Greek yogurt parfait", "9.50", "Yogurt, honey, granola and berries"),
    ("Mains", "Club sandwich", "12.50", "Chicken, bacon, egg, lettuce, tomato; with fries"),
    ("Mains", "Cheeseburger", "17.00", "Beef patty, cheddar, pickles, brioche bun; with fries"),
    ("Mains", "Caesar salad", "13.00", "Romaine, parmesan, croutons, anchovy dressing"),
    ("Mains", "Margherita pizza", "15.00", "Tomato, mozzarella, basil; 12 inch"),
    ("Mains", "Grilled salmon", "24.00", "Salmon fillet, seasonal vegetables, lemon butter"),
    ("Desserts", "Chocolate lava cake", "8.50", "Warm chocolate cake with vanilla ice cream"),
    ("Desserts", "Fruit platter", "9.00", "Seasonal sliced fruit"),
    ("Drinks", "Fresh orange juice", "5.50", "Squeezed to order, 300 ml"),
    ("Drinks", "Cappuccino", "4.50", "Double shot, steamed milk"),
    ("Drinks", "Sparkling water", "3.50", "750 ml bottle"),
)
# (title, price, description, [(food name, quantity)])
DEMO_COMBOS = (
    (
        "Breakfast for two",
        "32.00",
        "Two continental breakfasts with two cappuccinos",
        [("Continental breakfast", 2), ("Cappuccino", 2)],
    ),
    (
        "Burger night",
        "22.00",
        "A cheeseburger, a chocolate lava cake and sparkling water",
        [("Cheeseburger", 1), ("Chocolate lava cake", 1), ("Sparkling water", 1)],
    ),
)


def seed_demo(stores: FnbStores) -> tuple[int, int]:
    """Create the missing demo foods and combos, never touching existing ones."""
    now = utc_now()
    foods = 0
    for category, name, price, details in DEMO_FOODS:
        food = rules.new_food(
            {"name": name, "category": category, "price": parse_money(price), "details": details},
            now,
        )
        foods += stores.insert_food_if_missing(food, "name")
    by_name = {food["name"]: food for food in stores.find_foods({})}
    by_id = {food["_id"]: food for food in by_name.values()}
    combos = 0
    for title, price, description, contents in DEMO_COMBOS:
        wanted = [{"foodId": by_name[name]["_id"], "quantity": qty} for name, qty in contents]
        details = {"title": title, "price": parse_money(price), "description": description}
        combo = rules.new_combo(details, rules.combo_contents(wanted, by_id), now)
        combos += stores.insert_combo_if_missing(combo)
    return foods, combos


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fnb.seed", description=__doc__)
    parser.add_argument("--demo", action="store_true", help="create the demo menu")
    args = parser.parse_args(argv)
    config = Config.from_env(needs_public_key=False)
    configure_logging(f"{config.service.name}-seed", config.service.log_level)
    stores = FnbStores.from_settings(config.service)
    stores.ensure_indexes()
    log.info("indexes ensured")
    if args.demo:
        log.info("demo foods, combos created: %d, %d", *seed_demo(stores))


if __name__ == "__main__":
    main()

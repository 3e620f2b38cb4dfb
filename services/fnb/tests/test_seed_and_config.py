"""The demo menu (DESIGN §4) and the service's settings."""

from __future__ import annotations

import pytest

from fnb.config import Config
from fnb.seed import seed_demo
from hotel_shared.config import ConfigError

ENV = {"MONGO_URL": "mongodb://db", "AMQP_URL": "amqp://mq", "JWT_PUBLIC_KEY_FILE": "/k.pem"}


def test_the_demo_menu_has_ten_foods_in_three_categories_and_two_active_combos(stores):
    foods = stores.find_foods({})
    assert len(foods) >= 10
    assert len({food["category"] for food in foods}) >= 3
    assert all(food["price"] > 0 and food["details"] for food in foods)
    combos = stores.find_combos({"active": True})
    assert len(combos) == 2


def test_seeding_again_changes_nothing(stores):
    before = {food["_id"] for food in stores.find_foods({})}
    assert seed_demo(stores) == (0, 0)
    assert {food["_id"] for food in stores.find_foods({})} == before


def test_the_currency_is_the_hotels():
    assert Config.from_env(ENV).currency == "USD"
    assert Config.from_env({**ENV, "HOTEL_CURRENCY": "eur"}).currency == "EUR"
    with pytest.raises(ConfigError, match="HOTEL_CURRENCY"):
        Config.from_env({**ENV, "HOTEL_CURRENCY": "euros"})
    assert Config.from_env({**ENV, "HOTEL_TIMEZONE": "Europe/Madrid"}).service.zone.key == (
        "Europe/Madrid"
    )

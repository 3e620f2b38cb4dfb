"""The fnb rules without I/O: money, the lifecycle, pricing at checkout, cancellation, analytics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fnb.rules import analytics, carts, menu, orders
from fnb.rules.money import MoneyError, format_money, parse_money
from hotel_shared.principal import Principal

NOW = datetime(2026, 11, 21, 19, 0, tzinfo=UTC)
GUEST = Principal("guest:cust-204", "guest-204", "guest", room_number="204")
CHEF = Principal("u-chef", "chef", "restaurantAdmin", department="fnb")


@pytest.mark.parametrize(
    ("value", "cents"), [("12.50", 1250), (12.5, 1250), (0.3, 30), (7, 700), ("0", 0)]
)
def test_money_reads_exact_cents(value, cents):
    assert parse_money(value) == cents


@pytest.mark.parametrize("value", ["1.234", "-1", "NaN", "Infinity", True, None, "1e9", "x"])
def test_money_refuses_what_is_not_a_price(value):
    with pytest.raises(MoneyError):
        parse_money(value)


def test_money_shows_two_decimals():
    assert [format_money(c) for c in (0, 5, 1250, 5700)] == ["0.00", "0.05", "12.50", "57.00"]


def order(status: str = orders.PENDING) -> dict:
    return {
        "_id": "o1",
        "roomNumber": "204",
        "customerId": "cust-204",
        "status": status,
        "statusTimes": {orders.PENDING: NOW},
        "items": [],
        "checkedOutAt": NOW,
        "totalPrice": 0,
        "currency": "USD",
        "version": 1,
    }


def test_the_lifecycle_goes_one_step_at_a_time():
    current = order()
    for step in orders.LIFECYCLE[1:]:
        current = orders.advance(current, step, NOW)
    assert current["status"] == orders.DELIVERED
    assert current["deliveredAt"] == NOW


@pytest.mark.parametrize(
    ("start", "target"),
    [("pending", "preparing"), ("preparing", "acknowledged"), ("delivered", "delivered"),
     ("pending", "pending"), ("on the way", "cancelled")],
)  # fmt: skip
def test_skips_steps_back_and_repeats_are_refused(start, target):
    with pytest.raises(orders.InvalidTransition):
        orders.advance(order(start), target, NOW)


def test_a_guest_cancels_only_while_pending_and_nobody_after_delivery():
    orders.check_cancellable(order(), GUEST)
    with pytest.raises(orders.InvalidTransition):
        orders.check_cancellable(order(orders.ACKNOWLEDGED), GUEST)
    orders.check_cancellable(order(orders.ON_THE_WAY), CHEF)
    with pytest.raises(orders.OrderDelivered):
        orders.check_cancellable(order(orders.DELIVERED), CHEF)


def test_a_guest_reaches_only_their_own_stays_orders():
    orders.check_order_access(GUEST, order())
    with pytest.raises(orders.OrderNotFound):  # a previous guest's of the same room
        orders.check_order_access(GUEST, {**order(), "customerId": "cust-earlier"})
    with pytest.raises(orders.OrderNotFound):  # placed by staff, no stay recorded
        orders.check_order_access(GUEST, {**order(), "customerId": None})
    orders.check_order_access(CHEF, {**order(), "customerId": "cust-earlier"})
    scoped = orders.order_filters(GUEST, {"customerId": "cust-earlier", "status": "pending"})
    assert scoped == {"customerId": "cust-204", "roomNumber": "204", "status": "pending"}
    assert orders.order_filters(CHEF, {"status": "pending"}) == {"status": "pending"}
    with pytest.raises(orders.NoStay):
        orders.order_filters(Principal("u-g", "guest-204", "guest", room_number="204"), {})


def test_checkout_prices_come_from_the_menu_not_the_cart():
    food = {"_id": "f1", "name": "Club sandwich", "price": 1250, "available": True}
    cart = carts.add_line(carts.empty_cart("204", NOW), carts.food_line(food, 2), NOW)
    cart["items"][0]["unitPrice"] = 1  # whatever the cart (or a client) claims
    [line] = orders.priced_lines(cart, {"f1": {**food, "price": 1300}}, {})
    assert (line["unitPrice"], line["lineTotal"]) == (1300, 2600)
    with pytest.raises(menu.ItemUnavailable):
        orders.priced_lines(cart, {"f1": {**food, "available": False}}, {})


def test_a_combo_is_orderable_while_active_and_all_its_foods_are_available():
    foods = {"f1": {"_id": "f1", "name": "Tea", "available": True}}
    combo = {
        "_id": "c1",
        "title": "Tea time",
        "active": True,
        "items": [{"foodId": "f1", "name": "Tea"}],
    }
    assert menu.is_combo_orderable(combo, foods)
    assert not menu.is_combo_orderable({**combo, "active": False}, foods)
    assert not menu.is_combo_orderable(combo, {"f1": {**foods["f1"], "available": False}})
    assert not menu.is_combo_orderable(combo, {})


def test_the_fingerprint_ignores_line_order_and_prices():
    a = [{"kind": "food", "foodId": "f1", "quantity": 2, "unitPrice": 1}]
    b = [{"kind": "food", "foodId": "f1", "quantity": 2, "unitPrice": 9}]
    assert carts.fingerprint(a) == carts.fingerprint(b)
    assert carts.fingerprint(a) != carts.fingerprint([{**a[0], "quantity": 3}])


def test_sales_days_are_the_hotels_days():
    zone = ZoneInfo("America/New_York")
    # 02:00 UTC on the 22nd is still the 21st in New York.
    late = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    line = {"kind": "food", "foodId": "f1", "name": "Tea", "quantity": 2, "lineTotal": 700}
    bill = {"checkedOutAt": late, "deliveredAt": late + timedelta(minutes=30), "totalPrice": 700,
            "items": [line]}  # fmt: skip
    cancelled = {"checkedOutAt": late}
    # A delivered order stays in `orders` beside its bill; a cancelled one moved out.
    report = analytics.sales_report(
        [{"checkedOutAt": late}], [cancelled], [bill], date(2026, 11, 21), date(2026, 11, 22), zone
    )
    assert report["byDay"][0] == {
        "day": "2026-11-21", "orders": 2, "delivered": 1, "cancelled": 1, "revenue": 700
    }  # fmt: skip
    assert (report["orders"], report["cancellationRate"], report["avgDeliveryMinutes"]) == (
        2, 0.5, 30.0
    )  # fmt: skip
    assert report["topItems"][0]["quantity"] == 2

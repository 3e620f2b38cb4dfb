"""Exactly once under real concurrency: a real gunicorn process (2 workers x 8 threads), the real
Mongo-wire server, requests racing from threads."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import GUEST_ROOM, fill_cart

from hotel_shared.testing.servers import gunicorn_service

RACERS = 8


@pytest.fixture
def web(config, stores, tmp_path):
    """The fnb web process under gunicorn (2 workers x 8 threads), on the test database."""
    with gunicorn_service("fnb.wsgi:app", config.service, tmp_path) as url:
        yield url


def race(calls) -> list[requests.Response]:
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def full_cart(client, callers, menu) -> None:
    fill_cart(
        client,
        callers.guest,
        GUEST_ROOM,
        ("food", menu["Club sandwich"]["_id"], 2),
        ("combo", menu["Breakfast for two"]["_id"], 1),
    )


def test_concurrent_checkouts_of_one_cart_make_one_order(web, client, callers, menu, stores):
    full_cart(client, callers, menu)
    url = f"{web}/api/carts/{GUEST_ROOM}/checkout"
    answers = race([lambda: requests.post(url, headers=callers.guest, timeout=30)] * RACERS)
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {201: 1, 409: RACERS - 1}, [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"cart_empty"}
    assert stores.orders.count_documents({"roomNumber": GUEST_ROOM}) == 1


def test_concurrent_retries_with_one_key_all_get_the_same_order(web, client, callers, menu, stores):
    full_cart(client, callers, menu)
    url = f"{web}/api/carts/{GUEST_ROOM}/checkout"
    headers = {**callers.guest, "Idempotency-Key": "double-tap-7"}
    answers = race([lambda: requests.post(url, headers=headers, timeout=30)] * RACERS)
    assert {answer.status_code for answer in answers} == {201}, [a.text for a in answers]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert stores.orders.count_documents({"roomNumber": GUEST_ROOM}) == 1


def test_delivered_twice_at_once_makes_one_bill(web, client, callers, menu, stores):
    full_cart(client, callers, menu)
    order = client.post(f"/api/carts/{GUEST_ROOM}/checkout", headers=callers.guest).get_json()
    for status in ("acknowledged", "preparing", "on the way"):
        client.patch(
            f"/api/orders/{order['id']}/status", json={"status": status}, headers=callers.chef
        )
    url = f"{web}/api/orders/{order['id']}/status"
    deliver = lambda: requests.patch(  # noqa: E731
        url, json={"status": "delivered"}, headers=callers.chef, timeout=30
    )
    answers = race([deliver] * RACERS)
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {200: 1, 409: RACERS - 1}, [a.text for a in answers]
    assert stores.billings.count_documents({"orderId": order["id"]}) == 1
    bills = stores.db["outbox"].count_documents({"type": "fnb.bill.created.v1"})
    assert bills == 1

"""The menu and the combos from the process's read models: the same bytes as the database path,
304 only when nothing the caller sees changed, a food's change reaching the combos' orderable."""

from __future__ import annotations

import itertools

import pytest

from fnb.api import COMBO, FOOD, priced
from fnb.app import create_app
from fnb.config import Config
from fnb.service import menu as menu_service
from fnb.store import FnbStores
from hotel_shared.principal import Context
from hotel_shared.readmodel import SOURCE_HEADER, render_json
from hotel_shared.web import paged

WAIT_S = 10
MEMORY = ("hit", "rendered")


@pytest.fixture
def live(stores: FnbStores):
    """The menu's read models of this process, serving from memory."""
    assert stores.food_list().wait_live(WAIT_S)
    assert stores.combo_list().wait_live(WAIT_S)


def database_body(app, stores: FnbStores, schema, items: list) -> bytes:
    """The body the route answered before read models: the query, the dump, Flask's JSON."""
    with app.app_context(), app.test_request_context():
        dumped = schema.dump([priced(item) for item in items], many=True)
        return render_json(paged(dumped, len(items), len(items), 0)).body


def test_every_menu_filter_answers_the_same_bytes_as_the_database(
    app, client, callers, stores, live
):
    categories = sorted({food["category"] for food in stores.find_foods({})})
    for category, available in itertools.product((None, *categories, "Nope"), (None, True, False)):
        query = {
            n: v for n, v in (("category", category), ("available", available)) if v is not None
        }
        args = {n: str(v).lower() if isinstance(v, bool) else v for n, v in query.items()}
        response = client.get("/api/menu", query_string=args, headers=callers.guest)
        assert response.status_code == 200
        assert response.headers[SOURCE_HEADER] in MEMORY
        expected = database_body(app, stores, FOOD, stores.find_foods(query))
        assert response.get_data() == expected, query


def test_every_combo_filter_answers_the_same_bytes_as_the_database(
    app, client, callers, stores, live
):
    for active in (None, True, False):
        query = {} if active is None else {"active": active}
        args = {} if active is None else {"active": str(active).lower()}
        response = client.get("/api/combos", query_string=args, headers=callers.guest)
        assert response.headers[SOURCE_HEADER] in MEMORY
        combos = menu_service.list_combos(stores, Context(), query)
        assert response.get_data() == database_body(app, stores, COMBO, combos), query


def test_a_guest_and_the_chef_get_the_same_menu_and_etag(client, callers, live):
    guest = client.get("/api/menu", headers=callers.guest)
    chef = client.get("/api/menu", headers=callers.chef)
    assert (guest.get_data(), guest.headers["ETag"]) == (chef.get_data(), chef.headers["ETag"])
    assert chef.headers[SOURCE_HEADER] == "hit"


def test_the_menu_answers_304_until_a_food_changes(client, callers, menu, live):
    etag = client.get("/api/menu", headers=callers.guest).headers["ETag"]
    same = client.get("/api/menu", headers={**callers.guest, "If-None-Match": etag})
    assert (same.status_code, same.get_data()) == (304, b"")
    food_id = menu["Cappuccino"]["_id"]
    changed = client.patch(f"/api/menu/{food_id}", json={"price": 4.2}, headers=callers.chef)
    assert changed.status_code == 200
    after = client.get("/api/menu", headers={**callers.guest, "If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    cappuccino = next(f for f in after.get_json()["items"] if f["id"] == food_id)
    assert cappuccino["price"] == changed.get_json()["price"]


def test_a_food_going_off_the_menu_changes_the_combos_that_hold_it(client, callers, menu, live):
    before = client.get("/api/combos", headers=callers.guest)
    breakfast = next(c for c in before.get_json()["items"] if c["title"] == "Breakfast for two")
    assert breakfast["orderable"] is True
    food_id = breakfast["items"][0]["foodId"]
    off = client.patch(f"/api/menu/{food_id}", json={"available": False}, headers=callers.chef)
    assert off.status_code == 200
    after = client.get(
        "/api/combos", headers={**callers.guest, "If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200
    assert after.headers[SOURCE_HEADER] in MEMORY
    breakfast = next(c for c in after.get_json()["items"] if c["title"] == "Breakfast for two")
    assert breakfast["orderable"] is False


def test_a_new_and_a_deleted_combo_change_the_list_at_once(client, callers, menu, live):
    etag = client.get("/api/combos", headers=callers.guest).headers["ETag"]
    body = {
        "title": "Lunch",
        "price": 20,
        "items": [{"foodId": menu["Club sandwich"]["_id"], "quantity": 1}],
    }
    created = client.post("/api/combos", json=body, headers=callers.chef)
    assert created.status_code == 201
    listed = client.get("/api/combos", headers=callers.guest)
    assert "Lunch" in [c["title"] for c in listed.get_json()["items"]]
    assert listed.headers["ETag"] != etag
    deleted = client.delete(f"/api/combos/{created.get_json()['id']}", headers=callers.chef)
    assert deleted.status_code == 204
    again = client.get("/api/combos", headers=callers.guest)
    assert "Lunch" not in [c["title"] for c in again.get_json()["items"]]


def test_with_the_read_model_switched_off_the_menu_comes_from_the_database(
    service_settings, make_stores, callers
):
    config = Config(service=service_settings("fnb"), read_model=False)
    make_stores(FnbStores, config.service)
    client = create_app(config).test_client()
    response = client.get("/api/menu", headers=callers.chef)
    assert response.headers[SOURCE_HEADER] == "database"
    again = client.get(
        "/api/menu", headers={**callers.chef, "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304

"""The fnb API: menu, cart, checkout, the kitchen's lifecycle, cancellation and the one bill."""

from __future__ import annotations

from conftest import (
    EMPTY_ROOM,
    GUEST_ROOM,
    NEIGHBOUR_ROOM,
    fill_cart,
    move,
    place_order,
    stay_for,
)

from fnb.service import stays
from hotel_shared.principal import Context
from hotel_shared.testing import assert_problem

STEPS = ("acknowledged", "preparing", "on the way", "delivered")


def test_a_guest_reads_the_menu_and_the_combos(client, callers):
    foods = client.get("/api/menu", headers=callers.guest).get_json()
    assert foods["total"] >= 10
    assert len({food["category"] for food in foods["items"]}) >= 3
    club = next(food for food in foods["items"] if food["name"] == "Club sandwich")
    assert (club["price"], club["currency"]) == ("12.50", "USD")
    combos = client.get("/api/combos", headers=callers.guest).get_json()
    assert [c["orderable"] for c in combos["items"]] == [True, True]
    assert {c["currency"] for c in combos["items"]} == {"USD"}


def test_the_menu_filters_by_category_and_availability(client, callers, menu):
    mains = client.get("/api/menu?category=Mains", headers=callers.guest).get_json()
    assert {food["category"] for food in mains["items"]} == {"Mains"}
    food_id = menu["Cappuccino"]["_id"]
    client.patch(f"/api/menu/{food_id}", json={"available": False}, headers=callers.chef)
    off = client.get("/api/menu?available=false", headers=callers.guest).get_json()
    assert [food["name"] for food in off["items"]] == ["Cappuccino"]
    combos = client.get("/api/combos", headers=callers.guest).get_json()["items"]
    breakfast = next(c for c in combos if c["title"] == "Breakfast for two")
    assert breakfast["orderable"] is False


def test_only_the_restaurant_admin_edits_the_menu(client, callers):
    dish = {"name": "Tomato soup", "price": "7.25", "category": "Mains", "img": "/img/soup.jpg"}
    for headers in (callers.guest, callers.admin, callers.front_desk):
        assert_problem(client.post("/api/menu", json=dish, headers=headers), 403)
    created = client.post("/api/menu", json=dish, headers=callers.chef)
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert (body["price"], body["available"], created.headers["ETag"]) == ("7.25", True, '"1"')
    assert body["currency"] == "USD"
    edited = client.patch(
        f"/api/menu/{body['id']}",
        json={"price": 7.5},
        headers={**callers.chef, "If-Match": '"1"'},
    )
    assert edited.get_json()["price"] == "7.50"
    stale = client.patch(
        f"/api/menu/{body['id']}", json={"price": 8}, headers={**callers.chef, "If-Match": '"1"'}
    )
    assert_problem(stale, 412)
    assert client.delete(f"/api/menu/{body['id']}", headers=callers.chef).status_code == 204
    assert_problem(client.get(f"/api/menu/{body['id']}", headers=callers.chef), 404)


def test_money_is_exact_and_images_are_urls_or_paths(client, callers):
    base = {"name": "Tea", "category": "Drinks"}
    for price in ("1.234", 0.1 + 0.2, "-1", "abc", True, "1e9"):
        response = client.post("/api/menu", json={**base, "price": price}, headers=callers.chef)
        assert_problem(response, 422)
    for img in ("javascript:alert(1)", "ftp://x/y.png", "../etc/passwd", "/a/../b"):
        body = {**base, "price": "3.00", "img": img}
        assert_problem(client.post("/api/menu", json=body, headers=callers.chef), 422)
    ok = {**base, "price": 0.3, "img": "https://cdn.example.com/tea.png"}
    assert client.post("/api/menu", json=ok, headers=callers.chef).get_json()["price"] == "0.30"


def test_a_combo_keeps_a_snapshot_of_its_foods(client, callers, menu):
    body = {
        "title": "Late snack",
        "price": "14.00",
        "items": [{"foodId": menu["Club sandwich"]["_id"], "quantity": 1}],
    }
    combo = client.post("/api/combos", json=body, headers=callers.chef).get_json()
    assert combo["items"] == [
        {"foodId": menu["Club sandwich"]["_id"], "name": "Club sandwich", "quantity": 1}
    ]
    unknown = {**body, "items": [{"foodId": "nope", "quantity": 1}]}
    assert_problem(client.post("/api/combos", json=unknown, headers=callers.chef), 422)


def test_the_cart_adds_merges_changes_and_removes_lines(client, callers, menu):
    club = menu["Club sandwich"]["_id"]
    cart = fill_cart(client, callers.guest, GUEST_ROOM, ("food", club, 1), ("food", club, 2))
    [line] = cart["items"]
    assert (line["quantity"], line["lineTotal"], cart["subtotal"]) == (3, "37.50", "37.50")
    assert cart["currency"] == "USD"
    combo = menu["Breakfast for two"]["_id"]
    cart = fill_cart(client, callers.guest, GUEST_ROOM, ("combo", combo, 1))
    combo_line = cart["items"][1]
    assert [c["name"] for c in combo_line["comboContents"]] == [
        "Continental breakfast",
        "Cappuccino",
    ]
    url = f"/api/carts/{GUEST_ROOM}/items/{line['itemId']}"
    changed = client.patch(url, json={"quantity": 1}, headers=callers.guest).get_json()
    assert (changed["subtotal"], changed["currency"]) == ("44.50", "USD")
    removed = client.delete(url, headers=callers.guest).get_json()
    assert [item["kind"] for item in removed["items"]] == ["combo"]
    assert removed["currency"] == "USD"
    read = client.get(f"/api/carts/{GUEST_ROOM}", headers=callers.guest).get_json()
    assert (read["subtotal"], read["currency"]) == ("32.00", "USD")
    assert_problem(client.delete(url, headers=callers.guest), 404, "cart_item_not_found")


def test_a_guest_cannot_reach_another_rooms_cart_orders_or_bills(client, callers, menu):
    order = place_order(client, callers, menu)
    club = {"foodId": menu["Club sandwich"]["_id"], "quantity": 1}
    neighbour = callers.neighbour
    assert_problem(client.get(f"/api/carts/{GUEST_ROOM}", headers=neighbour), 403, "not_your_room")
    assert_problem(client.post(f"/api/carts/{GUEST_ROOM}/items", json=club, headers=neighbour), 403)
    assert_problem(client.post(f"/api/carts/{GUEST_ROOM}/checkout", headers=neighbour), 403)
    assert_problem(client.get(f"/api/orders/{order['id']}", headers=neighbour), 403)
    assert_problem(
        client.post(f"/api/orders/{order['id']}/cancel", json={}, headers=neighbour), 403
    )
    assert_problem(client.get(f"/api/orders?roomNumber={GUEST_ROOM}", headers=neighbour), 403)
    assert_problem(client.get(f"/api/bills?roomNumber={GUEST_ROOM}", headers=neighbour), 403)
    assert client.get("/api/orders", headers=neighbour).get_json()["items"] == []
    assert client.get("/api/orders", headers=callers.guest).get_json()["total"] == 1


def test_the_next_guest_of_a_room_sees_none_of_the_previous_stays_orders(
    client, callers, menu, stores
):
    earlier = place_order(client, callers, menu)
    move(client, callers.chef, earlier["id"], "acknowledged")
    for status in ("preparing", "on the way", "delivered"):
        move(client, callers.chef, earlier["id"], status)
    pending = place_order(client, callers, menu)
    stays.close_stay(stores, Context(), stay_for(GUEST_ROOM))
    stays.open_stay(stores, Context(), stay_for(GUEST_ROOM, "cust-next"))
    nextguest = callers.guest_headers(GUEST_ROOM, "cust-next")
    assert client.get("/api/orders", headers=nextguest).get_json() == {
        "items": [], "total": 0, "limit": 50, "offset": 0
    }  # fmt: skip
    mine = f"/api/orders?roomNumber={GUEST_ROOM}"
    assert client.get(mine, headers=nextguest).get_json()["items"] == []
    assert client.get("/api/bills", headers=nextguest).get_json()["items"] == []
    for order in (earlier, pending):
        url = f"/api/orders/{order['id']}"
        assert_problem(client.get(url, headers=nextguest), 404, "order_not_found")
        refused = client.post(f"{url}/cancel", json={}, headers={**nextguest, "If-Match": '"9"'})
        assert_problem(refused, 404, "order_not_found")
    own = place_order(client, callers, menu, headers=nextguest)
    listed = client.get("/api/orders", headers=nextguest).get_json()["items"]
    assert [o["id"] for o in listed] == [own["id"]]
    assert own["customerId"] == "cust-next"
    staff = client.get(f"/api/orders?roomNumber={GUEST_ROOM}", headers=callers.front_desk)
    assert staff.get_json()["total"] == 3  # staff see every stay's


def test_a_room_without_a_checked_in_stay_has_no_cart(client, callers, menu):
    club = {"foodId": menu["Club sandwich"]["_id"], "quantity": 1}
    url = f"/api/carts/{EMPTY_ROOM}"
    assert_problem(
        client.post(f"{url}/items", json=club, headers=callers.chef), 409, "room_not_occupied"
    )
    assert_problem(client.get(url, headers=callers.chef), 409, "room_not_occupied")
    assert_problem(client.post(f"{url}/checkout", headers=callers.chef), 409, "room_not_occupied")


def test_checkout_prices_from_the_menu_and_empties_the_cart(client, callers, menu, stores):
    order = place_order(client, callers, menu)
    assert order["status"] == "pending"
    assert order["totalPrice"] == "57.00"  # 2 x 12.50 + 1 x 32.00
    assert [line["lineTotal"] for line in order["items"]] == ["25.00", "32.00"]
    assert (order["customerId"], order["bookingId"]) == ("cust-204", "book-204")
    cart = client.get(f"/api/carts/{GUEST_ROOM}", headers=callers.guest).get_json()
    assert cart["items"] == []
    assert_problem(
        client.post(f"/api/carts/{GUEST_ROOM}/checkout", headers=callers.guest), 409, "cart_empty"
    )


def test_checkout_uses_todays_price_and_refuses_what_became_unavailable(client, callers, menu):
    club = menu["Club sandwich"]["_id"]
    fill_cart(client, callers.guest, GUEST_ROOM, ("food", club, 2))
    client.patch(f"/api/menu/{club}", json={"price": "13.00"}, headers=callers.chef)
    order = client.post(f"/api/carts/{GUEST_ROOM}/checkout", headers=callers.guest).get_json()
    assert order["totalPrice"] == "26.00"
    fill_cart(client, callers.guest, GUEST_ROOM, ("food", club, 1))
    client.patch(f"/api/menu/{club}", json={"available": False}, headers=callers.chef)
    refused = client.post(f"/api/carts/{GUEST_ROOM}/checkout", headers=callers.guest)
    assert assert_problem(refused, 409, "item_unavailable")["item"] == "Club sandwich"


def test_the_same_idempotency_key_gives_the_same_order(client, callers, menu, stores):
    first = place_order(client, callers, menu, key="tap-1")
    again = client.post(
        f"/api/carts/{GUEST_ROOM}/checkout", headers={**callers.guest, "Idempotency-Key": "tap-1"}
    )
    assert again.status_code == 201
    assert again.get_json()["id"] == first["id"]
    assert stores.orders.count_documents({}) == 1
    fill_cart(client, callers.guest, GUEST_ROOM, ("food", menu["Cappuccino"]["_id"], 1))
    reused = client.post(
        f"/api/carts/{GUEST_ROOM}/checkout", headers={**callers.guest, "Idempotency-Key": "tap-1"}
    )
    assert_problem(reused, 422, "idempotency_key_reused")


def test_the_kitchen_moves_an_order_one_step_at_a_time(client, callers, menu):
    order = place_order(client, callers, menu)
    url = f"/api/orders/{order['id']}"
    assert_problem(move(client, callers.chef, order["id"], "preparing"), 409, "invalid_transition")
    assert_problem(move(client, callers.guest, order["id"], "acknowledged"), 403)
    assert_problem(move(client, callers.housekeeper, order["id"], "acknowledged"), 403)
    assert move(client, callers.runner, order["id"], "acknowledged").status_code == 200
    stale = move(client, callers.chef, order["id"], "preparing", **{"If-Match": '"1"'})
    assert_problem(stale, 412)
    for status in STEPS[1:]:
        moved = move(client, callers.chef, order["id"], status)
        assert moved.status_code == 200, moved.get_data(as_text=True)
    done = client.get(url, headers=callers.guest)
    body = done.get_json()
    assert body["status"] == "delivered"
    assert done.headers["ETag"] == '"5"'
    assert set(body["statusTimes"]) == {"pending", *STEPS}
    assert_problem(move(client, callers.chef, order["id"], "on the way"), 409, "invalid_transition")


def test_delivery_writes_exactly_one_bill_at_menu_prices(client, callers, menu, stores):
    order = place_order(client, callers, menu)
    for status in STEPS:
        move(client, callers.chef, order["id"], status)
    assert_problem(move(client, callers.chef, order["id"], "delivered"), 409)
    bills = client.get(f"/api/bills?roomNumber={GUEST_ROOM}", headers=callers.front_desk).get_json()
    [bill] = bills["items"]
    assert (bill["orderId"], bill["totalPrice"], bill["currency"]) == (order["id"], "57.00", "USD")
    mine = client.get("/api/bills", headers=callers.guest).get_json()
    assert [b["id"] for b in mine["items"]] == [bill["id"]]
    assert client.get("/api/bills", headers=callers.neighbour).get_json()["items"] == []


def test_a_guest_cancels_while_pending_only(client, callers, menu, stores):
    order = place_order(client, callers, menu)
    cancelled = client.post(
        f"/api/orders/{order['id']}/cancel",
        json={"reason": "Ordered by mistake"},
        headers=callers.guest,
    )
    assert cancelled.status_code == 200, cancelled.get_data(as_text=True)
    body = cancelled.get_json()
    assert (body["originalOrderId"], body["statusAtCancellation"]) == (order["id"], "pending")
    assert body["totalPrice"] == "57.00"
    assert_problem(client.get(f"/api/orders/{order['id']}", headers=callers.guest), 404)
    second = place_order(client, callers, menu)
    move(client, callers.chef, second["id"], "acknowledged")
    late = client.post(f"/api/orders/{second['id']}/cancel", json={}, headers=callers.guest)
    assert_problem(late, 409, "invalid_transition")


def test_the_restaurant_cancels_before_delivery_never_after(client, callers, menu, stores):
    order = place_order(client, callers, menu)
    move(client, callers.chef, order["id"], "acknowledged")
    move(client, callers.chef, order["id"], "preparing")
    url = f"/api/orders/{order['id']}/cancel"
    body = client.post(url, json={"reason": "Out of salmon"}, headers=callers.chef).get_json()
    assert body["statusAtCancellation"] == "preparing"
    delivered = place_order(client, callers, menu)
    for status in STEPS:
        move(client, callers.chef, delivered["id"], status)
    refused = client.post(f"/api/orders/{delivered['id']}/cancel", json={}, headers=callers.chef)
    assert_problem(refused, 409, "order_delivered")
    assert stores.billings.count_documents({"orderId": delivered["id"]}) == 1


def test_staff_keep_a_rooms_cart_and_guests_see_their_own_orders(client, callers, menu):
    place_order(client, callers, menu, room=NEIGHBOUR_ROOM)
    club = {"foodId": menu["Club sandwich"]["_id"], "quantity": 1}
    added = client.post(f"/api/carts/{GUEST_ROOM}/items", json=club, headers=callers.runner)
    assert added.status_code == 201
    assert_problem(
        client.post(f"/api/carts/{GUEST_ROOM}/items", json=club, headers=callers.housekeeper),
        403,
        "not_fnb_staff",
    )
    kitchen = client.get("/api/orders?status=pending", headers=callers.chef).get_json()
    assert [o["roomNumber"] for o in kitchen["items"]] == [NEIGHBOUR_ROOM]


def test_sales_analytics_in_json_and_csv(client, callers, menu):
    delivered = place_order(client, callers, menu)
    for status in STEPS:
        move(client, callers.chef, delivered["id"], status)
    cancelled = place_order(client, callers, menu)
    client.post(f"/api/orders/{cancelled['id']}/cancel", json={}, headers=callers.guest)
    place_order(client, callers, menu)
    assert_problem(client.get("/api/analytics/fnb", headers=callers.guest), 403)
    report = client.get("/api/analytics/fnb", headers=callers.chef).get_json()
    assert (report["orders"], report["delivered"], report["cancelled"]) == (3, 1, 1)
    assert (report["revenue"], report["currency"]) == ("57.00", "USD")
    assert report["cancellationRate"] == round(1 / 3, 4)
    assert report["avgDeliveryMinutes"] is not None
    assert report["topItems"][0]["name"] == "Club sandwich"
    assert len(report["byDay"]) == 30
    csv = client.get("/api/analytics/fnb", headers={**callers.chef, "Accept": "text/csv"})
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0] == "day,orders,delivered,cancelled,revenue"
    assert lines[-1] == "total,3,1,1,57.00"


def test_a_client_cannot_set_a_price_and_the_bill_is_menu_prices_times_quantities(
    client, callers, menu
):
    club = menu["Club sandwich"]
    sneaky = {"foodId": club["_id"], "quantity": 3, "unitPrice": "0.01"}
    response = client.post(f"/api/carts/{GUEST_ROOM}/items", json=sneaky, headers=callers.guest)
    assert_problem(response, 422)
    fill_cart(client, callers.guest, GUEST_ROOM, ("food", club["_id"], 3))
    order = client.post(f"/api/carts/{GUEST_ROOM}/checkout", headers=callers.guest).get_json()
    for status in STEPS:
        move(client, callers.chef, order["id"], status)
    [bill] = client.get("/api/bills", headers=callers.guest).get_json()["items"]
    assert bill["totalPrice"] == "37.50"  # 3 x 12.50
    assert bill["items"][0]["unitPrice"] == "12.50"

"""Recommendations: often ordered with the cart (kept up to date at delivery), else this hour's."""

from __future__ import annotations

from conftest import GUEST_ROOM, NEIGHBOUR_ROOM, fill_cart, move

from hotel_shared.testing import assert_problem

STEPS = ("acknowledged", "preparing", "on the way", "delivered")


def deliver(client, callers, room, *lines):
    headers = callers.guest_headers(room)
    fill_cart(client, headers, room, *lines)
    order = client.post(f"/api/carts/{room}/checkout", headers=headers).get_json()
    for status in STEPS:
        assert move(client, callers.chef, order["id"], status).status_code == 200


def recommend(client, headers, room=GUEST_ROOM):
    response = client.get(f"/api/menu/recommendations?roomNumber={room}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


def test_items_often_ordered_with_the_cart_come_first(client, callers, menu):
    club, juice, cake = (
        menu[n]["_id"] for n in ("Club sandwich", "Fresh orange juice", "Chocolate lava cake")
    )
    for _ in range(2):
        deliver(client, callers, NEIGHBOUR_ROOM, ("food", club, 1), ("food", juice, 1))
    deliver(client, callers, NEIGHBOUR_ROOM, ("food", club, 1), ("food", cake, 1))
    fill_cart(client, callers.guest, GUEST_ROOM, ("food", club, 1))
    suggested = recommend(client, callers.guest)
    assert [item["name"] for item in suggested] == ["Fresh orange juice", "Chocolate lava cake"]
    assert suggested[0]["reason"] == "often ordered with Club sandwich"
    assert (suggested[0]["price"], suggested[0]["currency"]) == ("5.50", "USD")


def test_unavailable_items_and_the_cart_itself_are_never_suggested(client, callers, menu):
    club, juice, cake = (
        menu[n]["_id"] for n in ("Club sandwich", "Fresh orange juice", "Chocolate lava cake")
    )
    deliver(
        client, callers, NEIGHBOUR_ROOM, ("food", club, 1), ("food", juice, 1), ("food", cake, 1)
    )
    client.patch(f"/api/menu/{juice}", json={"available": False}, headers=callers.chef)
    fill_cart(client, callers.guest, GUEST_ROOM, ("food", club, 1), ("food", cake, 1))
    assert recommend(client, callers.guest) == []


def test_an_empty_cart_gets_what_sells_at_this_hour(client, callers, menu):
    deliver(client, callers, NEIGHBOUR_ROOM, ("food", menu["Cappuccino"]["_id"], 3))
    [item] = recommend(client, callers.guest)
    assert item["name"] == "Cappuccino"
    assert item["reason"].startswith("popular around ")


def test_a_guest_asks_only_for_their_room(client, callers):
    response = client.get(
        f"/api/menu/recommendations?roomNumber={NEIGHBOUR_ROOM}", headers=callers.guest
    )
    assert_problem(response, 403, "not_your_room")

"""The kitchen board and the menu in a real browser: a guest's order reaches the chef's open board
live and is moved to delivered; the chef sells out a menu item; both pages pass axe."""

from __future__ import annotations

import datetime
import re
import time
import uuid

import pytest
from playwright.sync_api import expect

# Rooms other browser tests leave alone, tried in this order; the first vacant one is booked.
ROOMS = ("207", "206", "204", "203", "202", "201", "108", "107", "106", "104", "102")
STEPS = (
    ("Acknowledge", "^Acknowledged"),
    ("Start preparing", "^Preparing"),
    ("Send out", "^On the way"),
)


def eventually(probe, timeout: float = 15.0):
    """Poll an API probe until it answers something truthy (the browser side uses expect)."""
    deadline = time.monotonic() + timeout
    while not (result := probe()):
        if time.monotonic() > deadline:
            pytest.fail(f"{probe.__doc__ or probe} did not happen in {timeout}s")
        time.sleep(0.1)
    return result


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def check_in_a_guest(gateway) -> tuple[str, str, str]:
    """Book a vacant room, check the guest in, sign the guest in: (room, token, stay id)."""
    rooms = gateway.request("GET", "/api/rooms?limit=500", as_user="frontdesk").json()["items"]
    vacant = {
        r["roomNumber"]: r
        for r in rooms
        if r["frontOfficeStatus"] == "Vacant" and not r.get("outOfOrder")
    }
    room = next(number for number in ROOMS if number in vacant)
    today = datetime.date.today()
    booked = gateway.request(
        "POST",
        "/api/bookings",
        as_user="frontdesk",
        json={
            "roomNumber": room,
            "customerName": "Grace Hopper",
            "customerEmail": "grace@example.com",
            "checkInDate": today.isoformat(),
            "checkOutDate": (today + datetime.timedelta(days=1)).isoformat(),
        },
    )
    assert booked.status_code == 201, booked.text
    check_in = {"bookingId": booked.json()["id"]}
    if vacant[room]["housekeepingStatus"] not in ("Inspected", "Clean"):
        check_in |= {"override": True, "reason": "kitchen browser test"}
    stay = gateway.request("POST", "/api/customers", as_user="frontdesk", json=check_in)
    assert stay.status_code == 201, stay.text

    def guest_signed_in():
        """guest-login with the booking's specialId (auth learns the check-in from its event)"""
        response = gateway.request(
            "POST",
            "/api/auth/guest-login",
            json={"roomNumber": room, "specialId": booked.json()["specialId"]},
        )
        return response if response.status_code == 200 else None

    return room, eventually(guest_signed_in).json()["accessToken"], stay.json()["id"]


def place_order(gateway, room: str, token: str) -> dict:
    """The guest puts two club sandwiches and a cappuccino in the cart and checks out."""
    guest = bearer(token)

    def fnb_knows_the_stay():
        """fnb's projection to hold the check-in"""
        return gateway.request("GET", f"/api/carts/{room}", headers=guest).status_code == 200

    eventually(fnb_knows_the_stay)
    menu = {
        f["name"]: f for f in gateway.request("GET", "/api/menu", headers=guest).json()["items"]
    }
    for name, quantity in (("Club sandwich", 2), ("Cappuccino", 1)):
        line = {"foodId": menu[name]["id"], "quantity": quantity}
        added = gateway.request("POST", f"/api/carts/{room}/items", headers=guest, json=line)
        assert added.status_code == 201, added.text
    headers = {**guest, "Idempotency-Key": uuid.uuid4().hex}
    placed = gateway.request("POST", f"/api/carts/{room}/checkout", headers=headers)
    assert placed.status_code == 201, placed.text
    return placed.json()


def test_a_guest_order_appears_live_and_the_chef_moves_it_to_delivered(open_session, gateway):
    chef = open_session()
    page = chef.sign_in("chef")
    expect(page.get_by_role("heading", name="Kitchen", level=1)).to_be_visible()
    chef.wait_live()

    room, token, stay_id = check_in_a_guest(gateway)
    try:
        order = place_order(gateway, room, token)
        name = f"Room {room} order #{order['id'][-4:].upper()}"
        card = page.get_by_role("article", name=name)
        pending = page.get_by_role("region", name=re.compile("^Pending"))
        # Live: the open board hears order.placed and refetches, no reload.
        expect(pending.get_by_role("article", name=name)).to_be_visible()
        expect(card).to_contain_text("New")
        expect(card).to_contain_text("2 \u00d7 Club sandwich")
        expect(card).to_contain_text("1 \u00d7 Cappuccino")
        expect(card).to_contain_text(order["totalPrice"])
        expect(card).to_contain_text(re.compile(r"placed (just now|\d+ min ago)"))
        expect(page.get_by_role("status", name="New orders")).to_contain_text(
            f"New order: room {room}, 3 items"
        )
        assert chef.axe_violations() == []

        for verb, column in STEPS:
            card.get_by_role("button", name=f"{verb} {name}").click()
            expect(
                page.get_by_role("region", name=re.compile(column)).get_by_role(
                    "article", name=name
                )
            ).to_be_visible()
        card.get_by_role("button", name=f"Mark delivered {name}").click()
        expect(card).to_have_count(0)
        expect(
            page.get_by_role("status").filter(has_text=f"{name} is now delivered")
        ).to_be_visible()

        delivered = page.get_by_role("group").filter(has_text="Delivered today")
        page.get_by_text(re.compile(r"^Delivered today \(\d+\)")).click()
        expect(delivered).to_contain_text(f"Room {room} #{order['id'][-4:].upper()}")

        stored = gateway.request("GET", f"/api/orders/{order['id']}", as_user="chef").json()
        assert stored["status"] == "delivered"
        assert list(stored["statusTimes"]) == [
            "pending",
            "acknowledged",
            "preparing",
            "on the way",
            "delivered",
        ]
        # The deep link other screens give: only the pending column.
        page.goto(chef.base_url + "/#/kitchen?status=pending")
        expect(page.get_by_role("region", name=re.compile("^Pending"))).to_be_visible()
        expect(page.get_by_role("region", name=re.compile("^Preparing"))).to_have_count(0)
        assert chef.console_errors == []
    finally:
        out = gateway.request("POST", f"/api/customers/{stay_id}/checkout", as_user="frontdesk")
        assert out.status_code == 200, out.text


def test_a_move_made_elsewhere_is_explained_and_the_board_catches_up(open_session, gateway):
    room, token, stay_id = check_in_a_guest(gateway)
    try:
        order = place_order(gateway, room, token)
        name = f"Room {room} order #{order['id'][-4:].upper()}"
        chef = open_session()
        # No hints reach this screen (as when one is lost): it shows what it fetched last.
        chef.page.route_web_socket(re.compile(r"/socket\.io/"), lambda ws: None)
        page = chef.sign_in("chef")
        card = page.get_by_role("article", name=name)
        pending = page.get_by_role("region", name=re.compile("^Pending"))
        expect(pending.get_by_role("article", name=name)).to_be_visible()
        moved = gateway.request(
            "PATCH",
            f"/api/orders/{order['id']}/status",
            as_user="chef",
            json={"status": "acknowledged"},
        )
        assert moved.status_code == 200, moved.text

        card.get_by_role("button", name=f"Acknowledge {name}").click()
        expect(
            page.get_by_role("status").filter(
                has_text=f"{name} was not moved: it changed elsewhere"
            )
        ).to_be_visible()
        acknowledged = page.get_by_role("region", name=re.compile("^Acknowledged"))
        expect(acknowledged.get_by_role("article", name=name)).to_be_visible()
        stored = gateway.request("GET", f"/api/orders/{order['id']}", as_user="chef").json()
        assert stored["status"] == "acknowledged"
        # Chromium reports the refused request itself; nothing else may reach the console.
        assert [e for e in chef.console_errors if "status of 412" not in e] == []
    finally:
        out = gateway.request("POST", f"/api/customers/{stay_id}/checkout", as_user="frontdesk")
        assert out.status_code == 200, out.text


def test_the_chef_cancels_an_order_with_a_reason(open_session, gateway):
    chef = open_session()
    page = chef.sign_in("chef")
    chef.wait_live()
    room, token, stay_id = check_in_a_guest(gateway)
    try:
        order = place_order(gateway, room, token)
        name = f"Room {room} order #{order['id'][-4:].upper()}"
        card = page.get_by_role("article", name=name)
        card.get_by_role("button", name=f"Cancel {name}").click()
        dialog = page.get_by_role("dialog", name=f"Cancel {name}?")
        dialog.get_by_role("button", name="Cancel the order").click()
        expect(dialog.get_by_role("alert")).to_contain_text("Say why")
        assert chef.axe_violations() == []
        dialog.get_by_label("Reason (required)").fill("Kitchen closed early")
        dialog.get_by_role("button", name="Cancel the order").click()
        expect(dialog).to_be_hidden()
        expect(card).to_have_count(0)
        gone = gateway.request("GET", f"/api/orders/{order['id']}", as_user="chef")
        assert gone.status_code == 404, gone.text
        assert chef.console_errors == []
    finally:
        out = gateway.request("POST", f"/api/customers/{stay_id}/checkout", as_user="frontdesk")
        assert out.status_code == 200, out.text


def test_the_chef_makes_an_item_unavailable_and_back_and_the_api_follows(open_session, gateway):
    chef = open_session()
    page = chef.sign_in("chef")
    page.get_by_role("link", name="Menu & combos").click()
    desserts = page.get_by_role("table", name="Desserts")
    row = desserts.get_by_role("row").filter(has_text="Fruit platter")
    expect(row).to_contain_text("Available")
    expect(row).to_contain_text("9.00")
    assert chef.axe_violations() == []
    menu = gateway.request("GET", "/api/menu", as_user="chef").json()["items"]
    food_id = next(f["id"] for f in menu if f["name"] == "Fruit platter")

    row.get_by_role("button", name="Mark unavailable Fruit platter").click()
    expect(row).to_contain_text("Unavailable")
    assert (
        gateway.request("GET", f"/api/menu/{food_id}", as_user="chef").json()["available"] is False
    )
    row.get_by_role("button", name="Mark available Fruit platter").click()
    expect(row.get_by_role("button", name="Mark unavailable Fruit platter")).to_be_visible()
    assert (
        gateway.request("GET", f"/api/menu/{food_id}", as_user="chef").json()["available"] is True
    )

    # The service's validation is shown next to the field it names.
    page.get_by_role("button", name="New item").click()
    form = page.get_by_role("dialog", name="New menu item")
    form.get_by_label("Name").fill("Tomato soup")
    form.get_by_label("Category").fill("Mains")
    form.get_by_label("Price (for example 12.50)").fill("7.505")
    form.get_by_role("button", name="Add item").click()
    price = form.get_by_label("Price (for example 12.50)")
    expect(price).to_have_attribute("aria-invalid", "true")
    expect(form).to_contain_text("at most two decimals")
    assert chef.axe_violations() == []
    form.get_by_role("button", name="Close without saving").click()
    expect(form).to_be_hidden()
    names = [f["name"] for f in gateway.request("GET", "/api/menu", as_user="chef").json()["items"]]
    assert "Tomato soup" not in names
    # Chromium reports the refused request itself; nothing else may reach the console.
    assert [e for e in chef.console_errors if "status of 422" not in e] == []


def test_the_general_manager_sees_kitchen_and_menu_read_only(open_session):
    admin = open_session()
    page = admin.sign_in("admin")
    page.get_by_role("link", name="Kitchen").click()
    expect(page.get_by_role("heading", name="Kitchen", level=1)).to_be_visible()
    expect(page.get_by_text("View only")).to_be_visible()
    assert admin.axe_violations() == []
    page.get_by_role("link", name="Menu & combos").click()
    expect(page.get_by_role("table", name="Mains")).to_contain_text("Club sandwich")
    expect(page.get_by_role("button", name=re.compile("^Mark (un)?available"))).to_have_count(0)
    expect(page.get_by_role("table", name="Combos (2)")).to_contain_text("Burger night")
    assert admin.axe_violations() == []
    assert admin.console_errors == []

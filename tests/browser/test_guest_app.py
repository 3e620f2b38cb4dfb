"""The guest app at /guest/ on a phone: a checked-in guest signs in with the room number and the
booking code, orders (a double tap places one order), follows the order live to delivered while
the kitchen moves it, cancels a pending one, asks for towels, hangs Do Not Disturb, writes to the
front desk, reads Spanish, and reaches nothing of another room."""

from __future__ import annotations

import datetime
import re
import time
import uuid

import pytest
from playwright.sync_api import Page, expect

# This file's own rooms (floor 8), created here: no other test file touches them.
GUEST_ROOM, OTHER_ROOM = "801", "802"
TIMES = "\u00d7"
KITCHEN_STEPS = (
    ("acknowledged", "Confirmed by the kitchen"),
    ("preparing", "Preparing"),
    ("on the way", "On the way"),
    ("delivered", "Delivered"),
)
# The kitchen board's button for each step (tests/browser/test_kitchen.py reads the same board).
BOARD_STEPS = (
    ("Acknowledge", "acknowledged"),
    ("Start preparing", "preparing"),
    ("Send out", "on the way"),
    ("Mark delivered", "delivered"),
)
TASK_WORDS = {
    "pending": "Received",
    "assigned": "Someone is assigned",
    "acknowledged": "On it",
    "in_progress": "In progress",
    "paused": "Paused",
    "completed": "Done",
    "cancelled": "Cancelled",
}


def eventually(probe, timeout: float = 15.0):
    """Poll an API probe until it answers something truthy (the browser side uses expect)."""
    deadline = time.monotonic() + timeout
    while not (result := probe()):
        if time.monotonic() > deadline:
            pytest.fail(f"{probe.__doc__ or probe} did not happen in {timeout}s")
        time.sleep(0.1)
    return result


class Guest:
    def __init__(self, room: str, code: str, stay_id: str, name: str) -> None:
        self.room, self.code, self.stay_id, self.name = room, code, stay_id, name


def own_room(gateway, number: str) -> None:
    """Create room `number` on floor 8, ready for a guest, unless it exists."""
    created = gateway.request(
        "POST",
        "/api/rooms",
        as_user="admin",
        json={
            "roomNumber": number,
            "roomType": "Standard",
            "price": 100,
            "capacity": 2,
            "floor": 8,
            "housekeepingStatus": "Inspected",
        },
    )
    assert created.status_code in (201, 409), created.text


@pytest.fixture(scope="module")
def guest(gateway):
    """A guest checked in for this file's tests; checked out after them."""
    name = "Lin Guest"
    own_room(gateway, GUEST_ROOM)
    own_room(gateway, OTHER_ROOM)
    today = datetime.date.today()
    booked = gateway.request(
        "POST",
        "/api/bookings",
        as_user="frontdesk",
        json={
            "roomNumber": GUEST_ROOM,
            "customerName": name,
            "customerEmail": "guest-app@example.com",
            "checkInDate": today.isoformat(),
            "checkOutDate": (today + datetime.timedelta(days=2)).isoformat(),
        },
    )
    assert booked.status_code == 201, booked.text
    room, booking = GUEST_ROOM, booked.json()
    stay = gateway.request(
        "POST",
        "/api/customers",
        as_user="frontdesk",
        json={"bookingId": booking["id"], "override": True, "reason": "guest app browser test"},
    )
    assert stay.status_code == 201, stay.text
    guest = Guest(room, booking["specialId"], stay.json()["id"], name)

    def everyone_knows_the_stay():
        """auth and fnb to hold the check-in"""
        login = gateway.request(
            "POST", "/api/auth/guest-login", json={"roomNumber": room, "specialId": guest.code}
        )
        if login.status_code != 200:
            return None
        token = login.json()["accessToken"]
        cart = gateway.request(
            "GET", f"/api/carts/{room}", headers={"Authorization": f"Bearer {token}"}
        )
        return cart.status_code == 200

    eventually(everyone_knows_the_stay)
    yield guest
    out = gateway.request("POST", f"/api/customers/{guest.stay_id}/checkout", as_user="frontdesk")
    assert out.status_code == 200, out.text


class GuestPhone:
    """A guest's phone: a phone-sized browser session (tests/browser/conftest.py) on /guest/."""

    def __init__(self, session) -> None:
        self.session = session
        self.page: Page = session.page

    @property
    def console_errors(self) -> list[str]:
        return self.session.console_errors

    def axe_violations(self) -> list[dict]:
        return self.session.axe_violations()

    def open(self) -> Page:
        return self.session.open("/guest/")

    def sign_in(self, guest: Guest) -> Page:
        page = self.open()
        page.get_by_label("Room number").fill(guest.room)
        page.get_by_label("Booking code").fill(guest.code)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("banner")).to_contain_text(f"Room {guest.room}")
        return page

    def go(self, section: str) -> None:
        self.page.get_by_role("navigation", name="Sections").get_by_role(
            "link", name=re.compile(f"^{section}")
        ).click()


@pytest.fixture
def phone(open_phone_session):
    return lambda locale="en-US": GuestPhone(open_phone_session(locale))


def orders_of_the_stay(gateway, guest: Guest, status: str | None = None) -> list[dict]:
    params = {"roomNumber": guest.room, "limit": 100} | ({"status": status} if status else {})
    listed = gateway.request("GET", "/api/orders", as_user="chef", params=params)
    assert listed.status_code == 200, listed.text
    return [o for o in listed.json()["items"] if o["customerId"] == guest.stay_id]


def guest_token(gateway, guest: Guest) -> str:
    login = gateway.request(
        "POST", "/api/auth/guest-login", json={"roomNumber": guest.room, "specialId": guest.code}
    )
    assert login.status_code == 200, login.text
    return login.json()["accessToken"]


def test_a_double_tap_places_one_order_and_the_guest_follows_it_to_delivered(
    phone, open_session, gateway, guest
):
    # The chef's kitchen board is open on the dashboard before the order arrives.
    chef = open_session()
    board = chef.sign_in("chef")
    expect(board.get_by_role("heading", name="Kitchen", level=1)).to_be_visible()
    chef.wait_live()
    guest_phone = phone()
    page = guest_phone.open()
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    assert guest_phone.axe_violations() == []
    page.get_by_label("Room number").fill(guest.room)
    page.get_by_label("Booking code").fill("not-the-code")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match a stay that is checked in")
    # Auth's throttle answers 429 with the wait: the guest is told how long (answer stubbed, so
    # the test does not depend on how fast failures pile up).
    page.route(
        "**/api/auth/guest-login",
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "30", "Content-Type": "application/problem+json"},
            body='{"type": "about:blank", "title": "Too many attempts", "status": 429, '
            '"code": "login_throttled"}',
        ),
        times=1,
    )
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Too many tries. Please wait 30 seconds and try again."
    )

    page.get_by_label("Booking code").fill(guest.code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner")).to_contain_text(f"Room {guest.room}")
    expect(page.get_by_role("heading", name="In-room dining")).to_be_visible()
    expect(page.get_by_role("heading", name="Breakfast", exact=True)).to_be_visible()

    page.get_by_role("button", name="Add Club sandwich to the cart").click()
    expect(
        page.get_by_role("status").filter(has_text="Club sandwich is in your cart.")
    ).to_be_visible()
    # The combos carousel moves by buttons, from the keyboard too.
    combos = gateway.request("GET", "/api/combos?active=true", as_user="chef").json()["items"]
    first = next(c["title"] for c in combos if c["orderable"])
    carousel = page.get_by_role("region", name="Combos")
    expect(carousel.get_by_role("heading", name=first)).to_be_visible()
    carousel.get_by_role("button", name="Next combo").focus()
    page.keyboard.press("Enter")
    expect(carousel.get_by_role("heading", name=first)).to_have_count(0)
    carousel.get_by_role("button", name="Previous combo").press("Enter")
    carousel.get_by_role("button", name=f"Add {first} to the cart").click()
    expect(page.get_by_role("status").filter(has_text=f"{first} is in your cart.")).to_be_visible()
    assert guest_phone.axe_violations() == []

    guest_phone.go("Cart")
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.get_by_text(f"1 {TIMES} Club sandwich")).to_be_visible()
    page.get_by_role("button", name="One more Club sandwich").click()
    expect(page.get_by_text(f"2 {TIMES} Club sandwich")).to_be_visible()
    expect(page.get_by_text(f"1 {TIMES} {first}")).to_be_visible()
    assert guest_phone.axe_violations() == []

    page.get_by_role("button", name="Place order").dblclick()
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    placed = orders_of_the_stay(gateway, guest)
    assert len(placed) == 1, placed
    order = placed[0]
    assert {(line["name"], line["quantity"]) for line in order["items"]} == {
        ("Club sandwich", 2),
        (first, 1),
    }
    card = page.get_by_role("article", name=f"Order #{order['id'][-4:].upper()}")
    expect(card).to_contain_text("Status: Received")
    expect(card.get_by_role("list", name="Progress")).to_be_visible()
    assert guest_phone.axe_violations() == []

    # The chef moves it on the kitchen board, one click per step; the guest's open screen hears
    # each step, no reload.
    ticket = board.get_by_role(
        "article", name=f"Room {guest.room} order #{order['id'][-4:].upper()}"
    )
    expect(ticket).to_be_visible()
    for (button, _status), (_, words) in zip(BOARD_STEPS, KITCHEN_STEPS, strict=True):
        ticket.get_by_role("button", name=re.compile(f"^{button} ")).click()
        expect(card).to_contain_text(f"Status: {words}")
    assert chef.console_errors == []
    expect(card.locator("[aria-current=step]")).to_contain_text("Delivered")
    assert len(orders_of_the_stay(gateway, guest)) == 1

    # A reload brings the stay back through the refresh cookie.
    page.reload()
    expect(page.get_by_role("banner")).to_contain_text(f"Room {guest.room}")
    expect(card).to_contain_text("Status: Delivered")
    # The wrong code's 401 and the throttle's 429 are all the console may hold.
    refused = re.compile(r"status of (401|429)")
    assert [e for e in guest_phone.console_errors if not refused.search(e)] == []


def test_a_retried_checkout_is_one_order_and_the_guest_cancels_it_while_pending(
    phone, gateway, guest
):
    guest_phone = phone()
    page = guest_phone.sign_in(guest)
    page.get_by_role("button", name="Add Club sandwich to the cart").click()
    expect(
        page.get_by_role("status").filter(has_text="Club sandwich is in your cart.")
    ).to_be_visible()
    # Delivered orders (the one above among them) pair items: the menu suggests what goes with it.
    suggestions = page.get_by_role("region", name="Goes well with your order")
    expect(suggestions).to_contain_text("Often ordered with Club sandwich")

    # The first attempt reaches the kitchen but its answer is lost on the way back: the retry
    # sends the same Idempotency-Key and gets the same order, not a second one.
    def lose_the_answer(route):
        route.fetch()
        route.abort()

    guest_phone.go("Cart")
    page.route("**/api/carts/*/checkout", lose_the_answer, times=1)
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("alert")).to_contain_text("it will not be ordered twice")
    assert len(orders_of_the_stay(gateway, guest, status="pending")) == 1
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    pending = orders_of_the_stay(gateway, guest, status="pending")
    assert len(pending) == 1, pending
    order = pending[0]
    code = order["id"][-4:].upper()
    card = page.get_by_role("article", name=f"Order #{code}")
    card.get_by_role("button", name=f"Cancel order #{code}").click()
    card.get_by_label("Reason (optional)").fill("Ordered by mistake")
    assert guest_phone.axe_violations() == []
    card.get_by_role("button", name="Yes, cancel it").click()
    expect(card).to_contain_text("Status: Cancelled")
    expect(
        page.get_by_role("status").filter(has_text=f"Order #{code} is cancelled.")
    ).to_be_visible()
    gone = gateway.request("GET", f"/api/orders/{order['id']}", as_user="chef")
    assert gone.status_code == 404, gone.text
    assert orders_of_the_stay(gateway, guest, status="pending") == []
    # Only the lost answer reached the console.
    assert [e for e in guest_phone.console_errors if "ERR_FAILED" not in e] == []


def test_the_guest_asks_for_towels_hangs_do_not_disturb_and_writes_to_the_desk(
    phone, gateway, guest
):
    guest_phone = phone()
    page = guest_phone.sign_in(guest)
    guest_phone.go("Room")
    expect(page.get_by_role("heading", name="Your room")).to_be_visible()
    assert guest_phone.axe_violations() == []

    page.get_by_role("button", name="Fresh towels").click()
    page.get_by_label("Details (optional)").fill("Two bath towels")
    page.get_by_role("button", name="Send request: Fresh towels").click()
    expect(
        page.get_by_role("status").filter(has_text="Request sent: Fresh towels.")
    ).to_be_visible()
    asked = gateway.request(
        "GET", "/api/requests", as_user="frontdesk", params={"roomNumber": guest.room}
    ).json()["items"]
    towels = [r for r in asked if r["jobType"] == "linen" and r["requestedBy"] == guest.name]
    assert len(towels) == 1, asked
    assert towels[0]["description"] == "Fresh towels: Two bath towels"
    task = gateway.request("GET", f"/api/tasks/{towels[0]['taskId']}", as_user="admin").json()
    mine = page.get_by_role("region", name="Your requests").get_by_role("listitem")
    expect(mine.filter(has_text="Fresh towels")).to_contain_text(TASK_WORDS[task["status"]])

    page.get_by_role("button", name="Do not disturb").click()
    expect(
        page.get_by_role("status").filter(has_text="Your door shows: Do not disturb")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Do not disturb")).to_have_attribute(
        "aria-pressed", "true"
    )
    room = gateway.request("GET", f"/api/rooms/{guest.room}", as_user="frontdesk").json()
    assert room["guestServiceStatus"] == "DoNotDisturb"
    assert guest_phone.axe_violations() == []

    guest_phone.go("Front desk")
    expect(page.get_by_role("heading", name="Contact the front desk")).to_be_visible()
    text = f"Could we have a late checkout? {uuid.uuid4().hex[:6]}"
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()
    expect(
        page.get_by_role("status").filter(has_text="The front desk will get back to you")
    ).to_be_visible()
    assert guest_phone.axe_violations() == []
    messages = gateway.request(
        "GET", "/api/contact-messages", as_user="frontdesk", params={"roomNumber": guest.room}
    ).json()["items"]
    assert [m["message"] for m in messages if m["message"] == text] == [text]
    assert guest_phone.console_errors == []


def test_a_guest_reaches_nothing_of_another_room(phone, gateway, guest):
    other = OTHER_ROOM
    guest_auth = {"Authorization": f"Bearer {guest_token(gateway, guest)}"}
    refused = {
        "cart": gateway.request("GET", f"/api/carts/{other}", headers=guest_auth),
        "orders": gateway.request(
            "GET", "/api/orders", headers=guest_auth, params={"roomNumber": other}
        ),
        "room sign": gateway.request(
            "PATCH",
            f"/api/rooms/{other}/status",
            headers=guest_auth,
            json={"guestServiceStatus": "DoNotDisturb"},
        ),
        "request": gateway.request(
            "POST",
            "/api/requests",
            headers=guest_auth,
            json={"roomNumber": other, "jobType": "linen", "priority": "normal"},
        ),
        "message": gateway.request(
            "POST",
            "/api/contact-messages",
            headers=guest_auth,
            json={"name": guest.name, "roomNumber": other, "message": "hello"},
        ),
    }
    assert {what: r.status_code for what, r in refused.items()} == dict.fromkeys(refused, 403)
    own = gateway.request("GET", f"/api/carts/{guest.room}", headers=guest_auth)
    assert own.status_code == 200, own.text

    # The app never asks which room: it has the one the guest signed in to.
    guest_phone = phone()
    page = guest_phone.sign_in(guest)
    for section in ("Menu", "Cart", "Orders", "Room", "Front desk"):
        guest_phone.go(section)
        expect(page.get_by_role("banner")).to_contain_text(f"Room {guest.room}")
        for role in ("textbox", "spinbutton", "combobox"):
            expect(page.get_by_role(role, name=re.compile("room", re.IGNORECASE))).to_have_count(0)
    assert guest_phone.console_errors == []


def test_a_spanish_phone_shows_the_app_in_spanish_with_a_switch(phone, guest):
    guest_phone = phone("es-ES")
    page = guest_phone.open()
    expect(page.get_by_role("heading", name="Bienvenido")).to_be_visible()
    page.get_by_label("Número de habitación").fill(guest.room)
    page.get_by_label("Código de reserva").fill(guest.code)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("banner")).to_contain_text(f"Habitación {guest.room}")
    expect(page.get_by_role("heading", name="Servicio a la habitación")).to_be_visible()
    expect(page.get_by_role("heading", name="Desayuno", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Añadir Club sandwich al carrito")).to_be_visible()
    nav = page.get_by_role("navigation", name="Secciones")
    expect(nav.get_by_role("link", name=re.compile("^Pedidos"))).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "es"
    assert guest_phone.axe_violations() == []

    nav.get_by_role("link", name=re.compile("^Cuarto")).click()
    expect(page.get_by_role("button", name="No molestar")).to_be_visible()
    page.get_by_label("Idioma").select_option("en")
    expect(page.get_by_role("heading", name="Your room")).to_be_visible()
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Salir").click()
    expect(page.get_by_role("heading", name="Bienvenido")).to_be_visible()
    assert guest_phone.console_errors == []

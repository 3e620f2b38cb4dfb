"""The front office in a real browser: book a free room (the code shown once), cancel a booking,
extend an in-house stay, arrivals whose room is not ready, and a guest message arriving live."""

from __future__ import annotations

import datetime
import re
import time

from playwright.sync_api import expect

# Far-off nights and rooms no other browser test books, so a shared platform holds no surprise.
FIRST_NIGHT = 400


def day(offset: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def book(gateway, room_number: str, first: int, last: int, name: str) -> dict:
    response = gateway.request(
        "POST",
        "/api/bookings",
        as_user="frontdesk",
        json={
            "roomNumber": room_number,
            "customerName": name,
            "customerEmail": "guest@example.com",
            "checkInDate": day(first),
            "checkOutDate": day(last),
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def check_in(gateway, booking: dict) -> dict:
    response = gateway.request(
        "POST",
        "/api/customers",
        as_user="frontdesk",
        json={"bookingId": booking["id"], "override": True, "reason": "browser test"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def guest_token(gateway, booking: dict) -> str:
    """Sign in as the guest with the booking code once auth has heard of the check-in."""
    credentials = {"roomNumber": booking["roomNumber"], "specialId": booking["specialId"]}
    deadline = time.monotonic() + 15
    while True:
        response = gateway.request("POST", "/api/auth/guest-login", json=credentials)
        if response.status_code == 200:
            return response.json()["accessToken"]
        assert time.monotonic() < deadline, f"guest-login never let the guest in: {response.text}"
        time.sleep(0.2)


def console_errors_besides(desk, *refusals: int) -> list[str]:
    """The console errors left once each expected refusal (the browser logs a 409 it was given)
    is taken out, one entry per refusal."""
    errors = list(desk.console_errors)
    for status in refusals:
        logged = next((e for e in errors if f"status of {status}" in e), None)
        assert logged is not None, f"the expected {status} was not logged: {errors}"
        errors.remove(logged)
    return errors


def open_page(desk, link: str, heading: str):
    page = desk.sign_in("frontdesk")
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    return page


def test_front_desk_books_a_free_room_sees_the_code_once_and_cancels_another(open_session, gateway):
    other = book(gateway, "206", FIRST_NIGHT + 30, FIRST_NIGHT + 32, "Grace Cancelled")
    desk = open_session()
    page = open_page(desk, "Bookings", "Bookings")

    search = page.get_by_role("form", name="Find a free room")
    search.get_by_label("Arrival").fill(day(FIRST_NIGHT))
    search.get_by_label("Departure").fill(day(FIRST_NIGHT + 2))
    search.get_by_role("button", name="Search").click()
    free = page.get_by_role("table", name=re.compile("^Free rooms, 2 nights"))
    free.get_by_role("button", name="Book room 207").click()

    form = page.get_by_role("form", name="New booking for room 207")
    form.get_by_label("Guest name").fill("Ada Front Office")
    form.get_by_label("Guest email").fill("ada@example.com")
    form.get_by_label("Paid now (optional)").fill("50")
    form.get_by_role("button", name="Create booking").click()

    confirmation = page.get_by_role("region", name=re.compile("Booking confirmed: room 207"))
    expect(confirmation).to_contain_text("partially paid")
    code = confirmation.locator("code").inner_text()
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,}", code), code
    listed = gateway.request(
        "GET", "/api/bookings", as_user="frontdesk", params={"roomNumber": "207"}
    ).json()["items"]
    [made] = [b for b in listed if b["customerName"] == "Ada Front Office"]
    assert (made["specialId"], made["checkInDate"], made["partialPayment"]) == (
        code,
        day(FIRST_NIGHT),
        50,
    )
    assert desk.axe_violations() == []
    confirmation.get_by_role("button", name="Done, code given").click()
    expect(confirmation).to_have_count(0)
    expect(page.get_by_text(code)).to_have_count(0)  # the code is not shown again

    # Someone else books the picked room first: the refusal says so beside the form.
    search.get_by_label("Arrival").fill(day(FIRST_NIGHT + 10))
    search.get_by_label("Departure").fill(day(FIRST_NIGHT + 11))
    search.get_by_role("button", name="Search").click()
    page.get_by_role("table", name=re.compile("^Free rooms, 1 night")).get_by_role(
        "button", name="Book room 207"
    ).click()
    book(gateway, "207", FIRST_NIGHT + 10, FIRST_NIGHT + 11, "Faster Desk")
    form.get_by_label("Guest name").fill("Too Late")
    form.get_by_label("Guest email").fill("late@example.com")
    form.get_by_role("button", name="Create booking").click()
    expect(page.get_by_role("alert").filter(has_text="no longer free")).to_be_visible()

    # The list, filtered to room 206, cancels the other booking after a confirmation.
    filters = page.get_by_role("form", name="Booking filters")
    filters.get_by_label("Room").fill("206")
    filters.get_by_role("button", name="Apply").click()
    bookings = page.get_by_role("table", name="Bookings")
    row = bookings.get_by_role("row").filter(has_text="Grace Cancelled")
    expect(row).to_contain_text("confirmed")
    row.get_by_role("button", name="Cancel booking of Grace Cancelled, room 206").click()
    row.get_by_role("button", name="Yes, cancel booking").click()
    expect(row).to_contain_text("cancelled")
    expect(page.get_by_role("status").filter(has_text="Cancelled: Grace Cancelled")).to_be_visible()
    cancelled = gateway.request("GET", f"/api/bookings/{other['id']}", as_user="frontdesk")
    assert cancelled.json()["bookingStatus"] == "cancelled"
    assert desk.axe_violations() == []
    assert console_errors_besides(desk, 409) == []  # only the refused booking


def test_front_desk_extends_an_in_house_stay_and_sees_arrivals_not_ready(open_session, gateway):
    stay = check_in(gateway, book(gateway, "204", 0, 2, "Ada Extends"))
    # Another guest arrives in room 204 in four days: the stay can grow to then, not past it.
    book(gateway, "204", 4, 6, "Next Guest")
    # Two arrivals today: room 202 ready (Inspected), room 209 not (housekeeping marked it Dirty).
    book(gateway, "202", 0, 1, "Ready Arrival")
    book(gateway, "209", 0, 1, "Waiting Arrival")
    room = gateway.request("GET", "/api/rooms/209", as_user="housekeeper")
    dirty = gateway.request(
        "PATCH",
        "/api/rooms/209/status",
        as_user="housekeeper",
        json={"housekeepingStatus": "Dirty"},
        headers={"If-Match": room.headers["ETag"]},
    )
    assert dirty.status_code == 200, dirty.text

    desk = open_session()
    page = open_page(desk, "Arrivals & departures", "Arrivals & departures")
    in_house = page.get_by_role("table", name=re.compile("^In house"))
    row = in_house.get_by_role("row").filter(has_text="Ada Extends")
    row.get_by_role("button", name="Extend stay Ada Extends").click()
    extend = row.get_by_role("form", name="Extend the stay of Ada Extends")
    extend.get_by_label("New departure").fill(day(5))
    extend.get_by_role("button", name="Save new date").click()
    expect(extend.get_by_role("alert")).to_contain_text("booked for another guest")
    extend.get_by_label("New departure").fill(day(4))
    extend.get_by_role("button", name="Save new date").click()
    expect(
        page.get_by_role("status").filter(has_text="Ada Extends in room 204 now departs")
    ).to_be_visible()
    expect(row).to_contain_text("extended from")
    after = gateway.request("GET", f"/api/customers/{stay['id']}", as_user="frontdesk").json()
    assert after["updatedCheckoutDate"] == day(4)
    assert desk.axe_violations() == []

    # The Today page's link: only the arrivals whose room is not ready.
    page.goto(f"{gateway.base_url}/#/frontdesk?filter=waiting")
    arrivals = page.get_by_role("table", name=re.compile("^Arriving today, room not ready"))
    expect(arrivals.get_by_role("row").filter(has_text="Waiting Arrival")).to_contain_text(
        "Not ready"
    )
    expect(arrivals.get_by_role("row").filter(has_text="Ready Arrival")).to_have_count(0)
    toggle = page.get_by_role("button", name=re.compile("^Only rooms not ready"))
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.click()
    everyone = page.get_by_role("table", name=re.compile(r"^Arriving today \("))
    expect(everyone.get_by_role("row").filter(has_text="Ready Arrival")).to_contain_text("Ready")
    assert console_errors_besides(desk, 409) == []  # only the refused extension


def test_a_guest_message_arrives_live_and_the_desk_marks_it_handled(open_session, gateway):
    booking = book(gateway, "210", 0, 1, "Lin Pillows")
    check_in(gateway, booking)
    token = guest_token(gateway, booking)

    desk = open_session()
    page = open_page(desk, "Guest messages", "Guest messages")
    desk.wait_live()
    written = gateway.request(
        "POST",
        "/api/contact-messages",
        headers={"Authorization": f"Bearer {token}"},
        json={"name": "Lin Pillows", "roomNumber": "210", "message": "Two more pillows, please"},
    )
    assert written.status_code == 201, written.text

    # Heard live, without a reload: a polite alert and the message highlighted as new.
    alert = page.get_by_role("status", name="New guest message")
    expect(alert).to_contain_text("New message from room 210 (Lin Pillows)")
    waiting = page.get_by_role("list", name=re.compile("^Waiting for the desk"))
    card = waiting.get_by_role("article", name="Room 210, Lin Pillows")
    expect(card).to_contain_text("Two more pillows, please")
    expect(card).to_contain_text("New")
    assert desk.axe_violations() == []

    card.get_by_role("button", name="Mark handled room 210, Lin Pillows").click()
    handled = page.get_by_role("list", name="Handled recently")
    expect(handled.get_by_role("article", name="Room 210, Lin Pillows")).to_contain_text(
        "Handled by frontdesk"
    )
    expect(card).to_have_count(0)
    message_id = written.json()["id"]
    listed = gateway.request(
        "GET", "/api/contact-messages", as_user="frontdesk", params={"roomNumber": "210"}
    ).json()["items"]
    [stored] = [m for m in listed if m["id"] == message_id]
    assert (stored["handled"], stored["handledBy"]["username"]) == (True, "frontdesk")

    # The same guest token may set Do Not Disturb on the guest's own room, and nothing else.
    guest = {"Authorization": f"Bearer {token}"}
    dnd = gateway.request(
        "PATCH", "/api/rooms/210/status", headers=guest, json={"guestServiceStatus": "DoNotDisturb"}
    )
    assert dnd.status_code == 200, dnd.text
    other = gateway.request(
        "PATCH", "/api/rooms/201/status", headers=guest, json={"guestServiceStatus": "None"}
    )
    assert (other.status_code, other.json()["code"]) == (403, "not_your_room")
    assert desk.console_errors == []

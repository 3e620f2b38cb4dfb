"""The staff app at /staff/ on a 375-px phone: rooms, tasks, the offline outbox and its conflicts,
installability, Spanish, accessibility; against the real platform."""

from __future__ import annotations

import re

from conftest import DEMO_PASSWORDS, eventually
from playwright.sync_api import expect

# Rooms of this file's own (floor 9), created here: no other test file touches them.
ROOMS = {
    "clean_live": "901",
    "tech": "902",
    "offline_a": "903",
    "offline_b": "904",
    "conflict": "905",
    "inspect": "906",
    "install": "907",
}

# While the phone is offline the browser itself reports the requests it could not make (the
# socket's reconnects, a list refetch): network noise, not the app's errors.
OFFLINE_NOISE = re.compile(r"ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|net::ERR_FAILED")


def room_in_status(gateway, number: str, status: str) -> dict:
    """Create room `number` on floor 9 if missing, and put it in housekeeping `status`."""
    created = gateway.request(
        "POST",
        "/api/rooms",
        as_user="admin",
        json={
            "roomNumber": number,
            "roomType": "Standard",
            "price": 100,
            "capacity": 2,
            "floor": 9,
            "housekeepingStatus": status,
        },
    )
    if created.status_code == 201:
        return created.json()
    assert created.status_code == 409, created.text
    return set_room(gateway, number, status, as_user="supervisor")


def set_room(gateway, number: str, status: str, *, as_user: str) -> dict:
    room = gateway.request("GET", f"/api/rooms/{number}", as_user=as_user)
    assert room.status_code == 200, room.text
    changed = gateway.request(
        "PATCH",
        f"/api/rooms/{number}/status",
        as_user=as_user,
        json={"housekeepingStatus": status},
        headers={"If-Match": room.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    return changed.json()


def housekeeping_of(gateway, number: str) -> str:
    return gateway.request("GET", f"/api/rooms/{number}", as_user="supervisor").json()[
        "housekeepingStatus"
    ]


def sign_in_on_phone(session, username: str, *, sign_in: str = "Sign in", tasks: str = "Tasks"):
    page = session.open("/staff/")
    page.locator("#st-username").fill(username)
    page.locator("#st-password").fill(_password(username))
    page.get_by_role("button", name=sign_in).click()
    expect(page.get_by_role("navigation").get_by_role("button", name=tasks)).to_be_visible()
    return page


def _password(username: str) -> str:
    return DEMO_PASSWORDS[username]


def open_tab(page, name: str) -> None:
    page.get_by_role("navigation").get_by_role("button", name=name).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def assert_no_serious_axe(session) -> None:
    assert session.axe_violations() == []


def app_errors(session, *refusals: int) -> list[str]:
    """The console errors besides offline network noise and each expected refusal (the browser
    logs a 412 it was given), one entry per refusal."""
    errors = [error for error in session.console_errors if not OFFLINE_NOISE.search(error)]
    for status in refusals:
        logged = next((e for e in errors if f"status of {status}" in e), None)
        assert logged is not None, f"the expected {status} was not logged: {errors}"
        errors.remove(logged)
    return errors


# Playwright's contexts are incognito-like; Chromium then refuses push subscriptions and says so
# on the console itself (deliberately undetectable by the page, crbug.com/41124656).
INCOGNITO_PUSH = "does not support the Push API in incognito mode"


def test_housekeeper_marks_a_room_clean_and_an_open_dashboard_shows_it(
    open_phone_session, open_session, gateway
):
    number = ROOMS["clean_live"]
    room_in_status(gateway, number, "Dirty")
    desk = open_session()
    desk_page = desk.sign_in("frontdesk")
    desk_page.goto(desk.base_url + "/#/rooms")
    desk.wait_live()
    watched = desk_page.get_by_role("group", name=f"Room {number}")
    expect(watched).to_contain_text("Dirty")

    phone = open_phone_session(locale="en-US")
    page = sign_in_on_phone(phone, "housekeeper")
    assert_no_serious_axe(phone)  # the tasks screen
    open_tab(page, "Rooms")
    row = page.get_by_role("group", name=f"Room {number}")
    expect(row).to_contain_text("Dirty")
    # Housekeeping staff may clean, never inspect.
    expect(row.get_by_role("button", name=f"Mark room {number} Inspected")).to_have_count(0)
    assert_no_serious_axe(phone)  # the rooms screen
    row.get_by_role("button", name=f"Mark room {number} Clean").click()

    expect(watched).to_contain_text("Clean")
    expect(row).to_contain_text("Clean")
    expect(row).not_to_contain_text("waiting to send")
    assert housekeeping_of(gateway, number) == "Clean"

    open_tab(page, "Alerts")
    # Headless Chromium has no push service: the opt-in says so instead of failing.
    phone.context.grant_permissions(["notifications"])
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Not available on this device.")).to_be_visible()
    assert_no_serious_axe(phone)  # the alerts screen
    assert [e for e in phone.console_errors if INCOGNITO_PUSH not in e] == []
    assert desk.console_errors == []


def test_technician_acknowledges_starts_and_completes_an_assigned_task(open_phone_session, gateway):
    number = ROOMS["tech"]
    room_in_status(gateway, number, "Inspected")
    employee = gateway.request("GET", "/api/employees/MT-001", as_user="admin").json()
    if not employee.get("onDuty"):
        on = gateway.request(
            "PATCH", "/api/employees/MT-001", as_user="admin", json={"onDuty": True}
        )
        assert on.status_code == 200, on.text

    phone = open_phone_session(locale="en-US")
    page = sign_in_on_phone(phone, "technician")
    phone.page.get_by_role("status").filter(has_text=re.compile(r"\bLive\b")).wait_for()

    # The assignment arrives live on the phone that is already open.
    asked = gateway.request(
        "POST",
        "/api/requests",
        as_user="frontdesk",
        json={
            "roomNumber": number,
            "jobType": "plumbing",
            "priority": "high",
            "description": "Dripping tap",
        },
    )
    assert asked.status_code == 201, asked.text
    task = asked.json()["task"]
    assert task["status"] == "assigned", task
    card = page.get_by_role("article", name=f"Plumbing task for room {number}")
    expect(card).to_contain_text("New")
    expect(card).to_contain_text(re.compile(r"due in \d+ min"))
    expect(page.get_by_role("status").filter(has_text="New task: Plumbing")).to_be_visible()

    card.get_by_role("button", name="Acknowledge").click()
    expect(card).to_contain_text("Acknowledged")
    card.get_by_role("button", name="Start").click()
    expect(card).to_contain_text("In progress")
    card.get_by_role("button", name="Add note").click()
    card.get_by_label(f"Note for room {number}").fill("Washer replaced")
    card.get_by_role("button", name="Save note").click()
    expect(card).to_contain_text("Notes (1)")
    assert_no_serious_axe(phone)
    card.get_by_role("button", name="Complete").click()
    expect(card).to_have_count(0)

    done = gateway.request("GET", f"/api/tasks/{task['taskId']}", as_user="supervisor").json()
    assert done["status"] == "completed"
    assert [note["text"] for note in done["notes"]] == ["Washer replaced"]

    # Maintenance sees the rooms but may not change their housekeeping status.
    open_tab(page, "Rooms")
    expect(page.get_by_text("Room status is set by housekeeping")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Mark room"))).to_have_count(0)
    assert phone.console_errors == []


def test_changes_made_offline_wait_on_the_phone_and_reach_the_server_in_order(
    open_phone_session, gateway
):
    first, second = ROOMS["offline_a"], ROOMS["offline_b"]
    room_in_status(gateway, first, "Dirty")
    room_in_status(gateway, second, "Dirty")
    phone = open_phone_session(locale="en-US")
    page = sign_in_on_phone(phone, "housekeeper")
    open_tab(page, "Rooms")
    expect(page.get_by_role("group", name=f"Room {second}")).to_contain_text("Dirty")

    phone.context.set_offline(True)
    expect(page.get_by_role("status").filter(has_text="Offline")).to_be_visible()
    page.get_by_role("button", name=f"Mark room {first} Clean").click()
    page.get_by_role("button", name=f"Mark room {second} Clean").click()
    # A second step on the same room is made against the version the first one will leave.
    page.get_by_role("button", name=f"Mark room {first} Pickup").click()
    waiting = page.get_by_role("region", name="3 waiting to send")
    expect(waiting.get_by_role("listitem")).to_have_text(
        [f"◷ Room {first} → Clean", f"◷ Room {second} → Clean", f"◷ Room {first} → Pickup"]
    )
    expect(page.get_by_role("group", name=f"Room {first}")).to_contain_text("waiting to send")
    assert_no_serious_axe(phone)
    # Signing out now would leave them on the phone: the app says so first.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("group", name="Sign out")).to_contain_text(
        "3 changes are still waiting to send"
    )
    page.get_by_role("group", name="Sign out").get_by_role("button", name="Cancel").click()
    assert housekeeping_of(gateway, first) == "Dirty"
    assert housekeeping_of(gateway, second) == "Dirty"

    phone.context.set_offline(False)
    expect(page.get_by_role("region", name=re.compile("waiting to send"))).to_have_count(0)
    expect(page.get_by_role("group", name=f"Room {first}")).to_contain_text("Pickup")
    assert housekeeping_of(gateway, first) == "Pickup"
    assert housekeeping_of(gateway, second) == "Clean"

    def changes(number: str) -> list[tuple[str, str]]:
        history = gateway.request(
            "GET", f"/api/rooms/{number}/history", as_user="supervisor", params={"limit": 500}
        ).json()["items"]
        return [
            (entry["newValue"], entry["time"])
            for entry in history
            if entry["field"] == "housekeepingStatus"
        ]

    first_clean, first_pickup = changes(first)[-2:]
    second_clean = changes(second)[-1]
    assert (first_clean[0], second_clean[0], first_pickup[0]) == ("Clean", "Clean", "Pickup")
    assert first_clean[1] <= second_clean[1] <= first_pickup[1]
    assert app_errors(phone) == []


def test_a_change_that_conflicts_waits_for_the_person_with_what_the_server_has(
    open_phone_session, gateway
):
    number = ROOMS["conflict"]
    room_in_status(gateway, number, "Dirty")
    phone = open_phone_session(locale="en-US")
    page = sign_in_on_phone(phone, "housekeeper")
    open_tab(page, "Rooms")
    expect(page.get_by_role("group", name=f"Room {number}")).to_contain_text("Dirty")

    phone.context.set_offline(True)
    expect(page.get_by_role("status").filter(has_text="Offline")).to_be_visible()
    page.get_by_role("button", name=f"Mark room {number} Clean").click()
    expect(page.get_by_role("region", name="1 waiting to send")).to_be_visible()
    # Meanwhile the supervisor changes the same room.
    set_room(gateway, number, "Pickup", as_user="supervisor")

    phone.context.set_offline(False)
    attention = page.get_by_role("region", name="Needs your attention")
    change = attention.get_by_role("article", name=f"Room {number} → Clean")
    expect(change).to_contain_text("Server now: Pickup")
    expect(change).to_contain_text("412")
    assert_no_serious_axe(phone)
    # Nothing was overwritten, and nothing is lost: the change waits until the person decides.
    assert housekeeping_of(gateway, number) == "Pickup"
    page.reload()
    expect(
        page.get_by_role("region", name="Needs your attention").get_by_role(
            "article", name=f"Room {number} → Clean"
        )
    ).to_be_visible()

    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("region", name="Needs your attention")).to_have_count(0)
    row = page.get_by_role("group", name=f"Room {number}")
    expect(row).to_contain_text("Clean")
    expect(row).not_to_contain_text("waiting to send")
    assert housekeeping_of(gateway, number) == "Clean"
    assert app_errors(phone, 412) == []


def test_the_supervisor_fails_an_inspection_with_a_reason(open_phone_session, gateway):
    number = ROOMS["inspect"]
    room_in_status(gateway, number, "Clean")
    phone = open_phone_session(locale="en-US")
    page = sign_in_on_phone(phone, "supervisor")
    expect(page.get_by_role("heading", level=1, name="My team's tasks")).to_be_visible()
    open_tab(page, "Rooms")
    row = page.get_by_role("group", name=f"Room {number}")
    row.get_by_role("button", name=f"Inspect room {number}").click()
    row.get_by_role("button", name="Fail").click()
    row.get_by_role("button", name=f"Send room {number} back for re-cleaning").click()
    expect(row.get_by_role("alert")).to_have_text("Say what must be cleaned again.")
    assert_no_serious_axe(phone)
    row.get_by_label("What must be cleaned again?").fill("Hair in the shower")
    row.get_by_role("button", name=f"Send room {number} back for re-cleaning").click()
    expect(row).to_contain_text("Pickup")
    expect(row).not_to_contain_text("waiting to send")
    expect(page.get_by_role("region", name="Needs your attention")).to_have_count(0)

    # The phone shows the change as soon as it is queued; the server has it a moment later.
    def on_the_server():
        """the room to be Pickup on the server"""
        return housekeeping_of(gateway, number) == "Pickup"

    eventually(on_the_server)
    history = gateway.request(
        "GET", f"/api/rooms/{number}/history", as_user="supervisor", params={"limit": 500}
    ).json()["items"]
    assert history[-1]["newValue"] == "Pickup"
    assert phone.console_errors == []


def test_the_app_is_installable_and_opens_offline(open_phone_session, gateway):
    room_in_status(gateway, ROOMS["install"], "Dirty")
    phone = open_phone_session(locale="en-US")
    manifest_response = phone.context.request.get(phone.base_url + "/staff/manifest.webmanifest")
    assert manifest_response.status == 200
    manifest = manifest_response.json()
    assert manifest["start_url"] == "/staff/"
    assert manifest["scope"] == "/staff/"
    assert manifest["display"] == "standalone"
    assert manifest["name"]
    assert manifest["short_name"]
    assert manifest["theme_color"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        fetched = phone.context.request.get(phone.base_url + icon["src"])
        assert fetched.status == 200, icon
        assert fetched.headers["content-type"] == "image/png"

    page = sign_in_on_phone(phone, "housekeeper")
    assert page.locator('link[rel="manifest"]').get_attribute("href") == (
        "/staff/manifest.webmanifest"
    )
    worker = page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            return {scope: registration.scope, state: registration.active.state};
        }"""
    )
    assert worker["scope"] == phone.base_url + "/staff/"
    assert worker["state"] == "activated"
    # Controlled by the worker, the lists are kept as they are read.
    page.reload()
    expect(page.get_by_role("navigation").get_by_role("button", name="Rooms")).to_be_visible()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    open_tab(page, "Rooms")
    expect(page.get_by_role("group", name=f"Room {ROOMS['install']}")).to_be_visible()

    phone.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("navigation").get_by_role("button", name="Tasks")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Offline")).to_be_visible()
    open_tab(page, "Rooms")
    expect(page.get_by_role("group", name=f"Room {ROOMS['install']}")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"As of \d{1,2}:\d\d( [AP]M)?, offline")).first
    ).to_be_visible()
    phone.context.set_offline(False)
    assert app_errors(phone) == []


def test_a_spanish_phone_gets_the_app_in_spanish_with_a_switch(open_phone_session):
    phone = open_phone_session(locale="es-ES")
    page = phone.open("/staff/")
    expect(page.get_by_role("heading", level=1, name="Personal del hotel")).to_be_visible()
    expect(page.get_by_label("Usuario")).to_be_visible()
    assert_no_serious_axe(phone)  # the sign-in screen
    page = sign_in_on_phone(phone, "housekeeper", sign_in="Iniciar sesión", tasks="Tareas")
    expect(page.get_by_role("heading", level=1, name="Mis tareas")).to_be_visible()
    open_tab(page, "Habitaciones")
    expect(
        page.get_by_role("button", name=re.compile(r"^Marcar habitación \d+ ")).first
    ).to_be_visible()
    open_tab(page, "Avisos")
    expect(
        page.get_by_role("heading", name="Notificaciones con la aplicación cerrada")
    ).to_be_visible()
    assert_no_serious_axe(phone)

    page.get_by_label("Idioma").select_option("en")
    expect(page.get_by_role("heading", level=1, name="Alerts")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.get_by_role("navigation").get_by_role("button", name="Tasks")).to_be_visible()
    assert phone.console_errors == []

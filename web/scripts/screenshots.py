"""Screenshots of the dashboard for the README, taken from a running platform (`make up`).

    .venv/bin/python web/scripts/screenshots.py [--base-url http://localhost:8080] [--docs DIR]

Signs in as the demo admin in headless Debian Chromium and writes web/docs/*.png (Today, the room
grid, the task board, analytics over the last 7 days: it shows what the platform has done that
week), then the phone apps: the guest app (a walk-in checked in to a vacant room for it) and the
staff app (signed in as the demo housekeeper).
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

DOCS = Path(__file__).resolve().parents[1] / "docs"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://localhost:8080")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", default="admin-demo-pass")
    parser.add_argument("--docs", type=Path, default=DOCS, help="where the PNGs go")
    args = parser.parse_args()
    docs: Path = args.docs
    docs.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=FLAGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(args.base_url + "/")
        page.get_by_label("Username").fill(args.username)
        page.get_by_label("Password").fill(args.password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
        expect(page.get_by_text("Loading…")).to_have_count(0)
        page.screenshot(path=str(docs / "today.png"))
        # The admin lands on Today: the grid is one link away.
        page.get_by_role("link", name="Rooms", exact=True).click()
        expect(page.get_by_role("group", name="Room 101")).to_be_visible()
        expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
        page.screenshot(path=str(docs / "room-grid.png"))
        page.get_by_role("link", name="Requests & tasks").click()
        expect(page.get_by_role("heading", name="Requests & tasks")).to_be_visible()
        page.screenshot(path=str(docs / "task-board.png"))
        page.get_by_role("link", name="Analytics").click()
        expect(page.get_by_role("list", name="Key figures")).to_be_visible()
        # Chart.js arrives in its own file and draws after the data: wait for every canvas.
        page.wait_for_function(
            "() => { const c = [...document.querySelectorAll('canvas')];"
            " return c.length > 0 && c.every((x) => x.dataset.drawn === 'true'); }"
        )
        page.screenshot(path=str(docs / "analytics.png"))
        guest_app(browser, args.base_url, docs)
        staff_app(browser, args.base_url, docs)
        browser.close()
    print(f"wrote {docs}: today, room-grid, task-board, analytics, guest-app, staff-app (.png)")


PHONE = {"viewport": {"width": 375, "height": 667}, "has_touch": True, "is_mobile": True}


def guest_app(browser, base_url: str, docs: Path) -> None:
    """The guest app on a phone: a walk-in checked in to a vacant room, signed in, on the menu."""
    context = browser.new_context(**PHONE)
    page, api = context.new_page(), context.request
    desk = api.post(
        base_url + "/api/auth/login",
        data={"username": "frontdesk", "password": "frontdesk-demo-pass"},
    )
    auth = {"Authorization": f"Bearer {desk.json()['accessToken']}"}
    rooms = api.get(base_url + "/api/rooms?limit=500", headers=auth).json()["items"]
    room = next(
        r["roomNumber"]
        for r in reversed(rooms)
        if r["frontOfficeStatus"] == "Vacant" and not r.get("outOfOrder")
    )
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    stay = api.post(
        base_url + "/api/customers",
        headers=auth,
        data={
            "name": "Ana Rivera",
            "contactNumber": "+34 600 000 000",
            "roomNumber": room,
            "checkoutDate": tomorrow,
            "override": True,
            "reason": "screenshot",
        },
    )
    code = stay.json()["specialId"]
    for _ in range(100):  # auth learns of the stay from rooms' event
        grant = api.post(
            base_url + "/api/auth/guest-login", data={"roomNumber": room, "specialId": code}
        )
        if grant.ok:
            break
        page.wait_for_timeout(100)
    page.goto(base_url + "/guest/")
    page.get_by_label("Room number").fill(room)
    page.get_by_label("Booking code").fill(code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Breakfast", exact=True)).to_be_visible()
    page.screenshot(path=str(docs / "guest-app.png"))
    context.close()


def staff_app(browser, base_url: str, docs: Path) -> None:
    """The staff app on a phone, signed in as the demo housekeeper, on their tasks."""
    context = browser.new_context(**PHONE, service_workers="allow")
    page = context.new_page()
    page.goto(base_url + "/staff/")
    page.get_by_label("Username").fill("housekeeper")
    page.get_by_label("Password").fill("housekeeper-demo-pass")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(docs / "staff-app.png"))
    context.close()


if __name__ == "__main__":
    main()

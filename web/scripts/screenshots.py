"""Screenshots of the dashboard for the README, taken from a running platform (`make up`).

    .venv/bin/python web/scripts/screenshots.py [--base-url http://localhost:8080] [--docs DIR]

Signs in as the demo admin in headless Debian Chromium and writes web/docs/*.png (the room grid,
the task board, analytics over the last 7 days: it shows what the platform has done that week).
"""

from __future__ import annotations

import argparse
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
        browser.close()
    print(f"wrote {docs}/room-grid.png, task-board.png and analytics.png")


if __name__ == "__main__":
    main()

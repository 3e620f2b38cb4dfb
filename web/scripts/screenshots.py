"""Screenshots of the dashboard for the README, taken from a running platform (`make up`).

    .venv/bin/python web/scripts/screenshots.py [--base-url http://localhost:8080]

Signs in as the demo admin in headless Debian Chromium and writes web/docs/*.png.
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
    args = parser.parse_args()
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=FLAGS
        )
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        page.goto(args.base_url + "/")
        page.get_by_label("Username").fill(args.username)
        page.get_by_label("Password").fill(args.password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("group", name="Room 101")).to_be_visible()
        expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
        page.screenshot(path=str(DOCS / "room-grid.png"))
        page.get_by_role("link", name="Requests & tasks").click()
        expect(page.get_by_role("heading", name="Requests & tasks")).to_be_visible()
        page.screenshot(path=str(DOCS / "task-board.png"))
        browser.close()
    print(f"wrote {DOCS}/room-grid.png and task-board.png")


if __name__ == "__main__":
    main()

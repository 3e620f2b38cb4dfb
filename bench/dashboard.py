"""W1: a warm reload of the dashboard's room grid in headless Chromium, as a front desk sees it.

"Warm" means the browser has loaded the dashboard before (its HTTP cache holds the script and the
stylesheet) and holds the refresh cookie: a reload then costs the page load, the session restore
through the cookie, the rooms request and the render of every tile. The clock runs from the
reload's start to the moment the last of the rooms' tiles is on screen.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
TILE = "[role=group][aria-label^='Room ']"


def warm_reloads(
    gateway_url: str, username: str, password: str, room_count: int, reloads: int
) -> list[float]:
    """Milliseconds per warm reload of `#/rooms` until `room_count` tiles are shown."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium (make bench does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.goto(f"{gateway_url}/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("button", name="Sign out").wait_for()
            page.goto(f"{gateway_url}/#/rooms")
            _wait_for_tiles(page, room_count)
            timings = []
            for _ in range(reloads + 1):  # the first reload fills the cache: not counted
                started = time.perf_counter()
                page.reload(wait_until="commit")
                _wait_for_tiles(page, room_count)
                timings.append((time.perf_counter() - started) * 1000)
            return timings[1:]
        finally:
            browser.close()


def _wait_for_tiles(page, room_count: int) -> None:
    page.wait_for_function(
        "([selector, count]) => document.querySelectorAll(selector).length >= count",
        arg=[TILE, room_count],
        timeout=30_000,
    )


def summary(timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {
        "value": round(statistics.median(ordered), 1),
        "unit": "ms",
        "p90Ms": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 1),
        "maxMs": round(ordered[-1], 1),
        "reloads": len(ordered),
    }

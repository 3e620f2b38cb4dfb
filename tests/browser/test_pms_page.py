"""The PMS sync page: health in words, an outage shown as such with nothing lost, reconcile."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect


def opera_control(stack, method: str, path: str, **kwargs):
    answer = requests.request(
        method, f"{stack.mock_url('pms-adapter')}/control/{path}", timeout=10, **kwargs
    )
    assert answer.status_code < 300, answer.text
    return answer.json() if answer.content else None


def test_admin_sees_the_sync_health_an_outage_and_reconciles(open_session, gateway, stack):
    admin = open_session()
    page = admin.sign_in("admin")
    today = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="PMS sync", exact=True)
    )
    expect(today).to_contain_text("Connected")
    today.get_by_role("link", name="Show PMS sync").click()
    expect(page.get_by_role("heading", name="PMS sync", level=1)).to_be_visible()
    health = page.get_by_role("status").filter(has_text=re.compile("Connected|OPERA"))
    expect(health).to_contain_text("Connected", timeout=30_000)
    assert admin.axe_violations() == []

    # OPERA goes down; a room change made meanwhile waits, and the page says so in words.
    opera_control(stack, "PUT", "faults", json={"unavailableForSeconds": 60})
    try:
        room = gateway.request("GET", "/api/rooms/105", as_user="supervisor")
        moved = "Pickup" if room.json()["housekeepingStatus"] != "Pickup" else "Clean"
        changed = gateway.request(
            "PATCH",
            "/api/rooms/105/status",
            as_user="supervisor",
            json={"housekeepingStatus": moved},
            headers={"If-Match": room.headers["ETag"]},
        )
        assert changed.status_code == 200, changed.text
        expect(page.locator(".pms-health")).to_contain_text(
            re.compile("cannot be reached|waiting|Reconnecting"), timeout=30_000
        )
    finally:
        opera_control(stack, "DELETE", "faults")

    # Back: the change is sent, and a reconcile says what it repaired.
    expect(page.locator(".pms-health")).to_contain_text("Connected", timeout=60_000)
    page.get_by_role("button", name="Reconcile now").click()
    expect(page.get_by_role("status").filter(has_text="Reconciled")).to_be_visible(timeout=30_000)
    assert opera_control(stack, "GET", "rooms/105")["housekeepingRoomStatus"] == moved
    assert admin.axe_violations() == []
    # Chromium logs the drift request OPERA's outage answered 503 (shown on the page as such).
    unexpected = [e for e in admin.console_errors if "status of 503" not in e]
    assert unexpected == []


def test_only_the_admin_has_the_page_and_the_reconcile(gateway, open_session):
    desk = open_session()
    page = desk.sign_in("frontdesk")
    expect(page.get_by_role("link", name="PMS sync")).to_have_count(0)
    refused = gateway.request("POST", "/api/pms/reconcile", as_user="frontdesk")
    assert refused.status_code == 403, refused.text

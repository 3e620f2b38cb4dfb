"""The Alerts page: a supervisor alerts housekeeping and watches the housekeeper's read receipt
arrive on the open page, without a reload."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect


def test_supervisor_alerts_housekeeping_and_sees_the_housekeeper_read_it(open_session, gateway):
    supervisor = open_session()
    page = supervisor.sign_in("supervisor")
    page.get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", name="Alerts", level=1)).to_be_visible()
    supervisor.wait_live()

    text = f"Linen delivery late, use floor 2 spares ({uuid.uuid4().hex[:6]})"
    compose = page.get_by_role("form", name="Send an alert")
    expect(compose.get_by_label("Department", exact=True)).to_have_value("housekeeping")
    compose.get_by_label("Message", exact=True).fill(text)
    compose.get_by_label("High").check()
    compose.get_by_role("button", name="Send alert").click()
    expect(page.get_by_role("status").filter(has_text="Alert sent to")).to_be_visible()

    card = page.get_by_role("article", name=re.compile(re.escape(text)))
    expect(card).to_contain_text("High")
    expect(card).to_contain_text(re.compile(r"Read by 0 of \d+"))

    inbox = gateway.request("GET", "/api/notifications", as_user="housekeeper")
    assert inbox.status_code == 200, inbox.text
    [item] = [i for i in inbox.json()["items"] if i["raw"].get("message") == text]
    assert (item["event"], item["read"], item["raw"]["priority"]) == ("alert.sent", False, "high")
    read = gateway.request("POST", f"/api/notifications/{item['id']}/read", as_user="housekeeper")
    assert read.status_code == 200, read.text

    # The receipt reaches the open page through the alert.read hint: no reload, no click.
    expect(card.get_by_role("list", name="Read by")).to_contain_text("housekeeper")
    expect(card).to_contain_text(re.compile(r"Read by 1 of \d+"))
    detail = gateway.request("GET", f"/api/alerts/{item['id']}", as_user="supervisor")
    assert [r["username"] for r in detail.json()["readBy"]] == ["housekeeper"]

    assert supervisor.axe_violations() == []
    assert supervisor.console_errors == []


def test_a_supervisor_cannot_alert_another_department_through_the_api(gateway):
    body = {
        "audience": {"kind": "department", "value": "maintenance"},
        "message": "not yours to alert",
        "priority": "normal",
    }
    refused = gateway.request("POST", "/api/alerts", as_user="supervisor", json=body)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "alert_audience_forbidden"

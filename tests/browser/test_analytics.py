"""Analytics and the daily report in a real browser: numbers shown and exported are the API's."""

from __future__ import annotations

import csv
import datetime
import re
import time
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

DAY = datetime.timedelta(days=1)
FIGURES = ("requests", "completed", "open", "slaBreaches", "escalations")


def last_seven_days() -> tuple[str, str]:
    # The dashboard's default range: the browser's today and the six days before (same machine).
    today = datetime.date.today()
    return (today - 6 * DAY).isoformat(), today.isoformat()


def minutes(value) -> str:
    if value is None:
        return "—"
    return f"{int(value) if value == int(value) else value} min"


def percent(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def work_a_request_to_completion(gateway, room: str, job_type: str, worker: str) -> str:
    created = gateway.request(
        "POST",
        "/api/requests",
        as_user="frontdesk",
        json={"roomNumber": room, "jobType": job_type, "priority": "normal"},
    )
    assert created.status_code == 201, created.text
    task_id = created.json()["taskId"]
    for status in ("acknowledged", "in_progress", "completed"):
        moved = gateway.request(
            "PATCH", f"/api/tasks/{task_id}/status", as_user=worker, json={"status": status}
        )
        assert moved.status_code == 200, moved.text
    return task_id


def deliver_an_order(gateway, room: str) -> dict:
    """A guest checked in to `room` orders a club sandwich and the kitchen delivers it."""
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
            "checkOutDate": (today + 2 * DAY).isoformat(),
        },
    )
    assert booked.status_code == 201, booked.text
    stay = gateway.request(
        "POST", "/api/customers", as_user="frontdesk", json={"bookingId": booked.json()["id"]}
    )
    assert stay.status_code == 201, stay.text
    guest = None
    deadline = time.monotonic() + 15
    # auth and fnb learn the check-in from its event: poll until both know the stay.
    while guest is None and time.monotonic() < deadline:
        signed_in = gateway.request(
            "POST",
            "/api/auth/guest-login",
            json={"roomNumber": room, "specialId": booked.json()["specialId"]},
        )
        if signed_in.status_code == 200:
            headers = {"Authorization": f"Bearer {signed_in.json()['accessToken']}"}
            cart = gateway.request("GET", f"/api/carts/{room}", headers=headers)
            guest = headers if cart.status_code == 200 else None
        if guest is None:
            time.sleep(0.2)
    assert guest is not None, "the guest could not order within 15 s of the check-in"
    menu = gateway.request("GET", "/api/menu", headers=guest).json()["items"]
    club = next(food for food in menu if food["name"] == "Club sandwich")
    added = gateway.request(
        "POST",
        f"/api/carts/{room}/items",
        headers=guest,
        json={"foodId": club["id"], "quantity": 2},
    )
    assert added.status_code == 201, added.text
    placed = gateway.request(
        "POST",
        f"/api/carts/{room}/checkout",
        headers={**guest, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    for status in ("acknowledged", "preparing", "on the way", "delivered"):
        moved = gateway.request(
            "PATCH", f"/api/orders/{order['id']}/status", as_user="chef", json={"status": status}
        )
        assert moved.status_code == 200, moved.text
    return order


def body_rows(table) -> list[list[str]]:
    """Each body row's cells as the person reads them (warning glyphs left out)."""
    rows = table.evaluate(
        "t => [...t.tBodies].flatMap(b => [...b.rows])"
        ".map(r => [...r.cells].map(c => c.textContent))"
    )
    return [[" ".join(cell.replace("⚠", "").split()) for cell in row] for row in rows]


def department_rows(report: dict) -> list[list[str]]:
    return sorted(
        [
            d["department"],
            str(d["requests"]),
            str(d["completed"]),
            str(d["open"]),
            minutes(d["avgAcknowledgeMinutes"]),
            minutes(d["avgCompletionMinutes"]),
            str(d["slaBreaches"]),
            percent(d["slaBreachRate"]),
            str(d["escalations"]),
        ]
        for d in report["departments"]
    )


def trend_rows(report: dict, first: str, last: str) -> list[list[str]]:
    """The trend chart's CSV: every day of the range, zero where the report has no row."""
    by_day = {d["date"]: d for d in report["daily"]}
    rows = [["day", "Requests", "Completed", "SLA breaches", "Escalations"]]
    day = datetime.date.fromisoformat(first)
    while day.isoformat() <= last:
        d = by_day.get(day.isoformat(), {})
        keys = ("requests", "completed", "slaBreaches", "escalations")
        rows.append([day.isoformat(), *(str(d.get(key, 0)) for key in keys)])
        day += DAY
    return rows


def downloaded_rows(page: Page, button_name: str) -> tuple[str, list[list[str]]]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button_name).click()
    download = info.value
    with Path(download.path()).open(newline="", encoding="utf-8") as file:
        return download.suggested_filename, list(csv.reader(file))


def analytics(gateway, user: str, route: str, first: str, last: str) -> dict:
    response = gateway.request(
        "GET", f"/api/analytics/{route}", as_user=user, params={"from": first, "to": last}
    )
    assert response.status_code == 200, response.text
    return response.json()


def kpi(page: Page, label: str):
    return (
        page.get_by_role("list", name="Key figures")
        .get_by_role("listitem")
        .filter(has=page.get_by_text(label, exact=True))
    )


def test_admin_sees_the_api_numbers_and_exports_the_trend_as_csv(open_session, gateway):
    work_a_request_to_completion(gateway, "206", "electrical", "technician")
    work_a_request_to_completion(gateway, "207", "electrical", "technician")
    still_open = gateway.request(
        "POST",
        "/api/requests",
        as_user="frontdesk",
        json={"roomNumber": "208", "jobType": "cleaning", "priority": "normal"},
    )
    assert still_open.status_code == 201, still_open.text
    first, last = last_seven_days()

    admin = open_session()
    page = admin.sign_in("admin")
    page.get_by_role("link", name="Analytics").click()
    expect(
        page.get_by_role("main").get_by_role("heading", name="Analytics", level=1)
    ).to_be_visible()
    expect(page.get_by_role("button", name="Last 7 days")).to_have_attribute("aria-pressed", "true")
    departments = page.get_by_role("table", name="Departments")

    # An escalation may move a number at any time: compare one API answer with one page state,
    # reloading the page until they agree, then export and compare against that same answer.
    for _attempt in range(5):
        report = analytics(gateway, "admin", "departments", first, last)
        expect(departments).to_be_visible()
        if sorted(body_rows(departments)) != department_rows(report):
            page.reload()
            continue
        name, exported = downloaded_rows(page, "Export CSV of Requests per day")
        if exported == trend_rows(report, first, last):
            break
        page.reload()
    assert sorted(body_rows(departments)) == department_rows(report)
    assert name == f"requests-per-day_{first}_to_{last}.csv"
    assert exported == trend_rows(report, first, last)
    maintenance = next(d for d in report["departments"] if d["department"] == "maintenance")
    assert maintenance["completed"] >= 2

    requests_total = sum(d["requests"] for d in report["departments"])
    expect(kpi(page, "Requests")).to_have_text(re.compile(rf"^Requests\s*{requests_total}$"))
    rooms = analytics(gateway, "admin", "rooms", None, None)
    expect(kpi(page, "Out of order")).to_have_text(
        re.compile(rf"^Out of order\s*{rooms['outOfOrderCount']}$")
    )
    expect(page.get_by_role("main").get_by_role("heading", name="Rooms", level=2)).to_be_visible()
    expect(
        page.get_by_role("main").get_by_role("heading", name="Food & beverage", level=2)
    ).to_be_visible()
    # Every chart is labelled for a screen reader.
    for chart in page.get_by_role("img").all():
        assert chart.get_attribute("aria-label")
    assert admin.axe_violations() == []
    assert admin.console_errors == []


def test_a_custom_range_asks_the_services_for_those_days(open_session, gateway):
    admin = open_session()
    page = admin.sign_in("admin")
    page.get_by_role("link", name="Analytics").click()
    first = (datetime.date.today() - 2 * DAY).isoformat()
    last = datetime.date.today().isoformat()
    page.get_by_role("button", name="Custom").click()
    page.get_by_label("From", exact=True).fill(first)
    page.get_by_label("To", exact=True).fill(last)
    with page.expect_response(
        lambda r: "/api/analytics/fnb" in r.url and f"from={first}" in r.url
    ) as answered:
        page.get_by_role("button", name="Show").click()
    assert answered.value.status == 200
    report = analytics(gateway, "admin", "fnb", first, last)
    name, exported = downloaded_rows(page, "Export CSV of F&B orders and revenue per day")
    assert name == f"f-b-orders-and-revenue-per-day_{first}_to_{last}.csv"
    assert exported == [["day", "Orders", "Delivered", "Cancelled", "Revenue"]] + [
        [d["day"], str(d["orders"]), str(d["delivered"]), str(d["cancelled"]), d["revenue"]]
        for d in report["byDay"]
    ]
    # A reversed range is explained, not sent.
    page.get_by_label("From", exact=True).fill(last)
    page.get_by_label("To", exact=True).fill(first)
    expect(page.get_by_role("alert")).to_have_text("The from day must not be after the to day.")
    expect(page.get_by_role("button", name="Show")).to_be_disabled()
    assert admin.console_errors == []


def test_the_restaurant_admin_sees_fnb_only_with_the_api_numbers(open_session, gateway):
    deliver_an_order(gateway, "110")
    chef = open_session()
    page = chef.sign_in("chef")
    refused = []
    page.on("response", lambda r: r.status in (401, 403) and refused.append(r.url))
    page.get_by_role("link", name="Analytics").click()
    fnb = page.get_by_role("main").get_by_role("region", name="Food & beverage")
    expect(fnb).to_be_visible()
    first, last = last_seven_days()
    report = analytics(gateway, "chef", "fnb", first, last)
    assert report["delivered"] >= 1
    expect(kpi(page, "F&B orders")).to_have_text(re.compile(rf"^F&B orders\s*{report['orders']}$"))
    expect(kpi(page, "F&B revenue")).to_have_text(
        re.compile(rf"^F&B revenue\s*{re.escape(report['revenue'])}\b")
    )
    expect(kpi(page, "Avg delivery")).to_have_text(
        re.compile(rf"^Avg delivery\s*{re.escape(minutes(report['avgDeliveryMinutes']))}$")
    )
    top = page.get_by_role("table", name="Top items by quantity")
    assert body_rows(top)[: len(report["topItems"])] == [
        [
            item["name"],
            item["kind"],
            str(item["quantity"]),
            f"{item['revenue']} {report['currency']}",
        ]
        for item in report["topItems"]
    ]
    name, exported = downloaded_rows(page, "Export CSV of F&B orders and revenue per day")
    assert name == f"f-b-orders-and-revenue-per-day_{first}_to_{last}.csv"
    assert exported == [["day", "Orders", "Delivered", "Cancelled", "Revenue"]] + [
        [d["day"], str(d["orders"]), str(d["delivered"]), str(d["cancelled"]), d["revenue"]]
        for d in report["byDay"]
    ]
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Department performance")).to_have_count(0)
    expect(main.get_by_role("heading", name="Rooms", level=2)).to_have_count(0)
    expect(page.get_by_role("link", name="Daily operations report")).to_have_count(0)
    assert refused == []
    assert chef.axe_violations() == []
    assert chef.console_errors == []


def test_a_supervisor_sees_their_department_first_and_numbers_move_live(open_session, gateway):
    created = gateway.request(
        "POST",
        "/api/requests",
        as_user="frontdesk",
        json={"roomNumber": "209", "jobType": "amenities", "priority": "low"},
    )
    assert created.status_code == 201, created.text
    supervisor = open_session()
    page = supervisor.sign_in("supervisor")
    page.get_by_role("link", name="Analytics").click()
    supervisor.wait_live()
    departments = page.get_by_role("table", name="Departments")
    first_row = departments.get_by_role("row").nth(1)
    expect(first_row.get_by_role("rowheader")).to_have_text("housekeeping (yours)")
    expect(page.get_by_role("main").get_by_role("heading", name="Food & beverage")).to_have_count(0)

    first, last = last_seven_days()
    before = analytics(gateway, "supervisor", "departments", first, last)
    total = sum(d["requests"] for d in before["departments"])
    expect(kpi(page, "Requests")).to_have_text(re.compile(rf"^Requests\s*{total}$"))
    # A new request elsewhere: the supervisor's figures follow without a reload.
    another = gateway.request(
        "POST",
        "/api/requests",
        as_user="frontdesk",
        json={"roomNumber": "210", "jobType": "linen", "priority": "low"},
    )
    assert another.status_code == 201, another.text
    expect(kpi(page, "Requests")).to_have_text(re.compile(rf"^Requests\s*{total + 1}$"))
    assert supervisor.console_errors == []


def test_the_daily_report_renders_prints_and_passes_axe(open_session, gateway):
    work_a_request_to_completion(gateway, "210", "electrical", "technician")
    admin = open_session()
    page = admin.sign_in("admin")
    page.get_by_role("link", name="Analytics").click()
    page.get_by_role("link", name="Daily operations report").click()
    expect(
        page.get_by_role("main").get_by_role("heading", name="Daily operations report", level=1)
    ).to_be_visible()
    today = datetime.date.today().isoformat()

    requests_table = page.get_by_role("table", name="Requests, SLA breaches and escalations")
    for _attempt in range(5):
        report = analytics(gateway, "admin", "departments", today, today)
        expected = sorted(
            [d["department"], *(str(d[k]) for k in FIGURES)] for d in report["departments"]
        )
        expect(requests_table).to_be_visible()
        if sorted(body_rows(requests_table)) == expected:
            break
        page.reload()
    assert sorted(body_rows(requests_table)) == expected

    rooms = analytics(gateway, "admin", "rooms", None, None)
    counts = page.get_by_role("table", name="Housekeeping and front office status")
    for status, count in rooms["byHousekeepingStatus"].items():
        row = counts.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=status, exact=True)
        )
        expect(row).to_have_text(re.compile(rf"^{status}\s*{count}$"))
    moves = page.get_by_role("main").get_by_role("region", name="Arrivals and departures")
    expect(moves).to_contain_text("Arrivals")
    expect(moves).to_contain_text("Departures")
    expect(page.get_by_role("main").get_by_role("region", name="Food & beverage")).to_contain_text(
        "Revenue"
    )
    expect(
        page.get_by_role("main").get_by_role("region", name="Out-of-order rooms")
    ).to_be_visible()
    assert admin.axe_violations() == []

    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("() => window.printed") == 1
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(requests_table).to_be_visible()
    assert admin.console_errors == []

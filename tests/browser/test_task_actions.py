"""The task drawer: a supervisor raises a request's priority, hands it over, writes a note."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from playwright.sync_api import expect


def minutes_between(earlier: str, later: str) -> float:
    parse = datetime.fromisoformat
    return (
        parse(later.replace("Z", "+00:00")) - parse(earlier.replace("Z", "+00:00"))
    ).total_seconds() / 60


def add_housekeeper(gateway) -> str:
    """A second housekeeper on duty, so the request has someone to be handed to."""
    code = f"HK-T{uuid.uuid4().hex[:6].upper()}"
    created = gateway.request(
        "POST",
        "/api/employees",
        as_user="supervisor",
        json={
            "employeeCode": code,
            "name": "Hana Helper",
            "role": "staff",
            "department": "housekeeping",
            "jobTitle": "Housekeeper",
            "onDuty": True,
        },
    )
    assert created.status_code == 201, created.text
    return code


def get_task(gateway, task_id: str) -> dict:
    response = gateway.request("GET", f"/api/tasks/{task_id}", as_user="supervisor")
    assert response.status_code == 200, response.text
    return response.json()


def test_supervisor_reprioritises_reassigns_and_notes_a_request(open_session, gateway):
    extra = add_housekeeper(gateway)
    session = open_session()
    page = session.sign_in("supervisor")
    expect(page.get_by_role("heading", name="Requests & tasks", level=1)).to_be_visible()
    session.wait_live()
    created = gateway.request(
        "POST",
        "/api/requests",
        as_user="supervisor",
        json={"roomNumber": "106", "jobType": "linen", "priority": "normal"},
    )
    assert created.status_code == 201, created.text
    task_id = created.json()["taskId"]
    before = get_task(gateway, task_id)

    card = page.get_by_role("article", name="Room 106 linen")
    card.get_by_role("button", name="Details of the linen task for room 106").click()
    drawer = page.get_by_role("dialog", name="Room 106 · linen")
    expect(drawer.locator(f'time[datetime="{before["dueDate"]}"]')).to_be_visible()
    expect(page).to_have_url(re.compile(f"task={task_id}"))

    # Urgent: housekeeping's SLA brings the due time from 120 to 30 minutes after the request.
    priority = drawer.get_by_role("form", name="Change priority")
    priority.get_by_label("Priority").select_option("urgent")
    expect(priority).to_contain_text("Would be due")
    priority.get_by_role("button", name="Change priority").click()
    expect(drawer.get_by_role("status")).to_contain_text("Priority is now urgent")
    urgent = get_task(gateway, task_id)
    assert urgent["priority"] == "urgent"
    assert minutes_between(urgent["dueDate"], before["dueDate"]) == 90
    expect(drawer.locator(f'time[datetime="{urgent["dueDate"]}"]')).to_be_visible()
    expect(card).to_contain_text("urgent")

    # Hand it to whoever does not have it, picked from the department's staff with their load.
    other = extra if urgent["employeeId"] != extra else "HK-001"
    reassign = drawer.get_by_role("form", name="Reassign")
    picker = reassign.get_by_label("Assign to")
    expect(picker.locator(f'option[value="{other}"]')).to_contain_text(
        re.compile(r"on duty · \d+ open")
    )
    picker.select_option(other)
    reassign.get_by_role("button", name="Assign").click()
    expect(drawer.get_by_role("status")).to_contain_text(f"({other})")
    assert get_task(gateway, task_id)["employeeId"] == other
    expect(card).to_contain_text(other)

    note = drawer.get_by_role("form", name="Add a note")
    note.get_by_label("Note").fill("Guest asked for feather-free pillows")
    note.get_by_role("button", name="Add note").click()
    notes = drawer.get_by_role("list", name="Notes")
    expect(notes).to_contain_text("Guest asked for feather-free pillows")
    expect(notes).to_contain_text("supervisor")
    [saved] = get_task(gateway, task_id)["notes"]
    assert (saved["text"], saved["author"]) == (
        "Guest asked for feather-free pillows",
        "supervisor",
    )

    assert session.axe_violations() == []
    drawer.get_by_role("button", name="Close").click()
    expect(drawer).to_be_hidden()
    expect(card).to_contain_text("1 note")
    assert session.console_errors == []


def test_a_deep_link_filters_the_board_and_a_priority_change_arrives_live(open_session, gateway):
    session = open_session()
    page = session.sign_in("supervisor")
    session.wait_live()
    created = gateway.request(
        "POST",
        "/api/requests",
        as_user="supervisor",
        json={"roomNumber": "107", "jobType": "amenities", "priority": "low"},
    )
    assert created.status_code == 201, created.text
    task_id = created.json()["taskId"]
    card = page.get_by_role("article", name="Room 107 amenities")
    expect(card).to_be_visible()

    page.goto(f"{session.base_url}/#/tasks?filter=urgent")
    urgent_filter = page.get_by_role("button", name=re.compile(r"\d+ urgent"))
    expect(urgent_filter).to_have_attribute("aria-pressed", "true")
    expect(card).to_be_hidden()
    session.wait_live()
    # Someone else raises it: the board hears task.updated and the card joins the filter.
    raised = gateway.request(
        "PATCH", f"/api/tasks/{task_id}", as_user="admin", json={"priority": "urgent"}
    )
    assert raised.status_code == 200, raised.text
    expect(card).to_be_visible()
    expect(card).to_contain_text("urgent")
    urgent_filter.click()
    expect(page).to_have_url(re.compile(r"#/tasks$"))
    expect(urgent_filter).to_have_attribute("aria-pressed", "false")

    # Cancelling asks first; the answer is the only way on.
    card.get_by_role("button", name="Cancel the amenities task for room 107").click()
    question = card.get_by_role("group", name="Cancel the amenities task for room 107?")
    expect(question.get_by_role("button", name="Yes, cancel")).to_be_focused()
    assert session.axe_violations() == []
    question.get_by_role("button", name="Yes, cancel").click()
    expect(
        page.get_by_role("status").filter(has_text="Cancelled the amenities task")
    ).to_be_visible()
    assert get_task(gateway, task_id)["status"] == "cancelled"
    expect(card).to_be_hidden()
    assert session.console_errors == []

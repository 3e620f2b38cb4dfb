"""The hotel admin's screens in a real browser: users, and departments with their SLAs and duty."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


def open_users(session):
    page = session.sign_in("admin")
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    return page


def open_settings(session):
    page = session.sign_in("admin")
    page.get_by_role("link", name="Departments & SLAs").click()
    expect(page.get_by_role("heading", name="Departments & SLAs", level=1)).to_be_visible()
    return page


def create_user_through_api(gateway, **fields) -> dict:
    body = {
        "password": "a-long-enough-secret",
        "role": "staff",
        "department": "concierge",
        **fields,
    }
    created = gateway.request("POST", "/api/users", as_user="admin", json=body)
    assert created.status_code == 201, created.text
    return created.json()


def test_admin_creates_a_user_who_can_then_sign_in(open_session, gateway):
    admin = open_session()
    page = open_users(admin)
    username, code = unique("porter"), unique("CN-")
    page.get_by_text("New user").click()
    form = page.get_by_role("form", name="New user")
    form.get_by_label("Username", exact=True).fill(username)
    form.get_by_label("Full name", exact=True).fill("Pat Porter")
    form.get_by_label("Role").select_option(label="Staff")
    form.get_by_label("Department", exact=True).fill("concierge")
    form.get_by_label("Employee code", exact=True).fill(code)
    form.get_by_label("Initial password", exact=True).fill("short")
    form.get_by_role("button", name="Create user").click()
    # Checked before sending, and said next to the field.
    expect(form.get_by_label("Initial password", exact=True)).to_have_accessible_description(
        re.compile("At least 10 characters")
    )
    form.get_by_label("Initial password", exact=True).fill("porter-initial-pass")
    form.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("status").filter(has_text=f"Created {username}")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(username))).to_contain_text("Active")

    signed_in = gateway.login(username, "porter-initial-pass")
    assert signed_in.status_code == 200, signed_in.text
    assert signed_in.json()["user"]["role"] == "staff"
    assert "passwordHash" not in page.content()
    # On the concierge roster (off duty), so auto-assignment can reach them once switched on.
    employee = gateway.request("GET", f"/api/employees/{code}", as_user="admin")
    assert employee.status_code == 200, employee.text
    assert employee.json()["department"] == "concierge"

    # The same username again: the service's 409 is shown next to the username.
    form.get_by_label("Username", exact=True).fill(username.upper())
    form.get_by_label("Department", exact=True).fill("concierge")
    form.get_by_label("Initial password", exact=True).fill("another-initial-pass")
    form.get_by_role("button", name="Create user").click()
    expect(form.get_by_label("Username", exact=True)).to_have_accessible_description(
        re.compile("username is taken")
    )
    expect(form.get_by_role("alert")).to_contain_text("Not saved")

    # An admin cannot lock themself out: no deactivation on their own row.
    expect(page.get_by_role("row", name=re.compile(r"^admin \(you\)"))).to_be_visible()
    expect(page.get_by_role("button", name="Deactivate admin", exact=True)).to_have_count(0)
    assert admin.axe_violations() == []
    # Chromium logs the 409 this test provoked as a failed resource; nothing else may appear.
    assert [e for e in admin.console_errors if "status of 409" not in e] == []


def test_admin_changes_a_role_and_a_deactivated_user_is_refused(open_session, gateway):
    username = unique("helper")
    user = create_user_through_api(gateway, username=username, name="Hal Helper")
    before = gateway.login(username, "a-long-enough-secret")
    assert before.status_code == 200
    old_token = before.json()["accessToken"]

    admin = open_session()
    page = open_users(admin)
    page.get_by_label("Search").fill(username)
    row = page.get_by_role("row", name=re.compile(username))
    expect(row).to_contain_text("Staff")
    row.get_by_role("button", name=f"Edit {username}").click()
    dialog = page.get_by_role("dialog", name=f"Edit {username}")
    dialog.get_by_label("Role").select_option(label="Supervisor")
    expect(dialog).to_contain_text("Role: staff → supervisor")
    expect(dialog).to_contain_text("signs them out")
    assert admin.axe_violations() == []
    dialog.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text=f"Saved {username}")).to_be_visible()
    expect(row).to_contain_text("Supervisor")
    shown = gateway.request("GET", f"/api/users/{user['id']}", as_user="admin")
    assert shown.json()["role"] == "supervisor"

    row.get_by_role("button", name=f"Deactivate {username}").click()
    confirm = page.get_by_role("alertdialog", name=f"Deactivate {username}?")
    expect(confirm).to_contain_text("signed out on every device")
    confirm.get_by_role("button", name=f"Deactivate {username}").click()
    expect(page.get_by_role("status").filter(has_text=f"Deactivated {username}")).to_be_visible()
    expect(row).to_contain_text("Inactive")

    refused = gateway.login(username, "a-long-enough-secret")
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_credentials"
    # The token they held before is refused too (auth.access.revoked.v1).
    me = gateway.request("GET", "/api/auth/me", headers={"Authorization": f"Bearer {old_token}"})
    assert me.status_code == 401
    # The filters are in the address: a link shows the same list.
    expect(page).to_have_url(re.compile(rf"#/users\?.*q={username}"))
    assert admin.console_errors == []


def test_admin_edits_a_departments_urgent_sla_after_reviewing_the_change(open_session, gateway):
    departments = gateway.request("GET", "/api/departments", as_user="admin").json()["items"]
    concierge = next(d for d in departments if d["code"] == "concierge")
    old_urgent = concierge["slaMinutes"]["urgent"]
    new_urgent = old_urgent + 7

    admin = open_session()
    page = open_settings(admin)
    panel = page.get_by_role("region", name=re.compile(r"^Concierge"))
    urgent = panel.get_by_label("Urgent priority")
    expect(urgent).to_have_value(str(old_urgent))
    urgent.fill("0")
    panel.get_by_role("button", name="Review changes").click()
    expect(urgent).to_have_accessible_description(re.compile("whole number of minutes"))

    urgent.fill(str(new_urgent))
    panel.get_by_role("button", name="Review changes").click()
    review = panel.get_by_role("group", name="Confirm Concierge changes")
    expect(review).to_contain_text(f"Urgent SLA (min): {old_urgent} → {new_urgent}")
    assert admin.axe_violations() == []
    review.get_by_role("button", name="Save Concierge").click()
    expect(page.get_by_role("status").filter(has_text="Saved Concierge")).to_be_visible()

    after = gateway.request("GET", "/api/departments", as_user="admin").json()["items"]
    saved = next(d for d in after if d["code"] == "concierge")
    assert saved["slaMinutes"]["urgent"] == new_urgent
    # Only the urgent SLA moved: the escalation chain and the job types went back as they were.
    assert saved["escalation"] == concierge["escalation"]
    assert saved["jobTypes"] == concierge["jobTypes"]
    assert saved["slaMinutes"]["low"] == concierge["slaMinutes"]["low"]
    assert admin.console_errors == []


def test_admin_takes_an_employee_off_duty(open_session, gateway):
    code = unique("CN-D")
    created = gateway.request(
        "POST",
        "/api/employees",
        as_user="admin",
        json={
            "employeeCode": code,
            "name": "Dora Duty",
            "role": "staff",
            "department": "concierge",
            "onDuty": True,
        },
    )
    assert created.status_code == 201, created.text

    admin = open_session()
    page = open_settings(admin)
    page.get_by_label("Show").select_option(label="Concierge")
    expect(page).to_have_url(re.compile(r"#/settings\?department=concierge$"))
    expect(page.get_by_role("region", name=re.compile("^Housekeeping"))).to_have_count(0)
    duty = page.get_by_role("checkbox", name="On duty for Dora Duty")
    expect(duty).to_be_checked()
    duty.uncheck()
    expect(page.get_by_role("status").filter(has_text="Dora Duty is off duty")).to_be_visible()
    expect(duty).not_to_be_checked()
    employee = gateway.request("GET", f"/api/employees/{code}", as_user="admin").json()
    assert employee["onDuty"] is False

    page.set_viewport_size({"width": 768, "height": 900})
    assert admin.axe_violations() == []
    assert admin.console_errors == []


@pytest.mark.parametrize("username", ["frontdesk", "supervisor", "chef"])
def test_other_roles_neither_see_the_admin_pages_nor_get_through_the_api(
    open_session, gateway, username
):
    session = open_session()
    page = session.sign_in(username)
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Users", exact=True)).to_have_count(0)
    expect(navigation.get_by_role("link", name="Departments & SLAs")).to_have_count(0)
    page.goto(f"{session.base_url}/#/users")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Users")

    assert gateway.request("GET", "/api/users", as_user=username).status_code == 403
    created = gateway.request(
        "POST",
        "/api/users",
        as_user=username,
        json={
            "username": unique("intruder"),
            "password": "a-long-enough-secret",
            "role": "hotelAdmin",
        },
    )
    assert created.status_code == 403
    department = gateway.request(
        "PUT",
        "/api/departments/concierge",
        as_user=username,
        json={
            "name": "Taken over",
            "jobTypes": ["concierge"],
            "slaMinutes": {"low": 1, "normal": 1, "high": 1, "urgent": 1},
        },
    )
    assert department.status_code == 403
    assert session.console_errors == []

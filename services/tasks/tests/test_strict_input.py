"""Strict input: a boolean is true or false, a number a JSON integer, a date within 2000-2100,
a string free of NUL, lone surrogates and bidi overrides; anything else is a 422 naming the
field, never guessed, stored or a 500."""

from __future__ import annotations

import pytest

from hotel_shared.testing import assert_problem

NEW_EMPLOYEE = {
    "employeeCode": "MT-009",
    "name": "Nina",
    "role": "staff",
    "department": "maintenance",
}
REQUEST = {"roomNumber": "205", "jobType": "plumbing"}
DEPARTMENT = {
    "name": "Maintenance",
    "jobTypes": ["plumbing", "electrical", "hvac", "repair"],
    "slaMinutes": {"low": 480, "normal": 240, "high": 60, "urgent": 30},
}


def field_errors(response, status=422):
    return assert_problem(response, status)["errors"]


@pytest.mark.parametrize("on_duty", [0, 1, "true", "false", "yes", None])
def test_on_duty_is_only_true_or_false(client, callers, stores, on_duty):
    created = client.post(
        "/api/employees", json={**NEW_EMPLOYEE, "onDuty": on_duty}, headers=callers.admin
    )
    assert "onDuty" in field_errors(created)
    edited = client.patch("/api/employees/MT-001", json={"onDuty": on_duty}, headers=callers.admin)
    assert "onDuty" in field_errors(edited)
    assert stores.employees.find_one({"employeeCode": "MT-001"})["onDuty"] is True
    assert stores.employees.find_one({"employeeCode": "MT-009"}) is None


def test_on_duty_true_and_false_still_work(client, callers):
    created = client.post(
        "/api/employees", json={**NEW_EMPLOYEE, "onDuty": True}, headers=callers.admin
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    edited = client.patch("/api/employees/MT-009", json={"onDuty": False}, headers=callers.admin)
    assert edited.get_json()["onDuty"] is False


@pytest.mark.parametrize("duration", [True, False, 30.0, 1.5, "30", "", [30], {"m": 30}])
def test_estimated_duration_is_a_json_integer(client, callers, stores, duration):
    body = {**REQUEST, "estimatedDuration": duration}
    response = client.post("/api/requests", json=body, headers=callers.front_desk)
    assert "estimatedDuration" in field_errors(response)
    assert stores.tasks.count_documents({}) == 0


@pytest.mark.parametrize("duration", [0, -5, 60 * 24 * 30 + 1, 10**30])
def test_estimated_duration_is_bounded(client, callers, duration):
    body = {**REQUEST, "estimatedDuration": duration}
    response = client.post("/api/requests", json=body, headers=callers.front_desk)
    assert "estimatedDuration" in field_errors(response)


def test_an_integer_estimated_duration_is_kept(client, callers):
    body = {**REQUEST, "estimatedDuration": 45}
    created = client.post("/api/requests", json=body, headers=callers.front_desk).get_json()
    task = client.get(f"/api/tasks/{created['taskId']}", headers=callers.admin).get_json()
    assert task["estimatedDuration"] == 45


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slaMinutes": {**DEPARTMENT["slaMinutes"], "low": True}}, "slaMinutes"),
        ({"slaMinutes": {**DEPARTMENT["slaMinutes"], "high": 60.0}}, "slaMinutes"),
        ({"slaMinutes": {**DEPARTMENT["slaMinutes"], "urgent": "30"}}, "slaMinutes"),
        ({"acknowledgeMinutes": "15"}, "acknowledgeMinutes"),
        ({"acknowledgeMinutes": 10**30}, "acknowledgeMinutes"),
        ({"escalation": [{"notify": "supervisor", "afterMinutes": False}]}, "escalation"),
        ({"escalation": [{"notify": "supervisor", "afterMinutes": 0.5}]}, "escalation"),
    ],
)
def test_department_minutes_are_bounded_json_integers(client, callers, change, field):
    response = client.put(
        "/api/departments/maintenance", json={**DEPARTMENT, **change}, headers=callers.admin
    )
    assert field in field_errors(response)


@pytest.mark.parametrize("value", ["1", "0", "yes", "on", "True"])
def test_on_duty_filter_is_only_true_or_false(client, callers, value):
    response = client.get(f"/api/employees?onDuty={value}", headers=callers.admin)
    assert "onDuty" in field_errors(response)


def test_on_duty_filter_true_lists_those_on_duty(client, callers):
    response = client.get("/api/employees?onDuty=true", headers=callers.admin)
    assert response.status_code == 200
    assert {item["onDuty"] for item in response.get_json()["items"]} == {True}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("to=0001-01-03", "to"),
        ("from=0001-01-01", "from"),
        ("from=9999-12-31", "from"),
        ("to=2101-01-01", "to"),
        ("from=1999-12-31&to=2026-01-01", "from"),
        ("from=2026-02-30", "from"),
        ("from=2026-11-21T10:00:00Z", "from"),
        ("from=2026-11-22&to=2026-11-21", "from"),
    ],
)
def test_analytics_periods_are_days_within_2000_2100(client, callers, query, field):
    response = client.get(f"/api/analytics/departments?{query}", headers=callers.supervisor)
    assert field in field_errors(response)


@pytest.mark.parametrize("path", ["/api/tasks", "/api/requests", "/api/employees"])
@pytest.mark.parametrize(
    "query", ["offset=99999999999999999999", "offset=-1", "limit=1.5", "limit=0", "limit=501"]
)
def test_paged_lists_bound_limit_and_offset(client, callers, path, query):
    response = client.get(f"{path}?{query}", headers=callers.admin)
    assert query.split("=")[0] in field_errors(response)


@pytest.mark.parametrize("text", ["\ud800", "a\u0000b", "evil\u202etxt"])
def test_stored_strings_refuse_lone_surrogates_nul_and_bidi_overrides(
    client, callers, stores, text
):
    description = client.post(
        "/api/requests", json={**REQUEST, "description": text}, headers=callers.front_desk
    )
    assert "description" in field_errors(description)
    created = client.post("/api/requests", json=REQUEST, headers=callers.front_desk).get_json()
    note = client.post(
        f"/api/tasks/{created['taskId']}/notes", json={"text": text}, headers=callers.admin
    )
    assert "text" in field_errors(note)
    name = client.patch("/api/employees/MT-001", json={"name": text}, headers=callers.admin)
    assert "name" in field_errors(name)
    assert stores.tasks.find_one({"taskId": created["taskId"]})["notes"] == []

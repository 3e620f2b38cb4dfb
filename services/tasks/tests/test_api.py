"""The tasks API through the Flask test client, against a real Mongo-wire server."""

from __future__ import annotations

import pytest
from conftest import add_staff, outbox_events

from hotel_shared.testing import assert_problem
from hotel_shared.timeutil import parse_iso

HOT_WATER = {
    "roomNumber": "205",
    "jobType": "plumbing",
    "priority": "high",
    "description": "no hot water",
}


def create(client, headers, body=HOT_WATER) -> dict:
    response = client.post("/api/requests", json=body, headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def move(client, headers, task_id, status, **extra):
    return client.patch(
        f"/api/tasks/{task_id}/status", json={"status": status, **extra}, headers=headers
    )


# --- routing and assignment --------------------------------------------------------------------


def test_plumbing_request_is_routed_to_maintenance_and_assigned_to_the_technician(
    client, callers, stores
):
    body = create(client, callers.front_desk)
    assert body["department"] == "maintenance"
    assert body["task"]["status"] == "assigned"
    assert body["task"]["employeeId"] == "MT-001"
    task = client.get(f"/api/tasks/{body['taskId']}", headers=callers.front_desk).get_json()
    # The maintenance SLA for high priority is 60 minutes.
    assert task["room"] == task["roomNumber"] == "205"
    assert task["type"] == "plumbing"
    created = outbox_events(stores, "tasks.request.created.v1")
    assigned = outbox_events(stores, "tasks.task.assigned.v1")
    assert [e["data"]["taskId"] for e in created] == [body["taskId"]]
    assert assigned[0]["data"]["employeeId"] == "MT-001"
    assert assigned[0]["data"]["dueDate"] == task["dueDate"]


def test_due_date_follows_the_department_sla(client, callers):
    body = create(client, callers.front_desk)
    task = client.get(f"/api/tasks/{body['taskId']}", headers=callers.admin).get_json()
    minutes = (parse_iso(task["dueDate"]) - parse_iso(task["createdAt"])).total_seconds() / 60
    assert minutes == pytest.approx(60)


def test_unknown_job_type_is_422_listing_the_valid_ones(client, callers):
    response = client.post(
        "/api/requests", json={**HOT_WATER, "jobType": "ghostbusting"}, headers=callers.front_desk
    )
    body = assert_problem(response, 422, "validation_failed")
    assert "plumbing" in body["validJobTypes"]
    assert "cleaning" in body["validJobTypes"]
    assert "jobType" in body["errors"]


def test_least_loaded_staff_member_gets_the_task_ties_to_longest_idle(client, callers, stores):
    add_staff(stores, "MT-002", "maintenance")
    first = create(client, callers.front_desk)["task"]["employeeId"]
    second = create(client, callers.front_desk)["task"]["employeeId"]
    third = create(client, callers.front_desk)["task"]["employeeId"]
    assert {first, second} == {"MT-001", "MT-002"}
    assert third == first  # both have one: the one assigned longest ago is the more idle


def test_nobody_on_duty_leaves_the_task_pending_and_alerts_the_supervisor(client, callers, stores):
    stores.employees.update_one({"employeeCode": "MT-001"}, {"$set": {"onDuty": False}})
    body = create(client, callers.front_desk)
    assert body["task"]["status"] == "pending"
    assert body["task"]["employeeId"] is None
    [alert] = outbox_events(stores, "tasks.task.unassigned.v1")
    assert alert["data"]["reason"] == "no_staff_on_duty"
    assert alert["data"]["notify"] == "supervisor"
    # When someone comes on duty, the pending task is theirs.
    response = client.patch(
        "/api/employees/MT-001", json={"onDuty": True}, headers=callers.technician
    )
    assert response.status_code == 200
    task = client.get(f"/api/tasks/{body['taskId']}", headers=callers.admin).get_json()
    assert (task["status"], task["employeeId"]) == ("assigned", "MT-001")


def test_going_off_duty_hands_unstarted_tasks_to_a_colleague(client, callers, stores):
    waiting = create(client, callers.front_desk)["taskId"]
    started = create(client, callers.front_desk)["taskId"]
    for status in ("acknowledged", "in_progress"):
        assert move(client, callers.technician, started, status).status_code == 200
    add_staff(stores, "MT-002", "maintenance")
    response = client.patch(
        "/api/employees/MT-001", json={"onDuty": False}, headers=callers.technician
    )
    assert response.status_code == 200
    assert response.get_json()["openTasks"] == 1
    moved = client.get(f"/api/tasks/{waiting}", headers=callers.admin).get_json()
    kept = client.get(f"/api/tasks/{started}", headers=callers.admin).get_json()
    assert (moved["employeeId"], moved["status"]) == ("MT-002", "assigned")
    assert (kept["employeeId"], kept["status"]) == ("MT-001", "in_progress")
    assert stores.get_employee("MT-002")["openTasks"] == 1


def test_supervisor_reassigns_and_loads_follow(client, callers, stores):
    add_staff(stores, "MT-002", "maintenance")
    task = create(client, callers.front_desk)["task"]
    other = "MT-002" if task["employeeId"] == "MT-001" else "MT-001"
    response = client.post(
        f"/api/tasks/{task['taskId']}/assign",
        json={"employeeId": other},
        headers=callers.supervisor,
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["employeeId"] == other
    assert stores.get_employee(other)["openTasks"] == 1
    assert stores.get_employee(task["employeeId"])["openTasks"] == 0


def test_staff_may_not_assign_and_off_duty_employee_cannot_be_assigned(client, callers, stores):
    add_staff(stores, "MT-009", "maintenance", on_duty=False)
    task_id = create(client, callers.front_desk)["taskId"]
    response = client.post(
        f"/api/tasks/{task_id}/assign", json={"employeeId": "MT-001"}, headers=callers.technician
    )
    assert_problem(response, 403, "role_not_allowed")
    response = client.post(
        f"/api/tasks/{task_id}/assign", json={"employeeId": "MT-009"}, headers=callers.admin
    )
    assert_problem(response, 409, "employee_unavailable")


def test_guest_requests_only_for_their_own_room(client, callers):
    assert create(client, callers.guest)["roomNumber"] == "205"
    response = client.post(
        "/api/requests", json={**HOT_WATER, "roomNumber": "206"}, headers=callers.guest
    )
    assert_problem(response, 403, "not_your_room")
    listed = client.get("/api/requests", headers=callers.guest).get_json()
    assert [item["roomNumber"] for item in listed["items"]] == ["205"]


def test_a_guest_follows_their_own_stays_requests_without_staff_names(client, callers):
    earlier = create(client, callers.guest_headers("205", "cust-earlier"))
    by_staff = create(client, callers.front_desk)
    mine = create(client, callers.guest)
    assert (mine["stayId"], mine["status"]) == ("cust-205", "assigned")
    assert set(mine["task"]) == {"taskId", "status", "dueDate"}  # no assignedTo, no employeeId
    assert mine["dueDate"] == mine["task"]["dueDate"]
    assert move(client, callers.technician, mine["taskId"], "acknowledged").status_code == 200
    [listed] = client.get("/api/requests", headers=callers.guest).get_json()["items"]
    assert (listed["taskId"], listed["status"]) == (mine["taskId"], "acknowledged")
    assert listed["task"] == {**mine["task"], "status": "acknowledged"}
    assert listed["dueDate"] == mine["dueDate"]
    staff = client.get("/api/requests?roomNumber=205", headers=callers.front_desk).get_json()
    by_id = {item["taskId"]: item for item in staff["items"]}
    assert set(by_id) == {earlier["taskId"], by_staff["taskId"], mine["taskId"]}
    assert by_id[mine["taskId"]]["task"]["employeeId"] == "MT-001"
    assert by_id[mine["taskId"]]["task"]["assignedTo"]
    assert by_id[by_staff["taskId"]]["stayId"] is None
    assert by_id[earlier["taskId"]]["stayId"] == "cust-earlier"


def test_a_guest_token_without_a_stay_is_refused(client, callers):
    # A guest token whose sub is not guest:<customerId>.
    stayless_token = callers.keys.token("guest", user_id="u-guest", room_number="205")
    stayless = {"Authorization": f"Bearer {stayless_token}"}
    assert_problem(client.get("/api/requests", headers=stayless), 403, "no_stay")
    refused = client.post("/api/requests", json=HOT_WATER, headers=stayless)
    assert_problem(refused, 403, "no_stay")


# --- lifecycle ---------------------------------------------------------------------------------


def test_assignee_walks_the_lifecycle_and_every_move_is_timestamped(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]
    for status in ("acknowledged", "in_progress", "paused", "in_progress", "completed"):
        response = move(client, callers.technician, task_id, status)
        assert response.status_code == 200, response.get_data(as_text=True)
    task = response.get_json()
    assert task["status"] == "completed"
    for field in ("assignedAt", "acknowledgedAt", "startedAt", "completedAt"):
        assert task[field] is not None
    assert task["pausedAt"] is None
    assert task["workMinutes"] >= 0
    assert response.headers["ETag"] == f'"{task["version"]}"'
    [done] = outbox_events(stores, "tasks.task.completed.v1")
    assert done["data"] == {
        "taskId": task_id,
        "roomNumber": "205",
        "jobType": "plumbing",
        "department": "maintenance",
        "employeeId": "MT-001",
        "completedAt": task["completedAt"],
        "workMinutes": task["workMinutes"],
    }
    changes = outbox_events(stores, "tasks.task.status_changed.v1")
    assert [e["data"]["newStatus"] for e in changes] == [
        "assigned",
        "acknowledged",
        "in_progress",
        "paused",
        "in_progress",
        "completed",
    ]
    assert stores.get_employee("MT-001")["openTasks"] == 0


@pytest.mark.parametrize(
    ("moves", "illegal"),
    [
        ((), "in_progress"),
        ((), "completed"),
        (("acknowledged",), "paused"),
        (("acknowledged", "in_progress"), "acknowledged"),
        (("acknowledged", "in_progress", "completed"), "in_progress"),
        ((), "assigned"),
    ],
)
def test_illegal_moves_are_409(client, callers, moves, illegal):
    task_id = create(client, callers.front_desk)["taskId"]
    for status in moves:
        assert move(client, callers.technician, task_id, status).status_code == 200
    assert_problem(move(client, callers.technician, task_id, illegal), 409, "invalid_transition")


@pytest.mark.parametrize(
    ("caller", "status", "expected"),
    [
        ("technician", "acknowledged", 200),
        ("supervisor", "acknowledged", 200),
        ("admin", "acknowledged", 200),
        ("second_technician", "acknowledged", 403),
        ("front_desk", "acknowledged", 403),
        ("housekeeper", "acknowledged", 403),
        ("front_desk", "cancelled", 200),
        ("supervisor", "cancelled", 200),
        ("technician", "cancelled", 403),
    ],
)
def test_who_may_move_a_task(client, callers, stores, caller, status, expected):
    task_id = create(client, callers.front_desk)["taskId"]
    response = move(client, getattr(callers, caller), task_id, status)
    assert response.status_code == expected, response.get_data(as_text=True)


def test_cancelled_task_frees_its_assignee_and_is_final(client, callers, stores):
    task_id = create(client, callers.front_desk)["taskId"]
    assert move(client, callers.supervisor, task_id, "cancelled").status_code == 200
    assert stores.get_employee("MT-001")["openTasks"] == 0
    assert_problem(move(client, callers.admin, task_id, "cancelled"), 409, "invalid_transition")


def test_stale_if_match_is_412(client, callers):
    task_id = create(client, callers.front_desk)["taskId"]
    response = client.patch(
        f"/api/tasks/{task_id}/status",
        json={"status": "acknowledged"},
        headers={**callers.technician, "If-Match": '"99"'},
    )
    assert_problem(response, 412, "precondition_failed")


def test_notes_and_my_tasks(client, callers):
    task_id = create(client, callers.front_desk)["taskId"]
    response = client.post(
        f"/api/tasks/{task_id}/notes", json={"text": "valve ordered"}, headers=callers.technician
    )
    assert response.status_code == 201
    assert response.get_json()["notes"][0]["text"] == "valve ordered"
    mine = client.get("/api/tasks?assignedTo=me", headers=callers.technician).get_json()
    assert [item["taskId"] for item in mine["items"]] == [task_id]
    theirs = client.get("/api/tasks?assignedTo=me", headers=callers.housekeeper).get_json()
    assert theirs["total"] == 0


def test_unknown_task_is_404(client, callers):
    assert_problem(client.get("/api/tasks/T-nope", headers=callers.admin), 404, "task_not_found")


# --- departments and employees -----------------------------------------------------------------


def test_admin_reroutes_a_job_type_and_edits_the_sla(client, callers):
    body = {
        "name": "Concierge",
        "jobTypes": ["concierge", "transport", "luggage"],
        "slaMinutes": {"low": 60, "normal": 30, "high": 20, "urgent": 10},
        "escalation": [{"notify": "supervisor", "afterMinutes": 5}],
    }
    response = client.put("/api/departments/concierge", json=body, headers=callers.admin)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["slaMinutes"]["urgent"] == 10
    request = create(client, callers.front_desk, {"roomNumber": "101", "jobType": "luggage"})
    assert request["department"] == "concierge"
    clash = {**body, "jobTypes": ["plumbing"]}
    response = client.put("/api/departments/concierge", json=clash, headers=callers.admin)
    assert_problem(response, 409, "job_type_already_routed")
    response = client.put("/api/departments/concierge", json=body, headers=callers.supervisor)
    assert_problem(response, 403, "role_not_allowed")


def test_admin_creates_a_department_and_requests_route_to_it(client, callers):
    body = {
        "name": "Spa",
        "jobTypes": ["massage", "sauna"],
        "slaMinutes": {"low": 240, "normal": 120, "high": 60, "urgent": 30},
    }
    response = client.put("/api/departments/spa", json=body, headers=callers.admin)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["ETag"] == '"1"'
    assert response.get_json()["jobTypes"] == ["massage", "sauna"]
    request = create(client, callers.front_desk, {"roomNumber": "101", "jobType": "sauna"})
    assert request["department"] == "spa"
    assert request["task"]["status"] == "pending"  # nobody works in the spa yet


def test_employees_are_created_by_admins_with_unique_codes(client, callers):
    employee = {
        "employeeCode": "MT-002",
        "name": "Max",
        "role": "staff",
        "department": "maintenance",
        "jobTitle": "Electrician",
        "onDuty": True,
    }
    assert client.post("/api/employees", json=employee, headers=callers.admin).status_code == 201
    again = client.post("/api/employees", json=employee, headers=callers.admin)
    assert_problem(again, 409, "employee_exists")
    other = client.patch(
        "/api/employees/MT-001", json={"onDuty": False}, headers=callers.housekeeper
    )
    assert_problem(other, 403, "not_allowed")
    listed = client.get("/api/employees?department=maintenance", headers=callers.front_desk)
    assert [e["employeeCode"] for e in listed.get_json()["items"]] == ["MT-001", "MT-002"]

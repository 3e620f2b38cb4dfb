"""The task board's lists from kept bodies: the same bytes as the database for every filter and
caller, a caller's own view (assignedTo=me) never served to another, 304 only until a task
changes, whichever process changed it."""

from __future__ import annotations

import itertools
import time

import pytest

from hotel_shared.principal import Context, Principal
from hotel_shared.readmodel import SOURCE_HEADER, render_json
from hotel_shared.web import paged
from tasks import service
from tasks.api import task_schema
from tasks.app import create_app
from tasks.config import Config
from tasks.store import TasksStores

WAIT_S = 10
MEMORY = ("hit", "rendered")
REQUESTS = [
    {"roomNumber": "205", "jobType": "plumbing", "priority": "high", "description": "no hot water"},
    {"roomNumber": "101", "jobType": "electrical", "priority": "normal", "description": "lamp"},
    {"roomNumber": "204", "jobType": "cleaning", "priority": "normal", "description": "towels"},
    {"roomNumber": "204", "jobType": "amenities", "priority": "low", "description": "pillow"},
]


@pytest.fixture
def board(client, callers, stores: TasksStores) -> list[dict]:
    """A few tasks in two departments, one moved on; the board's model live."""
    made = []
    for body in REQUESTS:
        response = client.post("/api/requests", json=body, headers=callers.front_desk)
        assert response.status_code == 201, response.get_data(as_text=True)
        made.append(response.get_json())
    move(client, callers.technician, made[0]["taskId"], "acknowledged")
    assert stores.task_board().wait_live(WAIT_S)
    return made


def move(client, headers, task_id: str, status: str):
    response = client.patch(
        f"/api/tasks/{task_id}/status", json={"status": status}, headers=headers
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def database_body(app, stores, principal: Principal, filters: dict, limit=50, offset=0) -> bytes:
    """The body the route answered before: the query for this caller, the dump, Flask's JSON."""
    ctx = Context(principal=principal)
    items, total = service.list_tasks(stores, ctx, filters, limit, offset)
    with app.test_request_context():
        return render_json(paged(task_schema.dump(items, many=True), total, limit, offset)).body


def principal_of(app, headers) -> Principal:
    verifier = app.extensions["hotel_token_verifier"]
    return verifier.verify(headers["Authorization"].removeprefix("Bearer "))


def test_every_filter_for_every_caller_answers_the_same_bytes_as_the_database(
    app, client, callers, stores, board
):
    choices = {
        "assignedTo": (None, "me", "MT-001", "HK-001"),
        "status": (None, "assigned", "acknowledged", "completed"),
        "department": (None, "maintenance", "housekeeping"),
        "room": (None, "204", "999"),
    }
    for headers in (callers.admin, callers.technician, callers.housekeeper):
        principal = principal_of(app, headers)
        for values in itertools.product(*choices.values()):
            query = {n: v for n, v in zip(choices, values, strict=True) if v is not None}
            for _ in range(2):  # rendered, then kept
                response = client.get("/api/tasks", query_string=query, headers=headers)
                assert response.status_code == 200
                assert response.headers[SOURCE_HEADER] in MEMORY
                assert response.get_data() == database_body(app, stores, principal, query), query
            assert response.headers[SOURCE_HEADER] == "hit"


def test_assigned_to_me_is_each_callers_own_list_with_its_own_etag(client, callers, board):
    technician = client.get("/api/tasks?assignedTo=me", headers=callers.technician)
    housekeeper = client.get("/api/tasks?assignedTo=me", headers=callers.housekeeper)
    mine = {t["employeeId"] for t in technician.get_json()["items"]}
    theirs = {t["employeeId"] for t in housekeeper.get_json()["items"]}
    assert (mine, theirs) == ({"MT-001"}, {"HK-001"})
    assert technician.headers["ETag"] != housekeeper.headers["ETag"]
    # The same list asked by name is the same body: keyed by what `me` means, not by who asks.
    by_name = client.get("/api/tasks?assignedTo=MT-001", headers=callers.admin)
    assert (by_name.get_data(), by_name.headers["ETag"]) == (
        technician.get_data(),
        technician.headers["ETag"],
    )


def test_the_board_answers_304_until_a_task_changes_here(client, callers, board):
    etag = client.get("/api/tasks", headers=callers.admin).headers["ETag"]
    same = client.get("/api/tasks", headers={**callers.admin, "If-None-Match": etag})
    assert (same.status_code, same.get_data()) == (304, b"")
    move(client, callers.technician, board[0]["taskId"], "in_progress")
    after = client.get("/api/tasks", headers={**callers.admin, "If-None-Match": etag})
    assert after.status_code == 200  # at once: this process applied its own commit
    task = next(t for t in after.get_json()["items"] if t["taskId"] == board[0]["taskId"])
    assert task["status"] == "in_progress"


def test_a_change_made_elsewhere_reaches_the_board_by_its_notice(
    app, client, callers, stores, board, notices_elsewhere
):
    etag = client.get("/api/tasks", headers=callers.admin).headers["ETag"]
    # Another process's write: not through this process's stores, so only its notice tells.
    changed = stores.db["tasks"].find_one_and_update(
        {"taskId": board[1]["taskId"]}, {"$set": {"priority": "urgent"}, "$inc": {"version": 1}}
    )
    notices_elsewhere.announce(stores.db.name, "tasks", [changed["_id"]])
    deadline = time.monotonic() + WAIT_S
    while True:
        response = client.get("/api/tasks", headers={**callers.admin, "If-None-Match": etag})
        if response.status_code == 200:
            break
        assert time.monotonic() < deadline, "the board never saw the change"
        time.sleep(0.005)
    principal = principal_of(app, callers.admin)
    assert response.get_data() == database_body(app, stores, principal, {})


def test_while_the_notices_are_away_the_board_is_read_from_the_database(
    client, callers, stores, board
):
    stores.task_board()._mark_stale()
    stores.db["tasks"].update_one({"taskId": board[2]["taskId"]}, {"$set": {"priority": "urgent"}})
    response = client.get("/api/tasks", headers=callers.admin)
    assert response.headers[SOURCE_HEADER] == "database"
    task = next(t for t in response.get_json()["items"] if t["taskId"] == board[2]["taskId"])
    assert task["priority"] == "urgent"


def test_with_the_read_model_switched_off_lists_come_from_the_database(
    service_settings, make_stores, callers
):
    config = Config(service=service_settings("tasks"), read_model=False)
    make_stores(TasksStores, config.service)
    client = create_app(config).test_client()
    first = client.get("/api/tasks", headers=callers.admin)
    assert first.headers[SOURCE_HEADER] == "database"
    again = client.get(
        "/api/tasks", headers={**callers.admin, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304

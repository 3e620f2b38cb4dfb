"""The inbox over HTTP: the caller's audience only, unread per user, `since` for catch-up."""

import pytest

from hotel_shared.testing import assert_problem

ROOM_EVENT = ("rooms.room.status_changed.v1", {"roomNumber": "204", "housekeepingStatus": "Clean"})
TECH_TASK = (
    "tasks.task.assigned.v1",
    {"taskId": "T1", "roomNumber": "205", "department": "maintenance", "employeeId": "MT-001"},
)
HK_TASK = (
    "tasks.task.assigned.v1",
    {"taskId": "T2", "roomNumber": "101", "department": "housekeeping", "employeeId": "HK-001"},
)


def ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def unread_count(client, headers):
    response = client.get("/api/notifications/unread-count", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_list_requires_a_token(client):
    assert_problem(client.get("/api/notifications"), 401, "missing_token")


def test_list_shows_only_the_callers_audience(client, demo_callers, deliver, make_envelope):
    room, tech, housekeeping = (make_envelope(*e) for e in (ROOM_EVENT, TECH_TASK, HK_TASK))
    for envelope in (room, tech, housekeeping):
        deliver(envelope)
    assert ids(client.get("/api/notifications", headers=demo_callers.technician)) == [tech["id"]]
    assert set(ids(client.get("/api/notifications", headers=demo_callers.housekeeper))) == {
        room["id"],
        housekeeping["id"],
    }
    assert ids(client.get("/api/notifications", headers=demo_callers.admin)) == [room["id"]]
    guest = demo_callers.guest_headers("205")
    assert ids(client.get("/api/notifications", headers=guest)) == []


def test_item_has_erd_fields_and_read_state(client, demo_callers, deliver, make_envelope):
    deliver(make_envelope(*TECH_TASK))
    response = client.get("/api/notifications", headers=demo_callers.technician)
    [item] = response.get_json()["items"]
    assert item["taskId"] == "T1"
    assert item["employeeId"] == "MT-001"
    assert item["isTaskNotification"] is True
    assert item["isRoomNotification"] is False
    assert item["read"] is False
    assert item["event"] == "task.assigned"
    assert item["timestamp"].endswith("Z")
    assert item["createdAt"].endswith("Z")


def test_since_returns_exactly_what_came_after(client, demo_callers, deliver, make_envelope):
    deliver(make_envelope(*ROOM_EVENT))
    [seen] = client.get("/api/notifications", headers=demo_callers.admin).get_json()["items"]
    missed = [make_envelope(*ROOM_EVENT) for _ in range(20)]
    for envelope in missed:
        deliver(envelope)
    response = client.get(
        "/api/notifications",
        query_string={"since": seen["createdAt"], "limit": 500},
        headers=demo_callers.admin,
    )
    assert sorted(ids(response)) == sorted(envelope["id"] for envelope in missed)
    assert response.get_json()["total"] == 20


def test_pages_tell_the_total(client, demo_callers, deliver, make_envelope):
    for _ in range(5):
        deliver(make_envelope(*ROOM_EVENT))
    response = client.get(
        "/api/notifications", query_string={"limit": 2, "offset": 2}, headers=demo_callers.admin
    )
    body = response.get_json()
    assert (len(body["items"]), body["total"], body["limit"], body["offset"]) == (2, 5, 2, 2)


def test_read_state_is_per_user(client, demo_callers, deliver, make_envelope):
    room = make_envelope(*ROOM_EVENT)
    deliver(room)
    response = client.post(f"/api/notifications/{room['id']}/read", headers=demo_callers.admin)
    assert response.status_code == 200
    assert response.get_json()["read"] is True
    assert unread_count(client, demo_callers.admin) == {"count": 0}
    assert unread_count(client, demo_callers.front_desk) == {"count": 1}
    unread = client.get(
        "/api/notifications", query_string={"unread": "true"}, headers=demo_callers.front_desk
    )
    assert ids(unread) == [room["id"]]
    assert ids(client.get("/api/notifications?unread=true", headers=demo_callers.admin)) == []


def test_read_all_marks_everything_up_to_now_but_not_later(
    client, demo_callers, deliver, make_envelope
):
    for _ in range(3):
        deliver(make_envelope(*ROOM_EVENT))
    response = client.post("/api/notifications/read-all", headers=demo_callers.admin)
    assert response.status_code == 204
    later = make_envelope(*ROOM_EVENT)
    deliver(later)
    assert unread_count(client, demo_callers.admin) == {"count": 1}
    items = client.get("/api/notifications", headers=demo_callers.admin).get_json()["items"]
    assert [item["read"] for item in items] == [False, True, True, True]


def test_marking_someone_elses_notification_is_not_found(
    client, demo_callers, deliver, make_envelope
):
    housekeeping = make_envelope(*HK_TASK)
    deliver(housekeeping)
    response = client.post(
        f"/api/notifications/{housekeeping['id']}/read", headers=demo_callers.technician
    )
    assert_problem(response, 404, "notification_not_found")


@pytest.mark.parametrize("query", ["since=yesterday", "unread=maybe", "limit=0"])
def test_bad_query_is_422_naming_the_argument(client, demo_callers, query):
    response = client.get(f"/api/notifications?{query}", headers=demo_callers.admin)
    body = assert_problem(response, 422)
    assert query.split("=")[0] in body["errors"]


@pytest.mark.parametrize(
    "query",
    [
        "since=0001-01-01T00:00:00Z",
        "since=9999-12-31T23:59:59Z",
        "since=1999-12-31T23:59:59Z",
        "since=2026-02-30T00:00:00Z",
        "limit=99999999999999999999",
        "limit=1.5",
        "limit=501",
        "offset=99999999999999999999",
        "offset=-1",
        "unread=1",
        "unread=yes",
        "unread=True",
    ],
)
def test_out_of_range_or_lenient_query_is_422_naming_the_argument(client, demo_callers, query):
    response = client.get(f"/api/notifications?{query}", headers=demo_callers.admin)
    body = assert_problem(response, 422)
    assert query.split("=")[0] in body["errors"]


def test_unread_false_lists_everything(client, demo_callers, deliver, make_envelope):
    room = make_envelope(*ROOM_EVENT)
    deliver(room)
    client.post(f"/api/notifications/{room['id']}/read", headers=demo_callers.admin)
    everything = client.get("/api/notifications?unread=false", headers=demo_callers.admin)
    assert ids(everything) == [room["id"]]

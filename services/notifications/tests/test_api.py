"""The inbox over HTTP: the caller's audience only, unread per user, `since` for catch-up."""

import json

import pytest

from notifications.app import OPENAPI_PATH

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


def test_list_requires_a_token(client):
    response = client.get("/api/notifications")
    assert response.status_code == 401
    assert response.get_json()["code"] == "missing_token"


def test_list_shows_only_the_callers_audience(client, headers, deliver, make_envelope):
    room, tech, housekeeping = (make_envelope(*e) for e in (ROOM_EVENT, TECH_TASK, HK_TASK))
    for envelope in (room, tech, housekeeping):
        deliver(envelope)
    assert ids(client.get("/api/notifications", headers=headers("technician"))) == [tech["id"]]
    assert set(ids(client.get("/api/notifications", headers=headers("housekeeper")))) == {
        room["id"],
        housekeeping["id"],
    }
    assert ids(client.get("/api/notifications", headers=headers("admin"))) == [room["id"]]
    assert ids(client.get("/api/notifications", headers=headers("guest205"))) == []


def test_item_has_erd_fields_and_read_state(client, headers, deliver, make_envelope):
    deliver(make_envelope(*TECH_TASK))
    [item] = client.get("/api/notifications", headers=headers("technician")).get_json()["items"]
    assert item["taskId"] == "T1"
    assert item["employeeId"] == "MT-001"
    assert item["isTaskNotification"] is True
    assert item["isRoomNotification"] is False
    assert item["read"] is False
    assert item["event"] == "task.assigned"
    assert item["timestamp"].endswith("Z")
    assert item["createdAt"].endswith("Z")


def test_since_returns_exactly_what_came_after(client, headers, deliver, make_envelope):
    deliver(make_envelope(*ROOM_EVENT))
    [seen] = client.get("/api/notifications", headers=headers("admin")).get_json()["items"]
    missed = [make_envelope(*ROOM_EVENT) for _ in range(20)]
    for envelope in missed:
        deliver(envelope)
    response = client.get(
        "/api/notifications",
        query_string={"since": seen["createdAt"], "limit": 500},
        headers=headers("admin"),
    )
    assert sorted(ids(response)) == sorted(envelope["id"] for envelope in missed)
    assert response.get_json()["total"] == 20


def test_read_state_is_per_user(client, headers, deliver, make_envelope):
    room = make_envelope(*ROOM_EVENT)
    deliver(room)
    response = client.post(f"/api/notifications/{room['id']}/read", headers=headers("admin"))
    assert response.status_code == 200
    assert response.get_json()["read"] is True
    count = client.get("/api/notifications/unread-count", headers=headers("admin")).get_json()
    assert count == {"count": 0}
    count = client.get("/api/notifications/unread-count", headers=headers("frontdesk")).get_json()
    assert count == {"count": 1}
    unread = client.get(
        "/api/notifications", query_string={"unread": "true"}, headers=headers("frontdesk")
    )
    assert ids(unread) == [room["id"]]
    assert ids(client.get("/api/notifications?unread=true", headers=headers("admin"))) == []


def test_read_all_marks_everything_up_to_now_but_not_later(client, headers, deliver, make_envelope):
    for _ in range(3):
        deliver(make_envelope(*ROOM_EVENT))
    assert client.post("/api/notifications/read-all", headers=headers("admin")).status_code == 204
    later = make_envelope(*ROOM_EVENT)
    deliver(later)
    count = client.get("/api/notifications/unread-count", headers=headers("admin")).get_json()
    assert count == {"count": 1}
    items = client.get("/api/notifications", headers=headers("admin")).get_json()["items"]
    assert [item["read"] for item in items] == [False, True, True, True]


def test_marking_someone_elses_notification_is_not_found(client, headers, deliver, make_envelope):
    housekeeping = make_envelope(*HK_TASK)
    deliver(housekeeping)
    response = client.post(
        f"/api/notifications/{housekeeping['id']}/read", headers=headers("technician")
    )
    assert response.status_code == 404
    assert response.get_json()["code"] == "notification_not_found"


@pytest.mark.parametrize("query", ["since=yesterday", "unread=maybe", "limit=0"])
def test_bad_query_is_422_naming_the_argument(client, headers, query):
    response = client.get(f"/api/notifications?{query}", headers=headers("admin"))
    assert response.status_code == 422
    assert query.split("=")[0] in response.get_json()["errors"]


def test_every_api_route_is_documented(app):

    documented = json.loads(OPENAPI_PATH.read_text())["paths"]
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = rule.rule.replace("<notification_id>", "{notificationId}")
            assert path in documented, path
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in documented[path], (method, path)

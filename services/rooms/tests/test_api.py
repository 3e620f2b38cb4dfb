"""The rooms HTTP API through the Flask test client, against a real Mongo-wire server."""

from __future__ import annotations

import json

import pytest
from conftest import add_room, check_in_walk_in, outbox_entries

from hotel_shared.testing import assert_matches_contract, assert_problem
from rooms.store import RoomsStores

STATUS_CHANGED = "rooms.room.status_changed.v1"
NEW_ROOM = {"roomNumber": "305", "roomType": "Suite", "price": 310.5, "capacity": 4}


# --- reading -----------------------------------------------------------------------------------


@pytest.fixture
def two_floors(stores):
    add_room(stores, "202", roomType="Deluxe")
    add_room(stores, "101", roomType="Economy")
    add_room(stores, "201", housekeepingStatus="Dirty")
    add_room(stores, "102")
    check_in_walk_in(stores, "102")


def room_numbers(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [room["roomNumber"] for room in response.get_json()["items"]]


def test_list_is_ordered_by_floor_then_number(client, callers, two_floors):
    response = client.get("/api/rooms", headers=callers.chef)
    assert room_numbers(response) == ["101", "102", "201", "202"]
    body = response.get_json()
    assert (body["total"], body["limit"], body["offset"]) == (4, 50, 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("housekeepingStatus=Dirty", ["201"]),
        ("frontOfficeStatus=Occupied", ["102"]),
        ("roomType=Deluxe", ["202"]),
        ("floor=2", ["201", "202"]),
        ("floor=2&housekeepingStatus=Inspected", ["202"]),
    ],
)
def test_list_filters(client, callers, two_floors, query, expected):
    assert room_numbers(client.get(f"/api/rooms?{query}", headers=callers.housekeeper)) == expected


def test_list_pages_and_reports_the_total(client, callers, two_floors):
    response = client.get("/api/rooms?limit=2&offset=1", headers=callers.front_desk)
    assert room_numbers(response) == ["102", "201"]
    assert response.get_json()["total"] == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("housekeepingStatus=Filthy", "housekeepingStatus"),
        ("roomType=Penthouse", "roomType"),
        ("floor=two", "floor"),
        ("limit=501", "limit"),
        ("colour=red", "colour"),
    ],
)
def test_list_rejects_unknown_filter_values(client, callers, query, field):
    body = assert_problem(
        client.get(f"/api/rooms?{query}", headers=callers.admin), 422, "validation_failed"
    )
    assert field in body["errors"]


def test_get_room_carries_its_version_as_etag(client, callers, stores):
    add_room(stores, "204")
    response = client.get("/api/rooms/204", headers=callers.technician)
    assert response.status_code == 200
    body = response.get_json()
    assert response.headers["ETag"] == '"1"'
    assert body["roomNumber"] == "204"
    assert body["floor"] == 2
    assert body["version"] == 1
    assert body["status"] == "available"
    assert body["discrepancy"] is None
    assert body["createdAt"].endswith("Z")
    assert isinstance(body["id"], str)


def test_unknown_room_is_404_naming_the_request(client, callers):
    response = client.get("/api/rooms/999", headers=callers.admin)
    body = assert_problem(response, 404, "room_not_found")
    assert body["requestId"] == response.headers["X-Request-ID"]


def test_without_a_token_it_is_401(client):
    assert_problem(client.get("/api/rooms"), 401, "missing_token")


def test_guests_may_not_list_rooms(client, callers):
    assert_problem(client.get("/api/rooms", headers=callers.guest), 403, "role_not_allowed")


# --- administering rooms --------------------------------------------------------------------


def test_admin_creates_a_room_and_its_event(client, callers, stores):
    response = client.post("/api/rooms", json=NEW_ROOM, headers=callers.admin)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.headers["Location"] == "/api/rooms/305"
    assert response.headers["ETag"] == '"1"'
    body = response.get_json()
    assert (body["floor"], body["housekeepingStatus"], body["frontOfficeStatus"]) == (
        3,
        "Dirty",
        "Vacant",
    )
    [entry] = outbox_entries(stores, "rooms.room.created.v1")
    assert entry["envelope"]["data"]["roomNumber"] == "305"
    assert entry["envelope"]["actor"]["role"] == "hotelAdmin"


def test_duplicate_room_number_is_409(client, callers, stores):
    add_room(stores, "305")
    assert_problem(
        client.post("/api/rooms", json=NEW_ROOM, headers=callers.admin), 409, "room_exists"
    )


def test_only_admins_create_rooms(client, callers):
    assert_problem(
        client.post("/api/rooms", json=NEW_ROOM, headers=callers.supervisor),
        403,
        "role_not_allowed",
    )


def test_create_names_missing_and_unknown_fields(client, callers):
    body = {"roomNumber": "305", "roomType": "Suite", "status": "booked"}
    problem = assert_problem(
        client.post("/api/rooms", json=body, headers=callers.admin), 422, "validation_failed"
    )
    assert set(problem["errors"]) == {"price", "capacity", "status"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", 0),
        ("price", -5),
        ("roomNumber", "2 04"),
        ("roomNumber", "x" * 11),
        ("capacity", "2"),
        ("price", "120"),
    ],
)
def test_create_validates_values(client, callers, field, value):
    problem = assert_problem(
        client.post("/api/rooms", json={**NEW_ROOM, field: value}, headers=callers.admin),
        422,
        "validation_failed",
    )
    assert field in problem["errors"]


def test_malformed_json_is_400(client, callers):
    response = client.post(
        "/api/rooms", data="{not json", content_type="application/json", headers=callers.admin
    )
    assert_problem(response, 400, "malformed_json")


def test_admin_edits_descriptive_fields(client, callers, stores):
    add_room(stores, "204")
    response = client.patch(
        "/api/rooms/204",
        json={"price": 99.0, "amenities": ["wifi"]},
        headers={**callers.admin, "If-Match": '"1"'},
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    body = response.get_json()
    assert (body["price"], body["facilities"], body["amenities"]) == (99.0, ["wifi"], ["wifi"])
    [entry] = outbox_entries(stores, "rooms.room.updated.v1")
    # The ERD's name: `amenities` (its old name) is still accepted and returned as an alias.
    assert entry["envelope"]["data"]["changedFields"] == ["facilities", "price"]


def test_edit_may_not_touch_status_fields(client, callers, stores):
    add_room(stores, "204")
    response = client.patch(
        "/api/rooms/204", json={"housekeepingStatus": "Dirty"}, headers=callers.admin
    )
    assert "housekeepingStatus" in assert_problem(response, 422, "validation_failed")["errors"]


def test_empty_edit_is_422(client, callers, stores):
    add_room(stores, "204")
    assert_problem(
        client.patch("/api/rooms/204", json={}, headers=callers.admin), 422, "validation_failed"
    )


def test_delete_room(client, callers, stores):
    add_room(stores, "204")
    response = client.delete("/api/rooms/204", headers=callers.admin)
    assert response.status_code == 204
    assert stores.find_room("204") is None
    [entry] = outbox_entries(stores, "rooms.room.deleted.v1")
    assert entry["envelope"]["data"] == {"roomNumber": "204", "roomType": "Standard", "version": 2}


def test_occupied_room_is_not_deleted(client, callers, stores):
    add_room(stores, "204")
    check_in_walk_in(stores, "204")
    assert_problem(client.delete("/api/rooms/204", headers=callers.admin), 409, "room_occupied")
    assert stores.find_room("204") is not None


def test_delete_with_stale_if_match_is_412(client, callers, stores):
    add_room(stores, "204")
    response = client.delete("/api/rooms/204", headers={**callers.admin, "If-Match": '"7"'})
    assert_problem(response, 412, "precondition_failed")
    assert stores.find_room("204") is not None


# --- status ------------------------------------------------------------------------------------


def test_housekeeper_marks_room_clean(client, callers, stores):
    add_room(stores, "204", housekeepingStatus="Dirty")
    response = client.patch(
        "/api/rooms/204/status", json={"housekeepingStatus": "Clean"}, headers=callers.housekeeper
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["ETag"] == '"2"'
    assert response.get_json()["housekeepingStatus"] == "Clean"


def test_status_change_records_exactly_one_catalogue_event(client, callers, stores):
    add_room(stores, "204", housekeepingStatus="Clean", roomType="Deluxe")
    response = client.patch(
        "/api/rooms/204/status",
        json={"housekeepingStatus": "Inspected", "hkOccupancy": "Occupied"},
        headers={**callers.supervisor, "X-Request-ID": "req-204-inspect"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    [entry] = outbox_entries(stores, STATUS_CHANGED)
    envelope = entry["envelope"]
    assert entry["sentAt"] is None
    assert entry["_id"] == envelope["id"]
    assert envelope["type"] == STATUS_CHANGED
    assert envelope["source"] == "rooms"
    assert envelope["subject"] == "room/204"
    assert envelope["correlationId"] == "req-204-inspect"
    assert envelope["actor"]["username"] == "supervisor"
    assert envelope["actor"]["role"] == "supervisor"
    assert envelope["data"] == {
        "roomNumber": "204",
        "roomType": "Deluxe",
        "housekeepingStatus": "Inspected",
        "previousHousekeepingStatus": "Clean",
        "frontOfficeStatus": "Vacant",
        "hkOccupancy": "Occupied",
        "discrepancy": "Sleep",
        "outOfOrder": None,
        "guestServiceStatus": "None",
        "turndownStatus": "NotRequired",
        "status": "available",
        "version": 2,
        "changeSource": "api",
        "reason": None,
        "changes": [
            {"field": "housekeepingStatus", "oldValue": "Clean", "newValue": "Inspected"},
            {"field": "hkOccupancy", "oldValue": None, "newValue": "Occupied"},
            {"field": "discrepancy", "oldValue": None, "newValue": "Sleep"},
        ],
    }
    assert stores.find_room("204")["version"] == 2
    history = [
        (entry["field"], entry["oldValue"], entry["newValue"], entry["source"])
        for entry in stores.db.status_history.find({"roomNumber": "204"}).sort("field", 1)
    ]
    assert history == [
        ("discrepancy", None, "Sleep", "api"),
        ("hkOccupancy", None, "Occupied", "api"),
        ("housekeepingStatus", "Clean", "Inspected", "api"),
    ]


def test_status_change_is_rolled_back_when_its_event_cannot_be_recorded(
    app, callers, stores, monkeypatch
):
    add_room(stores, "204", housekeepingStatus="Dirty")

    def fail_to_record(stores, envelope):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(RoomsStores, "record", fail_to_record)
    response = app.test_client().patch(
        "/api/rooms/204/status", json={"housekeepingStatus": "Clean"}, headers=callers.housekeeper
    )
    assert response.status_code == 500
    room = stores.find_room("204")
    assert (room["housekeepingStatus"], room["version"]) == ("Dirty", 1)


def test_same_status_is_a_200_no_op_without_an_event(client, callers, stores):
    add_room(stores, "204", housekeepingStatus="Clean")
    response = client.patch(
        "/api/rooms/204/status", json={"housekeepingStatus": "Clean"}, headers=callers.housekeeper
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert outbox_entries(stores, STATUS_CHANGED) == []


def test_dirty_to_inspected_is_409_invalid_transition(client, callers, stores):
    add_room(stores, "204", housekeepingStatus="Dirty")
    response = client.patch(
        "/api/rooms/204/status",
        json={"housekeepingStatus": "Inspected"},
        headers=callers.supervisor,
    )
    body = assert_problem(response, 409, "invalid_transition")
    assert (body["from"], body["to"]) == ("Dirty", "Inspected")
    assert sorted(body["allowedTargets"]) == ["Clean", "Pickup"]
    assert outbox_entries(stores, STATUS_CHANGED) == []


@pytest.mark.parametrize(
    ("caller", "new_status", "status", "code"),
    [
        ("housekeeper", "Inspected", 403, "inspection_not_allowed"),
        ("front_desk", "Inspected", 403, "inspection_not_allowed"),
        ("supervisor", "Inspected", 200, None),
        ("admin", "Inspected", 200, None),
        ("housekeeper", "Pickup", 200, None),
        ("front_desk", "Dirty", 200, None),
        ("technician", "Dirty", 403, "status_change_not_allowed"),
        ("chef", "Dirty", 403, "role_not_allowed"),
        ("guest", "Dirty", 403, "status_change_not_allowed"),
    ],
)
def test_who_may_change_status(client, callers, stores, caller, new_status, status, code):
    add_room(stores, "204", housekeepingStatus="Clean")
    response = client.patch(
        "/api/rooms/204/status",
        json={"housekeepingStatus": new_status},
        headers=getattr(callers, caller),
    )
    if code:
        assert_problem(response, status, code)
        assert stores.find_room("204")["housekeepingStatus"] == "Clean"
    else:
        assert response.status_code == status
        assert stores.find_room("204")["housekeepingStatus"] == new_status


def test_stale_if_match_is_412(client, callers, stores):
    add_room(stores, "204", housekeepingStatus="Dirty")
    first = client.patch(
        "/api/rooms/204/status",
        json={"housekeepingStatus": "Pickup"},
        headers={**callers.housekeeper, "If-Match": '"1"'},
    )
    assert first.status_code == 200
    second = client.patch(
        "/api/rooms/204/status",
        json={"housekeepingStatus": "Clean"},
        headers={**callers.housekeeper, "If-Match": '"1"'},
    )
    body = assert_problem(second, 412, "precondition_failed")
    assert body["currentVersion"] == 2
    assert stores.find_room("204")["housekeepingStatus"] == "Pickup"


def test_status_body_needs_a_field(client, callers, stores):
    add_room(stores, "204")
    body = assert_problem(
        client.patch("/api/rooms/204/status", json={}, headers=callers.admin),
        422,
        "validation_failed",
    )
    assert "housekeepingStatus" in body["detail"] + json.dumps(body["errors"])


def test_status_body_names_unknown_fields_and_values(client, callers, stores):
    add_room(stores, "204")
    response = client.patch(
        "/api/rooms/204/status",
        json={"frontOfficeStatus": "Occupied", "turndownStatus": "Maybe"},
        headers=callers.admin,
    )
    body = assert_problem(response, 422, "validation_failed")
    assert set(body["errors"]) == {"frontOfficeStatus", "turndownStatus"}


def test_status_of_unknown_room_is_404(client, callers):
    response = client.patch(
        "/api/rooms/999/status", json={"housekeepingStatus": "Clean"}, headers=callers.admin
    )
    assert_problem(response, 404, "room_not_found")


def test_do_not_disturb_needs_an_occupied_room(client, callers, stores):
    add_room(stores, "204")
    response = client.patch(
        "/api/rooms/204/status",
        json={"guestServiceStatus": "DoNotDisturb"},
        headers=callers.front_desk,
    )
    assert_problem(response, 409, "room_not_occupied")
    check_in_walk_in(stores, "204")
    response = client.patch(
        "/api/rooms/204/status",
        json={"guestServiceStatus": "DoNotDisturb"},
        headers=callers.front_desk,
    )
    assert response.status_code == 200
    assert response.get_json()["guestServiceStatus"] == "DoNotDisturb"


def test_a_guest_sets_do_not_disturb_and_make_up_room_on_their_own_room(client, callers, stores):
    add_room(stores, "204")
    check_in_walk_in(stores, "204")
    for request in ("DoNotDisturb", "MakeUpRoom", "None"):
        response = client.patch(
            "/api/rooms/204/status", json={"guestServiceStatus": request}, headers=callers.guest
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        assert stores.find_room("204")["guestServiceStatus"] == request
    events = outbox_entries(stores, STATUS_CHANGED)[-3:]
    assert [e["envelope"]["actor"]["role"] for e in events] == ["guest"] * 3
    assert events[0]["envelope"]["data"]["changes"] == [
        {"field": "guestServiceStatus", "oldValue": "None", "newValue": "DoNotDisturb"}
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"housekeepingStatus": "Clean"},
        {"turndownStatus": "Required"},
        {"hkOccupancy": "Vacant"},
        {"guestServiceStatus": "DoNotDisturb", "turndownStatus": "Required"},
    ],
)
def test_a_guest_may_set_nothing_but_the_guest_service_request(client, callers, stores, body):
    add_room(stores, "204")
    check_in_walk_in(stores, "204")
    before = stores.find_room("204")
    response = client.patch("/api/rooms/204/status", json=body, headers=callers.guest)
    assert_problem(response, 403, "status_change_not_allowed")
    assert stores.find_room("204")["version"] == before["version"]


@pytest.mark.parametrize("room_number", ["101", "999"])
def test_a_guest_may_not_touch_another_room(client, callers, stores, room_number):
    add_room(stores, "101")
    check_in_walk_in(stores, "101")
    response = client.patch(
        f"/api/rooms/{room_number}/status",
        json={"guestServiceStatus": "DoNotDisturb"},
        headers=callers.guest,
    )
    # Another room, existing or not, is refused alike: a guest learns nothing about it.
    assert_problem(response, 403, "not_your_room")
    assert stores.find_room("101")["guestServiceStatus"] == "None"


def test_housekeeping_reporting_vacant_on_an_occupied_room_is_a_skip(client, callers, stores):
    add_room(stores, "204")
    check_in_walk_in(stores, "204")
    response = client.patch(
        "/api/rooms/204/status", json={"hkOccupancy": "Vacant"}, headers=callers.housekeeper
    )
    body = response.get_json()
    assert (body["discrepancy"], body["status"], body["frontOfficeStatus"]) == (
        "Skip",
        "booked",
        "Occupied",
    )


# --- a failed inspection's reason -----------------------------------------------------------------


@pytest.mark.parametrize("status", ["Clean", "Inspected"])
def test_a_failed_inspection_keeps_its_reason_in_history_and_event(client, callers, stores, status):
    add_room(stores, "204", housekeepingStatus=status)
    failed = client.patch(
        "/api/rooms/204/status",
        json={"housekeepingStatus": "Pickup", "reason": "Hair in the bathtub"},
        headers=callers.supervisor,
    )
    assert failed.status_code == 200, failed.get_data(as_text=True)
    assert "reason" not in failed.get_json()  # a reason belongs to the change, not the room
    history = client.get("/api/rooms/204/history", headers=callers.supervisor).get_json()
    [entry] = [e for e in history["items"] if e["field"] == "housekeepingStatus"]
    assert (entry["oldValue"], entry["newValue"], entry["reason"]) == (
        status,
        "Pickup",
        "Hair in the bathtub",
    )
    [event] = outbox_entries(stores, STATUS_CHANGED)
    data = event["envelope"]["data"]
    assert (data["reason"], data["changeSource"]) == ("Hair in the bathtub", "api")
    assert_matches_contract(STATUS_CHANGED, data)  # reason: a string, as in the example
    assert data["changes"][0] == {
        "field": "housekeepingStatus",
        "oldValue": status,
        "newValue": "Pickup",
    }


def test_a_change_without_a_reason_has_a_null_one(client, callers, stores):
    add_room(stores, "204", housekeepingStatus="Clean")
    client.patch(
        "/api/rooms/204/status", json={"housekeepingStatus": "Dirty"}, headers=callers.supervisor
    )
    history = client.get("/api/rooms/204/history", headers=callers.supervisor).get_json()
    assert {entry["reason"] for entry in history["items"]} == {None}
    [event] = outbox_entries(stores, STATUS_CHANGED)
    assert event["envelope"]["data"]["reason"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "Hair in the bathtub"},  # a reason with no change
        {"housekeepingStatus": "Pickup", "reason": ""},
        {"housekeepingStatus": "Pickup", "reason": "x" * 501},
        {"housekeepingStatus": "Pickup", "reason": 7},
    ],
)
def test_a_reason_is_1_to_500_characters_with_a_change(client, callers, stores, body):
    add_room(stores, "204", housekeepingStatus="Clean")
    response = client.patch("/api/rooms/204/status", json=body, headers=callers.supervisor)
    problem = assert_problem(response, 422, "validation_failed")
    assert "reason" in problem["errors"]
    assert stores.find_room("204")["version"] == 1


def test_a_guest_may_not_give_a_reason(client, callers, stores):
    add_room(stores, "204")
    check_in_walk_in(stores, "204")
    response = client.patch(
        "/api/rooms/204/status",
        json={"guestServiceStatus": "MakeUpRoom", "reason": "please"},
        headers=callers.guest,
    )
    assert_problem(response, 403, "status_change_not_allowed")

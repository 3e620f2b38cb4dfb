"""Users CRUD (hotelAdmin only), its events in the outbox, and the activity-log query."""

from __future__ import annotations

import pytest

from auth.events import ACCESS_REVOKED, USER_CREATED, USER_DEACTIVATED, USER_UPDATED

NEW_USER = {
    "username": "Technician2",
    "password": "a-long-enough-pass",
    "role": "staff",
    "department": "maintenance",
    "employeeCode": "MT-002",
    "email": "Tom.Tech@Hotel.example",
    "name": "Tom Tech",
}


def _outbox_types(stores):
    return [entry["type"] for entry in stores.db["outbox"].find().sort("createdAt", 1)]


def test_admin_creates_a_user_and_the_event_is_recorded(client, admin_headers, stores, login):
    response = client.post("/api/users", json=NEW_USER, headers=admin_headers)
    assert response.status_code == 201
    user = response.json
    assert user["username"] == "technician2"
    assert user["active"] is True
    assert user["createdAt"].endswith("Z")
    assert "password" not in user
    assert "passwordHash" not in user
    assert response.headers["Location"] == f"/api/users/{user['id']}"

    outbox = stores.db["outbox"]
    event = outbox.find_one({"type": USER_CREATED, "envelope.data.username": "technician2"})
    event = event["envelope"]
    assert event["subject"] == f"user/{user['id']}"
    assert event["actor"]["username"] == "boss"
    assert event["data"] == {
        "userId": user["id"],
        "username": "technician2",
        "role": "staff",
        "department": "maintenance",
        "employeeCode": "MT-002",
        "email": "tom.tech@hotel.example",
        "name": "Tom Tech",
        "active": True,
    }
    assert user["email"] == "tom.tech@hotel.example"
    assert login("technician2", "a-long-enough-pass").status_code == 200


def test_stored_password_is_an_argon2id_hash(client, admin_headers, stores):
    client.post("/api/users", json=NEW_USER, headers=admin_headers)
    stored = stores.find_user_by_username("technician2")
    assert stored["passwordHash"].startswith("$argon2id$")


@pytest.mark.parametrize("role", ["frontOffice", "supervisor", "staff", "restaurantAdmin"])
def test_only_admins_manage_users(client, bearer, make_user, role):
    headers = bearer(make_user(role))
    assert client.get("/api/users", headers=headers).status_code == 403
    response = client.post("/api/users", json=NEW_USER, headers=headers)
    assert response.status_code == 403
    assert response.json["code"] == "role_not_allowed"


def test_guests_cannot_manage_users(client, signing_keys):
    headers = signing_keys.headers("guest", room_number="204")
    assert client.get("/api/users", headers=headers).status_code == 403


def test_users_need_a_token(client):
    assert client.get("/api/users").status_code == 401
    assert client.post("/api/users", json=NEW_USER).status_code == 401


def test_create_names_every_missing_field(client, admin_headers):
    response = client.post("/api/users", json={"name": "Nobody"}, headers=admin_headers)
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"username", "password", "role"}


def test_short_passwords_are_rejected(client, admin_headers):
    response = client.post(
        "/api/users", json={**NEW_USER, "password": "short"}, headers=admin_headers
    )
    assert response.status_code == 422
    assert "password" in response.json["errors"]


def test_staff_without_department_is_rejected(client, admin_headers):
    body = {key: value for key, value in NEW_USER.items() if key != "department"}
    response = client.post("/api/users", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert "department" in response.json["errors"]


def test_guest_role_cannot_be_given_to_a_user(client, admin_headers):
    response = client.post("/api/users", json={**NEW_USER, "role": "guest"}, headers=admin_headers)
    assert response.status_code == 422


def test_usernames_are_unique_regardless_of_case(client, admin_headers):
    client.post("/api/users", json=NEW_USER, headers=admin_headers)
    response = client.post(
        "/api/users",
        json={**NEW_USER, "username": "TECHNICIAN2", "employeeCode": "MT-003", "email": None},
        headers=admin_headers,
    )
    assert response.status_code == 409
    assert response.json["code"] == "username_taken"


def test_employee_codes_are_unique_when_present(client, admin_headers):
    client.post("/api/users", json=NEW_USER, headers=admin_headers)
    taken = client.post(
        "/api/users", json={**NEW_USER, "username": "other", "email": None}, headers=admin_headers
    )
    assert taken.status_code == 409
    assert taken.json["code"] == "employee_code_taken"
    for username in ("manager1", "manager2"):
        body = {"username": username, "password": "long-enough-pw", "role": "frontOffice"}
        assert client.post("/api/users", json=body, headers=admin_headers).status_code == 201


def test_list_filters_and_pages(client, admin_headers, make_user):
    make_user("staff", department="maintenance")
    make_user("staff", department="housekeeping")
    make_user("staff", department="housekeeping", active=False)
    response = client.get(
        "/api/users?role=staff&department=housekeeping&active=true", headers=admin_headers
    )
    assert response.status_code == 200
    assert response.json["total"] == 1
    assert response.json["items"][0]["department"] == "housekeeping"

    page = client.get("/api/users?limit=2&offset=1", headers=admin_headers).json
    assert (page["total"], page["limit"], page["offset"], len(page["items"])) == (4, 2, 1, 2)


def test_list_rejects_unknown_filters(client, admin_headers):
    response = client.get("/api/users?password=x", headers=admin_headers)
    assert response.status_code == 422


def test_get_unknown_user_is_404(client, admin_headers):
    assert client.get("/api/users/nope", headers=admin_headers).status_code == 404
    response = client.get("/api/users/65f000000000000000000000", headers=admin_headers)
    assert response.status_code == 404
    assert response.json["code"] == "user_not_found"


def test_patch_changes_fields_and_records_an_update(client, admin_headers, make_user, stores):
    user = make_user("staff")
    response = client.patch(
        f"/api/users/{user['_id']}",
        json={"name": "Renamed", "department": "maintenance"},
        headers=admin_headers,
    )
    assert response.status_code == 200
    assert (response.json["name"], response.json["department"]) == ("Renamed", "maintenance")
    # A new department is a claim of the user's tokens: the update is followed by a revocation.
    assert _outbox_types(stores)[-2:] == [USER_UPDATED, ACCESS_REVOKED]
    event = stores.db["outbox"].find_one({"type": USER_UPDATED})["envelope"]
    assert event["data"]["changes"] == [
        {"field": "department", "oldValue": "housekeeping", "newValue": "maintenance"},
        {"field": "name", "oldValue": None, "newValue": "Renamed"},
    ]


def test_a_new_password_shows_in_the_update_without_any_value(
    client, admin_headers, make_user, stores
):
    user = make_user("staff")
    client.patch(
        f"/api/users/{user['_id']}", json={"password": "brand-new-password"}, headers=admin_headers
    )
    event = stores.db["outbox"].find_one({"type": USER_UPDATED})["envelope"]
    assert event["data"]["changes"] == [{"field": "password", "oldValue": None, "newValue": None}]
    assert "passwordHash" not in str(event)
    assert "brand-new-password" not in str(event)


def test_patch_with_a_new_password_ends_existing_sessions(client, admin_headers, make_user, login):
    user = make_user("staff")
    session = login(user["username"]).json
    client.patch(
        f"/api/users/{user['_id']}", json={"password": "brand-new-password"}, headers=admin_headers
    )
    refreshed = client.post("/api/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert refreshed.status_code == 401
    assert login(user["username"], "brand-new-password").status_code == 200


def test_patch_needs_at_least_one_field(client, admin_headers, make_user):
    user = make_user("staff")
    response = client.patch(f"/api/users/{user['_id']}", json={}, headers=admin_headers)
    assert response.status_code == 422


def test_admin_cannot_change_their_own_role(client, admin_headers, admin):
    response = client.patch(
        f"/api/users/{admin['_id']}", json={"role": "frontOffice"}, headers=admin_headers
    )
    assert response.status_code == 409
    assert response.json["code"] == "cannot_modify_self"


def test_admin_cannot_deactivate_themself(client, admin_headers, admin):
    response = client.delete(f"/api/users/{admin['_id']}", headers=admin_headers)
    assert response.status_code == 409
    patch = client.patch(
        f"/api/users/{admin['_id']}", json={"active": False}, headers=admin_headers
    )
    assert patch.status_code == 409


def test_delete_deactivates_revokes_and_announces(client, admin_headers, make_user, login, stores):
    user = make_user("staff")
    session = login(user["username"]).json
    assert client.delete(f"/api/users/{user['_id']}", headers=admin_headers).status_code == 204

    shown = client.get(f"/api/users/{user['_id']}", headers=admin_headers).json
    assert shown["active"] is False
    assert login(user["username"]).status_code == 401
    refresh = client.post("/api/auth/refresh", json={"refreshToken": session["refreshToken"]})
    assert refresh.status_code == 401
    assert _outbox_types(stores).count(USER_DEACTIVATED) == 1

    # Again: still 204, and no second event.
    assert client.delete(f"/api/users/{user['_id']}", headers=admin_headers).status_code == 204
    assert _outbox_types(stores).count(USER_DEACTIVATED) == 1


def test_patch_active_false_is_a_deactivation(client, admin_headers, make_user, stores):
    user = make_user("staff")
    client.patch(f"/api/users/{user['_id']}", json={"active": False}, headers=admin_headers)
    assert _outbox_types(stores)[-2:] == [USER_DEACTIVATED, ACCESS_REVOKED]


# --- activity logs -----------------------------------------------------------------------------


def _room_status_changed(make_envelope, room, old, new, actor):
    data = {
        "roomNumber": room,
        "housekeepingStatus": new,
        "previousHousekeepingStatus": old,
        "changes": [{"field": "housekeepingStatus", "oldValue": old, "newValue": new}],
    }
    return make_envelope("rooms.room.status_changed.v1", data, subject=f"room/{room}", actor=actor)


@pytest.fixture
def logged_events(handle, make_envelope):
    actor = {"userId": "u-hk", "username": "housekeeper", "role": "staff"}
    events = [
        _room_status_changed(make_envelope, "204", "Dirty", "Clean", actor),
        _room_status_changed(make_envelope, "205", "Dirty", "Pickup", actor),
        make_envelope("tasks.task.assigned.v1", {"taskId": "T-1"}, subject="task/T-1"),
    ]
    for event in events:
        handle(event)
    return events


@pytest.mark.parametrize("role", ["hotelAdmin", "supervisor", "frontOffice"])
def test_audit_readers_can_query_activity_logs(client, signing_keys, logged_events, role):
    response = client.get("/api/activity-logs", headers=signing_keys.headers(role))
    assert response.status_code == 200
    assert response.json["total"] == 3
    # Newest first.
    assert response.json["items"][0]["eventId"] == logged_events[-1]["id"]


@pytest.mark.parametrize("role", ["staff", "restaurantAdmin", "guest"])
def test_others_cannot_read_activity_logs(client, signing_keys, role):
    response = client.get("/api/activity-logs", headers=signing_keys.headers(role))
    assert response.status_code == 403


def test_activity_logs_filter_by_document_and_user(client, signing_keys, logged_events):
    headers = signing_keys.headers("supervisor")
    by_room = client.get("/api/activity-logs?collection=rooms&documentId=204", headers=headers)
    assert [item["documentId"] for item in by_room.json["items"]] == ["204"]
    assert by_room.json["items"][0]["change"] == {
        "field": "housekeepingStatus",
        "oldValue": "Dirty",
        "newValue": "Clean",
    }
    by_name = client.get("/api/activity-logs?user=housekeeper", headers=headers)
    assert by_name.json["total"] == 2
    by_id = client.get("/api/activity-logs?user=u-hk", headers=headers)
    assert by_id.json["total"] == 2


def test_activity_logs_filter_by_time(client, signing_keys, logged_events):
    headers = signing_keys.headers("hotelAdmin")
    assert (
        client.get(
            "/api/activity-logs?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", headers=headers
        ).json["total"]
        == 3
    )
    future = client.get("/api/activity-logs?from=2100-01-01T00:00:00Z", headers=headers)
    assert future.json["total"] == 0


def test_activity_logs_reject_bad_times(client, signing_keys):
    headers = signing_keys.headers("hotelAdmin")
    assert client.get("/api/activity-logs?from=yesterday", headers=headers).status_code == 422
    reversed_range = client.get(
        "/api/activity-logs?from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", headers=headers
    )
    assert reversed_range.status_code == 422
    assert "from" in reversed_range.json["errors"]


# --- email (ERD) and strict input --------------------------------------------------------------


def test_emails_are_optional_validated_and_unique_regardless_of_case(client, admin_headers):
    first = client.post("/api/users", json=NEW_USER, headers=admin_headers)
    assert first.json["email"] == "tom.tech@hotel.example"
    other = {**NEW_USER, "username": "other", "employeeCode": "MT-9"}
    taken = client.post(
        "/api/users", json={**other, "email": "TOM.TECH@hotel.EXAMPLE"}, headers=admin_headers
    )
    assert taken.status_code == 409
    assert taken.json["code"] == "email_taken"
    bad = client.post("/api/users", json={**other, "email": "not-an-email"}, headers=admin_headers)
    assert bad.status_code == 422
    assert "email" in bad.json["errors"]
    for username in ("noemail1", "noemail2"):  # many users without an email
        body = {"username": username, "password": "long-enough-pw", "role": "frontOffice"}
        created = client.post("/api/users", json=body, headers=admin_headers)
        assert (created.status_code, created.json["email"]) == (201, None)


def test_patch_changes_the_email_and_announces_it(client, admin_headers, make_user, stores):
    user = make_user("staff")
    response = client.patch(
        f"/api/users/{user['_id']}", json={"email": "Ann@Hotel.example"}, headers=admin_headers
    )
    assert response.json["email"] == "ann@hotel.example"
    event = stores.db["outbox"].find_one({"type": USER_UPDATED})["envelope"]
    assert event["data"]["email"] == "ann@hotel.example"
    assert event["data"]["changes"] == [
        {"field": "email", "oldValue": None, "newValue": "ann@hotel.example"}
    ]


@pytest.mark.parametrize("value", [0, 1, "false", "true", None])
def test_active_is_only_true_or_false(client, admin_headers, make_user, value):
    user = make_user("staff")
    patch = client.patch(f"/api/users/{user['_id']}", json={"active": value}, headers=admin_headers)
    assert patch.status_code == 422
    assert "active" in patch.json["errors"]
    created = client.post("/api/users", json={**NEW_USER, "active": value}, headers=admin_headers)
    assert created.status_code == 422


@pytest.mark.parametrize("value", ["1", "yes", "on", "0", "TRUE"])
def test_the_active_filter_is_only_true_or_false(client, admin_headers, value):
    response = client.get(f"/api/users?active={value}", headers=admin_headers)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "query", ["to=0001-01-03", "from=9999-12-31T00:00:00Z", "from=1999-12-31T23:59:59Z"]
)
def test_activity_log_periods_are_bounded(client, signing_keys, query):
    response = client.get(f"/api/activity-logs?{query}", headers=signing_keys.headers("hotelAdmin"))
    assert response.status_code == 422

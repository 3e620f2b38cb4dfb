"""The foundation's journeys through the gateway, against real services, workers and broker."""

from __future__ import annotations

import uuid

import pytest
from conftest import DEMO_PASSWORDS, eventually
from openapi_spec_validator import validate

from hotel_shared.bus import BusPublisher
from hotel_shared.events import new_event
from hotel_shared.testing import assert_problem

DEMO_ROOMS = [f"{floor}{number:02d}" for floor in (1, 2) for number in range(1, 11)]
SERVICES = ["auth", "rooms", "fnb", "tasks", "notifications"]


@pytest.mark.parametrize("service", SERVICES)
def test_service_health_through_the_gateway(gateway, service):
    response = gateway.request("GET", f"/api/health/{service}")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"mongo": "ok", "broker": "ok"}


@pytest.mark.parametrize("service", SERVICES)
def test_generated_openapi_documents_through_the_gateway(gateway, service):
    document = gateway.request("GET", f"/api/docs/{service}/openapi.json").json()
    validate(document)  # OpenAPI 3.1, as generated from the route declarations
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert operations
    assert all(op["responses"] for op in operations)
    assert any("requestBody" in op for op in operations) or service == "notifications"
    assert any("x-roles" in op for op in operations)


@pytest.mark.parametrize("username", sorted(DEMO_PASSWORDS))
def test_demo_users_log_in_through_the_gateway(gateway, username):
    response = gateway.login(username)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tokenType"] == "Bearer"
    assert body["user"]["username"] == username
    me = gateway.request(
        "GET", "/api/auth/me", headers={"Authorization": f"Bearer {body['accessToken']}"}
    )
    assert me.json()["username"] == username


def test_wrong_password_is_refused(gateway):
    assert_problem(gateway.login("admin", "not-the-password"), 401, "invalid_credentials")


def test_rooms_list_holds_the_demo_rooms(gateway):
    response = gateway.request("GET", "/api/rooms?limit=100", as_user="frontdesk")
    assert response.status_code == 200
    body = response.json()
    assert [room["roomNumber"] for room in body["items"]] == DEMO_ROOMS
    assert body["total"] == 20
    assert {room["housekeepingStatus"] for room in body["items"]} >= {"Inspected"}


def audit_entries(gateway, room_number: str) -> list[dict]:
    response = gateway.request(
        "GET",
        f"/api/activity-logs?collection=rooms&documentId={room_number}",
        as_user="admin",
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_housekeeper_status_change_reaches_the_audit_log(gateway):
    request_id = f"it-{uuid.uuid4().hex[:12]}"
    response = gateway.request(
        "PATCH",
        "/api/rooms/204/status",
        as_user="housekeeper",
        json={"housekeepingStatus": "Dirty"},
        headers={"X-Request-ID": request_id},
    )
    assert response.status_code == 200, response.text
    assert response.json()["housekeepingStatus"] == "Dirty"
    assert response.headers["X-Request-ID"] == request_id

    def logged():
        """the status change to appear in the activity log"""
        return [e for e in audit_entries(gateway, "204") if e["correlationId"] == request_id]

    [entry] = eventually(logged)
    assert entry["actionType"] == "room.status_changed"
    assert entry["user"]["username"] == "housekeeper"
    assert entry["change"] == {
        "field": "housekeepingStatus",
        "oldValue": "Inspected",
        "newValue": "Dirty",
    }


def test_status_rules_and_error_contract_through_the_gateway(gateway):
    # Dirty → Inspected skips cleaning.
    gateway.request(
        "PATCH", "/api/rooms/206/status", as_user="supervisor", json={"housekeepingStatus": "Dirty"}
    )
    refused = gateway.request(
        "PATCH",
        "/api/rooms/206/status",
        as_user="supervisor",
        json={"housekeepingStatus": "Inspected"},
    )
    assert_problem(refused, 409, "invalid_transition")

    # Only supervisors and admins inspect.
    gateway.request(
        "PATCH",
        "/api/rooms/207/status",
        as_user="housekeeper",
        json={"housekeepingStatus": "Clean"},
    )
    forbidden = gateway.request(
        "PATCH",
        "/api/rooms/207/status",
        as_user="housekeeper",
        json={"housekeepingStatus": "Inspected"},
    )
    assert forbidden.status_code == 403

    # Other departments may not touch room status.
    technician = gateway.request(
        "PATCH", "/api/rooms/207/status", as_user="technician", json={"housekeepingStatus": "Dirty"}
    )
    assert technician.status_code == 403

    stale = gateway.request(
        "PATCH",
        "/api/rooms/207/status",
        as_user="supervisor",
        json={"housekeepingStatus": "Inspected"},
        headers={"If-Match": '"1"'},
    )
    assert_problem(stale, 412, "precondition_failed")

    assert_problem(gateway.request("GET", "/api/rooms"), 401, "missing_token")
    malformed = gateway.request(
        "PATCH",
        "/api/rooms/207/status",
        as_user="supervisor",
        data="{not json",
        headers={"Content-Type": "application/json"},
    )
    assert_problem(malformed, 400, "malformed_json")
    missing = gateway.request("POST", "/api/rooms", as_user="admin", json={})
    body = assert_problem(missing, 422, "validation_failed")
    assert {"roomNumber", "roomType", "price"} <= set(body["errors"])


def test_refresh_tokens_rotate_and_reuse_revokes_the_family(gateway):
    first = gateway.login("frontdesk").json()
    rotated = gateway.request(
        "POST", "/api/auth/refresh", json={"refreshToken": first["refreshToken"]}
    )
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refreshToken"] != first["refreshToken"]

    reused = gateway.request(
        "POST", "/api/auth/refresh", json={"refreshToken": first["refreshToken"]}
    )
    assert_problem(reused, 401, "refresh_token_reused")
    # The theft is assumed: the rotated token of the same family is revoked too.
    after = gateway.request(
        "POST", "/api/auth/refresh", json={"refreshToken": second["refreshToken"]}
    )
    assert after.status_code == 401


def test_guest_login_works_only_while_the_stay_is_checked_in(gateway, rabbit):
    stay = {
        "customerId": uuid.uuid4().hex,
        "roomNumber": "108",
        "name": "Ada Guest",
        "bookingId": uuid.uuid4().hex,
        "specialId": uuid.uuid4().hex,
    }
    credentials = {"roomNumber": "108", "specialId": stay["specialId"]}
    publisher = BusPublisher(rabbit.url)
    # What rooms publishes at check-in and check-out; auth's worker projects it.
    publisher.publish(
        new_event("rooms.customer.checked_in.v1", source="rooms", subject="customer/x", data=stay)
    )

    def guest_logged_in():
        """a guest login once auth has seen the check-in"""
        response = gateway.request("POST", "/api/auth/guest-login", json=credentials)
        return response if response.status_code == 200 else None

    grant = eventually(guest_logged_in).json()
    me = gateway.request(
        "GET", "/api/auth/me", headers={"Authorization": f"Bearer {grant['accessToken']}"}
    ).json()
    assert me["roomNumber"] == "108"
    assert me["role"] == "guest"
    guest_rooms = gateway.request(
        "GET", "/api/rooms", headers={"Authorization": f"Bearer {grant['accessToken']}"}
    )
    assert guest_rooms.status_code == 403

    publisher.publish(
        new_event("rooms.customer.checked_out.v1", source="rooms", subject="customer/x", data=stay)
    )
    publisher.close()

    def guest_refused():
        """guest login to be refused once auth has seen the check-out"""
        response = gateway.request("POST", "/api/auth/guest-login", json=credentials)
        return response.status_code == 401

    eventually(guest_refused)


def test_gateway_answers_its_own_errors_as_problems_with_security_headers(gateway):
    missing = gateway.request("GET", "/api/no-such-thing")
    assert_problem(missing, 404, "not_found")
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
    ):
        assert header in missing.headers
    too_large = gateway.request("POST", "/api/rooms", data=b"x" * (2 * 1024 * 1024))
    assert_problem(too_large, 413, "payload_too_large")
    assert "Access-Control-Allow-Origin" not in missing.headers

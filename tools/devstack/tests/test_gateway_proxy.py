"""The gateway template run by a real nginx: routing, forwarding, throttling and its own errors."""

from __future__ import annotations

import pytest
import requests

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/api/auth/me", "auth"),
        ("/api/users/42", "auth"),
        ("/api/activity-logs?collection=rooms", "auth"),
        ("/api/rooms/204", "rooms"),
        ("/api/bookings", "rooms"),
        ("/api/analytics/rooms", "rooms"),
        ("/api/menu", "fnb"),
        ("/api/orders/7/status", "fnb"),
        ("/api/analytics/fnb", "fnb"),
        ("/api/requests", "tasks"),
        ("/api/tasks/9", "tasks"),
        ("/api/analytics/departments", "tasks"),
        ("/api/notifications", "notifications"),
        ("/socket.io/?EIO=4&transport=polling", "notifications"),
    ],
)
def test_routes_reach_the_owning_service_with_the_original_path(gateway, path, service):
    response = requests.get(gateway + path, timeout=5)
    assert response.status_code == 200
    assert response.json()["service"] == service
    assert response.json()["path"] == path


def test_health_route_maps_to_the_service_readyz(gateway):
    received = requests.get(f"{gateway}/api/health/rooms", timeout=5).json()
    assert (received["service"], received["path"]) == ("rooms", "/readyz")


def test_docs_route_maps_to_the_service_openapi_document(gateway):
    received = requests.get(f"{gateway}/api/docs/tasks/openapi.json", timeout=5).json()
    assert (received["service"], received["path"]) == ("tasks", "/openapi.json")


@pytest.mark.parametrize("path", ["/api/nowhere", "/api/roomsx", "/api/health/unknown", "/metrics"])
def test_unknown_routes_answer_problem_json_404(gateway, path):
    response = requests.get(gateway + path, timeout=5)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "not_found"
    assert problem["status"] == 404
    assert problem["requestId"] == response.headers["X-Request-ID"]


def test_oversized_body_answers_problem_json_413(gateway):
    response = requests.post(f"{gateway}/api/rooms", data=b"x" * 4096, timeout=5)
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"


def test_unreachable_service_answers_problem_json_502(gateway):
    response = requests.get(f"{gateway}/api/pms/status", timeout=10)
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "bad_gateway"


def test_service_errors_pass_through_untouched(gateway):
    response = requests.get(f"{gateway}/api/rooms/service-error", timeout=5)
    assert response.status_code == 404
    assert response.json() == {"code": "room_not_found"}


def test_security_headers_are_on_success_and_error_responses(gateway):
    for path in ("/", "/api/rooms", "/api/nowhere"):
        response = requests.get(gateway + path, timeout=5)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "Access-Control-Allow-Origin" not in response.headers
        assert response.headers["Server"] == "nginx"


def test_static_root_serves_web_index(gateway):
    response = requests.get(gateway + "/", timeout=5)
    assert response.status_code == 200
    assert "<title>hotel</title>" in response.text


def test_forwarded_headers_reach_the_service(gateway):
    received = requests.get(
        f"{gateway}/api/rooms", headers={"Host": "hotel.example:8080"}, timeout=5
    ).json()["headers"]
    assert received["host"] == "hotel.example:8080"
    assert received["x-forwarded-host"] == "hotel.example:8080"
    assert received["x-forwarded-for"] == "127.0.0.1"
    assert received["x-forwarded-proto"] == "http"
    # Upstream keepalive: nginx must not ask the service to close each connection.
    assert received.get("connection", "") != "close"


def test_client_request_id_is_forwarded_and_echoed(gateway):
    response = requests.get(f"{gateway}/api/rooms", headers={"X-Request-ID": "abc-123"}, timeout=5)
    assert response.json()["headers"]["x-request-id"] == "abc-123"
    assert response.headers["X-Request-ID"] == "abc-123"


def test_missing_or_malformed_request_id_is_replaced_by_nginx_id(gateway):
    plain = requests.get(f"{gateway}/api/rooms", timeout=5)
    generated = plain.json()["headers"]["x-request-id"]
    assert len(generated) == 32
    assert plain.headers["X-Request-ID"] == generated
    hostile = requests.get(f"{gateway}/api/nowhere", headers={"X-Request-ID": 'a"b'}, timeout=5)
    assert hostile.json()["requestId"] != 'a"b'


def test_service_request_id_and_security_headers_are_not_duplicated(gateway):
    response = requests.get(f"{gateway}/api/rooms/own-request-id", timeout=5)
    assert response.raw.headers.getlist("X-Request-ID") == ["set-by-service"]
    assert response.raw.headers.getlist("X-Frame-Options") == ["DENY"]


def test_websocket_upgrade_headers_reach_notifications(gateway):
    received = requests.get(
        f"{gateway}/socket.io/?EIO=4&transport=websocket",
        headers={"Upgrade": "websocket", "Connection": "Upgrade"},
        timeout=5,
    ).json()["headers"]
    assert received["upgrade"] == "websocket"
    assert received["connection"].lower() == "upgrade"


def test_login_is_throttled_per_address_with_problem_json_429(gateway):
    statuses = [
        requests.post(f"{gateway}/api/auth/login", json={}, timeout=5).status_code
        for _ in range(12)
    ]
    assert statuses[0] == 200
    assert 429 in statuses
    throttled = requests.post(f"{gateway}/api/auth/login", json={}, timeout=5)
    assert throttled.status_code == 429
    assert throttled.headers["Content-Type"] == "application/problem+json"
    assert throttled.json()["code"] == "too_many_requests"
    # Reads of other auth routes are not counted against the login budget.
    assert requests.get(f"{gateway}/api/auth/me", timeout=5).status_code == 200

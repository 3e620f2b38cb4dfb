"""The gateway template run by a real nginx: routing, forwarding, throttling and its own errors."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
import requests
from gateway_client import SECURITY_HEADERS, RawResponse, assert_gateway_problem


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


def test_service_errors_pass_through_untouched(gateway):
    response = requests.get(f"{gateway}/api/rooms/service-error", timeout=5)
    assert response.status_code == 404
    assert response.json() == {"code": "room_not_found"}


def test_security_headers_are_on_success_and_error_responses(gateway):
    for path in ("/", "/api/rooms", "/api/nowhere", "/api/pms/status"):
        response = requests.get(gateway + path, timeout=10)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)
        assert "Access-Control-Allow-Origin" not in response.headers
        assert response.headers["Server"] == "nginx"


def test_sockets_may_connect_only_to_the_gateways_own_origin(gateway):
    csp = requests.get(gateway + "/", timeout=5).headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    # 'self' covers same-origin ws:/wss: (CSP 3); bare ws: / wss: would allow any host.
    assert directives["connect-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_permissions_policy_turns_off_device_features_everywhere(gateway):
    for path in ("/", "/api/rooms", "/api/nowhere"):
        policy = requests.get(gateway + path, timeout=5).headers["Permissions-Policy"]
        features = dict(item.strip().split("=") for item in policy.split(","))
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features[feature] == "()", (path, feature)


def test_a_services_own_security_headers_are_replaced_not_added(gateway):
    response = requests.get(f"{gateway}/api/rooms/own-request-id", timeout=5)
    for name in SECURITY_HEADERS:
        assert len(response.raw.headers.getlist(name)) == 1, name


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


def _send(gateway: str, path: str, count: int, source: str, method: str = "POST") -> list:
    """`count` requests to `path` back to back on one keep-alive connection from `source`."""
    address = urlsplit(gateway)
    connection = http.client.HTTPConnection(
        address.hostname, address.port, timeout=10, source_address=(source, 0)
    )
    answers = []
    try:
        for _ in range(count):
            connection.request(
                method, path, body=b"{}", headers={"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            answers.append(RawResponse(response.status, response.headers, response.read()))
    finally:
        connection.close()
    return answers


@pytest.mark.parametrize(
    ("path", "source"), [("/api/auth/login", "127.0.0.21"), ("/api/auth/guest-login", "127.0.0.22")]
)
def test_a_whole_shift_signs_in_from_one_address_at_once(gateway, path, source):
    # 7 a.m.: 15 staff behind the hotel's one public address; nginx is only a flood guard
    # (DESIGN §7), so every sign-in reaches auth, which does the counting.
    answers = _send(gateway, path, 15, source)
    assert [answer.status_code for answer in answers] == [200] * 15
    assert all(answer.json()["service"] == "auth" for answer in answers)


def test_a_login_flood_from_one_address_gets_problem_json_429(gateway):
    answers = _send(gateway, "/api/auth/login", 300, "127.0.0.23")
    statuses = [answer.status_code for answer in answers]
    assert 429 in statuses
    # The whole burst (60) passed before the guard cut in.
    assert statuses.index(429) > 60
    throttled = answers[statuses.index(429)]
    assert_gateway_problem(throttled, 429, "too_many_requests")
    assert int(throttled.headers["Retry-After"]) > 0
    # Another address, and this one's other requests, are not held back.
    assert _send(gateway, "/api/auth/login", 1, "127.0.0.24")[0].status_code == 200
    assert _send(gateway, "/api/auth/me", 1, "127.0.0.23", method="GET")[0].status_code == 200

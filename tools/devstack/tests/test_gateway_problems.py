"""Every answer through the gateway is problem+json (issue 10, L3): nginx answers each malformed,
over-long or unroutable request itself, in RFC 9457 form, before gunicorn could answer in HTML;
a service's own problem answers pass through as the service wrote them."""

from __future__ import annotations

import pytest
import requests
from gateway_client import assert_gateway_problem, raw_request, request_bytes

GATEWAY_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


@pytest.mark.parametrize("method", [b"TRACE", b"CONNECT", b"PROPFIND", b"FOO"])
def test_methods_no_route_has_answer_405_with_allow(gateway, method):
    response = raw_request(gateway, request_bytes(b"/api/rooms", method=method))
    assert_gateway_problem(response, 405, "method_not_allowed")
    allowed = {name.strip() for name in response.headers["Allow"].split(",")}
    assert allowed == GATEWAY_METHODS


@pytest.mark.parametrize(
    "target", [b"/api/rooms/%00", b"/api/rooms/a%00b", b"/%00", b"/api/rooms/\x00"]
)
def test_nul_in_the_path_answers_400(gateway, target):
    response = raw_request(gateway, request_bytes(target))
    assert_gateway_problem(response, 400, "bad_request")


def test_a_9_kb_header_answers_431(gateway):
    response = requests.get(f"{gateway}/api/rooms", headers={"X-Big": "a" * 9216}, timeout=5)
    assert_gateway_problem(response, 431, "request_header_too_large")


def test_headers_over_16_kb_together_answer_431(gateway):
    headers = {f"X-Part-{index}": "a" * 1000 for index in range(20)}
    response = requests.get(f"{gateway}/api/rooms", headers=headers, timeout=5)
    assert_gateway_problem(response, 431, "request_header_too_large")


def test_an_8_kb_uri_answers_414(gateway):
    response = requests.get(f"{gateway}/api/rooms/{'a' * 8192}", timeout=5)
    assert_gateway_problem(response, 414, "uri_too_long")


def test_a_very_long_request_line_answers_414(gateway):
    response = raw_request(gateway, request_bytes(b"/api/rooms?q=" + b"a" * 65536))
    assert_gateway_problem(response, 414, "uri_too_long")


def test_a_body_over_the_limit_answers_413(gateway):
    response = requests.post(f"{gateway}/api/rooms", data=b"x" * 4096, timeout=5)
    problem = assert_gateway_problem(response, 413, "payload_too_large")
    assert "1k" in problem["detail"]


def test_a_service_that_is_down_answers_503_with_retry_after(gateway):
    # pms-adapter's upstream is a closed port: nginx's own 502 becomes the one 503 problem.
    response = requests.get(f"{gateway}/api/pms/status", timeout=10)
    assert_gateway_problem(response, 503, "service_unavailable")
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("path", ["/api/nowhere", "/nope.html", "/_problem/not_found"])
def test_unknown_paths_answer_404(gateway, path):
    assert_gateway_problem(requests.get(gateway + path, timeout=5), 404, "not_found")


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"GET /api/rooms HTTP/9.9\r\nHost: hotel.test\r\n\r\n", 505, "http_version_not_supported"),
        (b"GET /api/rooms HTTP/1.1\r\n\r\n", 400, "bad_request"),  # no Host
        (b"get /api/rooms HTTP/1.1\r\nHost: hotel.test\r\n\r\n", 400, "bad_request"),
        (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 40, 400, "bad_request"),
        (request_bytes(b"/api/rooms", b"POST", b"Content-Length: -1\r\n"), 400, "bad_request"),
        (
            request_bytes(b"/api/rooms", b"POST", b"Transfer-Encoding: gzip\r\n"),
            501,
            "not_implemented",
        ),
        (request_bytes(b"/../../etc/passwd"), 400, "bad_request"),
    ],
)
def test_other_malformed_requests_answer_problem_json(gateway, data, status, code):
    assert_gateway_problem(raw_request(gateway, data), status, code)


def test_problem_request_id_is_the_one_the_gateway_sends(gateway):
    response = requests.get(f"{gateway}/api/nowhere", headers={"X-Request-ID": "desk-7"}, timeout=5)
    assert response.headers["X-Request-ID"] == "desk-7"
    assert assert_gateway_problem(response, 404, "not_found")["requestId"] == "desk-7"


@pytest.mark.parametrize("status", [400, 404, 405, 413, 422, 429, 500, 503])
def test_a_services_own_problems_pass_through_untouched(gateway, status):
    response = requests.get(f"{gateway}/api/rooms/service-status/{status}", timeout=5)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json() == {"code": f"service_{status}", "status": status}
    # The service's own Allow and Retry-After, once, never the gateway's.
    assert response.raw.headers.getlist("Allow") == ["GET"]
    assert response.raw.headers.getlist("Retry-After") == ["30"]


# nginx, not gunicorn, answers over-long requests: a real gunicorn (the services' settings)
# behind the gateway takes everything up to nginx's limits, and nginx refuses just beyond them.


def _request_line_of(length: int) -> bytes:
    fixed = len(b"GET /api/rooms/ HTTP/1.1")
    return b"/api/rooms/" + b"a" * (length - fixed)


def test_gunicorn_takes_the_longest_request_line_nginx_lets_through(gunicorn_gateway):
    response = raw_request(gunicorn_gateway, request_bytes(_request_line_of(4094)))
    assert response.status_code == 200
    assert response.json()["answeredBy"] == "gunicorn"
    longer = raw_request(gunicorn_gateway, request_bytes(_request_line_of(4095)))
    assert_gateway_problem(longer, 414, "uri_too_long")


def test_gunicorn_takes_the_longest_header_nginx_lets_through(gunicorn_gateway):
    def header_of(length: int) -> dict[str, str]:
        return {"X-Big": "a" * (length - len("X-Big: "))}

    response = requests.get(f"{gunicorn_gateway}/api/rooms", headers=header_of(4094), timeout=5)
    assert response.status_code == 200
    assert response.json()["answeredBy"] == "gunicorn"
    for length in (4095, 8190, 9216):
        longer = requests.get(f"{gunicorn_gateway}/api/rooms", headers=header_of(length), timeout=5)
        assert_gateway_problem(longer, 431, "request_header_too_large")


@pytest.mark.parametrize(
    "target", [b"/api/rooms/%00", b"/api/rooms/" + b"a" * 8192, b"/api/rooms?q=" + b"a" * 65536]
)
def test_gunicorn_never_sees_what_nginx_refuses(gunicorn_gateway, target):
    response = raw_request(gunicorn_gateway, request_bytes(target))
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.status_code in (400, 414)


def test_many_small_headers_never_get_gunicorns_html(gunicorn_gateway):
    headers = {f"X-Part-{index}": "v" for index in range(150)}
    response = requests.get(f"{gunicorn_gateway}/api/rooms", headers=headers, timeout=5)
    if response.status_code != 200:
        assert_gateway_problem(response, 431, "request_header_too_large")

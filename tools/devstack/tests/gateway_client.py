"""Raw HTTP for the gateway tests: bytes no well-behaved client library would send (a NUL in the
path, TRACE, HTTP/9.9, an 8 KB request line), read back with http.client's response parser."""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        "base-uri 'self'; form-action 'self'"
    ),
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=(), serial=(), hid=()"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@dataclass
class RawResponse:
    """The parts of a `requests.Response` the assertions use."""

    status_code: int
    headers: http.client.HTTPMessage
    content: bytes

    def json(self):
        return json.loads(self.content)


def raw_request(base_url: str, data: bytes, source: str | None = None) -> RawResponse:
    """Send `data` as-is on a new connection (from `source`, a 127.x.y.z address, if given)."""
    address = urlsplit(base_url)
    with socket.create_connection(
        (address.hostname, address.port),
        timeout=10,
        source_address=(source, 0) if source else None,
    ) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return RawResponse(response.status, response.headers, response.read())


def request_bytes(target: bytes, method: bytes = b"GET", headers: bytes = b"") -> bytes:
    return (
        method
        + b" "
        + target
        + b" HTTP/1.1\r\nHost: hotel.test\r\n"
        + headers
        + (b"Connection: close\r\n\r\n")
    )


def assert_gateway_problem(response, status: int, code: str) -> dict:
    """`response` (requests' or a RawResponse) is the gateway's own RFC 9457 problem, with
    the security headers every answer carries."""
    assert response.status_code == status
    headers = response.headers
    assert headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == f"urn:hotel-ops:problem:{code}"
    assert problem["status"] == status
    assert problem["code"] == code
    assert problem["title"]
    assert problem["detail"]
    assert problem["requestId"] == headers["X-Request-ID"]
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value, name
    return problem

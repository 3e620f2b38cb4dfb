"""A local Web Push service for tests: a browser's side of a subscription, and an HTTP endpoint
that records what a sender delivered and checks it as a real push service would.

No push service is reachable from the test machine, so a test subscribes a `BrowserDevice`
(a P-256 key pair and auth secret made here, as a browser makes them) with an endpoint on a
`LocalPushService`, lets the sender deliver, then reads `service.received`: each request's
VAPID header verified (RFC 8292: ES256 JWT, `aud` the endpoint's origin, `exp` in the future,
`k` the server's public key) and its body decrypted (RFC 8291 aes128gcm) with the device's key.

Test-only code (needs `http_ece` and PyJWT); nothing at run time imports it.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class BrowserDevice:
    """What a browser keeps for one push subscription: its key pair and auth secret."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def subscription(self, endpoint: str) -> dict[str, Any]:
        """The body of `PushSubscription.toJSON()` for `endpoint`."""
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)},
        }

    def decrypt(self, body: bytes) -> bytes:
        import http_ece

        return http_ece.decrypt(
            body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )


@dataclass
class PushRequest:
    """One request the local push service received, with its VAPID header checked."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int  # what the service answered
    vapid_claims: dict[str, Any] | None = None  # the verified JWT claims
    vapid_key: str | None = None  # the `k` of the Authorization header
    vapid_error: str | None = None

    def payload(self, device: BrowserDevice) -> dict[str, Any]:
        """The decrypted push message, as the device's service worker would read it."""
        return json.loads(device.decrypt(self.body))


def verify_vapid(authorization: str, origin: str) -> tuple[dict[str, Any], str]:
    """Check `Authorization: vapid t=<JWT>, k=<key>` for `origin`; (claims, k) or ValueError."""
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"scheme {scheme!r}, not vapid")
    parts = dict(part.strip().split("=", 1) for part in params.split(",") if "=" in part)
    token, key = parts.get("t"), parts.get("k")
    if not token or not key:
        raise ValueError("t= and k= are both required")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    claims = jwt.decode(
        token,
        public,
        algorithms=["ES256"],
        audience=origin,
        options={"require": ["aud", "exp", "sub"]},
    )
    if claims["exp"] <= time.time():
        raise ValueError("exp is not in the future")
    return claims, key


class LocalPushService:
    """An HTTP push endpoint on 127.0.0.1 recording every request. `answer(status, ...)` queues
    the statuses of the next requests (then 201, as push services answer a delivery)."""

    def __init__(self) -> None:
        self.received: list[PushRequest] = []
        self._answers: deque[int] = deque()
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with service._lock:
                    status = service._answers.popleft() if service._answers else 201
                request = PushRequest(
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    status=status,
                )
                try:
                    request.vapid_claims, request.vapid_key = verify_vapid(
                        request.headers.get("authorization", ""), service.origin
                    )
                except Exception as error:  # recorded for the test to see
                    request.vapid_error = f"{type(error).__name__}: {error}"
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with service._arrived:
                    service.received.append(request)
                    service._arrived.notify_all()

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def endpoint(self, name: str = "device") -> str:
        """A subscription URL on this service (one per device)."""
        return f"{self.origin}/push/{name}"

    def answer(self, *statuses: int) -> None:
        with self._lock:
            self._answers.extend(statuses)

    def wait_for(self, count: int, timeout: float = 15.0) -> list[PushRequest]:
        """Block until `count` requests have arrived; all of them, or AssertionError."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"{count} push requests expected, {len(self.received)} arrived"
                    )
                self._arrived.wait(left)
            return list(self.received)

    def to(self, endpoint: str) -> list[PushRequest]:
        path = urlsplit(endpoint).path
        with self._lock:
            return [request for request in self.received if request.path == path]

    def __enter__(self) -> LocalPushService:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

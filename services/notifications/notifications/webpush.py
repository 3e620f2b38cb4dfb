"""The Web Push adapter: the VAPID key pair, one send through pywebpush (RFC 8291 aes128gcm
encryption, RFC 8292 VAPID), and the worker's sender loop over `push_queue`.

Nothing here runs in a web request: routes and event handlers only queue pushes in their
transaction; the worker (consumer.py) sends them after the commit, with retries.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from notifications.config import PushSettings

log = logging.getLogger("notifications.push")


# --- the VAPID key pair -------------------------------------------------------------------------


@dataclass(frozen=True)
class VapidKeys:
    vapid: Vapid

    @property
    def public_key(self) -> str:
        """URL-safe base64 (unpadded) of the uncompressed P-256 point: what a browser's
        `pushManager.subscribe({applicationServerKey})` takes."""
        raw = self.vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class KeyStore(Protocol):
    def vapid_private_key(self, candidate_pem: str) -> str: ...


def generate_private_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def parse_private_key(text: str) -> Vapid:
    """A P-256 private key as PEM, or base64url of its raw 32 bytes or of its DER."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ValueError("VAPID_PRIVATE_KEY must be a P-256 (prime256v1) EC key")
        return Vapid(key)
    return Vapid.from_string(private_key=text)


def load_vapid_keys(settings: PushSettings, stores: KeyStore) -> VapidKeys:
    """The configured key, or the service's stored one (made on the first start, atomically)."""
    if settings.vapid_private_key:
        return VapidKeys(parse_private_key(settings.vapid_private_key))
    return VapidKeys(parse_private_key(stores.vapid_private_key(generate_private_pem())))


class LazyVapidKeys:
    """A web process's keys, read from the database on first use (after gunicorn forks)."""

    def __init__(self, settings: PushSettings, stores_factory: Any) -> None:
        self._settings = settings
        self._stores_factory = stores_factory
        self._keys: VapidKeys | None = None
        self._lock = threading.Lock()

    def get(self) -> VapidKeys:
        with self._lock:
            if self._keys is None:
                self._keys = load_vapid_keys(self._settings, self._stores_factory())
            return self._keys


# --- one send -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PushResult:
    status: int | None  # None: no answer (network error, timeout)
    error: str | None = None
    retry_after_s: float | None = None


class PushClient(Protocol):
    def send(
        self, subscription: Mapping[str, Any], payload: Mapping[str, Any], ttl_s: int
    ) -> PushResult: ...


class WebPushClient:
    """Sends through pywebpush: the payload encrypted for the device, signed with our key."""

    def __init__(self, keys: VapidKeys, subject: str, timeout_s: float) -> None:
        self._keys = keys
        self._subject = subject
        self._timeout_s = timeout_s
        self._http = requests.Session()

    def send(
        self, subscription: Mapping[str, Any], payload: Mapping[str, Any], ttl_s: int
    ) -> PushResult:
        info = {"endpoint": subscription["endpoint"], "keys": dict(subscription["keys"])}
        try:
            response = webpush(
                info,
                data=json.dumps(payload, separators=(",", ":")),
                vapid_private_key=self._keys.vapid,
                # A fresh dict each time: pywebpush fills in aud (the endpoint's origin) and exp.
                vapid_claims={"sub": self._subject},
                content_encoding="aes128gcm",
                ttl=ttl_s,
                timeout=self._timeout_s,
                requests_session=self._http,
            )
        except WebPushException as error:
            response = error.response
            if response is None:
                return PushResult(None, str(error).splitlines()[0])
            return PushResult(
                response.status_code,
                f"{response.status_code} {response.reason}",
                _seconds(response.headers.get("Retry-After")),
            )
        except requests.RequestException as error:
            return PushResult(None, f"{type(error).__name__}: {error}")
        return PushResult(response.status_code)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: the back-off decides


# --- the worker's loop ----------------------------------------------------------------------------


class PushSender:
    """Sends due pushes every `poll_interval_s`, or at once when woken (after a commit that
    queued some in this process)."""

    def __init__(self, send_due: Any, poll_interval_s: float) -> None:
        self._send_due = send_due
        self._poll_interval_s = poll_interval_s
        self._wake = threading.Event()
        self.stop = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def run(self) -> None:
        while not self.stop.is_set():
            self._wake.clear()
            try:
                self._send_due()
            except Exception:  # the loop must outlive a Mongo outage or a bad entry
                log.exception("sending queued pushes failed")
            self._wake.wait(self._poll_interval_s)

    def start(self) -> PushSender:
        threading.Thread(target=self.run, name="push-sender", daemon=True).start()
        return self

    def close(self) -> None:
        self.stop.set()
        self._wake.set()

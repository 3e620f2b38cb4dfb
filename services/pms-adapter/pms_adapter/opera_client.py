"""HTTP client of OPERA Cloud's OHIP APIs: OAuth, the required headers, errors, the breaker.

Bodies come from and go to `translate.py`; this module knows paths, headers and status codes.
A refusal OPERA understood (4xx other than 401/429) is `PmsRejected`; anything that says "not now"
(no answer, a timeout, a dropped connection, 5xx, 429, an open breaker) is `PmsUnavailable`.
"""

from __future__ import annotations

import base64
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests

from pms_adapter.breaker import CircuitBreaker

TOKEN_REFRESH_MARGIN_S = 600  # Oracle: a new token every 50 minutes of the 60
SCOPE = "urn:opc:hgbu:ws:__myscopes__"
MAX_EVENTS_PER_POLL = 20


class PmsUnavailable(Exception):
    """The PMS did not answer usefully; the work stays queued for a later attempt."""


class CircuitOpen(PmsUnavailable):
    """The breaker is open: no call was made."""


class PmsRejected(Exception):
    """The PMS understood and refused (400/403/404...): retrying the same call will not help."""

    def __init__(self, status: int, detail: str, code: str | None = None):
        super().__init__(f"{status} {code or ''} {detail}".strip())
        self.status, self.detail, self.code = status, detail, code


@dataclass(frozen=True)
class PmsSettings:
    base_url: str
    client_id: str
    client_secret: str
    app_key: str
    hotel_id: str
    external_system: str = "HOTELOPS"
    timeout_s: float = 5.0


class OperaClient:
    def __init__(
        self,
        settings: PmsSettings,
        breaker: CircuitBreaker | None = None,
        session: requests.Session | None = None,
    ):
        self.settings = settings
        self.breaker = breaker or CircuitBreaker()
        self.http = session or requests.Session()
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock = threading.Lock()
        self.last_success_at: float | None = None
        self.last_error: str | None = None

    # --- operations ----------------------------------------------------------------------------

    def put_room_status(self, body: dict[str, Any]) -> None:
        self._call("PUT", f"/hsk/v1/hotels/{self._hotel}/rooms/status", json=body)

    def post_out_of_order(self, kind: str, body: dict[str, Any]) -> None:
        collection = "outOfOrderRooms" if kind == "OutOfOrder" else "outOfServiceRooms"
        self._call("POST", f"/hsk/v1/hotels/{self._hotel}/rooms/{collection}", json=body)

    def housekeeping_overview(self, limit: int = 100, offset: int = 0) -> dict | None:
        return self._call(
            "GET",
            f"/hsk/v1/hotels/{self._hotel}/housekeepingOverview",
            params={"limit": limit, "offset": offset},
        )

    def search_reservations(self, params: dict[str, Any]) -> dict | None:
        return self._call("GET", f"/rsv/v1/hotels/{self._hotel}/reservations", params=params)

    def get_reservation(self, reservation_id: str) -> dict | None:
        path = f"/rsv/v1/hotels/{self._hotel}/reservations/{reservation_id}"
        return self._call("GET", path)

    def check_in(self, reservation_id: str, body: dict[str, Any]) -> dict | None:
        path = f"/fof/v1/hotels/{self._hotel}/reservations/{reservation_id}/checkIns"
        return self._call("POST", path, json=body)

    def check_out(self, reservation_id: str, body: dict[str, Any]) -> dict | None:
        path = f"/csh/v1/hotels/{self._hotel}/reservations/{reservation_id}/checkOuts"
        return self._call("POST", path, json=body)

    def post_charges(self, reservation_id: str, body: dict[str, Any]) -> dict | None:
        path = f"/csh/v1/hotels/{self._hotel}/reservations/{reservation_id}/charges"
        return self._call("POST", path, json=body)

    def get_charges(self, reservation_id: str) -> dict | None:
        path = f"/csh/v1/hotels/{self._hotel}/reservations/{reservation_id}/charges"
        return self._call("GET", path)

    def business_events(self) -> dict | None:
        code = self.settings.external_system
        path = f"/int/v1/externalSystem/{code}/hotels/{self._hotel}/businessEvents"
        return self._call("GET", path, params={"limit": MAX_EVENTS_PER_POLL})

    # --- plumbing ------------------------------------------------------------------------------

    @property
    def _hotel(self) -> str:
        return self.settings.hotel_id

    def _call(self, method: str, path: str, **kwargs: Any) -> dict | None:
        if not self.breaker.allow():
            raise CircuitOpen("circuit open: not calling the PMS for now")
        try:
            response = self._send(method, path, **kwargs)
            if response.status_code == 401:  # expired or revoked token: one fresh try
                self._token = None
                response = self._send(method, path, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as error:
            self._failed(f"{method} {path}: {type(error).__name__}")
            raise PmsUnavailable(str(error)) from error
        except PmsUnavailable as error:  # no token: the PMS refused or failed the OAuth call
            self._failed(str(error))
            raise
        status = response.status_code
        if status >= 500 or status in (401, 429):
            self._failed(f"{method} {path}: HTTP {status}")
            raise PmsUnavailable(f"{method} {path} answered {status}")
        self._succeeded()
        if status >= 400:
            problem = _json(response) or {}
            raise PmsRejected(
                status, problem.get("detail") or response.reason, problem.get("o:errorCode")
            )
        return None if status == 204 else _json(response)

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {
            "authorization": f"Bearer {self._access_token()}",
            "x-app-key": self.settings.app_key,
            "x-hotelid": self._hotel,
            "x-request-id": str(uuid.uuid4()),
            "Accept": "application/json",
        }
        return self.http.request(
            method,
            self.settings.base_url.rstrip("/") + path,
            headers=headers,
            timeout=self.settings.timeout_s,
            **kwargs,
        )

    def _access_token(self) -> str:
        with self._lock:
            if self._token and time.monotonic() < self._token_expires:
                return self._token
            basic = f"{self.settings.client_id}:{self.settings.client_secret}".encode()
            response = self.http.post(
                self.settings.base_url.rstrip("/") + "/oauth/v1/tokens",
                data={"grant_type": "client_credentials", "scope": SCOPE},
                headers={
                    "authorization": "Basic " + base64.b64encode(basic).decode(),
                    "x-app-key": self.settings.app_key,
                },
                timeout=self.settings.timeout_s,
            )
            if response.status_code != 200:
                raise PmsUnavailable(f"token refused: HTTP {response.status_code}")
            grant = response.json()
            self._token = grant["access_token"]
            lifetime = float(grant.get("expires_in") or 3600)
            self._token_expires = time.monotonic() + max(
                lifetime - TOKEN_REFRESH_MARGIN_S, lifetime / 2
            )
            return self._token

    def _succeeded(self) -> None:
        self.breaker.record_success()
        self.last_success_at = time.time()
        self.last_error = None

    def _failed(self, reason: str) -> None:
        self.breaker.record_failure()
        self.last_error = reason


def _json(response: requests.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None

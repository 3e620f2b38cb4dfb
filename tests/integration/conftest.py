"""One isolated platform for the integration tests: real processes on free ports, behind nginx.

Every service runs scaled out, two web processes and two workers each (INTEGRATION_SCALE, a
devstack `--scale` value, changes it): the journeys hold with several processes behind the
gateway. The broker is a private RabbitMQ node so a test can kill -9 it and start it again
without touching the machine's own broker or a `make up` stack.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
import socketio

from hotel_devstack import Stack
from hotel_devstack.scale import parse_scale
from hotel_devstack.services import discover_services
from hotel_shared.demo import DEMO_PEOPLE
from hotel_shared.testing.servers import RabbitNode, find_repo_root, free_port

DEMO_PASSWORDS = {person.username: person.password for person in DEMO_PEOPLE}
SCALE = parse_scale(os.environ.get("INTEGRATION_SCALE") or "all=2")


@pytest.fixture(scope="session")
def platform_dir() -> Iterator[Path]:
    # Its own directory straight under /tmp, readable by nginx's workers (nobody): pytest's
    # per-user base directory is re-created 0700 by any other pytest run meanwhile.
    directory = Path(tempfile.mkdtemp(prefix="hotel-integration-"))
    directory.chmod(0o755)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def rabbit(platform_dir: Path) -> Iterator[RabbitNode]:
    node = RabbitNode(port=free_port(), base_dir=str(platform_dir / "rabbitmq"))
    node.start()
    try:
        node.wait_ready()
        yield node
    finally:
        node.stop()


@pytest.fixture(scope="session")
def stack(platform_dir: Path, rabbit: RabbitNode) -> Iterator[Stack]:
    repo_root = find_repo_root()
    services = discover_services(repo_root / "services")
    platform = Stack(
        repo_root,
        var_dir=platform_dir / "var",
        ports={service.name: free_port() for service in services},
        gateway_port=free_port(),
        mongo_port=free_port(),
        amqp_url=rabbit.url,
        login_rate="100r/s",
        # One gunicorn worker per process: the platform keeps two per service, as unscaled.
        web_concurrency=1 if max(SCALE.values()) > 1 else 2,
        scale=SCALE,
        ready_timeout=90,
        # Short retry delays so a failed delivery during the broker test is retried quickly.
        extra_env={
            "EVENT_RETRY_DELAYS_MS": "200,500,1000,2000",
            # The tests' local push service listens on loopback (no push service is reachable).
            "NOTIFICATIONS_PUSH_ALLOW_LOCAL_ENDPOINTS": "true",
        },
    )
    try:
        platform.up()
        yield platform
    finally:
        platform.down()


class Gateway:
    """HTTP through the gateway, with tokens of the demo users."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self._tokens: dict[str, str] = {}

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def request(self, method: str, path: str, *, as_user: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if as_user is not None:
            headers["Authorization"] = f"Bearer {self.token(as_user)}"
        return self.http.request(method, self.url(path), headers=headers, timeout=10, **kwargs)

    def login(self, username: str, password: str | None = None) -> requests.Response:
        body = {"username": username, "password": password or DEMO_PASSWORDS[username]}
        return self.http.post(self.url("/api/auth/login"), json=body, timeout=10)

    def token(self, username: str) -> str:
        if username not in self._tokens:
            response = self.login(username)
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["accessToken"]
        return self._tokens[username]


@pytest.fixture(scope="session")
def gateway(stack: Stack) -> Gateway:
    return Gateway(stack.gateway_url)


def eventually(probe: Callable[[], object], *, timeout: float = 15.0, interval: float = 0.1):
    """Poll until `probe` returns something truthy; return it, or fail naming what was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{getattr(probe, '__doc__', None) or probe} did not happen in {timeout}s")
        time.sleep(interval)


class Listener:
    """A python-socketio client that records every event it hears, with the payload."""

    def __init__(self, url: str, token: str, transports: list[str] | None = None) -> None:
        self.events: list[tuple[str, dict]] = []
        self._lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.client.connect(url, auth={"token": token}, transports=transports, wait_timeout=10)

    def _record(self, event: str, payload: dict) -> None:
        with self._lock:
            self.events.append((event, payload))

    def everything(self) -> list[tuple[str, dict]]:
        """Every (event, payload) heard so far, in the order heard."""
        with self._lock:
            return list(self.events)

    def heard(self, event: str, **fields) -> list[dict]:
        with self._lock:
            return [
                payload
                for name, payload in self.events
                if name == event and all(payload.get(k) == v for k, v in fields.items())
            ]

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture
def listen(gateway) -> Iterator:
    listeners: list[Listener] = []

    def open_listener(
        username: str,
        url: str | None = None,
        transports: list[str] | None = None,
        token: str | None = None,
    ) -> Listener:
        token = token or gateway.token(username)
        listener = Listener(url or gateway.base_url, token, transports)
        listeners.append(listener)
        return listener

    yield open_listener
    for listener in listeners:
        listener.close()

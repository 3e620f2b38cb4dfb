"""Devstack test fixtures: the repo root and a real nginx, rendered from the gateway template, in
front of recording HTTP servers or of a real gunicorn."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from hotel_devstack.gateway import LIMIT_DEFAULTS, LocalGateway
from hotel_devstack.services import DEFAULT_PORTS
from hotel_shared.testing.servers import find_repo_root, free_port, port_answers

REPO_ROOT = find_repo_root(Path(__file__))


class RecordingHandler(BaseHTTPRequestHandler):
    """Answers every request with JSON describing what it received, as a service would see it."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        extra_headers = {}
        if self.path.endswith("/service-error"):
            payload, status, content_type = (
                b'{"code":"room_not_found"}',
                404,
                "application/problem+json",
            )
        elif "/service-status/" in self.path:
            # A service's own error, e.g. /api/rooms/service-status/503: its own Allow and
            # Retry-After, which the gateway must neither replace nor repeat.
            status = int(self.path.rsplit("/", 1)[1])
            payload = json.dumps({"code": f"service_{status}", "status": status}).encode()
            content_type = "application/problem+json"
            extra_headers = {"Allow": "GET", "Retry-After": "30"}
        else:
            record = {
                "service": self.server.service_name,
                "port": self.server.server_port,
                "method": self.command,
                "path": self.path,
                "headers": {key.lower(): value for key, value in self.headers.items()},
                "bodyLength": len(body),
            }
            payload, status, content_type = json.dumps(record).encode(), 200, "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra_headers.items():
            self.send_header(name, value)
        if self.path.endswith("/own-request-id"):
            self.send_header("X-Request-ID", "set-by-service")
            self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # http.server dispatches on this exact name
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, *args) -> None:
        pass


def start_recording_server(service_name: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), RecordingHandler)
    server.service_name = service_name
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def open_tmp_path():
    """A temp dir nginx's unprivileged workers can enter (pytest's own tmp_path is 0700)."""
    path = Path(tempfile.mkdtemp(prefix="hotel-devstack-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@contextmanager
def running_gateway(upstreams: Mapping[str, str | list[str]], **variables: str) -> Iterator[str]:
    """nginx rendered from the real template with `upstreams` (service name -> host:port, or a
    list of them for a scaled service) and the given template values; yields its base URL."""
    base = Path(tempfile.mkdtemp(prefix="hotel-gateway-"))
    base.chmod(0o755)
    web_root = base / "web"
    web_root.mkdir(mode=0o755)
    (web_root / "index.html").write_text("<!doctype html><title>hotel</title>")
    (web_root / "index.html").chmod(0o644)
    port = free_port()
    values = {
        f"{name.upper().replace('-', '_')}_UPSTREAM": address for name, address in upstreams.items()
    }
    values.update(GATEWAY_PORT=str(port), WEB_ROOT=str(web_root), **variables)
    local = LocalGateway(REPO_ROOT, base / "nginx")
    local.render(values)
    local.check()
    process = subprocess.Popen(local.foreground_argv(), start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while not port_answers("127.0.0.1", port):
            assert process.poll() is None, local.error_log.read_text()
            assert time.monotonic() < deadline, "nginx did not open its port"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def gateway():
    """nginx rendered from the real template; every service but pms-adapter is a recording
    server, pms-adapter points at a closed port so its routes show nginx's own error."""
    servers = {
        name: start_recording_server(name) for name in DEFAULT_PORTS if name != "pms-adapter"
    }
    upstreams = {name: f"127.0.0.1:{server.server_port}" for name, server in servers.items()}
    upstreams["pms-adapter"] = f"127.0.0.1:{free_port()}"
    try:
        with running_gateway(
            upstreams,
            # The login flood guard as shipped: the shift-change test needs the real numbers.
            LOGIN_RATE=LIMIT_DEFAULTS["LOGIN_RATE"],
            LOGIN_BURST=LIMIT_DEFAULTS["LOGIN_BURST"],
            CLIENT_MAX_BODY_SIZE="1k",
        ) as url:
            yield url
    finally:
        for server in servers.values():
            server.shutdown()


@pytest.fixture(scope="module")
def gunicorn_gateway():
    """nginx in front of one real gunicorn (the services' own gunicorn settings, one worker)
    serving tests/gunicorn_echo.py for every service: shows which of the two answers a request."""
    port = free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [
            str(gunicorn),
            "-c",
            str(REPO_ROOT / "shared" / "hotel_shared" / "gunicorn_conf.py"),
            "--chdir",
            str(Path(__file__).parent),
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "gunicorn_echo:app",
        ],
        env={**os.environ, "WEB_CONCURRENCY": "1", "WEB_THREADS": "4"},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not port_answers("127.0.0.1", port):
            assert process.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not open its port"
            time.sleep(0.05)
        upstreams = dict.fromkeys(DEFAULT_PORTS, f"127.0.0.1:{port}")
        with running_gateway(upstreams, **{**LIMIT_DEFAULTS, "CLIENT_MAX_BODY_SIZE": "1k"}) as url:
            yield url
    finally:
        process.terminate()
        process.wait(timeout=20)

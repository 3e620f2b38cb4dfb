"""What the bench measures against: an isolated platform stack, the bare-Flask baseline, a login."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

from hotel_devstack import Stack
from hotel_devstack.services import DEFAULT_PORTS
from loadgen import BenchError

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
DEMO_LOGIN = {"username": "admin", "password": "admin-demo-pass"}
# P4's Socket.IO clients and PATCHes: a supervisor may move rooms Clean <-> Inspected and is in
# the audience of room.status_changed (role:supervisor, dept:housekeeping).
SUPERVISOR_LOGIN = {"username": "supervisor", "password": "supervisor-demo-pass"}


def free_ports(count: int) -> list[int]:
    """`count` distinct free loopback ports (all held open while choosing, so none repeats)."""
    with ExitStack() as sockets:
        ports = []
        for _ in range(count):
            sock = sockets.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
        return ports


@contextmanager
def work_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="hotel-bench-"))
    path.chmod(0o755)  # nginx's unprivileged workers must be able to enter it
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def isolated_stack(base: Path, scale: dict[str, int] | None = None) -> Iterator[Stack]:
    """The whole platform under `base` as `make up` runs it (INFO request logs, metrics), but on
    free ports with a private broker, so it never touches a `make up` stack or its queues;
    `scale` as `make up SCALE=...`."""
    gateway, mongo, rabbit, *service_ports = free_ports(3 + len(DEFAULT_PORTS))
    stack = Stack(
        REPO_ROOT,
        var_dir=base / "var",
        ports=dict(zip(DEFAULT_PORTS, service_ports, strict=True)),
        gateway_port=gateway,
        mongo_port=mongo,
        private_broker=True,
        rabbit_port=rabbit,
        ready_timeout=120,
        scale=scale,
    )
    with stack:
        yield stack


def wait_until_ok(url: str, process: subprocess.Popen, log_path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise BenchError(
                f"{url} did not answer 200; {log_path}:\n{log_path.read_text()[-2000:]}"
            )
        time.sleep(0.2)


@contextmanager
def baseline_server(base: Path) -> Iterator[str]:
    """bench/baseline_app.py under `gunicorn --config python:hotel_shared.gunicorn_conf`, with
    the environment the services get (so WEB_CONCURRENCY / WEB_THREADS apply alike)."""
    (port,) = free_ports(1)
    argv = [str(Path(sys.executable).parent / "gunicorn"), "--config"]
    argv += ["python:hotel_shared.gunicorn_conf", "--bind", f"127.0.0.1:{port}"]
    argv += ["--control-socket", str(base / "baseline-gunicorn.ctl"), "--chdir", str(BENCH_DIR)]
    with _server([*argv, "baseline_app:app"], port, base / "baseline.log") as url:
        yield url


@contextmanager
def socketio_baseline_server(base: Path) -> Iterator[str]:
    """bench/socketio_baseline.py: a bare python-socketio server on eventlet (P4_baseline)."""
    (port,) = free_ports(1)
    argv = [sys.executable, str(BENCH_DIR / "socketio_baseline.py"), "--port", str(port)]
    with _server(argv, port, base / "socketio-baseline.log") as url:
        yield url


@contextmanager
def _server(argv: list[str], port: int, log_path: Path) -> Iterator[str]:
    """Run `argv` in its own process group until `GET /ping` answers 200; stop it at the end."""
    env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            argv,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ok(f"{url}/ping", process, log_path)
        yield url
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen, grace: float = 25) -> None:
    """SIGTERM the process's group, then SIGKILL whatever of it is left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass


def login(gateway_url: str, credentials: dict[str, str] = DEMO_LOGIN) -> str:
    """An access token (the demo admin's by default), through the gateway like any client."""
    response = requests.post(f"{gateway_url}/api/auth/login", json=credentials, timeout=10)
    if response.status_code != 200:
        raise BenchError(
            f"login as {credentials['username']} failed: {response.status_code} "
            f"{response.text[:500]}"
        )
    return response.json()["accessToken"]


def expect_ok(url: str, headers: dict[str, str]) -> None:
    """One request before any load, so a 401 or 404 is never mistaken for throughput."""
    response = requests.get(url, headers=headers, timeout=10)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}: {response.text[:500]}")

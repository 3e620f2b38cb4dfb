"""Launchers for local infrastructure (SecantusDB, a private RabbitMQ node, a service under
gunicorn): tests and devstack."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def amqp_answers(url: str, timeout: float = 2.0) -> bool:
    """True when an AMQP broker accepts a full login at `url` (an open port alone is not enough)."""
    import pika  # imported here so Mongo-only callers need not have pika

    params = pika.URLParameters(url)
    params.socket_timeout = timeout
    params.blocked_connection_timeout = timeout
    params.connection_attempts = 1
    if not port_answers(params.host, params.port, timeout=timeout):
        return False
    try:
        connection = pika.BlockingConnection(params)
    except Exception:
        return False
    connection.close()
    return True


def find_repo_root(start: Path | None = None) -> Path | None:
    here = (start or Path(__file__)).resolve()
    for directory in [here, *here.parents]:
        if (directory / "Makefile").is_file() and (directory / "shared").is_dir():
            return directory
    return None


def find_secantusd() -> str:
    """Path of the SecantusDB launcher: $SECANTUSD_BIN, the repo's .venv-secantusdb, or PATH."""
    configured = os.environ.get("SECANTUSD_BIN")
    if configured:
        return configured
    repo = find_repo_root()
    if repo is not None:
        candidate = repo / ".venv-secantusdb" / "bin" / "secantusd-py"
        if candidate.is_file():
            return str(candidate)
    on_path = shutil.which("secantusd-py")
    if on_path:
        return on_path
    raise RuntimeError(
        "secantusd-py not found: run `make install` (it creates .venv-secantusdb) "
        "or set SECANTUSD_BIN to the launcher's path"
    )


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _kill_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


class _ManagedProcess:
    """A child started in its own process group, so one signal reaches every descendant."""

    process: subprocess.Popen | None = None
    log_path: Path

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _spawn(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        if self.is_running():
            return
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )

    def _fail_if_exited(self, what: str) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(
                f"{what} exited with code {self.process.returncode}; "
                f"last lines of {self.log_path}:\n{_tail(self.log_path)}"
            )

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash would; for fault tests."""
        if self.process is None:
            return
        _kill_group(self.process, signal.SIGKILL)
        self.process.wait()

    def _terminate(self, grace: float, first_signal_to_leader_only: bool = False) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            if first_signal_to_leader_only:
                self.process.send_signal(signal.SIGTERM)
            else:
                _kill_group(self.process, signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        # Even after a clean exit a straggler may remain in the group; SIGKILL it too.
        _kill_group(self.process, signal.SIGKILL)
        self.process.wait()

    def __enter__(self):
        self.start()
        self.wait_ready()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


class SecantusServer(_ManagedProcess):
    """SecantusDB (a MongoDB wire-protocol server) run as a subprocess; never imported (GPL)."""

    def __init__(self, port: int, storage_path: str | Path = ":memory:", log_path: str | Path = ""):
        self.port = port
        self.storage_path = str(storage_path)
        self.log_path = Path(log_path) if log_path else Path(f"/tmp/secantusd-{port}.log")

    @property
    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    def start(self) -> None:
        if self.storage_path != ":memory:":
            Path(self.storage_path).mkdir(parents=True, exist_ok=True)
        argv = [find_secantusd(), "--host", "127.0.0.1", "--port", str(self.port)]
        self._spawn([*argv, "--storage-path", self.storage_path])

    def wait_ready(self, timeout: float = 30) -> None:
        import pymongo

        deadline = time.monotonic() + timeout
        while True:
            self._fail_if_exited("secantusd-py")
            client = pymongo.MongoClient(self.url, serverSelectionTimeoutMS=500)
            try:
                client.admin.command("ping")
                return
            except pymongo.errors.PyMongoError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"SecantusDB on port {self.port} not ready after {timeout}s; "
                        f"last lines of {self.log_path}:\n{_tail(self.log_path)}"
                    ) from None
                time.sleep(0.2)
            finally:
                client.close()

    def stop(self) -> None:
        self._terminate(grace=10)


class RabbitNode(_ManagedProcess):
    """A private RabbitMQ node with its own data dir, so tests can kill -9 and restart it.

    Every path the node writes (Mnesia, logs, cookie in $HOME, config) lives under `base_dir`;
    start() after kill() reuses them, so durable queues and persistent messages survive.
    """

    def __init__(self, port: int, base_dir: str | Path, dist_port: int | None = None):
        self.port = port
        self.base_dir = Path(base_dir)
        self.dist_port = dist_port or free_port()
        self.nodename = f"hotel-{port}@localhost"
        self.log_path = self.base_dir / "log" / "console.log"

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"

    def _prepare_dirs(self) -> dict[str, str]:
        for name in ("mnesia", "log", "home", "conf"):
            (self.base_dir / name).mkdir(parents=True, exist_ok=True)
        conf = self.base_dir / "conf"
        (conf / "enabled_plugins").write_text("[].\n")
        # Our own env and config files, so /etc/rabbitmq (the system broker's) never applies.
        (conf / "rabbitmq-env.conf").write_text("")
        (conf / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            "loopback_users.guest = true\n"
            "log.console = true\n"
        )
        return {
            "HOME": str(self.base_dir / "home"),
            "RABBITMQ_NODENAME": self.nodename,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.base_dir / "mnesia"),
            "RABBITMQ_LOG_BASE": str(self.base_dir / "log"),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(conf / "enabled_plugins"),
            "RABBITMQ_FEATURE_FLAGS_FILE": str(conf / "feature_flags"),
            "RABBITMQ_CONF_ENV_FILE": str(conf / "rabbitmq-env.conf"),
            "RABBITMQ_CONFIG_FILE": str(conf / "rabbitmq.conf"),
            "RABBITMQ_PID_FILE": str(self.base_dir / "rabbit.pid"),
            "ERL_EPMD_ADDRESS": "127.0.0.1",
        }

    def start(self) -> None:
        if not os.path.exists(RABBITMQ_SERVER):
            raise RuntimeError(
                f"{RABBITMQ_SERVER} is missing: run `make install` (it installs rabbitmq-server)"
            )
        env = {**os.environ, **self._prepare_dirs()}
        for inherited in ("ERL_FLAGS", "RABBITMQ_CONFIG_FILES", "ERL_LIBS"):
            env.pop(inherited, None)
        self._spawn([RABBITMQ_SERVER], env=env)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not amqp_answers(self.url, timeout=1.0):
            self._fail_if_exited("rabbitmq-server")
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"RabbitMQ node {self.nodename} not ready after {timeout}s; "
                    f"last lines of {self.log_path}:\n{_tail(self.log_path)}"
                )
            time.sleep(0.25)

    def kill(self) -> None:
        super().kill()
        self._wait_port_closed()

    def stop(self) -> None:
        # SIGTERM to the wrapper script only: it runs a graceful `rabbitmqctl stop` itself.
        self._terminate(grace=30, first_signal_to_leader_only=True)
        self._wait_port_closed()

    def _wait_port_closed(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while port_answers("127.0.0.1", self.port) and time.monotonic() < deadline:
            time.sleep(0.1)


@contextmanager
def gunicorn_service(
    wsgi_app: str, settings: Any, log_dir: Path, *, workers: int = 2, threads: int = 8
) -> Iterator[str]:
    """A service's web process under gunicorn with the services' own settings, on `settings`'
    database and broker; yields its base URL. For tests that need real concurrency."""
    port = free_port()
    env = {
        **os.environ,
        "MONGO_URL": settings.mongo_url,
        "MONGO_DB": settings.mongo_db,
        "AMQP_URL": settings.amqp_url,
        "JWT_PUBLIC_KEY_FILE": settings.jwt_public_key_file,
        "WEB_CONCURRENCY": str(workers),
        "WEB_THREADS": str(threads),
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "--config",
        "python:hotel_shared.gunicorn_conf",
        "--bind",
        f"127.0.0.1:{port}",
        wsgi_app,
    ]
    log_path = log_dir / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 20
            while not port_answers("127.0.0.1", port):
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited:\n{_tail(log_path)}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start in 20 s:\n{_tail(log_path)}")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                # gunicorn lets in-flight requests finish for up to its graceful timeout (20 s).
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

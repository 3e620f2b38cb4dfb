"""Stack: starts and stops the platform (infrastructure, services, gateway) under one var/ dir."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from hotel_devstack.gateway import LIMIT_DEFAULTS, LocalGateway
from hotel_devstack.infra import Infrastructure, StackError
from hotel_devstack.processes import ProcessStatus, ProcessTable
from hotel_devstack.scale import (
    ScaleError,
    check_scale,
    highest_index,
    parse_process_name,
    process_name,
    processes_beyond,
    scale_for,
)
from hotel_devstack.services import (
    DEFAULT_PORTS,
    MOCK_PORTS,
    Service,
    discover_services,
    mock_argv,
    seed_argv,
    web_argv,
    worker_argv,
)
from hotel_shared.demo import DEMO_PEOPLE
from hotel_shared.testing.servers import find_repo_root, free_port, port_answers


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({path} is missing)"


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Stack:
    """The platform on one machine. Every location and port is a parameter, so a test can run a
    second, isolated stack (temp var_dir, free ports, private broker) beside `make up`'s."""

    def __init__(
        self,
        repo_root: Path | None = None,
        *,
        var_dir: Path | None = None,
        ports: Mapping[str, int] | None = None,
        gateway_port: int = 8080,
        mongo_url: str | None = None,
        mongo_port: int = 27017,
        amqp_url: str | None = None,
        private_broker: bool = False,
        rabbit_port: int | None = None,
        login_rate: str = LIMIT_DEFAULTS["LOGIN_RATE"],
        login_burst: str = LIMIT_DEFAULTS["LOGIN_BURST"],
        client_max_body_size: str = LIMIT_DEFAULTS["CLIENT_MAX_BODY_SIZE"],
        web_concurrency: int | None = None,
        log_level: str = "INFO",
        extra_env: Mapping[str, str] | None = None,
        ready_timeout: float = 60.0,
        services_root: Path | None = None,
        venv_bin: Path | None = None,
        mock_ports: Mapping[str, int] | None = None,
        scale: Mapping[str, int] | None = None,
    ):
        self.repo_root = Path(repo_root or find_repo_root() or Path.cwd()).resolve()
        self.var_dir = Path(var_dir or self.repo_root / "var").resolve()
        self.ports = {**DEFAULT_PORTS, **(ports or {})}
        # A stack on its own ports (tests) puts its mocks on free ports too, beside `make up`'s.
        self.mock_ports = {
            name: port if self.ports.get(name) == DEFAULT_PORTS.get(name) else free_port()
            for name, port in MOCK_PORTS.items()
        }
        self.mock_ports.update(mock_ports or {})
        # Processes per service (web and worker alike); a service not named keeps what runs.
        self.scale = dict(scale or {})
        self._extra_ports: dict[str, int] = {}
        self.gateway_port = gateway_port
        self.login_rate = login_rate
        self.login_burst = login_burst
        self.client_max_body_size = client_max_body_size
        self.web_concurrency = web_concurrency
        self.log_level = log_level
        self.extra_env = dict(extra_env or {})
        self.ready_timeout = ready_timeout
        self.services_root = Path(services_root or self.repo_root / "services")
        self.venv_bin = Path(venv_bin or self.repo_root / ".venv" / "bin")
        self.log_dir = self.var_dir / "log"
        self.processes = ProcessTable(self.var_dir / "run")
        self.infrastructure = Infrastructure(
            self.var_dir,
            self.processes,
            mongo_url=mongo_url,
            mongo_port=mongo_port,
            amqp_url=amqp_url,
            private_broker=private_broker,
            rabbit_port=rabbit_port,
        )
        self.gateway = LocalGateway(self.repo_root, self.var_dir / "nginx")

    @classmethod
    def from_env(
        cls, repo_root: Path | None = None, scale: Mapping[str, int] | None = None
    ) -> Stack:
        """The `make up` stack: defaults overridden by MONGO_URL, AMQP_URL, GATEWAY_PORT, ...."""
        concurrency = os.environ.get("WEB_CONCURRENCY")
        return cls(
            repo_root,
            scale=scale,
            mongo_url=os.environ.get("MONGO_URL") or None,
            amqp_url=os.environ.get("AMQP_URL") or None,
            gateway_port=int(os.environ.get("GATEWAY_PORT", "8080")),
            login_rate=os.environ.get("LOGIN_RATE", LIMIT_DEFAULTS["LOGIN_RATE"]),
            login_burst=os.environ.get("LOGIN_BURST", LIMIT_DEFAULTS["LOGIN_BURST"]),
            web_concurrency=int(concurrency) if concurrency else None,
            log_level=os.environ.get("LOG_LEVEL", "INFO"),
        )

    @property
    def services(self) -> list[Service]:
        return discover_services(self.services_root)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def mongo_url(self) -> str | None:
        return self.infrastructure.mongo_url

    @property
    def amqp_url(self) -> str | None:
        return self.infrastructure.amqp_url

    def service_url(self, name: str, index: int = 1) -> str:
        """The URL of a service's web process (`index` 2.. for the extra ones of a scaled one)."""
        return f"http://127.0.0.1:{self.web_port(name, index)}"

    # --- scale ------------------------------------------------------------------------------

    def process_count(self, name: str) -> int:
        """How many web (and worker) processes `name` runs: as asked, else as many as the process
        table holds (so a plain `up` after `up --scale` keeps them), at least one."""
        asked = scale_for(self.scale, name)
        return asked if asked is not None else max(1, highest_index(self.processes.names(), name))

    def web_port(self, name: str, index: int = 1) -> int:
        """The first process listens on the service's port; an extra one keeps the port it was
        started on, else takes port + 100 * (index - 1) when the service is on its `make up` port
        (8002, 8102, 8202 for rooms), a free port in a stack on its own ports (tests)."""
        if index == 1:
            return self.ports[name]
        process = process_name(name, "web", index)
        running = self.processes.port(process)
        if running is not None:
            return running
        if self.ports[name] == DEFAULT_PORTS.get(name):
            return self.ports[name] + 100 * (index - 1)
        if process not in self._extra_ports:
            self._extra_ports[process] = free_port()
        return self._extra_ports[process]

    def web_urls(self, name: str) -> list[str]:
        """Every web process of a service, the first one first."""
        return [self.service_url(name, i) for i in range(1, self.process_count(name) + 1)]

    def has_mock(self, service: Service) -> bool:
        return service.has_mock and service.name in self.mock_ports

    def mock_url(self, name: str) -> str:
        """The URL of a service's mock of an outside system (pms-adapter: the mock OPERA)."""
        return f"http://127.0.0.1:{self.mock_ports[name]}"

    def __enter__(self) -> Stack:
        try:
            self.up()
        except BaseException:
            self.down()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.down()

    # --- up ---------------------------------------------------------------------------------

    def up(self) -> None:
        """Start whatever is not already running; safe to call again."""
        for name in ("log", "run", "keys"):
            (self.var_dir / name).mkdir(parents=True, exist_ok=True)
        try:
            check_scale(self.scale, [service.name for service in self.services])
        except ScaleError as error:
            raise StackError(str(error)) from None
        self._ensure_signing_keys()
        self.infrastructure.resolve()
        for service in self.services:
            self._start_service(service)
        self._start_gateway()
        self.wait_ready()

    @property
    def private_key_file(self) -> Path:
        return self.var_dir / "keys" / "jwt-private.pem"

    @property
    def public_key_file(self) -> Path:
        return self.var_dir / "keys" / "jwt-public.pem"

    def _ensure_signing_keys(self) -> None:
        # The key pair is auth's to make; devstack only says where it lives.
        subprocess.run(
            [
                str(self.venv_bin / "python"),
                "-m",
                "auth.keys",
                "--private",
                str(self.private_key_file),
                "--public",
                str(self.public_key_file),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def service_env(self, service: Service) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
        env.update(
            MONGO_URL=self.mongo_url,
            MONGO_DB=service.database,
            AMQP_URL=self.amqp_url,
            JWT_PUBLIC_KEY_FILE=str(self.public_key_file),
            LOG_LEVEL=self.log_level,
            PYTHONUNBUFFERED="1",
        )
        # The embedded SecantusDB's TTL sweep holds its lock over a scan of every expiring
        # document each minute; the workers prune instead (hotel_shared.expiry).
        env.setdefault("MONGO_TTL_INDEXES", "false")
        if service.name == "auth":
            env["AUTH_PRIVATE_KEY_FILE"] = str(self.private_key_file)
        if self.has_mock(service):
            # The adapter talks to the mock unless the environment names a real PMS.
            env.setdefault("PMS_BASE_URL", self.mock_url(service.name))
            env["MOCK_OPERA_STATE_FILE"] = str(self.var_dir / "pms" / "mock-opera.json")
            # Drift and reconcile read our rooms from the rooms API as the person asking.
            env.setdefault("ROOMS_URL", self.service_url("rooms"))
        if self.web_concurrency:
            env["WEB_CONCURRENCY"] = str(self.web_concurrency)
        env.update(self.extra_env)
        return env

    def _run_seed(self, service: Service) -> None:
        log_path = self.log_dir / f"{service.name}-seed.log"
        with open(log_path, "ab") as log:
            result = subprocess.run(
                seed_argv(self.venv_bin, service),
                cwd=service.directory,
                env=self.service_env(service),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=300,
            )
        if result.returncode != 0:
            raise StackError(f"seeding {service.name} failed; {log_path}:\n{tail(log_path)}")

    def _start_service(self, service: Service) -> None:
        env = self.service_env(service)
        mock_name = f"{service.name}-mock"
        if self.has_mock(service) and not self.processes.alive_pid(mock_name):
            (self.var_dir / "pms").mkdir(parents=True, exist_ok=True)
            self.processes.spawn(
                mock_name,
                mock_argv(self.venv_bin, service, self.mock_ports[service.name]),
                env=env,
                cwd=service.directory,
                log_path=self.log_dir / f"{mock_name}.log",
            )
        count = self.process_count(service.name)
        for extra in processes_beyond(self.processes.names(), service.name, count):
            self.processes.stop(extra)
        for index in range(1, count + 1):
            self._start_web(service, index, env)
            if service.has_worker:
                self._start_worker(service, index, env)

    def _start_web(self, service: Service, index: int, env: Mapping[str, str]) -> None:
        name = process_name(service.name, "web", index)
        if self.processes.alive_pid(name):
            return
        if index == 1 and service.has_seed:
            self._run_seed(service)
        # prometheus_client's multiprocess files must start empty for each new process group.
        prom_name = service.name if index == 1 else f"{service.name}-{index}"
        prom_dir = self.var_dir / "run" / "prom" / prom_name
        shutil.rmtree(prom_dir, ignore_errors=True)
        prom_dir.mkdir(parents=True)
        port = self.web_port(service.name, index)
        self.processes.spawn(
            name,
            web_argv(self.venv_bin, service, port, self.processes.run_dir / f"{name}.ctl"),
            env={**env, "PROMETHEUS_MULTIPROC_DIR": str(prom_dir)},
            cwd=service.directory,
            log_path=self.log_dir / f"{name}.log",
            port=port,
        )

    def _start_worker(self, service: Service, index: int, env: Mapping[str, str]) -> None:
        name = process_name(service.name, "worker", index)
        if self.processes.alive_pid(name):
            return
        self.processes.spawn(
            name,
            worker_argv(self.venv_bin, service),
            env=env,
            cwd=service.directory,
            log_path=self.log_dir / f"{name}.log",
        )

    def gateway_variables(self) -> dict[str, str | list[str]]:
        """The template's values; each service's upstream lists every one of its web processes."""
        variables: dict[str, str | list[str]] = {
            f"{name.upper().replace('-', '_')}_UPSTREAM": [
                url.removeprefix("http://") for url in self.web_urls(name)
            ]
            for name in self.ports
        }
        variables.update(
            GATEWAY_PORT=str(self.gateway_port),
            WEB_ROOT=os.environ.get("HOTEL_WEB_DIST") or str(self.repo_root / "web" / "dist"),
            LOGIN_RATE=self.login_rate,
            LOGIN_BURST=self.login_burst,
            CLIENT_MAX_BODY_SIZE=self.client_max_body_size,
        )
        return variables

    def _start_gateway(self) -> None:
        self.gateway.render(self.gateway_variables())
        self.gateway.check()
        if self.processes.alive_pid("gateway"):
            self.gateway.reload()
            return
        if port_answers("127.0.0.1", self.gateway_port):
            raise StackError(f"gateway port {self.gateway_port} is taken by another process")
        self.processes.spawn(
            "gateway",
            self.gateway.foreground_argv(),
            env=os.environ,
            cwd=self.gateway.prefix,
            log_path=self.log_dir / "gateway.log",
        )

    def wait_ready(self) -> None:
        """Block until every service's /readyz and its gateway health route answer 200."""
        checks = []
        for service in self.services:
            for index, url in enumerate(self.web_urls(service.name), start=1):
                name = process_name(service.name, "web", index)
                checks.append((name, f"{url}/readyz", self.log_dir / f"{name}.log"))
            checks.append(
                ("gateway", f"{self.gateway_url}/api/health/{service.name}", self.gateway.error_log)
            )
            if self.has_mock(service):
                name = f"{service.name}-mock"
                url = f"{self.mock_url(service.name)}/control/faults"
                checks.append((name, url, self.log_dir / f"{name}.log"))
        if not checks:
            checks.append(("gateway", f"{self.gateway_url}/", self.gateway.error_log))
        deadline = time.monotonic() + self.ready_timeout
        for name, url, log_path in checks:
            while (status := http_status(url)) != 200:
                if not self.processes.alive_pid(name):
                    raise StackError(f"{name} exited while starting; {log_path}:\n{tail(log_path)}")
                if time.monotonic() > deadline:
                    raise StackError(
                        f"{url} answered {status} after {self.ready_timeout:.0f}s; "
                        f"{log_path}:\n{tail(log_path)}"
                    )
                time.sleep(0.25)

    # --- other commands ---------------------------------------------------------------------

    def seed(self) -> None:
        """Run every service's idempotent demo seed (starting infrastructure if needed)."""
        self.infrastructure.resolve()
        for service in self.services:
            if service.has_seed:
                self._run_seed(service)

    def down(self) -> list[str]:
        """Stop every process this stack started; return their names. A system broker is kept."""
        known = self.processes.names()
        roles = {name: parsed.role for name in known if (parsed := parse_process_name(name))}
        order = ["gateway"]
        order += sorted(name for name in known if roles.get(name) == "worker")
        order += sorted(name for name in known if roles.get(name) == "web")
        order += [name for name in known if name not in order and name not in ("rabbitmq", "mongo")]
        order += ["rabbitmq", "mongo"]
        stopped = []
        for name in order:
            grace = 40.0 if name == "rabbitmq" else 15.0
            if self.processes.stop(name, grace=grace):
                stopped.append(name)
        return stopped

    def status(self) -> list[ProcessStatus]:
        return self.processes.statuses()

    def log_files(self) -> list[Path]:
        return sorted(self.log_dir.glob("*.log"))

    def summary(self) -> str:
        lines = [f"Gateway:   {self.gateway_url}/", ""]
        for service in self.services:
            lines.append(
                f"{service.name:<14} {' '.join(self.web_urls(service.name))}   "
                f"docs {self.gateway_url}/api/docs/{service.name}/openapi.json"
            )
        for service in self.services:
            if self.has_mock(service):
                lines.append(
                    f"{service.name + ' mock':<14} {self.mock_url(service.name)}/control/state"
                )
        lines += ["", f"Mongo:  {self.mongo_url}", f"AMQP:   {self.amqp_url}", "", "Demo logins:"]
        lines.append(f"  {'username':<12} {'password':<24} role")
        lines += [f"  {p.username:<12} {p.password:<24} {p.role}" for p in DEMO_PEOPLE]
        lines.append(f"\nLogs: {self.log_dir}/   (make logs)")
        return "\n".join(lines)

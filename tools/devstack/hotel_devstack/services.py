"""The services under services/: their packages, ports and the commands that run them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Port per service from the design's system map; auth comes first because the others' seeds
# and tokens depend on it.
DEFAULT_PORTS = {
    "auth": 8001,
    "rooms": 8002,
    "fnb": 8003,
    "tasks": 8004,
    "notifications": 8005,
    "pms-adapter": 8006,
}
# A database named otherwise than hotel_<package> (the design's names).
DATABASES = {"pms-adapter": "hotel_pms"}
# Where a service's mock of an outside system listens under `make up` (pms-adapter's OPERA).
MOCK_PORTS = {"pms-adapter": 8090}


@dataclass(frozen=True)
class Service:
    name: str
    directory: Path

    @property
    def package(self) -> str:
        return self.name.replace("-", "_")

    @property
    def package_dir(self) -> Path:
        return self.directory / self.package

    @property
    def has_seed(self) -> bool:
        return (self.package_dir / "seed.py").is_file()

    @property
    def has_worker(self) -> bool:
        return (self.package_dir / "consumer.py").is_file()

    @property
    def gunicorn_config(self) -> str:
        """The service's own gunicorn settings (e.g. an eventlet worker) or the shared ones."""
        if (self.package_dir / "gunicorn_conf.py").is_file():
            return f"python:{self.package}.gunicorn_conf"
        return "python:hotel_shared.gunicorn_conf"

    @property
    def database(self) -> str:
        return DATABASES.get(self.name, f"hotel_{self.package}")

    @property
    def has_mock(self) -> bool:
        """The service ships a mock of the outside system it talks to (`<pkg>/mock_opera`)."""
        return (self.package_dir / "mock_opera" / "__main__.py").is_file()


# The services the stack starts. A new service joins this list in the commit that makes it run
# (web process, worker, seed, gateway route): until then, its half-written directory must not
# stop every other service's stack.
STARTED = ("auth", "rooms", "fnb", "tasks", "notifications", "pms-adapter")


def discover_services(services_root: Path) -> list[Service]:
    """Every <services_root>/<name>/ with a pyproject.toml that is in STARTED, in the design's
    order."""
    found = [
        Service(path.parent.name, path.parent)
        for path in services_root.glob("*/pyproject.toml")
        if path.parent.name in STARTED
    ]
    order = list(DEFAULT_PORTS)
    return sorted(
        found, key=lambda s: (order.index(s.name) if s.name in order else len(order), s.name)
    )


def web_argv(venv_bin: Path, service: Service, port: int, control_socket: Path) -> list[str]:
    return [
        str(venv_bin / "gunicorn"),
        "--config",
        service.gunicorn_config,
        "--bind",
        f"127.0.0.1:{port}",
        # gunicorn's default control socket is one per $HOME: every process would share it.
        "--control-socket",
        str(control_socket),
        f"{service.package}.wsgi:app",
    ]


def worker_argv(venv_bin: Path, service: Service) -> list[str]:
    return [str(venv_bin / "python"), "-m", f"{service.package}.consumer"]


def seed_argv(venv_bin: Path, service: Service) -> list[str]:
    return [str(venv_bin / "python"), "-m", f"{service.package}.seed", "--demo"]


def mock_argv(venv_bin: Path, service: Service, port: int) -> list[str]:
    return [
        str(venv_bin / "python"),
        "-m",
        f"{service.package}.mock_opera",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]

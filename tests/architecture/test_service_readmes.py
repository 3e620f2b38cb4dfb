"""Each service's README stays true: every route it serves and every variable it reads is there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = sorted(path.parent for path in REPO.glob("services/*/pyproject.toml"))
ROUTE_VERBS = {"get", "post", "put", "patch", "delete", "route"}
_PARAMETER = re.compile(r"<(?:[a-z]+:)?\w+>|\{[^}]+\}")


def sources(service: Path) -> list[Path]:
    return sorted(
        path
        for path in service.rglob("*.py")
        if "tests" not in path.relative_to(service).parts and "__pycache__" not in path.parts
    )


def declared_routes(service: Path) -> set[str]:
    routes = set()
    for path in sources(service):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ROUTE_VERBS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).startswith("/api/")
            ):
                routes.add(str(node.args[0].value))
    return routes


def read_variables(service: Path) -> set[str]:
    text = "\n".join(path.read_text() for path in sources(service))
    return set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]+)"', text))


def shape(route: str) -> str:
    """A path with its parameters blanked: `<room_number>` and `{roomNumber}` read alike."""
    return _PARAMETER.sub("{}", route)


@pytest.fixture(params=SERVICES, ids=lambda path: path.name)
def service(request) -> Path:
    return request.param


def test_every_route_is_in_the_readme(service):
    readme = shape((service / "README.md").read_text())
    routes = declared_routes(service)
    assert routes, f"no /api/ routes found in {service.name}: the parser no longer sees them"
    missing = sorted(route for route in routes if shape(route) not in readme)
    assert not missing, f"{service.name}/README.md does not name {missing}"


def test_every_variable_the_service_reads_is_in_the_readme(service):
    readme = (service / "README.md").read_text()
    missing = sorted(name for name in read_variables(service) if name not in readme)
    assert not missing, f"{service.name}/README.md does not document {missing}"

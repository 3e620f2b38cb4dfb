"""Every service keeps the shape docs/anatomy-of-a-service.md describes, read from the source.

These checks parse the code (nothing is imported or run), so they hold for a service that does
not start yet, and a new service (fnb, pms-adapter) is checked the day its folder appears.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = sorted(path.parent for path in REPO.glob("services/*/pyproject.toml"))
STANDARD_MODULES = (
    "app",
    "config",
    "wsgi",
    "api",
    "schemas",
    "rules",
    "service",
    "store",
    "events",
    "handlers",
    "consumer",
)
MAX_MODULE_LINES = 400
MAX_ROUTE_BODY_LINES = 12
# A rule module is pure: the shared modules it may use are free of Flask, Mongo and the broker.
RULES_FORBIDDEN = (
    "flask",
    "pymongo",
    "pika",
    "bson",
    "werkzeug",
    "hotel_shared.auth",
    "hotel_shared.web",
    "hotel_shared.mongo",
    "hotel_shared.store",
    "hotel_shared.bus",
    "hotel_shared.inbox",
    "hotel_shared.outbox",
    "hotel_shared.worker",
    "hotel_shared.openapi",
)
MONGO_OPERATORS = frozenset({
    "$set", "$setOnInsert", "$unset", "$inc", "$push", "$pull", "$addToSet", "$pop", "$each",
    "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$ne", "$eq", "$exists", "$type", "$elemMatch",
    "$regex", "$or", "$and", "$nor", "$not", "$match", "$group", "$sum", "$avg", "$min", "$max",
    "$sort", "$project", "$unwind", "$lookup", "$count", "$cond", "$dateToString", "$size",
})  # fmt: skip
ROUTE_VERBS = {"get", "post", "put", "patch", "delete", "route"}


def package_dir(service: Path) -> Path:
    [package] = [
        child
        for child in service.iterdir()
        if child.is_dir() and (child / "__init__.py").exists() and child.name != "tests"
    ]
    return package


def modules(root: Path) -> Iterator[Path]:
    yield from sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def module_name(path: Path) -> str:
    package_root = next(parent for parent in path.parents if not (parent / "__init__.py").exists())
    parts = list(path.relative_to(package_root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def layer(path: Path, package: Path) -> str:
    """The standard module a file belongs to (`rooms/service/bookings.py` → `service`)."""
    return path.relative_to(package).parts[0].removesuffix(".py")


@pytest.fixture(params=SERVICES, ids=lambda path: path.name)
def service(request) -> Path:
    return request.param


def test_every_service_has_the_standard_modules(service):
    package = package_dir(service)
    missing = [
        name
        for name in STANDARD_MODULES
        if not (package / f"{name}.py").exists() and not (package / name / "__init__.py").exists()
    ]
    assert not missing, f"{package} lacks {missing} (docs/anatomy-of-a-service.md)"


def test_rules_are_pure(service):
    package = package_dir(service)
    offences = []
    for path in modules(package):
        if layer(path, package) != "rules":
            continue
        for name in imported_names(ast.parse(path.read_text())):
            if any(name == bad or name.startswith(bad + ".") for bad in RULES_FORBIDDEN):
                offences.append(f"{path.relative_to(REPO)} imports {name}")
    assert not offences, "\n".join(offences)


def test_only_the_store_speaks_mongo(service):
    package = package_dir(service)
    offences = []
    for path in modules(package):
        if layer(path, package) == "store":
            continue
        tree = ast.parse(path.read_text())
        for name in imported_names(tree):
            if name.split(".")[0] in ("pymongo", "bson"):
                offences.append(f"{path.relative_to(REPO)} imports {name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in MONGO_OPERATORS:
                offences.append(f"{path.relative_to(REPO)}:{node.lineno} uses {node.value}")
    assert not offences, "\n".join(offences)


def test_no_module_is_over_the_limit():
    roots = [package_dir(service) for service in SERVICES] + [REPO / "shared" / "hotel_shared"]
    long = [
        f"{path.relative_to(REPO)}: {count} lines"
        for root in roots
        for path in modules(root)
        if (count := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, f"split these past {MAX_MODULE_LINES} lines, as the anatomy doc says: {long}"


def test_routes_are_thin(service):
    package = package_dir(service)
    fat = []
    for path in modules(package):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef) or not any(
                isinstance(d, ast.Call)
                and isinstance(d.func, ast.Attribute)
                and d.func.attr in ROUTE_VERBS
                for d in node.decorator_list
            ):
                continue
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring is the OpenAPI summary, not logic
            lines = body[-1].end_lineno - body[0].lineno + 1 if body else 0
            if lines > MAX_ROUTE_BODY_LINES:
                fat.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}: {lines} lines")
    assert not fat, f"routes do load → one service call → dump: {fat}"


def test_handlers_share_one_signature(service):
    package = package_dir(service)
    path = package / "handlers.py"
    tree = ast.parse(path.read_text())
    odd = [
        f"{node.name}({', '.join(arg.arg for arg in node.args.args)})"
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and node.name.startswith("on_")
        and [arg.arg for arg in node.args.args] != ["stores", "event"]
    ]
    assert not odd, f"{path.relative_to(REPO)}: handlers are on_x(stores, event): {odd}"


def test_there_is_no_import_cycle():
    roots = [package_dir(service) for service in SERVICES] + [REPO / "shared" / "hotel_shared"]
    graph: dict[str, set[str]] = {}
    for root in roots:
        for path in modules(root):
            graph[module_name(path)] = set(imported_names(ast.parse(path.read_text())))
    known = set(graph)
    edges = {
        name: {target for target in targets if target in known and target != name}
        for name, targets in graph.items()
    }
    cycles = find_cycles(edges)
    assert not cycles, f"import cycles: {cycles}"


def find_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return components


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []

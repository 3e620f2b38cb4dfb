"""A service's route table, read from its generated OpenAPI document; a minimal request per route.

The generator (hotel_shared.openapi) writes every declared route with its roles (`x-roles`, from
@require; absent on a public route), its path parameters, its query schema and its body schema, so
whatever a test builds from here covers a new route the day it is declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

ANY_SIGNED_IN = "any signed-in caller"
# DELETE last: a route that removes the record it is aimed at runs after every other route used it.
METHOD_ORDER = {"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}
PLACEHOLDER_ID = "no-such-id"


@dataclass(frozen=True)
class Route:
    method: str  # upper case
    path: str  # OpenAPI form: /api/rooms/{room_number}
    operation: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def public(self) -> bool:
        return "x-roles" not in self.operation

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.operation.get("x-roles", ()))

    def allows(self, role: str) -> bool:
        return ANY_SIGNED_IN in self.roles or role in self.roles

    @property
    def documented_statuses(self) -> set[int]:
        return {int(status) for status in self.operation["responses"] if status.isdigit()}


def route_table(document: dict[str, Any]) -> list[Route]:
    routes = [
        Route(method.upper(), path, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if method in METHOD_ORDER
    ]
    return sorted(routes, key=lambda r: (METHOD_ORDER[r.method.lower()], r.path))


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    query: dict[str, Any]
    body: Any  # None: no body

    def send(self, client, headers: dict[str, str]):
        kwargs: dict[str, Any] = {"headers": headers, "query_string": self.query}
        if self.body is not None:
            kwargs["json"] = self.body
        return client.open(self.url, method=self.method, **kwargs)


def minimal_request(
    route: Route,
    document: dict[str, Any],
    path_values: dict[str, str],
    field_values: dict[str, Any],
) -> Request:
    """The route with real ids in its path, its required (and room) query fields, a minimal body.

    `field_values` fills fields by name wherever they appear (roomNumber -> the guest's room), so a
    room-scoped route is aimed at a room whose guest exists.
    """
    url = re.sub(r"\{(\w+)\}", lambda match: path_values.get(match[1], PLACEHOLDER_ID), route.path)
    query = {}
    for parameter in route.operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        name = parameter["name"]
        if name in field_values:
            query[name] = field_values[name]
        elif parameter.get("required"):
            query[name] = _query_text(example(parameter["schema"], document, field_values, name))
    body = None
    content = route.operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = example(content["application/json"]["schema"], document, field_values)
    return Request(route.method, url, query, body)


def _query_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def example(
    schema: dict[str, Any],
    document: dict[str, Any],
    field_values: dict[str, Any],
    name: str | None = None,
) -> Any:
    """A small value the schema accepts: required properties only, the first enum member, etc."""
    if name is not None and name in field_values:
        return field_values[name]
    if "$ref" in schema:
        return example(_resolve(schema["$ref"], document), document, field_values, name)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            return example(schema[combinator][0], document, field_values, name)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        properties = schema.get("properties", {})
        return {
            key: example(properties.get(key, {}), document, field_values, key)
            for key in schema.get("required", [])
        }
    if kind == "array":
        item = example(schema.get("items", {}), document, field_values)
        return [item] * int(schema.get("minItems", 0))
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return _string(schema)


def _string(schema: dict[str, Any]) -> str:
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    formats = {
        "date": tomorrow.date().isoformat(),
        "date-time": tomorrow.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "email": "someone@example.com",
    }
    if schema.get("format") in formats:
        return formats[schema["format"]]
    return "x" * max(1, int(schema.get("minLength", 1)))


def _resolve(reference: str, document: dict[str, Any]) -> dict[str, Any]:
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    return node

"""Route declarations and the OpenAPI 3 document generated from them and the marshmallow schemas.

A route states its contract once, and that statement both validates the request and documents it:

    @blueprint.post("/api/rooms")
    @require("hotelAdmin")
    @operation(body=RoomCreateSchema, response=RoomSchema, status=201, errors=(409,))
    def create_room(body):
        ...

`operation` loads the body (400 malformed, 422 invalid) and the query string (422) through the
named schemas and passes them as `body=` and `query=`; `require` adds the roles. The generator
(apispec with its marshmallow plugin: the schemas become components, nothing is restated by hand)
walks the app's URL map, so a route without a declaration is missing from the document and the
shared test names it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, Response
from marshmallow import Schema

from hotel_shared.web import load_body, load_query

OPENAPI_VERSION = "3.1.0"
OPERATIONAL_ROUTES = frozenset({"/healthz", "/readyz", "/metrics", "/openapi.json"})
PROBLEM_MEDIA_TYPE = "application/problem+json"
_PATH_ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_ERROR_TITLES = {
    400: "Malformed request (the body is not JSON)",
    401: "No valid access token",
    403: "The caller's role or scope may not do this",
    404: "Not found",
    409: "Conflicts with the current state",
    412: "If-Match names a version that is no longer current",
    413: "Body too large",
    415: "The body is not declared as UTF-8 JSON",
    422: "Invalid input; `errors` names each field",
    429: "Too many attempts; see Retry-After",
    503: "A dependency is down; nothing was changed, try again",
}
SchemaType = type[Schema] | Schema


@dataclass(frozen=True)
class Operation:
    """What one route declares: its inputs, its success response and the errors it may answer."""

    summary: str
    body: SchemaType | None = None
    body_partial: bool = False
    query: SchemaType | None = None
    response: SchemaType | None = None
    status: int = 200
    paged: bool = False
    upsert: bool = False
    errors: tuple[int, ...] = ()


def operation(
    *,
    body: SchemaType | None = None,
    body_partial: bool = False,
    query: SchemaType | None = None,
    response: SchemaType | None = None,
    status: int = 200,
    paged: bool = False,
    upsert: bool = False,
    errors: Iterable[int] = (),
    summary: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a route's contract; the body and query arrive as the `body=` and `query=` kwargs.

    `paged` says the response is `{items: [response], total, limit, offset}`; `upsert` that a PUT
    also answers 201 (same body) when it created the resource; `errors` lists the
    problem statuses beyond those implied (401/403 by `require`, 404 by a path argument, 400/422
    by a body, 422 by a query, 503 always).
    """
    unknown = set(errors) - set(_ERROR_TITLES)
    if unknown:
        raise ValueError(f"no problem response is described for {sorted(unknown)}")
    body_schema = _instance(body)
    query_schema = _instance(query)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        declared = Operation(
            summary=summary or _first_line(view.__doc__) or view.__name__.replace("_", " "),
            body=body,
            body_partial=body_partial,
            query=query,
            response=response,
            status=status,
            paged=paged,
            upsert=upsert,
            errors=tuple(errors),
        )

        @functools.wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            if query_schema is not None:
                kwargs["query"] = load_query(query_schema)
            if body_schema is not None:
                kwargs["body"] = load_body(body_schema, partial=body_partial)
            return view(*args, **kwargs)

        run.__operation__ = declared  # type: ignore[attr-defined]
        return run

    return decorate


def register_openapi(app: Flask, *, title: str, version: str = "1.0.0") -> None:
    """Serve the generated document at /openapi.json (built on first request, then kept)."""
    cached: dict[str, str] = {}

    @app.get("/openapi.json")
    def openapi_document() -> Response:
        if "body" not in cached:
            cached["body"] = json.dumps(build_openapi(app, title=title, version=version))
        return Response(cached["body"], mimetype="application/json")


def openapi_path(flask_rule: str) -> str:
    """`/api/rooms/<room_number>` as OpenAPI writes it: `/api/rooms/{room_number}`."""
    return _PATH_ARGUMENT.sub(lambda match: "{" + match["name"] + "}", flask_rule)


def build_openapi(app: Flask, *, title: str, version: str = "1.0.0") -> dict[str, Any]:
    """The OpenAPI 3 document of every declared route of `app`."""
    spec = APISpec(
        title=title,
        version=version,
        openapi_version=OPENAPI_VERSION,
        plugins=[MarshmallowPlugin()],
        info={"description": "Errors are RFC 9457 problems (application/problem+json)."},
    )
    spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    spec.components.schema("Problem", _PROBLEM_SCHEMA)
    for status in sorted(_ERROR_TITLES):
        spec.components.response(
            _problem_response_name(status),
            {
                "description": _ERROR_TITLES[status],
                "content": {
                    PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            },
        )
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        view = app.view_functions.get(rule.endpoint)
        declared: Operation | None = getattr(view, "__operation__", None)
        if rule.rule in OPERATIONAL_ROUTES or declared is None:
            continue
        roles = getattr(view, "__roles__", None)
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        path = paths.setdefault(openapi_path(rule.rule), {})
        for method in methods:
            path[method.lower()] = _operation_object(rule.rule, rule.endpoint, declared, roles)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation_object(
    rule: str, endpoint: str, declared: Operation, roles: tuple[str, ...] | None
) -> dict[str, Any]:
    path_parameters = [
        {
            "in": "path",
            "name": match["name"],
            "required": True,
            "schema": {"type": "integer" if match["converter"] == "int" else "string"},
        }
        for match in _PATH_ARGUMENT.finditer(rule)
    ]
    statuses = {503, *declared.errors}
    if roles is not None:
        statuses.add(401)
        if roles:
            statuses.add(403)
    if path_parameters:
        statuses.add(404)
    if declared.body is not None:
        statuses.update((400, 413, 415, 422))
    if declared.query is not None:
        statuses.add(422)
    result: dict[str, Any] = {
        "operationId": endpoint.replace(".", "_"),
        "summary": declared.summary,
        "parameters": path_parameters,
        "responses": {
            str(declared.status): _success_response(declared),
            **({"201": _success_response(declared, 201)} if declared.upsert else {}),
            **{
                str(status): {"$ref": f"#/components/responses/{_problem_response_name(status)}"}
                for status in sorted(statuses)
            },
        },
    }
    if declared.query is not None:
        result["parameters"].append({"in": "query", "schema": declared.query})
    if declared.body is not None:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": declared.body}},
        }
    if roles is not None:
        result["security"] = [{"bearerAuth": []}]
        result["x-roles"] = list(roles) or ["any signed-in caller"]
        allowed = ", ".join(roles) if roles else "any signed-in caller"
        result["description"] = f"Who may call: {allowed}."
    return result


def _success_response(declared: Operation, status: int | None = None) -> dict[str, Any]:
    status = status or declared.status
    response: dict[str, Any] = {"description": "Success" if status != 201 else "Created"}
    if declared.response is None:
        if declared.status == 204:
            response["description"] = "Done; no content"
        return response
    schema: Any = declared.response
    if declared.paged:
        schema = {
            "type": "object",
            "required": ["items", "total", "limit", "offset"],
            "properties": {
                "items": {"type": "array", "items": declared.response},
                "total": {"type": "integer"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
            },
        }
    response["content"] = {"application/json": {"schema": schema}}
    return response


def _problem_response_name(status: int) -> str:
    return f"Problem{status}"


def _instance(schema: SchemaType | None) -> Schema | None:
    return schema() if isinstance(schema, type) else schema


def _first_line(text: str | None) -> str:
    return (text or "").strip().split("\n", 1)[0].rstrip(".")


_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "stable snake_case reason"},
        "requestId": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": True,
            "description": "on 422: the messages of each invalid field",
        },
    },
}

"""How the mock answers: OPERA's JSON and error bodies, paging, empty refusals, dropped links."""

from __future__ import annotations

import base64
import re
import socket
from typing import Any

from flask import Response, jsonify, request

from pms_adapter.mock_opera.vocabulary import OperaError

JSON_TYPE = "application/json;charset=UTF-8"
APP_KEY_PATTERN = re.compile(
    r"^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89aAbB][a-f0-9]{3}-[a-f0-9]{12}$"
)


def problem(status: int, title: str, detail: str, code: str, path: str | None = None) -> Response:
    body = {
        "type": f"https://www.rfc-editor.org/rfc/rfc9110.html#status.{status}",
        "title": title,
        "status": status,
        "detail": detail,
        "o:errorCode": code,
    }
    if path:
        body["o:errorPath"] = path
    return json_response(body, status)


def json_response(body: Any, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Content-Type"] = JSON_TYPE
    return response


def empty(status: int) -> Response:
    return Response(status=status)


def status_ok(status: int = 200) -> Response:
    return json_response({"links": [], "warnings": []}, status)


def paged(items: list) -> tuple[list, dict[str, Any]]:
    """One page of `items` by `limit`/`offset`, and OHIP's paging fields."""
    offset = int(request.args.get("offset", 0) or 0)
    limit_arg = request.args.get("limit")
    limit = int(limit_arg) if limit_arg else len(items)
    page = items[offset : offset + limit] if limit else []
    total = len(items)
    paging = {
        "offset": offset,
        "limit": limit,
        "hasMore": offset + len(page) < total,
        "totalResults": total,
        "count": len(page),
        "totalPages": (total + limit - 1) // limit if limit else 0,
    }
    return page, paging


def request_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and request.content_length:
        raise OperaError(400, "The request body is not JSON", "GEN00001")
    return body if isinstance(body, dict) else {}


def basic_credentials() -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except Exception:
        return None
    return user, password


def drop_connection() -> None:
    """Close the client's socket (werkzeug's server exposes it), as a dropped link would."""
    connection = request.environ.get("werkzeug.socket")
    if connection is not None:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def token_refusal(state: Any) -> int | None:
    """Why a token request is refused (400 or 401, no body), or None when it is granted."""
    app_key = request.headers.get("x-app-key", "")
    if not APP_KEY_PATTERN.match(app_key):
        return 400
    if app_key != state.app_key or basic_credentials() != (state.client_id, state.client_secret):
        return 401
    grant = request.form.get("grant_type")
    if grant == "client_credentials" and not request.form.get("scope"):
        return 401
    return None if grant in ("client_credentials", "password") else 400


def search_criteria(args: Any) -> dict[str, Any]:
    """getHotelReservations' query as the state's search criteria (array keys repeat)."""
    single = (
        "arrivalStartDate",
        "arrivalEndDate",
        "departureStartDate",
        "departureEndDate",
        "roomId",
    )
    criteria: dict[str, Any] = {name: args.get(name) for name in single}
    for name in ("reservationStatuses", "reservationIdList"):
        criteria[name] = args.getlist(name)
    return criteria


def charges_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    charges = (body.get("criteria") or {}).get("charges") or []
    # Oracle's own Postman collection sometimes sends one object.
    return [charges] if isinstance(charges, dict) else list(charges)

"""Every route of every service, with every kind of caller, derived from the generated route table.

For each route in a service's OpenAPI document (`x-roles` is what @require declares):
- no token, a forged token (another key; another key under the real key id; alg none), an expired
  token, a token for another audience and a refresh token are all refused with 401;
- a role outside `x-roles` gets 403 (401/404 tolerated), never a 2xx;
- a role inside `x-roles` gets past authorization: no 401, and no 403 `role_not_allowed` (a route
  may still scope further, e.g. 403 `not_your_room`; 404/409/422 mean the call was let in);
- a guest (of the room every call aims at, or of another room) never receives a 2xx answer that
  names a room other than their own;
- no caller ever gets a 5xx, and a route without @require must be on the public list below.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import GUEST_ROOM, OTHER_GUEST_ROOM, ROLES, SERVICES, bearer
from routes import Route, minimal_request, route_table

# Routes anyone may call without a token. A route that loses its @require lands outside this list
# and the matrix fails: being public is a decision, never a default.
PUBLIC_ROUTES = {
    "auth": {
        "POST /api/auth/login",
        "POST /api/auth/guest-login",
        "POST /api/auth/refresh",
        "POST /api/auth/logout",
        "GET /api/auth/jwks",
    },
}
ROOM_FIELDS = ("roomNumber", "room")
# 401 codes a route answers after the role gate, about the caller's account (auth's /me for a
# guest whose stay auth never heard of): scoping, not a refused role.
ACCOUNT_CHECKS = {"account_inactive"}
# Fields filled by name wherever a body or query has them, so a guest's call is one that could
# succeed for the guest of GUEST_ROOM (a 422 still counts as "let in").
FIELD_VALUES = {"roomNumber": GUEST_ROOM, "room": GUEST_ROOM, "jobType": "plumbing"}

# Figures for the terminal summary (conftest prints them).
MATRIX_FIGURES: dict[str, int] = {"routes": 0, "cells": 0}


def rooms_named(value: Any) -> set[str]:
    """Every room number a response body names, at any depth."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ROOM_FIELDS and isinstance(item, str):
                found.add(item)
            else:
                found |= rooms_named(item)
    elif isinstance(value, list):
        for item in value:
            found |= rooms_named(item)
    return found


def problem_code(response) -> str | None:
    body = response.get_json(silent=True)
    return body.get("code") if isinstance(body, dict) else None


def judge(route: Route, caller: str, role: str | None, own_room: str | None, response) -> str:
    """'' when the answer is right for this caller, else what is wrong with it."""
    status = response.status_code
    code = problem_code(response)
    if status >= 500:
        return f"{status} server error ({code})"
    if route.public:
        return ""
    if role is None:  # a token no route may take
        if status != 401:
            return f"expected 401 for {caller}, got {status} ({code})"
        if not response.mimetype.endswith("json"):
            return f"401 answered as {response.mimetype}, not problem+json"
        return ""
    if not route.allows(role):
        if 200 <= status < 300:
            return f"{role} is not in x-roles {list(route.roles)} but got {status}"
        if status not in (401, 403, 404):
            return f"{role} is not in x-roles {list(route.roles)}: expected 403, got {status}"
        return ""
    if status == 401 and code not in ACCOUNT_CHECKS:
        return f"{role} is in x-roles but got 401 ({code})"
    if status == 403 and code == "role_not_allowed":
        return f"{role} is in x-roles but got 403 role_not_allowed"
    if own_room is not None and 200 <= status < 300:
        others = rooms_named(response.get_json(silent=True)) - {own_room}
        if others:
            return f"the guest of room {own_room} got {status} naming rooms {sorted(others)}"
    return ""


@pytest.mark.parametrize("service_name", SERVICES)
def test_every_route_answers_every_caller_as_its_roles_say(build_service, tokens, service_name):
    service = build_service(service_name)
    document = service.document()
    routes = route_table(document)
    assert routes, f"{service_name} documents no route"

    public = {route.name for route in routes if route.public}
    assert public == PUBLIC_ROUTES.get(service_name, set()), (
        "routes without @require (public) differ from the reviewed list"
    )

    refused = tokens.refused()
    violations: list[str] = []
    cells = 0
    for route in routes:
        request = minimal_request(route, document, service.path_values, FIELD_VALUES)
        # Refused tokens and roles outside x-roles first: a call let in may change what follows.
        callers: list[tuple[str, str | None, str | None, str | None]] = [
            (label, token, None, None) for label, token in refused.items()
        ]
        callers.append(("guest of another room", tokens.other_guest(), "guest", OTHER_GUEST_ROOM))
        ordered_roles = sorted(ROLES, key=route.allows)
        for role in ordered_roles:
            own_room = GUEST_ROOM if role == "guest" else None
            callers.append((role, tokens.for_role(role, service), role, own_room))
        for label, token, role, own_room in callers:
            response = request.send(service.client, bearer(token))
            cells += 1
            problem = judge(route, label, role, own_room, response)
            if problem:
                violations.append(
                    f"{route.name} as {label}: {problem}\n"
                    f"    request: {request.url} query={request.query} body={request.body}\n"
                    f"    answer: {response.get_data(as_text=True)[:300]}"
                )
    MATRIX_FIGURES["routes"] += len(routes)
    MATRIX_FIGURES["cells"] += cells
    assert not violations, f"{len(violations)} of {cells} cells wrong:\n" + "\n".join(violations)


class _Answer:
    """A stand-in response for checking the judge itself."""

    def __init__(self, status: int, body: Any = None, mimetype: str = "application/json") -> None:
        self.status_code, self._body, self.mimetype = status, body, mimetype

    def get_json(self, silent: bool = False) -> Any:
        return self._body


_STAFF_ONLY = Route("GET", "/api/things", {"x-roles": ["hotelAdmin"], "responses": {"200": {}}})
_GUESTS = Route("GET", "/api/mine", {"x-roles": ["guest"], "responses": {"200": {}}})


@pytest.mark.parametrize(
    ("route", "caller", "role", "own_room", "answer"),
    [
        (_STAFF_ONLY, "forged", None, None, _Answer(200, {})),
        (_STAFF_ONLY, "expired", None, None, _Answer(403, {"code": "role_not_allowed"})),
        (_STAFF_ONLY, "staff", "staff", None, _Answer(200, {"items": []})),
        (_STAFF_ONLY, "hotelAdmin", "hotelAdmin", None, _Answer(403, {"code": "role_not_allowed"})),
        (_STAFF_ONLY, "hotelAdmin", "hotelAdmin", None, _Answer(500, {"code": "internal"})),
        (_GUESTS, "guest", "guest", "102", _Answer(200, {"items": [{"roomNumber": "101"}]})),
    ],
    ids=["forged-let-in", "expired-403", "role-leak", "role-refused", "5xx", "room-leak"],
)
def test_the_judge_names_each_kind_of_violation(route, caller, role, own_room, answer):
    assert judge(route, caller, role, own_room, answer)


def test_the_judge_lets_right_answers_pass():
    assert not judge(_STAFF_ONLY, "no token", None, None, _Answer(401, {"code": "missing_token"}))
    assert not judge(_STAFF_ONLY, "staff", "staff", None, _Answer(403, {"code": "x"}))
    assert not judge(_STAFF_ONLY, "hotelAdmin", "hotelAdmin", None, _Answer(422, {}))
    mine = _Answer(200, {"items": [{"roomNumber": "102"}]})
    assert not judge(_GUESTS, "guest", "guest", "102", mine)

"""openapi.json cannot drift: every /api route and method the app serves is documented."""

from __future__ import annotations

import json
import re

from auth.app import OPENAPI_PATH


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: "{" + _camel(m.group(1)) + "}", rule)


def test_every_api_route_is_documented(app):
    spec = json.loads(OPENAPI_PATH.read_text())
    served = {
        (_openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {
        (path, method)
        for path, operations in spec["paths"].items()
        for method in operations
        if method != "parameters"
    }
    assert served, "no /api routes found"
    assert served - documented == set(), "routes missing from openapi.json"
    assert documented - served == set(), "openapi.json documents routes the app does not serve"


def test_the_document_is_openapi_3_1_and_served(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json["openapi"].startswith("3.1")


def test_every_protected_operation_states_who_may_call_it():
    spec = json.loads(OPENAPI_PATH.read_text())
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            description = operation.get("description", "")
            assert description.startswith(("Roles:", "Public")), f"{method} {path}"

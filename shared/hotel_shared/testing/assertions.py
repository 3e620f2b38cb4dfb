"""Assertions the services' tests share: problem responses, the OpenAPI document, contracts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotel_shared.testing.servers import find_repo_root

# --- HTTP assertions ---------------------------------------------------------------------------


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response (Flask's test client or requests') is an RFC 9457 problem with `status` (and
    `code`); returns its body."""
    is_flask = hasattr(response, "get_json")
    text = response.get_data(as_text=True) if is_flask else response.text
    assert response.status_code == status, text
    content_type = response.headers.get("Content-Type", "")
    assert content_type.startswith("application/problem+json"), content_type
    body = response.get_json() if is_flask else response.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
        # Services and the gateway name problems alike, so clients can switch on either field.
        assert body["type"] == f"urn:hotel-ops:problem:{code}"
    assert body["requestId"] == response.headers["X-Request-ID"]
    return body


def assert_openapi_complete(app: Any) -> dict[str, Any]:
    """The app's generated OpenAPI document is valid OpenAPI 3 and documents every route."""
    from openapi_spec_validator import validate

    from hotel_shared.openapi import OPERATIONAL_ROUTES, openapi_path

    client = app.test_client()
    response = client.get("/openapi.json")
    assert response.status_code == 200, response.get_data(as_text=True)
    document = response.get_json()
    validate(document)
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule in OPERATIONAL_ROUTES or rule.endpoint == "static":
            continue
        path = document["paths"].get(openapi_path(rule.rule), {})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation = path.get(method.lower())
            if operation is None or not operation.get("responses"):
                missing.append(f"{method} {rule.rule}")
    assert not missing, f"routes missing from the OpenAPI document: {missing}"
    return document


# --- event contracts (contracts/events/<type>.json, see contracts/README.md) ---------------------


def contract_path(event_type: str) -> Path:
    repo = find_repo_root()
    if repo is None:
        raise RuntimeError("contracts/ not found: run the tests from the repository checkout")
    return repo / "contracts" / "events" / f"{event_type}.json"


def consumed_event_types(handlers: dict[str, Any]) -> list[str]:
    """The event types a consumer's HANDLERS react to (the `#` catch-all is not a type)."""
    return sorted(event_type for event_type in handlers if event_type != "#")


def assert_has_contract(event_type: str) -> None:
    """A consumer may react only to an event whose producer committed an example of it."""
    path = contract_path(event_type)
    assert path.is_file(), (
        f"{event_type} is handled but has no example: write contracts/events/{event_type}.json"
    )


def load_contract(event_type: str) -> dict[str, Any]:
    """The committed example of `event_type`: {type, subject, data}."""
    return json.loads(contract_path(event_type).read_text())


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def assert_matches_contract(event_type: str, data: dict[str, Any]) -> None:
    """A producer's payload has exactly the contract's fields, each of the same JSON type."""
    example = load_contract(event_type)["data"]
    assert set(data) == set(example), (
        f"{event_type}: fields differ from contracts/events/{event_type}.json — "
        f"missing {sorted(set(example) - set(data))}, unexpected {sorted(set(data) - set(example))}"
    )
    for field, value in data.items():
        expected = example[field]
        if value is not None and expected is not None:
            assert _json_type(value) == _json_type(expected), (
                f"{event_type}.{field} is a {_json_type(value)}, the contract has a "
                f"{_json_type(expected)}"
            )

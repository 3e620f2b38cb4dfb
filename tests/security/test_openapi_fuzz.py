"""Schemathesis against each service's generated OpenAPI document, through the real app.

Every operation gets a bounded, derandomized run of generated requests (valid ones, then ones that
break the schema) as the hotel admin, and the operations a guest may call get a second run as a
guest. Each answer must be no 5xx, a documented status, a documented content type and a body that
matches the documented schema.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from conftest import SERVICES, bearer
from hypothesis import HealthCheck, Phase, given, settings
from routes import ANY_SIGNED_IN, METHOD_ORDER
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}
GUEST_EXAMPLES = 15
REAL_ID_EXAMPLES = 20

# Figures for the terminal summary (conftest prints them).
FUZZ_FIGURES: dict[str, int] = {"operations": 0, "cases": 0}


def run_operation(
    operation,
    mode: GenerationMode,
    headers: dict[str, str],
    examples: int,
    path_values: dict[str, str] | None = None,
) -> int:
    """Run `examples` generated cases of one operation; the number of requests made.

    With `path_values`, the path holds real ids, so the generated bodies and queries reach the
    use case and the record rather than stopping at a 404.
    """
    made = [0]
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_values)

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    def check(case) -> None:
        made[0] += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
    return made[0]


def real_path_values(operation: dict[str, Any], known: dict[str, str]) -> dict[str, str]:
    """Real ids for each path parameter of the operation; {} if it has none or one is unknown."""
    names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
    if not names or any(name not in known for name in names):
        return {}
    return {name: known[name] for name in names}


def has_inputs(operation: dict[str, Any]) -> bool:
    return bool(operation.get("parameters")) or "requestBody" in operation


def guest_may_call(operation: dict[str, Any]) -> bool:
    roles = operation.get("x-roles")
    return roles is None or "guest" in roles or ANY_SIGNED_IN in roles


@pytest.mark.parametrize("service_name", SERVICES)
def test_generated_requests_get_documented_answers(build_service, tokens, subtests, service_name):
    service = build_service(service_name)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", service.app)
    admin = bearer(tokens.for_role("hotelAdmin", service))
    guest = bearer(tokens.for_role("guest"))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"{service_name} documents no operation"
    # DELETE last, so the records the real-id runs aim at are still there for the other routes.
    operations.sort(key=lambda op: (METHOD_ORDER[op.method.lower()], op.path))
    for operation in operations:
        FUZZ_FIGURES["operations"] += 1
        raw = operation.definition.raw
        for mode, examples in EXAMPLES.items():
            if mode is GenerationMode.NEGATIVE and not has_inputs(raw):
                continue  # nothing to break: no parameter, no body
            with subtests.test(msg=f"{operation.label} as admin, {mode.value}"):
                FUZZ_FIGURES["cases"] += run_operation(operation, mode, admin, examples)
        real_ids = real_path_values(raw, service.path_values)
        if real_ids:
            with subtests.test(msg=f"{operation.label} as admin, real ids {real_ids}"):
                FUZZ_FIGURES["cases"] += run_operation(
                    operation, GenerationMode.POSITIVE, admin, REAL_ID_EXAMPLES, real_ids
                )
        if guest_may_call(raw):
            with subtests.test(msg=f"{operation.label} as guest"):
                FUZZ_FIGURES["cases"] += run_operation(
                    operation, GenerationMode.POSITIVE, guest, GUEST_EXAMPLES
                )

"""Flask plumbing every service shares: request ids, problem responses, health, metrics, bodies."""

from __future__ import annotations

import json
import logging
import os
import re
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, Response, g, request
from marshmallow import Schema, ValidationError, fields, validate
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from pymongo.errors import PyMongoError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from hotel_shared.bus import is_broker_reachable
from hotel_shared.config import ServiceSettings
from hotel_shared.errors import (
    PROBLEM_CONTENT_TYPE,
    DatabaseUnavailable,
    PreconditionFailed,
    ProblemError,
    ServiceUnavailable,
    ValidationFailed,
    problem_for_status,
)
from hotel_shared.inputs import check_json_media_type, check_text, parse_json
from hotel_shared.logs import configure_logging, request_id_var
from hotel_shared.mongo import get_client, is_unavailable
from hotel_shared.pipeline_metrics import ExtraGauges, PipelineMetrics

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
DEFAULT_LIMIT, MAX_LIMIT = 50, 500
# Past any real list; a larger skip overflows Mongo's 64-bit integer.
MAX_OFFSET = 10_000_000

HTTP_REQUESTS = Counter(
    "hotel_http_requests_total", "HTTP requests answered", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "hotel_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["service", "method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

ReadinessCheck = Callable[[], None]


def init_service(
    app: Flask,
    settings: ServiceSettings,
    *,
    readiness_checks: Mapping[str, ReadinessCheck] | None = None,
    extra_metrics: ExtraGauges | None = None,
) -> None:
    """Wire the cross-cutting behaviour every service must have into `app`. `extra_metrics`
    returns a service's own gauges (GaugeMetricFamily), read with the pipeline's at a scrape."""
    configure_logging(settings.name, settings.log_level)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False
    if settings.trusted_proxy_hops:
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.before_request(_start_request)
    app.after_request(_finish_request(settings.name))
    _register_error_handlers(app)
    checks = dict(readiness_checks) if readiness_checks is not None else default_checks(settings)
    pipeline = PipelineMetrics(settings, extra=extra_metrics)
    _register_operational_routes(app, checks, pipeline)


def _start_request() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    request_id_var.set(g.request_id)


def current_request_id() -> str | None:
    return g.get("request_id")


def _finish_request(service: str) -> Callable[[Response], Response]:
    def finish(response: Response) -> Response:
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[REQUEST_ID_HEADER] = request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cache-Control", "no-store")
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        elapsed = time.perf_counter() - g.get("request_started", time.perf_counter())
        HTTP_REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
        HTTP_LATENCY.labels(service, request.method, route).observe(elapsed)
        if route not in ("/healthz", "/metrics"):
            log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={"status": response.status_code, "durationMs": round(elapsed * 1000, 2)},
            )
        return response

    return finish


def problem_response(error: ProblemError) -> Response:
    body = error.to_problem(current_request_id())
    response = Response(json.dumps(body), status=error.status, mimetype=PROBLEM_CONTENT_TYPE)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ProblemError)
    def on_problem(error: ProblemError):
        return problem_response(error)

    @app.errorhandler(HTTPException)
    def on_http_exception(error: HTTPException):
        problem = problem_for_status(error.code or 500, error.description)
        if error.code == 405 and getattr(error, "valid_methods", None):
            problem.headers["Allow"] = ", ".join(error.valid_methods)
        return problem_response(problem)

    @app.errorhandler(PyMongoError)
    def on_mongo_error(error: PyMongoError):
        if is_unavailable(error):
            log.warning("database unavailable: %s", error)
            return problem_response(DatabaseUnavailable("the database is unreachable; try again"))
        log.exception("database error")
        return problem_response(ProblemError("an unexpected error occurred"))

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception):
        # Never echo internals: the request id ties the client's report to this log line.
        log.exception("unhandled error")
        return problem_response(ProblemError("an unexpected error occurred"))


def default_checks(settings: ServiceSettings) -> dict[str, ReadinessCheck]:
    return {"mongo": mongo_check(settings), "broker": broker_check(settings)}


def mongo_check(settings: ServiceSettings) -> ReadinessCheck:
    def check() -> None:
        get_client(settings.mongo_url, settings.mongo_timeout_ms).admin.command("ping")

    return check


def broker_check(settings: ServiceSettings, cache_s: float = 2.0) -> ReadinessCheck:
    # Cached briefly: each check opens a broker connection, and probes arrive often.
    state = {"at": 0.0, "ok": False}

    def check() -> None:
        now = time.monotonic()
        if now - state["at"] > cache_s:
            state["ok"], state["at"] = is_broker_reachable(settings.amqp_url), now
        if not state["ok"]:
            raise ConnectionError("broker unreachable")

    return check


def _register_operational_routes(
    app: Flask, checks: Mapping[str, ReadinessCheck], pipeline: PipelineMetrics
) -> None:
    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz():
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as error:  # any failure means not ready; say which
                results[name] = f"unavailable: {type(error).__name__}"
        if all(value == "ok" for value in results.values()):
            return {"status": "ready", "checks": results}
        unavailable = ", ".join(name for name, value in results.items() if value != "ok")
        return problem_response(
            ServiceUnavailable(
                f"not ready: {unavailable} unavailable", code="not_ready", checks=results
            )
        )

    @app.get("/metrics")
    def metrics():
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            requests_text = generate_latest(registry)
        else:
            requests_text = generate_latest()
        # HTTP series from every process, then the pipeline's gauges read now (one set per scrape).
        return Response(requests_text + pipeline.render(), mimetype=CONTENT_TYPE_LATEST)


# --- request bodies, query strings, paging and optimistic concurrency -----------------------


def load_body(schema: Schema, *, partial: bool = False) -> dict[str, Any]:
    """The request's JSON object, validated by `schema`: 400 when unparseable, 422 when invalid."""
    check_json_media_type(request.headers.get("Content-Type"))
    data = parse_json(request.get_data(cache=True))
    check_text(data, "request body")
    if not isinstance(data, dict):
        raise ValidationFailed(
            "the request body must be a JSON object", errors={"_schema": ["must be a JSON object"]}
        )
    return _load(schema, data, partial=partial, where="request body")


def load_query(schema: Schema) -> dict[str, Any]:
    """Query-string arguments validated by `schema` (422 naming the bad ones)."""
    arguments = request.args.to_dict()
    check_text(arguments, "query")
    return _load(schema, arguments, partial=False, where="query")


def _load(schema: Schema, data: dict[str, Any], *, partial: bool, where: str) -> dict[str, Any]:
    try:
        return schema.load(data, partial=partial)
    except ValidationError as error:
        messages = error.normalized_messages()
        fields = ", ".join(sorted(str(key) for key in messages))
        raise ValidationFailed(f"invalid {where}: {fields}", errors=messages) from None


class PageQuerySchema(Schema):
    """`limit` (default 50, at most 500) and `offset`; list routes' query schemas extend it."""

    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, MAX_OFFSET))


def load_page_query(schema: PageQuerySchema) -> tuple[dict[str, Any], int, int]:
    """A list route's query: (filters, limit, offset), 422 naming any bad argument."""
    return split_page(load_query(schema))


def split_page(query: Mapping[str, Any]) -> tuple[dict[str, Any], int, int]:
    """A loaded page query as (filters, limit, offset)."""
    filters = dict(query)
    return filters, filters.pop("limit"), filters.pop("offset")


def paged(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def etag_for(version: int) -> str:
    return f'"{version}"'


def expected_version() -> int | None:
    """The version named by If-Match, or None when the client did not make the write conditional."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
    try:
        return int(tag)
    except ValueError:
        raise PreconditionFailed(
            "If-Match does not hold an ETag this service issued", code="precondition_failed"
        ) from None


def with_etag(body: Any, version: int, status: int = 200, headers: Mapping[str, str] | None = None):
    """A JSON response carrying the resource's ETag."""
    response_headers = {"ETag": etag_for(version), **(headers or {})}
    return body, status, response_headers

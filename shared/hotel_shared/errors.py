"""Problem errors (RFC 9457 plus a stable `code`): raise anywhere, one renderer makes the JSON."""

from __future__ import annotations

from typing import Any

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:hotel-ops:problem:"


class ProblemError(Exception):
    """An error the client can act on. Subclasses fix status, code and title."""

    status = 500
    code = "internal_error"
    title = "Internal Server Error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if code:
            self.code = code
        self.errors = errors
        self.headers = headers or {}
        self.extensions = extensions

    def to_problem(self, request_id: str | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            "requestId": request_id,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extensions)
        return body


class BadRequest(ProblemError):
    status, code, title = 400, "bad_request", "Bad Request"


class MalformedJson(BadRequest):
    code = "malformed_json"


class Unauthorized(ProblemError):
    status, code, title = 401, "unauthorized", "Unauthorized"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="hotel"'})
        super().__init__(detail, **kwargs)


class Forbidden(ProblemError):
    status, code, title = 403, "forbidden", "Forbidden"


class NotFound(ProblemError):
    status, code, title = 404, "not_found", "Not Found"


class MethodNotAllowed(ProblemError):
    status, code, title = 405, "method_not_allowed", "Method Not Allowed"


class Conflict(ProblemError):
    status, code, title = 409, "conflict", "Conflict"


class PreconditionFailed(ProblemError):
    status, code, title = 412, "precondition_failed", "Precondition Failed"


class PayloadTooLarge(ProblemError):
    status, code, title = 413, "payload_too_large", "Payload Too Large"


class UnsupportedMediaType(ProblemError):
    status, code, title = 415, "unsupported_media_type", "Unsupported Media Type"


class ValidationFailed(ProblemError):
    status, code, title = 422, "validation_failed", "Unprocessable Content"


class TooManyRequests(ProblemError):
    status, code, title = 429, "too_many_requests", "Too Many Requests"

    def __init__(self, detail: str | None = None, *, retry_after_s: int = 60, **kwargs: Any):
        kwargs.setdefault("headers", {"Retry-After": str(max(1, int(retry_after_s)))})
        super().__init__(detail, **kwargs)


class ServiceUnavailable(ProblemError):
    status, code, title = 503, "service_unavailable", "Service Unavailable"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"Retry-After": "5"})
        super().__init__(detail, **kwargs)


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"


class BrokerUnavailable(ServiceUnavailable):
    code = "broker_unavailable"


_BY_STATUS: dict[int, type[ProblemError]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PreconditionFailed,
        PayloadTooLarge,
        UnsupportedMediaType,
        ValidationFailed,
        TooManyRequests,
        ServiceUnavailable,
    )
}


def problem_for_status(status: int, detail: str | None = None) -> ProblemError:
    """The problem matching an HTTP status raised by the framework (404 route, 405, 413...)."""
    cls = _BY_STATUS.get(status)
    if cls is not None:
        return cls(detail)
    error = ProblemError(detail)
    error.status = status
    return error

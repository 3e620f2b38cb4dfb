"""Optimistic concurrency in plain values: a client's If-Match against the version just read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotel_shared.errors import PreconditionFailed


class StaleVersion(PreconditionFailed):
    """412: the client wrote against a version that is no longer current."""

    code = "precondition_failed"

    def __init__(self, what: str, expected: int, current: int | None, **extensions: Any) -> None:
        super().__init__(
            f"{what} changed since version {expected}; fetch it again",
            currentVersion=current,
            **extensions,
        )


def check_version(
    document: Mapping[str, Any], expected_version: int | None, what: str, **extensions: Any
) -> None:
    """The client's If-Match, when given, must name the version `document` has now."""
    if expected_version is not None and document["version"] != expected_version:
        raise StaleVersion(what, expected_version, document["version"], **extensions)

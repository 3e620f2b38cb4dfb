"""What a request's JSON and query may hold before any schema reads it.

Checked once for every body and query string, so no route can forget: JSON only when the client
says so (415), UTF-8 without a byte-order mark, nesting no deeper than a real document needs
(checked before parsing, so a 10,000-deep body never reaches the recursive parser), and text
without lone UTF-16 surrogates, control characters or bidirectional overrides, which would be
stored verbatim and break JSON encoders, logs and screens later (422 naming the field).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from hotel_shared.errors import MalformedJson, UnsupportedMediaType, ValidationFailed

MAX_JSON_DEPTH = 32
# C0 controls but tab, newline and carriage return; DEL; bidi embeddings, overrides and isolates.
_FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_JSON_MEDIA_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json$")


def check_json_media_type(content_type: str | None) -> None:
    media_type, _, parameters = (content_type or "").partition(";")
    if not _JSON_MEDIA_TYPE.match(media_type.strip().lower()):
        raise UnsupportedMediaType(
            "send the body as application/json", code="unsupported_media_type"
        )
    charset = parameters.strip().lower().removeprefix("charset=").strip('"')
    if parameters.strip() and charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType("JSON bodies are UTF-8", code="unsupported_media_type")


def parse_json(raw: bytes) -> Any:
    """Decode a request body: 400 when it is not UTF-8 JSON or nests deeper than allowed."""
    if not raw.strip():
        raise MalformedJson("the request body is empty; a JSON object is expected")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise MalformedJson("the request body starts with a byte-order mark; send plain UTF-8")
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _depth(raw) > MAX_JSON_DEPTH:
        raise MalformedJson(
            f"the request body nests deeper than {MAX_JSON_DEPTH} levels", code="body_too_deep"
        )
    try:
        text = raw.decode("utf-8")
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedJson(f"the request body is not valid JSON: {error}") from None


def check_text(data: Any, where: str) -> None:
    """422 naming every field whose text (or key) is not plain, storable Unicode."""
    errors = {path: [reason] for path, reason in _bad_text(data, "")}
    if errors:
        raise ValidationFailed(f"invalid {where}: {', '.join(sorted(errors))}", errors=errors)


def _bad_text(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        reason = _text_problem(value)
        if reason:
            yield path or "_schema", reason
    elif isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if _text_problem(str(key)):
                yield here, "field names must be plain text"
            else:
                yield from _bad_text(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_text(item, f"{path}.{index}" if path else str(index))


def _text_problem(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains an unpaired UTF-16 surrogate"
    if _FORBIDDEN_TEXT.search(text):
        return "contains a control or bidirectional-override character"
    return None


def _depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects, counted without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")

"""A WSGI app for the gateway tests, run by real gunicorn: it says it answered, and what it saw."""

from __future__ import annotations

import json


def app(environ, start_response):
    headers = {
        key[5:].lower().replace("_", "-"): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    body = json.dumps(
        {
            "answeredBy": "gunicorn",
            "method": environ["REQUEST_METHOD"],
            "path": environ.get("RAW_URI") or environ["PATH_INFO"],
            "headerCount": len(headers),
            "headers": headers,
        }
    ).encode()
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]

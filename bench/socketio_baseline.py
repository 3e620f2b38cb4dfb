"""P4_baseline's server: the barest python-socketio broadcast, eventlet, no auth, no broker.

`POST /emit` with a JSON object emits it as `room.status_changed` to every connected client and
answers the same object, so the bench drives it exactly like the platform's
`PATCH /api/rooms/{n}/status` (HTTP request in, Socket.IO event out to every client) and times it
with the same client harness. `GET /ping` answers 200 once the server listens.

    python bench/socketio_baseline.py --port 8099
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402  (after monkey_patch, as eventlet requires)
import json  # noqa: E402

import eventlet.wsgi  # noqa: E402
import socketio  # noqa: E402

EVENT = "room.status_changed"

sio = socketio.Server(async_mode="eventlet", cors_allowed_origins=None)


def http_app(environ, start_response):
    method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
    if method == "POST" and path == "/emit":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        sio.emit(EVENT, json.loads(body))  # to every connected client
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]
    if method == "GET" and path == "/ping":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "4")])
        return [b"pong"]
    start_response("404 Not Found", [("Content-Length", "0")])
    return [b""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    listener = eventlet.listen(("127.0.0.1", args.port), backlog=1024)
    # max_size: concurrent green threads; every WebSocket holds one for its whole life.
    eventlet.wsgi.server(listener, socketio.WSGIApp(sio, http_app), log_output=False, max_size=4000)


if __name__ == "__main__":
    main()

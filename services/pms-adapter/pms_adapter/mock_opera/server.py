"""Run the mock OPERA on a real socket in a background thread (tests, demos in one process)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

from pms_adapter.mock_opera.app import create_mock_app
from pms_adapter.mock_opera.state import OperaState


class MockOperaServer:
    def __init__(self, state: OperaState, host: str = "127.0.0.1", port: int = 0):
        self.state = state
        self._server = make_server(host, port, create_mock_app(state), threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> MockOperaServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@contextmanager
def serve_app(app: Flask) -> Iterator[str]:
    """Any Flask app on a free local port for the block (a fake neighbour in tests); its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)

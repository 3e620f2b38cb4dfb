"""Run the mock OPERA on a real socket in a background thread (tests, demos in one process)."""

from __future__ import annotations

import threading

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

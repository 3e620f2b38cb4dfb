"""`python -m pms_adapter.mock_opera`: serve the mock OPERA (port 8090) with the demo hotel."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from werkzeug.serving import make_server

from pms_adapter.mock_opera.app import create_mock_app
from pms_adapter.mock_opera.state import OperaState, demo_state

log = logging.getLogger("mock_opera")


def build_state(environ: dict[str, str] | os._Environ = os.environ, *, demo: bool = True):
    """The mock's settings come from the same variables the adapter uses to reach OPERA."""
    settings = {
        "hotel_id": environ.get("PMS_HOTEL_ID", "HOTEL1"),
        "client_id": environ.get("PMS_CLIENT_ID", "hotel-platform"),
        "client_secret": environ.get("PMS_CLIENT_SECRET", "mock-opera-secret"),
        "app_key": environ.get("PMS_APP_KEY", "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"),
        "ext_system_code": environ.get("PMS_EXTERNAL_SYSTEM", "HOTELOPS"),
        "token_ttl_s": int(environ.get("MOCK_OPERA_TOKEN_TTL_S", "3600")),
    }
    snapshot = environ.get("MOCK_OPERA_STATE_FILE")
    if snapshot:
        settings["snapshot_path"] = Path(snapshot)
    return demo_state(**settings) if demo else OperaState(**settings)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pms_adapter.mock_opera", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("MOCK_OPERA_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOCK_OPERA_PORT", "8090")))
    parser.add_argument("--empty", action="store_true", help="start without the demo hotel")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s mock-opera %(message)s")
    state = build_state(demo=not args.empty)
    server = make_server(args.host, args.port, create_mock_app(state), threaded=True)
    log.info("mock OPERA for hotel %s on http://%s:%d", state.hotel_id, args.host, args.port)
    server.serve_forever()


if __name__ == "__main__":
    main()

"""The auth web application: its table of contents."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from auth.api import api
from auth.config import Config
from auth.service import AuthService
from auth.store import AuthStores
from hotel_shared.auth import TokenVerifier, init_auth
from hotel_shared.config import ConfigError
from hotel_shared.web import init_service

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    if config.private_key is None:
        raise ConfigError("missing required environment variable AUTH_PRIVATE_KEY_FILE")
    app = Flask(__name__)
    init_service(app, config.service, openapi_path=str(OPENAPI_PATH))
    # Auth trusts the tokens it signs itself, plus any key named by JWT_PUBLIC_KEY_FILE.
    verifier = TokenVerifier.from_settings(
        config.service, extra_keys=[config.private_key.public_key()]
    )
    init_auth(app, verifier)
    app.extensions["auth_service"] = AuthService(config, AuthStores(config.service))
    app.register_blueprint(api)
    return app

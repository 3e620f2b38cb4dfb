"""Application factory of the rooms service."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from hotel_shared.auth import TokenVerifier, init_auth
from hotel_shared.web import init_service
from rooms import api, front_office_api
from rooms.config import Config

OPENAPI_PATH = Path(__file__).with_name("openapi.json")


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    app = Flask(__name__)
    app.extensions[api.CONFIG_KEY] = config
    init_service(app, config.service, openapi_path=str(OPENAPI_PATH))
    init_auth(app, TokenVerifier.from_settings(config.service))
    app.register_blueprint(api.blueprint)
    app.register_blueprint(front_office_api.blueprint)
    return app

"""Application factory of the rooms service."""

from __future__ import annotations

from flask import Flask

from hotel_shared.auth import TokenVerifier, init_auth
from hotel_shared.openapi import register_openapi
from hotel_shared.web import init_service
from rooms.api import CONFIG_KEY, blueprint
from rooms.config import Config


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    app = Flask(__name__)
    app.extensions[CONFIG_KEY] = config
    init_service(app, config.service)
    init_auth(app, TokenVerifier.from_settings(config.service))
    app.register_blueprint(blueprint)
    register_openapi(app, title="rooms service")
    return app

"""Application factory of the fnb service: the table of contents."""

from __future__ import annotations

from flask import Flask

from fnb import api
from fnb.config import Config
from hotel_shared.auth import TokenVerifier, init_auth
from hotel_shared.openapi import register_openapi
from hotel_shared.web import init_service


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    app = Flask(__name__)
    app.extensions[api.CONFIG_KEY] = config
    init_service(app, config.service)
    init_auth(app, TokenVerifier.from_settings(config.service))
    app.register_blueprint(api.blueprint)
    register_openapi(app, title="fnb service")
    return app

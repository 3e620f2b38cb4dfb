"""Application factory of the PMS adapter: the table of contents."""

from __future__ import annotations

from flask import Flask

from hotel_shared.auth import TokenVerifier, init_auth
from hotel_shared.openapi import register_openapi
from hotel_shared.web import init_service
from pms_adapter import api
from pms_adapter.config import Config
from pms_adapter.metrics import sync_gauges
from pms_adapter.rooms_api import RoomsApi


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    app = Flask(__name__)
    app.extensions[api.CONFIG_KEY] = config
    app.extensions[api.CLIENT_KEY] = config.opera_client()
    if config.rooms_url:
        app.extensions[api.ROOMS_KEY] = RoomsApi(config.rooms_url)
    init_service(app, config.service, extra_metrics=sync_gauges(config.service))
    init_auth(app, TokenVerifier.from_settings(config.service))
    app.register_blueprint(api.blueprint)
    register_openapi(app, title="pms-adapter service")
    return app

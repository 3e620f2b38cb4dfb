"""The auth web application: its table of contents."""

from __future__ import annotations

from flask import Flask

from auth.api import blueprint
from auth.config import Config
from auth.credentials import AccessTokenIssuer, Passwords
from auth.service.sessions import SignIn
from auth.store import AuthStores
from hotel_shared.auth import TokenVerifier, init_auth
from hotel_shared.config import ConfigError
from hotel_shared.openapi import register_openapi
from hotel_shared.web import init_service


def create_app(config: Config | None = None) -> Flask:
    config = config or Config.from_env()
    if config.private_key is None:
        raise ConfigError("missing required environment variable AUTH_PRIVATE_KEY_FILE")
    app = Flask(__name__)
    init_service(app, config.service)
    # Auth trusts the tokens it signs itself, plus any key named by JWT_PUBLIC_KEY_FILE.
    public_key = config.private_key.public_key()
    init_auth(app, TokenVerifier.from_settings(config.service, extra_keys=[public_key]))
    app.extensions["auth_stores"] = AuthStores.from_settings(config.service)
    app.extensions["auth_sign_in"] = sign_in_from(config)
    app.register_blueprint(blueprint)
    register_openapi(app, title="auth service")
    return app


def sign_in_from(config: Config) -> SignIn:
    """The signing key, token lifetimes, password hasher and sign-in limits of the use cases."""
    settings = config.service
    issuer = AccessTokenIssuer(
        config.private_key, settings.jwt_issuer, settings.jwt_audience, config.lifetimes
    )
    return SignIn(issuer, Passwords(), config.refresh_token_ttl_s, config.throttle)

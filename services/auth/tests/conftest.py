"""Auth's fixtures: its app, stores and sign-in seams, and users signed in for real."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient

from auth.app import create_app
from auth.config import Config
from auth.handlers import make_handlers
from auth.service import users
from auth.service.sessions import SignIn
from auth.store import AuthStores
from hotel_shared.inbox import bind_handlers
from hotel_shared.principal import Context

pytest_plugins = ["hotel_shared.testing"]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def password() -> str:
    """The password make_user gives every user unless told otherwise."""
    return PASSWORD


@pytest.fixture(scope="session")
def auth_private_key() -> Ed25519PrivateKey:
    """Auth's own signing key, distinct from the fixture keys other services' tests use."""
    return Ed25519PrivateKey.generate()


@pytest.fixture
def config(service_settings, auth_private_key) -> Config:
    return Config(service=service_settings("auth"), private_key=auth_private_key)


@pytest.fixture
def stores(config: Config, make_stores) -> AuthStores:
    return make_stores(AuthStores, config.service)


@pytest.fixture
def app(config: Config, stores: AuthStores) -> Flask:
    return create_app(config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def sign_in(app: Flask) -> SignIn:
    """The app's signing key, lifetimes, password hasher and throttle limits."""
    return app.extensions["auth_sign_in"]


@pytest.fixture
def handlers(config: Config) -> dict[str, Any]:
    """The worker's handlers, with the configured token lifetimes."""
    return make_handlers(config.lifetimes)


@pytest.fixture
def handle(stores: AuthStores, handlers) -> Callable[[dict[str, Any]], None]:
    """Deliver an envelope as the worker does: the handlers bound to the stores."""
    return bind_handlers(stores, handlers).handle


@pytest.fixture
def make_user(stores: AuthStores, sign_in: SignIn) -> Callable[..., dict[str, Any]]:
    """Create a user straight through the service (no HTTP), with PASSWORD unless given."""
    counter = iter(range(1, 10_000))

    def make(role: str = "staff", **fields: Any) -> dict[str, Any]:
        number = next(counter)
        fields.setdefault("username", f"{role.lower()}{number}")
        fields.setdefault("password", PASSWORD)
        if role in ("staff", "supervisor"):
            fields.setdefault("department", "housekeeping")
        return users.create_user(stores, Context(), sign_in.passwords, {"role": role, **fields})

    return make


@pytest.fixture
def login(client: FlaskClient) -> Callable[..., Any]:
    def do_login(username: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
        return client.post(
            "/api/auth/login",
            json={"username": username, "password": password},
            environ_base={"REMOTE_ADDR": ip},
        )

    return do_login


@pytest.fixture
def bearer(login) -> Callable[[dict[str, Any]], dict[str, str]]:
    """Authorization headers for a real sign-in of `user` (so its id matches the database)."""

    def headers(user: dict[str, Any]) -> dict[str, str]:
        response = login(user["username"])
        assert response.status_code == 200, response.json
        return {"Authorization": f"Bearer {response.json['accessToken']}"}

    return headers


@pytest.fixture
def admin(make_user) -> dict[str, Any]:
    return make_user("hotelAdmin", username="boss")


@pytest.fixture
def admin_headers(bearer, admin) -> dict[str, str]:
    return bearer(admin)

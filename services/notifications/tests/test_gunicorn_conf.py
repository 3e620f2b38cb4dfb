"""The web process's gunicorn settings follow the Socket.IO async mode of the service's Config."""

from __future__ import annotations

import runpy

import pytest
from gunicorn.workers import SUPPORTED_WORKERS

from hotel_shared.config import ConfigError


@pytest.fixture
def web_env(monkeypatch, signing_keys):
    for name, value in {
        "MONGO_URL": "mongodb://127.0.0.1:1",
        "AMQP_URL": "amqp://guest:guest@127.0.0.1:1/%2F",
        "JWT_PUBLIC_KEY_FILE": signing_keys.public_key_file,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("NOTIFICATIONS_WORKER_CONNECTIONS", raising=False)
    return monkeypatch


def gunicorn_settings() -> dict:
    """The module as gunicorn reads it: run afresh, so it sees this test's environment."""
    return runpy.run_module("notifications.gunicorn_conf")


@pytest.mark.parametrize(
    ("async_mode", "worker_class"),
    [("eventlet", "eventlet"), ("gevent", "gevent"), ("threading", "gthread")],
)
def test_each_async_mode_gets_its_gunicorn_worker(web_env, async_mode, worker_class):
    web_env.setenv("NOTIFICATIONS_ASYNC_MODE", async_mode)
    settings = gunicorn_settings()
    assert settings["worker_class"] == worker_class
    assert worker_class in SUPPORTED_WORKERS
    assert settings["workers"] == 1


def test_eventlet_is_the_default(web_env):
    web_env.delenv("NOTIFICATIONS_ASYNC_MODE", raising=False)
    assert gunicorn_settings()["worker_class"] == "eventlet"


def test_threading_mode_holds_a_socket_per_thread_and_keeps_alive_others(web_env):
    web_env.setenv("NOTIFICATIONS_ASYNC_MODE", "threading")
    web_env.setenv("NOTIFICATIONS_WORKER_CONNECTIONS", "64")
    settings = gunicorn_settings()
    assert settings["threads"] == 64
    assert settings["worker_connections"] > settings["threads"]  # else no keep-alive at all


def test_an_unknown_async_mode_stops_the_start_naming_the_variable(web_env):
    web_env.setenv("NOTIFICATIONS_ASYNC_MODE", "asyncio")
    with pytest.raises(ConfigError, match="NOTIFICATIONS_ASYNC_MODE"):
        gunicorn_settings()


def test_an_async_worker_holds_the_configured_sockets(web_env):
    web_env.setenv("NOTIFICATIONS_ASYNC_MODE", "eventlet")
    web_env.setenv("NOTIFICATIONS_WORKER_CONNECTIONS", "500")
    assert gunicorn_settings()["worker_connections"] == 500

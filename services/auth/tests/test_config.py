"""Start-up configuration: the signing key is required and problems name the variable."""

from __future__ import annotations

import pytest

from auth.app import create_app
from auth.config import Config
from hotel_shared.config import ConfigError

BASE_ENV = {"MONGO_URL": "mongodb://127.0.0.1:1", "AMQP_URL": "amqp://guest:guest@127.0.0.1:1/"}


def test_missing_private_key_is_named():
    with pytest.raises(ConfigError, match="AUTH_PRIVATE_KEY_FILE"):
        Config.from_env(BASE_ENV)


def test_unreadable_private_key_is_named(tmp_path):
    with pytest.raises(ConfigError, match="AUTH_PRIVATE_KEY_FILE"):
        Config.from_env({**BASE_ENV, "AUTH_PRIVATE_KEY_FILE": str(tmp_path / "missing.pem")})


def test_a_public_key_is_not_a_signing_key(signing_keys):
    with pytest.raises(ConfigError, match="AUTH_PRIVATE_KEY_FILE"):
        Config.from_env({**BASE_ENV, "AUTH_PRIVATE_KEY_FILE": signing_keys.public_key_file})


def test_env_is_read_with_defaults(signing_keys):
    config = Config.from_env({**BASE_ENV, "AUTH_PRIVATE_KEY_FILE": signing_keys.private_key_file})
    assert config.service.mongo_db == "hotel_auth"
    assert (config.access_token_ttl_s, config.refresh_token_ttl_s) == (900, 604800)
    assert config.private_key is not None


def test_the_worker_and_seed_start_without_a_signing_key():
    assert Config.from_env(BASE_ENV, needs_private_key=False).private_key is None


def test_the_web_app_refuses_to_start_without_a_signing_key():
    config = Config.from_env(BASE_ENV, needs_private_key=False)
    with pytest.raises(ConfigError, match="AUTH_PRIVATE_KEY_FILE"):
        create_app(config)


def test_token_lifetimes_and_throttle_are_read_from_the_environment():
    env = {
        **BASE_ENV,
        "AUTH_GUEST_ACCESS_TTL_S": "120",
        "AUTH_LOGIN_FIRST_DELAY_S": "0.5",
        "AUTH_LOGIN_MAX_FAILURES_PER_IP": "250",
    }
    config = Config.from_env(env, needs_private_key=False)
    assert (config.lifetimes.access_s, config.lifetimes.guest_access_s) == (900, 120)
    assert (config.throttle.first_delay_s, config.throttle.max_delay_s) == (0.5, 300.0)
    assert (config.throttle.free_failures, config.throttle.max_failures_per_ip) == (5, 250)
    assert Config.from_env(BASE_ENV, needs_private_key=False).lifetimes.guest_access_s == 300

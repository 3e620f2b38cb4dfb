"""Settings come from the environment once, and a missing one stops start-up by name."""

import pytest

from hotel_shared.config import ConfigError, ServiceSettings, env_bool, env_int, env_int_list

BASE_ENV = {
    "MONGO_URL": "mongodb://db:27017",
    "AMQP_URL": "amqp://guest:guest@mq:5672/",
    "JWT_PUBLIC_KEY_FILE": "/keys/public.pem",
}


def test_from_env_reads_the_shared_variables_and_derives_the_database_name():
    settings = ServiceSettings.from_env("pms-adapter", BASE_ENV)
    assert settings.mongo_url == "mongodb://db:27017"
    assert settings.mongo_db == "hotel_pms_adapter"
    assert len(settings.retry_delays_ms) + 1 == 5  # four retries, then parked


def test_the_outbox_relay_settings_have_defaults_and_can_be_set():
    defaults = ServiceSettings.from_env("rooms", BASE_ENV)
    assert (defaults.outbox_poll_interval_s, defaults.outbox_safety_poll_s) == (0.1, 5.0)
    assert defaults.outbox_lease_s == 10.0
    env = {**BASE_ENV, "OUTBOX_SAFETY_POLL_S": "2.5", "OUTBOX_LEASE_S": "30"}
    settings = ServiceSettings.from_env("rooms", env)
    assert (settings.outbox_safety_poll_s, settings.outbox_lease_s) == (2.5, 30.0)
    with pytest.raises(ConfigError, match="OUTBOX_LEASE_S"):
        ServiceSettings.from_env("rooms", {**BASE_ENV, "OUTBOX_LEASE_S": "long"})


@pytest.mark.parametrize("missing", ["MONGO_URL", "AMQP_URL"])
def test_missing_required_variable_is_named(missing):
    env = {k: v for k, v in BASE_ENV.items() if k != missing}
    with pytest.raises(ConfigError, match=missing):
        ServiceSettings.from_env("rooms", env)


def test_a_verifying_service_needs_a_public_key_source():
    env = {k: v for k, v in BASE_ENV.items() if k != "JWT_PUBLIC_KEY_FILE"}
    with pytest.raises(ConfigError, match="JWT_PUBLIC_KEY_FILE"):
        ServiceSettings.from_env("rooms", env)
    assert ServiceSettings.from_env("auth", env, needs_public_key=False).jwt_public_key_file is None


def test_malformed_values_are_refused_with_the_variable_name():
    with pytest.raises(ConfigError, match="MAX_BODY_BYTES"):
        env_int("MAX_BODY_BYTES", 10, {"MAX_BODY_BYTES": "ten"})
    with pytest.raises(ConfigError, match="FLAG"):
        env_bool("FLAG", False, {"FLAG": "maybe"})
    assert env_int_list("DELAYS", (1,), {"DELAYS": "10, 20,30"}) == (10, 20, 30)
    assert env_int("ABSENT", 7, {}) == 7


def test_the_hotel_time_zone_is_read_and_checked():
    from datetime import UTC, datetime

    from hotel_shared.timeutil import hotel_day

    environ = {
        "MONGO_URL": "mongodb://x",
        "AMQP_URL": "amqp://x",
        "HOTEL_TIMEZONE": "Pacific/Kiritimati",
    }
    settings = ServiceSettings.from_env("probe", environ, needs_public_key=False)
    # 11:00 UTC on 1 December is already 2 December in Kiritimati (UTC+14).
    assert str(hotel_day(datetime(2026, 12, 1, 11, tzinfo=UTC), settings.zone)) == "2026-12-02"
    with pytest.raises(ConfigError, match="HOTEL_TIMEZONE"):
        ServiceSettings.from_env(
            "probe", {**environ, "HOTEL_TIMEZONE": "Mars/Olympus"}, needs_public_key=False
        )

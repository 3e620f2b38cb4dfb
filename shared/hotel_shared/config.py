"""Settings from the environment, read once at start-up, with errors that name what is missing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from hotel_shared.timeutil import hotel_zone

_MISSING = object()


class ConfigError(RuntimeError):
    """A required setting is missing or malformed; the service must not start."""


def env_str(name: str, default: object = _MISSING, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    value = environ.get(name, "").strip()
    if value:
        return value
    if default is _MISSING:
        raise ConfigError(f"missing required environment variable {name}")
    return default  # type: ignore[return-value]


def env_int(name: str, default: object = _MISSING, environ: Mapping[str, str] | None = None) -> int:
    raw = env_str(name, None if default is not _MISSING else _MISSING, environ)
    if raw is None:
        return default  # type: ignore[return-value]
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"environment variable {name} must be an integer, got {raw!r}") from None


def env_float(
    name: str, default: object = _MISSING, environ: Mapping[str, str] | None = None
) -> float:
    raw = env_str(name, None if default is not _MISSING else _MISSING, environ)
    if raw is None:
        return default  # type: ignore[return-value]
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"environment variable {name} must be a number, got {raw!r}") from None


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    raw = env_str(name, "", environ).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"environment variable {name} must be true or false, got {raw!r}")


def env_int_list(
    name: str, default: tuple[int, ...], environ: Mapping[str, str] | None = None
) -> tuple[int, ...]:
    raw = env_str(name, "", environ)
    if not raw:
        return default
    try:
        return tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ConfigError(
            f"environment variable {name} must be comma-separated integers, got {raw!r}"
        ) from None


@dataclass(frozen=True)
class ServiceSettings:
    """What every service needs: where its database and broker are, and how to trust tokens."""

    name: str
    mongo_url: str
    mongo_db: str
    amqp_url: str
    jwt_public_key_file: str | None = None
    auth_jwks_url: str | None = None
    jwt_issuer: str = "hotel-auth"
    jwt_audience: str = "hotel"
    log_level: str = "INFO"
    max_body_bytes: int = 1_048_576
    mongo_timeout_ms: int = 3000
    # Delays before each redelivery of a failed event; one more failure parks it.
    retry_delays_ms: tuple[int, ...] = (1000, 5000, 30000, 120000)
    # The relay wakes on the writers' change notices; it polls every outbox_poll_interval_s
    # while they do not flow, and every outbox_safety_poll_s beside them.
    outbox_poll_interval_s: float = 0.1
    outbox_safety_poll_s: float = 5.0
    # One relay per service publishes; another worker's takes over once this long has passed.
    outbox_lease_s: float = 10.0
    processed_events_ttl_days: int = 7
    # MONGO_TTL_INDEXES=false: expiring documents get a plain index and only the worker's pruner
    # removes them (the embedded SecantusDB's own TTL sweep stalls it; hotel_shared.expiry).
    ttl_indexes: bool = True
    trusted_proxy_hops: int = 1
    # The hotel's IANA zone: "today", arrival guards and day buckets are in it (DESIGN §3).
    hotel_timezone: str = "UTC"

    @property
    def zone(self) -> ZoneInfo:
        return hotel_zone(self.hotel_timezone)

    @classmethod
    def from_env(
        cls,
        name: str,
        environ: Mapping[str, str] | None = None,
        *,
        needs_public_key: bool = True,
    ) -> ServiceSettings:
        environ = os.environ if environ is None else environ
        public_key_file = env_str("JWT_PUBLIC_KEY_FILE", None, environ)
        jwks_url = env_str("AUTH_JWKS_URL", None, environ)
        if needs_public_key and not (public_key_file or jwks_url):
            raise ConfigError(
                "missing required environment variable JWT_PUBLIC_KEY_FILE (or AUTH_JWKS_URL)"
            )
        return cls(
            name=name,
            mongo_url=env_str("MONGO_URL", environ=environ),
            mongo_db=env_str("MONGO_DB", f"hotel_{name.replace('-', '_')}", environ),
            amqp_url=env_str("AMQP_URL", environ=environ),
            jwt_public_key_file=public_key_file,
            auth_jwks_url=jwks_url,
            jwt_issuer=env_str("JWT_ISSUER", "hotel-auth", environ),
            jwt_audience=env_str("JWT_AUDIENCE", "hotel", environ),
            log_level=env_str("LOG_LEVEL", "INFO", environ).upper(),
            max_body_bytes=env_int("MAX_BODY_BYTES", 1_048_576, environ),
            mongo_timeout_ms=env_int("MONGO_TIMEOUT_MS", 3000, environ),
            retry_delays_ms=env_int_list(
                "EVENT_RETRY_DELAYS_MS", (1000, 5000, 30000, 120000), environ
            ),
            outbox_poll_interval_s=env_float("OUTBOX_POLL_INTERVAL_S", 0.1, environ),
            outbox_safety_poll_s=env_float("OUTBOX_SAFETY_POLL_S", 5.0, environ),
            outbox_lease_s=env_float("OUTBOX_LEASE_S", 10.0, environ),
            processed_events_ttl_days=max(7, env_int("PROCESSED_EVENTS_TTL_DAYS", 7, environ)),
            ttl_indexes=env_bool("MONGO_TTL_INDEXES", True, environ),
            trusted_proxy_hops=env_int("TRUSTED_PROXY_HOPS", 1, environ),
            hotel_timezone=_zone_name(env_str("HOTEL_TIMEZONE", "UTC", environ)),
        )


def _zone_name(name: str) -> str:
    try:
        hotel_zone(name)
    except ValueError as error:
        raise ConfigError(f"environment variable HOTEL_TIMEZONE: {error}") from None
    return name

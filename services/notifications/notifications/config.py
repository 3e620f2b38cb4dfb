"""Configuration of the notifications service, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from hotel_shared.config import ConfigError, ServiceSettings, env_bool, env_float, env_int, env_str

SERVICE_NAME = "notifications"
# gunicorn worker class per Socket.IO async mode: switching to gevent is NOTIFICATIONS_ASYNC_MODE.
WORKER_CLASSES = {"eventlet": "eventlet", "gevent": "gevent", "threading": "gthread"}
# tasks owns departments and publishes no event about them: alerts check against this list.
DEFAULT_DEPARTMENTS = ("housekeeping", "maintenance", "fnb", "frontOffice", "concierge")


@dataclass(frozen=True)
class PushSettings:
    """Web Push (VAPID keys, the sender's pace). Without VAPID_PRIVATE_KEY the service makes one
    key pair on its first start and keeps it in its database (`push_keys`), so the web and worker
    processes and every restart sign with the same key."""

    # PEM, or base64url of the raw 32-byte key or of its DER; None: the stored (generated) one.
    vapid_private_key: str | None = None
    vapid_subject: str = "mailto:operations@hotel.example"
    # http://127.0.0.1 / localhost endpoints: for tests pointing at a local recorder. Off.
    allow_local_endpoints: bool = False
    ttl_s: int = 3600
    max_attempts: int = 5
    backoff_base_s: float = 2.0
    backoff_cap_s: float = 300.0
    poll_interval_s: float = 1.0
    timeout_s: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> PushSettings:
        subject = env_str("VAPID_SUBJECT", cls.vapid_subject, environ)
        if not subject.startswith(("mailto:", "https://")):
            raise ConfigError("VAPID_SUBJECT must be a mailto: or https: URL")
        return cls(
            vapid_private_key=env_str("VAPID_PRIVATE_KEY", "", environ) or None,
            vapid_subject=subject,
            allow_local_endpoints=env_bool(
                "NOTIFICATIONS_PUSH_ALLOW_LOCAL_ENDPOINTS", False, environ
            ),
            ttl_s=env_int("NOTIFICATIONS_PUSH_TTL_S", cls.ttl_s, environ),
            max_attempts=env_int("NOTIFICATIONS_PUSH_MAX_ATTEMPTS", cls.max_attempts, environ),
            backoff_base_s=env_float(
                "NOTIFICATIONS_PUSH_BACKOFF_BASE_S", cls.backoff_base_s, environ
            ),
            backoff_cap_s=env_float("NOTIFICATIONS_PUSH_BACKOFF_CAP_S", cls.backoff_cap_s, environ),
            poll_interval_s=env_float("NOTIFICATIONS_PUSH_POLL_S", cls.poll_interval_s, environ),
            timeout_s=env_float("NOTIFICATIONS_PUSH_TIMEOUT_S", cls.timeout_s, environ),
        )


@dataclass(frozen=True)
class Config:
    service: ServiceSettings
    async_mode: str = "eventlet"
    # Fanout exchange of the Socket.IO message queue; apart from hotel.events on purpose.
    socketio_channel: str = "hotel.notifications.socketio"
    # None: only emit locally (tests); otherwise every web process shares emits through AMQP.
    message_queue_url: str | None = None
    # Concurrent sockets one web process holds (greenlets, or threads in threading mode).
    worker_connections: int = 2000
    # The departments an alert may be addressed to (NOTIFICATIONS_DEPARTMENTS, comma-separated).
    departments: tuple[str, ...] = DEFAULT_DEPARTMENTS
    push: PushSettings = PushSettings()

    @property
    def worker_class(self) -> str:
        return WORKER_CLASSES[self.async_mode]

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, needs_public_key: bool = True
    ) -> Config:
        environ = os.environ if environ is None else environ
        service = ServiceSettings.from_env(SERVICE_NAME, environ, needs_public_key=needs_public_key)
        async_mode = env_str("NOTIFICATIONS_ASYNC_MODE", "eventlet", environ)
        if async_mode not in WORKER_CLASSES:
            raise ConfigError(f"NOTIFICATIONS_ASYNC_MODE must be one of {sorted(WORKER_CLASSES)}")
        return cls(
            service=service,
            async_mode=async_mode,
            socketio_channel=env_str(
                "NOTIFICATIONS_SOCKETIO_CHANNEL", "hotel.notifications.socketio", environ
            ),
            message_queue_url=service.amqp_url,
            worker_connections=env_int("NOTIFICATIONS_WORKER_CONNECTIONS", 2000, environ),
            departments=_departments(environ),
            push=PushSettings.from_env(environ),
        )


def _departments(environ: Mapping[str, str]) -> tuple[str, ...]:
    raw = env_str("NOTIFICATIONS_DEPARTMENTS", ",".join(DEFAULT_DEPARTMENTS), environ)
    departments = tuple(code.strip() for code in raw.split(",") if code.strip())
    if not departments:
        raise ConfigError("NOTIFICATIONS_DEPARTMENTS must name at least one department")
    return departments

"""Configuration of the notifications service, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from hotel_shared.config import ConfigError, ServiceSettings, env_int, env_str

SERVICE_NAME = "notifications"
# gunicorn worker class per Socket.IO async mode: switching to gevent is NOTIFICATIONS_ASYNC_MODE.
WORKER_CLASSES = {"eventlet": "eventlet", "gevent": "gevent", "threading": "gthread"}
# tasks owns departments and publishes no event about them: alerts check against this list.
DEFAULT_DEPARTMENTS = ("housekeeping", "maintenance", "fnb", "frontOffice", "concierge")


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
        )


def _departments(environ: Mapping[str, str]) -> tuple[str, ...]:
    raw = env_str("NOTIFICATIONS_DEPARTMENTS", ",".join(DEFAULT_DEPARTMENTS), environ)
    departments = tuple(code.strip() for code in raw.split(",") if code.strip())
    if not departments:
        raise ConfigError("NOTIFICATIONS_DEPARTMENTS must name at least one department")
    return departments

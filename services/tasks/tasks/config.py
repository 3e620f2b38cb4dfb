"""Configuration of the tasks service, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from hotel_shared.config import ServiceSettings, env_bool, env_float

SERVICE_NAME = "tasks"


@dataclass(frozen=True)
class Config:
    service: ServiceSettings
    escalation_interval_s: float = 15.0
    # TASKS_READ_MODEL=false: every task list from the database (a switch to rule the cache out).
    read_model: bool = True

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, needs_public_key: bool = True
    ) -> Config:
        environ = os.environ if environ is None else environ
        # The worker and the seed verify no tokens, so only the web process needs the public key.
        return cls(
            service=ServiceSettings.from_env(
                SERVICE_NAME, environ, needs_public_key=needs_public_key
            ),
            escalation_interval_s=env_float("TASKS_ESCALATION_INTERVAL_S", 15.0, environ),
            read_model=env_bool("TASKS_READ_MODEL", True, environ),
        )

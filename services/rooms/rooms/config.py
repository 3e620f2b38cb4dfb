"""Configuration of the rooms service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hotel_shared.config import ServiceSettings, env_bool
from rooms.rules.rooms import HousekeepingPolicy

SERVICE_NAME = "rooms"


@dataclass(frozen=True)
class Config:
    service: ServiceSettings
    # ROOMS_INSPECTION_REQUIRED / ROOMS_PICKUP_ENABLED: the hotel's housekeeping switches.
    policy: HousekeepingPolicy = field(default_factory=HousekeepingPolicy)
    # ROOMS_READ_MODEL=false: every list from the database (a switch to rule the cache out).
    read_model: bool = True

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, needs_public_key: bool = True
    ) -> Config:
        # The worker and the seed verify no tokens, so only the web process needs the public key.
        return cls(
            service=ServiceSettings.from_env(
                SERVICE_NAME, environ, needs_public_key=needs_public_key
            ),
            policy=HousekeepingPolicy(
                inspection_required=env_bool("ROOMS_INSPECTION_REQUIRED", True, environ),
                pickup_enabled=env_bool("ROOMS_PICKUP_ENABLED", True, environ),
            ),
            read_model=env_bool("ROOMS_READ_MODEL", True, environ),
        )

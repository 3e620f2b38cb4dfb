"""Configuration of the rooms service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hotel_shared.config import ServiceSettings

SERVICE_NAME = "rooms"


@dataclass(frozen=True)
class Config:
    service: ServiceSettings

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, needs_public_key: bool = True
    ) -> Config:
        # The worker and the seed verify no tokens, so only the web process needs the public key.
        return cls(
            service=ServiceSettings.from_env(
                SERVICE_NAME, environ, needs_public_key=needs_public_key
            )
        )

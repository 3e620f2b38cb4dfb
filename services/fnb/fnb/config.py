"""Configuration of the fnb service, read once from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from hotel_shared.config import ConfigError, ServiceSettings, env_bool, env_str

SERVICE_NAME = "fnb"
_CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Config:
    service: ServiceSettings
    # HOTEL_CURRENCY (ISO 4217, shared by every service): the currency of every price and bill.
    currency: str = "USD"
    # FNB_READ_MODEL=false: the menu and combos from the database (a switch to rule the cache out).
    read_model: bool = True

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, needs_public_key: bool = True
    ) -> Config:
        # The worker and the seed verify no tokens, so only the web process needs the public key.
        currency = env_str("HOTEL_CURRENCY", "USD", environ).upper()
        if not _CURRENCY.match(currency):
            raise ConfigError(
                f"HOTEL_CURRENCY must be an ISO 4217 code such as USD, got {currency!r}"
            )
        return cls(
            service=ServiceSettings.from_env(
                SERVICE_NAME, environ, needs_public_key=needs_public_key
            ),
            currency=currency,
            read_model=env_bool("FNB_READ_MODEL", True, environ),
        )

"""Configuration of the PMS adapter, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from hotel_shared.config import ServiceSettings, env_float, env_int, env_str
from pms_adapter.breaker import CircuitBreaker
from pms_adapter.opera_client import OperaClient, PmsSettings
from pms_adapter.sync import SyncTiming

SERVICE_NAME = "pms-adapter"
DATABASE = "hotel_pms"
# The mock OPERA's development credentials (pms_adapter.mock_opera reads the same variables);
# a real OHIP tenant sets all five.
MOCK_DEFAULTS = {
    "PMS_BASE_URL": "http://127.0.0.1:8090",
    "PMS_CLIENT_ID": "hotel-platform",
    "PMS_CLIENT_SECRET": "mock-opera-secret",
    "PMS_APP_KEY": "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
    "PMS_HOTEL_ID": "HOTEL1",
}


@dataclass(frozen=True)
class Config:
    service: ServiceSettings
    pms: PmsSettings
    timing: SyncTiming = field(default_factory=SyncTiming)
    # PMS_TRANSACTION_CODE: OPERA's transaction code for room-service charges.
    transaction_code: str = "2000"
    breaker_threshold: int = 5
    breaker_cooldown_s: float = 5.0
    # ROOMS_URL: the rooms service, read as the caller for drift and reconcile (optional).
    rooms_url: str | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, needs_public_key: bool = True
    ) -> Config:
        environ = os.environ if environ is None else environ
        service = ServiceSettings.from_env(
            SERVICE_NAME, {"MONGO_DB": DATABASE, **environ}, needs_public_key=needs_public_key
        )
        pms = PmsSettings(
            **{
                name.removeprefix("PMS_").lower(): env_str(name, default, environ)
                for name, default in MOCK_DEFAULTS.items()
            },
            external_system=env_str("PMS_EXTERNAL_SYSTEM", "HOTELOPS", environ),
            timeout_s=env_float("PMS_TIMEOUT_S", 5.0, environ),
        )
        timing = SyncTiming(
            send_interval_s=env_float("PMS_SEND_INTERVAL_S", 0.2, environ),
            poll_interval_s=env_float("PMS_POLL_INTERVAL_S", 2.0, environ),
            reconcile_interval_s=env_float("PMS_RECONCILE_INTERVAL_S", 300.0, environ),
            backoff_base_s=env_float("PMS_BACKOFF_BASE_S", 1.0, environ),
            backoff_cap_s=env_float("PMS_BACKOFF_CAP_S", 30.0, environ),
        )
        return cls(
            service=service,
            pms=pms,
            timing=timing,
            transaction_code=env_str("PMS_TRANSACTION_CODE", "2000", environ),
            breaker_threshold=env_int("PMS_BREAKER_THRESHOLD", 5, environ),
            breaker_cooldown_s=env_float("PMS_BREAKER_COOLDOWN_S", 5.0, environ),
            rooms_url=env_str("ROOMS_URL", None, environ),
        )

    def opera_client(self) -> OperaClient:
        breaker = CircuitBreaker(self.breaker_threshold, self.breaker_cooldown_s)
        return OperaClient(self.pms, breaker)

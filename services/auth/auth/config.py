"""Auth settings, read once from the environment: signing key, token lifetimes, throttle limits."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from auth.rules.sign_in import Throttle, TokenLifetimes
from hotel_shared.config import ConfigError, ServiceSettings, env_float, env_int, env_str

SERVICE_NAME = "auth"


@dataclass(frozen=True)
class Config:
    service: ServiceSettings
    # None only where nothing is signed (worker, seed); create_app refuses to start without it.
    private_key: Ed25519PrivateKey | None = None
    access_token_ttl_s: int = 900
    guest_access_token_ttl_s: int = 300
    refresh_token_ttl_s: int = 7 * 86_400
    login_free_failures: int = 5
    login_first_delay_s: float = 1.0
    login_max_delay_s: float = 300.0
    login_max_failures_per_ip: int = 100
    login_throttle_window_s: int = 900
    login_failure_memory_s: int = 86_400
    login_known_address_s: int = 30 * 86_400
    bootstrap_admin_username: str | None = None
    bootstrap_admin_password: str | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, needs_private_key: bool = True
    ) -> Config:
        environ = os.environ if environ is None else environ
        key_file = env_str("AUTH_PRIVATE_KEY_FILE", None, environ)
        if needs_private_key and key_file is None:
            raise ConfigError("missing required environment variable AUTH_PRIVATE_KEY_FILE")
        return cls(
            service=ServiceSettings.from_env(SERVICE_NAME, environ, needs_public_key=False),
            private_key=load_private_key(key_file) if key_file else None,
            access_token_ttl_s=env_int("AUTH_ACCESS_TOKEN_TTL_S", 900, environ),
            guest_access_token_ttl_s=env_int("AUTH_GUEST_ACCESS_TTL_S", 300, environ),
            refresh_token_ttl_s=env_int("AUTH_REFRESH_TOKEN_TTL_S", 7 * 86_400, environ),
            login_free_failures=env_int("AUTH_LOGIN_FREE_FAILURES", 5, environ),
            login_first_delay_s=env_float("AUTH_LOGIN_FIRST_DELAY_S", 1.0, environ),
            login_max_delay_s=env_float("AUTH_LOGIN_MAX_DELAY_S", 300.0, environ),
            login_max_failures_per_ip=env_int("AUTH_LOGIN_MAX_FAILURES_PER_IP", 100, environ),
            login_throttle_window_s=env_int("AUTH_LOGIN_THROTTLE_WINDOW_S", 900, environ),
            login_failure_memory_s=env_int("AUTH_LOGIN_FAILURE_MEMORY_S", 86_400, environ),
            login_known_address_s=env_int("AUTH_LOGIN_KNOWN_ADDRESS_S", 30 * 86_400, environ),
            bootstrap_admin_username=env_str("AUTH_BOOTSTRAP_ADMIN_USERNAME", None, environ),
            bootstrap_admin_password=env_str("AUTH_BOOTSTRAP_ADMIN_PASSWORD", None, environ),
        )

    @property
    def throttle(self) -> Throttle:
        return Throttle(
            free_failures=self.login_free_failures,
            first_delay_s=self.login_first_delay_s,
            max_delay_s=self.login_max_delay_s,
            max_failures_per_ip=self.login_max_failures_per_ip,
            window_s=self.login_throttle_window_s,
            memory_s=self.login_failure_memory_s,
            known_address_s=self.login_known_address_s,
        )

    @property
    def lifetimes(self) -> TokenLifetimes:
        return TokenLifetimes(
            access_s=self.access_token_ttl_s, guest_access_s=self.guest_access_token_ttl_s
        )


def load_private_key(path: str) -> Ed25519PrivateKey:
    """The Ed25519 signing key from a PEM file; any problem names AUTH_PRIVATE_KEY_FILE."""
    try:
        with open(path, "rb") as handle:
            key = load_pem_private_key(handle.read(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise ConfigError(
            f"AUTH_PRIVATE_KEY_FILE={path!r} is not a readable unencrypted PEM private key: {error}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"AUTH_PRIVATE_KEY_FILE={path!r} must hold an Ed25519 private key")
    return key

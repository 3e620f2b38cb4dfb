"""Credential material: argon2id password hashes, opaque refresh tokens, signed access tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from auth.rules.sign_in import TokenLifetimes
from hotel_shared.auth import Principal, access_claims, sign_token


class Passwords:
    """argon2id hashing (argon2-cffi's RFC 9106 defaults) with a decoy for unknown usernames."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._decoy_hash: str | None = None

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def verify_decoy(self, password: str) -> bool:
        """Spend the same work as a real check, so timing does not reveal which usernames exist."""
        if self._decoy_hash is None:
            self._decoy_hash = self._hasher.hash(secrets.token_urlsafe(24))
        self.verify(self._decoy_hash, password)
        return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    """Refresh tokens are stored only as this digest: a database leak yields no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_family_id() -> str:
    return secrets.token_hex(16)


@dataclass(frozen=True)
class AccessTokenIssuer:
    """Signs short-lived EdDSA access tokens carrying the shared claim set (guests: shorter)."""

    private_key: Ed25519PrivateKey
    issuer: str
    audience: str
    lifetimes: TokenLifetimes

    @property
    def public_key(self) -> Any:
        return self.private_key.public_key()

    def issue(self, principal: Principal) -> str:
        ttl_s = self.lifetimes.for_role(principal.role)
        claims = access_claims(principal, issuer=self.issuer, audience=self.audience, ttl_s=ttl_s)
        return sign_token(claims, self.private_key)

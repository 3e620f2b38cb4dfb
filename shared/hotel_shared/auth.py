"""Verifying access tokens issued by the auth service, and `require(*roles)` for routes."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from flask import current_app, g, request

from hotel_shared.config import ServiceSettings
from hotel_shared.errors import Forbidden, Unauthorized
from hotel_shared.mongo import get_database
from hotel_shared.principal import (  # noqa: F401  (re-exported: routes import them from here)
    ROLES,
    STAFF_ROLES,
    Context,
    NotYourRoom,
    Principal,
    check_guest_room,
)
from hotel_shared.revocations import RevocationList
from hotel_shared.web import current_request_id


def _jwk_algorithm(key: Any) -> type[jwt.algorithms.Algorithm]:
    if isinstance(key, Ed25519PublicKey):
        return jwt.algorithms.OKPAlgorithm
    return jwt.algorithms.RSAAlgorithm


def _algorithm_for(public_key: Any) -> str:
    return "EdDSA" if isinstance(public_key, Ed25519PublicKey) else "RS256"


def key_id(public_key: Any) -> str:
    """RFC 7638 thumbprint of the key's JWK: stable across restarts, changes with the key."""
    jwk = json.loads(_jwk_algorithm(public_key).to_jwk(public_key))
    members = ("crv", "kty", "x") if jwk["kty"] == "OKP" else ("e", "kty", "n")
    canonical = json.dumps({k: jwk[k] for k in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def public_jwk(public_key: Any) -> dict[str, Any]:
    """The JWKS entry for a verification key."""
    jwk = json.loads(_jwk_algorithm(public_key).to_jwk(public_key))
    jwk.update(alg="EdDSA" if jwk["kty"] == "OKP" else "RS256", use="sig", kid=key_id(public_key))
    return jwk


# How many verified tokens a process remembers (a hotel's devices, with room to spare).
VERIFIED_TOKENS_KEPT = 4096


class TokenVerifier:
    """Checks signature, issuer, audience, expiry and token type of access tokens, locally."""

    JWKS_REFRESH_MIN_S = 30.0

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        public_keys: list[Any] | None = None,
        jwks_url: str | None = None,
        revocations: RevocationList | None = None,
    ) -> None:
        self.issuer = issuer
        self.revocations = revocations
        self.audience = audience
        self.jwks_url = jwks_url
        self._keys: dict[str, Any] = {key_id(k): k for k in (public_keys or [])}
        self._lock = threading.Lock()
        self._fetched_at = 0.0
        # The claims of tokens whose signature was already checked, until they expire: a device
        # sends the same token with every request, and checking an EdDSA signature and parsing
        # the token again was a third of a cached list request's CPU. Type, role and revocation
        # are still checked on every request.
        self._verified: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_settings(cls, settings: ServiceSettings, extra_keys: list[Any] | None = None):
        keys = list(extra_keys or [])
        if settings.jwt_public_key_file:
            with open(settings.jwt_public_key_file, "rb") as handle:
                keys.append(load_pem_public_key(handle.read()))
        return cls(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            public_keys=keys,
            jwks_url=settings.auth_jwks_url,
            revocations=RevocationList(lambda: get_database(settings)),
        )

    def _key_for(self, kid: str | None) -> Any:
        if kid in self._keys:
            return self._keys[kid]
        if self.jwks_url and time.monotonic() - self._fetched_at > self.JWKS_REFRESH_MIN_S:
            self._refresh_jwks()
        if kid not in self._keys:
            raise Unauthorized("the token was signed by an unknown key", code="invalid_token")
        return self._keys[kid]

    def _refresh_jwks(self) -> None:
        with self._lock:
            self._fetched_at = time.monotonic()
            try:
                document = requests.get(self.jwks_url, timeout=3).json()
            except (requests.RequestException, ValueError):
                return
            for jwk in document.get("keys", []):
                if jwk.get("kty") == "OKP":
                    key = jwt.algorithms.OKPAlgorithm.from_jwk(json.dumps(jwk))
                else:
                    key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
                self._keys[jwk.get("kid") or key_id(key)] = key

    def verify(self, token: str) -> Principal:
        claims = self._verified.get(token)
        if claims is None or claims["exp"] <= time.time():
            claims = self._decode(token)
            if len(self._verified) >= VERIFIED_TOKENS_KEPT:
                self._verified.clear()  # bounded: a flood of distinct tokens only empties it
            self._verified[token] = claims
        if claims.get("typ") != "access" or claims.get("role") not in ROLES:
            raise Unauthorized("the access token is invalid", code="invalid_token")
        if self.revocations is not None and self.revocations.is_revoked(
            str(claims["sub"]), float(claims["iat"])
        ):
            raise Unauthorized("this access has been revoked; sign in again", code="token_revoked")
        return Principal.from_claims(claims)

    def _decode(self, token: str) -> dict[str, Any]:
        """The claims of a token whose signature, issuer, audience and expiry hold; else 401."""
        try:
            header = jwt.get_unverified_header(token)
            key = self._key_for(header.get("kid"))
            claims = jwt.decode(
                token,
                key,
                # Only the algorithm that fits the key: a token cannot choose how it is checked.
                algorithms=[_algorithm_for(key)],
                issuer=self.issuer,
                audience=self.audience,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the access token has expired", code="token_expired") from None
        except jwt.PyJWTError:
            raise Unauthorized("the access token is invalid", code="invalid_token") from None
        return claims


def init_auth(app, verifier: TokenVerifier) -> None:
    app.extensions["hotel_token_verifier"] = verifier


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate() -> Principal:
    """The verified caller of this request (cached on `g`), or 401."""
    principal = g.get("principal")
    if principal is None:
        token = bearer_token()
        if token is None:
            raise Unauthorized("a bearer token is required", code="missing_token")
        principal = current_app.extensions["hotel_token_verifier"].verify(token)
        g.principal = principal
    return principal


def current_principal() -> Principal:
    return authenticate()


def request_context(*, signed_in: bool = True) -> Context:
    """The Context of this request: the verified caller (none on public routes) and its id."""
    principal = authenticate() if signed_in else None
    return Context(principal=principal, correlation_id=current_request_id())


def require(*roles: str) -> Callable:
    """Allow the route to callers with one of `roles` (any signed-in caller when none are given)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            principal = authenticate()
            if roles and principal.role not in roles:
                raise Forbidden(f"role {principal.role} may not do this", code="role_not_allowed")
            return view(*args, **kwargs)

        wrapper.__roles__ = roles  # type: ignore[attr-defined]  # the OpenAPI document lists them
        return wrapper

    return decorator


def access_claims(
    principal: Principal, *, issuer: str, audience: str, ttl_s: int, now: float | None = None
) -> dict[str, Any]:
    """The claim set of an access token: the one contract between auth and every verifier."""
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": principal.user_id,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_s,
        "typ": "access",
        "username": principal.username,
        "role": principal.role,
    }
    optional = {
        "department": principal.department,
        "employeeCode": principal.employee_code,
        "roomNumber": principal.room_number,
    }
    claims.update({name: value for name, value in optional.items() if value is not None})
    return claims


def sign_token(claims: dict[str, Any], private_key: Any) -> str:
    """Sign with EdDSA (Ed25519) or RS256, naming the key in the `kid` header."""
    public_key = private_key.public_key()
    return jwt.encode(
        claims,
        private_key,
        algorithm=_algorithm_for(public_key),
        headers={"kid": key_id(public_key)},
    )

"""Signing in: throttling failed attempts, refresh-token families, token lifetimes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hotel_shared.errors import TooManyRequests, Unauthorized

# valid: may be rotated once; reused: already rotated (a copy is loose); disallowed: valid, but
# its user was deactivated or its stay closed since; invalid: unknown, expired or revoked.
REFRESH_VALID, REFRESH_REUSED = "valid", "reused"
REFRESH_DISALLOWED, REFRESH_INVALID = "disallowed", "invalid"


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"


class LoginThrottled(TooManyRequests):
    code = "login_throttled"


class InvalidRefreshToken(Unauthorized):
    code = "invalid_refresh_token"


class RefreshTokenReused(Unauthorized):
    code = "refresh_token_reused"


class AccountInactive(Unauthorized):
    code = "account_inactive"


# --- token lifetimes -------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenLifetimes:
    """How long an access token lives: staff, and (shorter) guests."""

    access_s: int = 900
    guest_access_s: int = 300

    def for_role(self, role: str) -> int:
        return self.guest_access_s if role == "guest" else self.access_s

    def revocation_expires_at(self, revoked_at: datetime) -> datetime:
        """Until when a token issued before `revoked_at` could live (the longest lifetime, so a
        guest token issued under another setting is covered too)."""
        return revoked_at + timedelta(seconds=max(self.access_s, self.guest_access_s))


# --- login throttling --------------------------------------------------------------------------

# Throttle scopes: the account (a guest's room counts as one), the account from one address, and
# the address. Progressive scopes delay the next attempt; the address has a sliding-window bar.
ACCOUNT, PAIR, ADDRESS = "account", "pair", "address"


@dataclass(frozen=True)
class Throttle:
    """Sign-in throttling (DESIGN §7): progressive delays per account and per account+address,
    a failure bar per address high enough for a hotel behind one NAT.

    After `free_failures` failures an account (or account+address) waits `first_delay_s` after
    its latest failure, doubling with each further failure up to `max_delay_s`; a refused (429)
    attempt is not a failure, so waiting it out always works. Failures are remembered for
    `memory_s` (per address: counted over `window_s`). An address the account has signed in
    from before (`known_address_s`) is exempt from the account's and the address's limits, so
    a stranger's failures cannot keep the owner out; only its own account+address delay holds.
    """

    free_failures: int = 5
    first_delay_s: float = 1.0
    max_delay_s: float = 300.0
    max_failures_per_ip: int = 100
    window_s: int = 900
    memory_s: int = 86_400
    known_address_s: int = 30 * 86_400

    def memory_of(self, scope: str) -> int:
        return self.window_s if scope == ADDRESS else self.memory_s


def login_keys(username: str, client_ip: str | None) -> dict[str, str]:
    """The throttle keys of a staff sign-in, by scope."""
    return _keys(f"user:{username}", client_ip)


def guest_login_keys(room_number: str, client_ip: str | None) -> dict[str, str]:
    """The throttle keys of a guest sign-in, by scope."""
    return _keys(f"room:{room_number}", client_ip)


def _keys(account: str, client_ip: str | None) -> dict[str, str]:
    address = f"ip:{client_ip or 'unknown'}"
    return {ACCOUNT: account, PAIR: f"{account}|{address}", ADDRESS: address}


def progressive_wait_s(failure_times: list[datetime], throttle: Throttle, now: datetime):
    """Seconds still to wait after the latest failure, or None when an attempt is allowed."""
    excess = len(failure_times) - throttle.free_failures
    if excess < 0:
        return None
    delay = min(throttle.max_delay_s, throttle.first_delay_s * 2 ** min(excess, 32))
    wait = delay - (now - max(failure_times)).total_seconds()
    return wait if wait > 0 else None


def throttle_retry_after_s(
    failure_times: list[datetime], limit: int, window_s: int, now: datetime
) -> float | None:
    """Seconds until fewer than `limit` failures remain in the sliding window; None if allowed."""
    recent = sorted(t for t in failure_times if (now - t).total_seconds() < window_s)
    if len(recent) < limit:
        return None
    # Once the oldest (len - limit + 1) failures age out, the count drops below the limit.
    frees_at = recent[len(recent) - limit]
    return window_s - (now - frees_at).total_seconds()


def check_not_throttled(
    failures_by_scope: dict[str, list[datetime]],
    throttle: Throttle,
    now: datetime,
    *,
    known_address: bool = False,
) -> None:
    """429 with Retry-After (whole seconds, at least 1) while any applicable scope must wait."""
    waits = [progressive_wait_s(failures_by_scope.get(PAIR, []), throttle, now)]
    if not known_address:
        waits.append(progressive_wait_s(failures_by_scope.get(ACCOUNT, []), throttle, now))
        waits.append(
            throttle_retry_after_s(
                failures_by_scope.get(ADDRESS, []),
                throttle.max_failures_per_ip,
                throttle.window_s,
                now,
            )
        )
    blocked = [wait for wait in waits if wait is not None]
    if blocked:
        raise LoginThrottled(
            "too many failed sign-in attempts; try again later",
            retry_after_s=max(1, math.ceil(max(blocked))),
        )


# --- refresh tokens ----------------------------------------------------------------------------


def classify_refresh_token(token: dict[str, Any] | None, now: datetime) -> str:
    """How a presented refresh token stands, before its holder is looked at."""
    if token is None:
        return REFRESH_INVALID
    if token.get("usedAt") is not None:
        return REFRESH_REUSED
    if token.get("revokedAt") is not None or token["expiresAt"] <= now:
        return REFRESH_INVALID
    return REFRESH_VALID


def ends_family(outcome: str) -> bool:
    """A loose copy, or a holder who may no longer sign in: every token of the family dies."""
    return outcome in (REFRESH_REUSED, REFRESH_DISALLOWED)


def raise_for_refresh_outcome(outcome: str) -> None:
    if outcome == REFRESH_REUSED:
        raise RefreshTokenReused(
            "this refresh token was already used; every session of its family is now revoked"
        )
    if outcome != REFRESH_VALID:
        raise InvalidRefreshToken("the refresh token is invalid, expired or revoked")

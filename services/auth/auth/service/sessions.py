"""Signing in and out: staff and guest sign-in (throttled), refresh-token rotation, /me, JWKS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from auth.credentials import (
    AccessTokenIssuer,
    Passwords,
    hash_refresh_token,
    new_family_id,
    new_refresh_token,
)
from auth.rules import guests, users
from auth.rules import sign_in as rules
from auth.rules.sign_in import (
    PAIR,
    REFRESH_DISALLOWED,
    REFRESH_VALID,
    AccountInactive,
    InvalidCredentials,
    Throttle,
    TokenLifetimes,
)
from auth.store import AuthStores
from hotel_shared.auth import public_jwk
from hotel_shared.principal import Context, Principal
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now


@dataclass(frozen=True)
class SignIn:
    """What issuing credentials needs beyond the stores: app.py builds it once from Config."""

    issuer: AccessTokenIssuer
    passwords: Passwords
    refresh_token_ttl_s: int
    throttle: Throttle

    @property
    def lifetimes(self) -> TokenLifetimes:
        return self.issuer.lifetimes


@dataclass(frozen=True)
class Grant:
    """What a successful sign-in or refresh hands the client."""

    access_token: str
    refresh_token: str
    expires_in: int
    principal: Principal
    token_type: str = "Bearer"


@unit_of_work
def login(
    stores: AuthStores,
    ctx: Context,
    sign_in: SignIn,
    username: str,
    password: str,
    client_ip: str | None,
) -> Grant:
    username = users.normalize_username(username)
    keys = rules.login_keys(username, client_ip)
    now = utc_now()
    known = stores.is_known_address(keys[PAIR], now)
    _check_throttle(stores, sign_in.throttle, keys, now, known_address=known)
    user = stores.find_user_by_username(username)
    if user is None:
        accepted = sign_in.passwords.verify_decoy(password)
    else:
        accepted = sign_in.passwords.verify(user["passwordHash"], password) and user["active"]
    grant = None
    with stores.transaction() as tx:
        if not accepted:
            _record_failure(tx, sign_in.throttle, keys, now)
        else:
            _record_success(tx, sign_in.throttle, keys, now)
            if sign_in.passwords.needs_rehash(user["passwordHash"]):
                tx.set_password_hash(user["_id"], sign_in.passwords.hash(password))
            grant = _grant(tx, sign_in, users.principal_for_user(user), now)
    if grant is None:
        # Raised after the commit, so the failure counts. Unknown, wrong and inactive all get the
        # same answer: nothing to enumerate.
        raise InvalidCredentials("the username or password is wrong")
    return grant


@unit_of_work
def guest_login(
    stores: AuthStores,
    ctx: Context,
    sign_in: SignIn,
    room_number: str,
    special_id: str,
    client_ip: str | None,
) -> Grant:
    keys = rules.guest_login_keys(room_number, client_ip)
    now = utc_now()
    _check_throttle(stores, sign_in.throttle, keys, now)
    grant = None
    with stores.transaction() as tx:
        stay = guests.matching_stay(tx.open_stays_in_room(room_number), special_id)
        if stay is None:
            _record_failure(tx, sign_in.throttle, keys, now)
        else:
            _record_success(tx, sign_in.throttle, keys, now, remember=False)
            principal = guests.principal_for_guest(stay)
            grant = _grant(tx, sign_in, principal, now, customer_id=stay["_id"])
    if grant is None:
        raise InvalidCredentials("no checked-in stay matches this room and special id")
    return grant


@unit_of_work
def refresh(stores: AuthStores, ctx: Context, sign_in: SignIn, refresh_token: str) -> Grant:
    token_hash = hash_refresh_token(refresh_token)
    now = utc_now()
    grant = None
    with stores.transaction() as tx:
        stored = tx.get_refresh_token(token_hash)
        outcome = rules.classify_refresh_token(stored, now)
        if outcome == REFRESH_VALID:
            tx.mark_refresh_token_used(token_hash, now)
            principal = _still_allowed(tx, stored)
            if principal is None:
                outcome = REFRESH_DISALLOWED
            else:
                family, customer = stored["familyId"], stored.get("customerId")
                grant = _grant(tx, sign_in, principal, now, family_id=family, customer_id=customer)
        if rules.ends_family(outcome):
            tx.revoke_token_family(stored["familyId"], now)
    # Raised after the commit: the family revocation must persist, not roll back with the error.
    rules.raise_for_refresh_outcome(outcome)
    return grant  # type: ignore[return-value]


@unit_of_work
def logout(stores: AuthStores, ctx: Context, refresh_token: str) -> None:
    with stores.transaction() as tx:
        stored = tx.get_refresh_token(hash_refresh_token(refresh_token))
        if stored is not None:
            tx.revoke_token_family(stored["familyId"], utc_now())


def profile(stores: AuthStores, ctx: Context) -> dict[str, Any]:
    """The caller's user document, or a guest's stay, while they may still sign in."""
    principal = ctx.principal
    assert principal is not None, "a signed-in route"
    if principal.is_guest:
        stay = stores.get_stay(principal.user_id.removeprefix(guests.GUEST_ID_PREFIX))
        if not guests.is_stay_open(stay):
            raise AccountInactive("this stay is no longer checked in")
        return stay  # type: ignore[return-value]
    user = stores.get_user(principal.user_id)
    if user is None or not user.get("active"):
        raise AccountInactive("this account no longer exists or is inactive")
    return user


def jwks(sign_in: SignIn) -> dict[str, Any]:
    return {"keys": [public_jwk(sign_in.issuer.public_key)]}


# --- helpers -----------------------------------------------------------------------------------


def _grant(
    tx: AuthStores,
    sign_in: SignIn,
    principal: Principal,
    now: datetime,
    *,
    family_id: str | None = None,
    customer_id: str | None = None,
) -> Grant:
    refresh_token = new_refresh_token()
    stored: dict[str, Any] = {
        "_id": hash_refresh_token(refresh_token),
        "familyId": family_id or new_family_id(),
        "userId": principal.user_id,
        "issuedAt": now,
        "expiresAt": now + timedelta(seconds=sign_in.refresh_token_ttl_s),
        "usedAt": None,
        "revokedAt": None,
    }
    if customer_id is not None:
        stored["customerId"] = customer_id
    tx.insert_refresh_token(stored)
    return Grant(
        access_token=sign_in.issuer.issue(principal),
        refresh_token=refresh_token,
        expires_in=sign_in.lifetimes.for_role(principal.role),
        principal=principal,
    )


def _still_allowed(tx: AuthStores, token: dict[str, Any]) -> Principal | None:
    """The principal to refresh as, re-read now: a deactivated user or closed stay gets none."""
    if token.get("customerId") is not None:
        stay = tx.get_stay(token["customerId"])
        return guests.principal_for_guest(stay) if guests.is_stay_open(stay) else None  # type: ignore[arg-type]
    user = tx.get_user(token["userId"])
    return users.principal_for_user(user) if user is not None and user.get("active") else None


def _check_throttle(
    stores: AuthStores,
    throttle: Throttle,
    keys: dict[str, str],
    now: datetime,
    *,
    known_address: bool = False,
) -> None:
    failures = stores.login_failures(keys, now)
    rules.check_not_throttled(failures, throttle, now, known_address=known_address)


def _record_failure(tx: AuthStores, throttle: Throttle, keys: dict[str, str], now: datetime):
    expiry = {
        key: now + timedelta(seconds=throttle.memory_of(scope)) for scope, key in keys.items()
    }
    tx.record_login_failure(expiry, now)


def _record_success(
    tx: AuthStores, throttle: Throttle, keys: dict[str, str], now: datetime, *, remember=True
):
    """A success forgets the account's failures (and this address's for it), never the address's
    own count; a staff member's address becomes known for the account."""
    tx.clear_login_failures([keys[rules.ACCOUNT], keys[PAIR]])
    if remember:
        tx.remember_address(keys[PAIR], now, now + timedelta(seconds=throttle.known_address_s))

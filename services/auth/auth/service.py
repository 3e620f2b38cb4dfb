"""Auth use cases: each route, handler and seed step makes one call here (rules + AuthStores)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from auth import events, rules
from auth.credentials import (
    AccessTokenIssuer,
    Passwords,
    hash_refresh_token,
    new_family_id,
    new_refresh_token,
)
from auth.rules import (
    REFRESH_DISALLOWED,
    REFRESH_VALID,
    AccountInactive,
    InvalidCredentials,
    Throttle,
    UserNotFound,
)
from auth.store import AuthStores, Page
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


@dataclass(frozen=True)
class Grant:
    """What a successful sign-in or refresh hands the client."""

    access_token: str
    refresh_token: str
    expires_in: int
    principal: Principal
    token_type: str = "Bearer"


# --- signing in --------------------------------------------------------------------------------


@unit_of_work
def login(
    stores: AuthStores,
    ctx: Context,
    sign_in: SignIn,
    username: str,
    password: str,
    client_ip: str | None,
) -> Grant:
    username = rules.normalize_username(username)
    keys = rules.login_keys(username, client_ip)
    now = utc_now()
    _check_throttle(stores, sign_in.throttle, keys, now)
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
            tx.clear_login_failures(keys["user"])
            if sign_in.passwords.needs_rehash(user["passwordHash"]):
                tx.set_password_hash(user["_id"], sign_in.passwords.hash(password))
            grant = _grant(tx, sign_in, rules.principal_for_user(user), now)
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
        stay = tx.find_open_stay(room_number, special_id)
        if stay is None:
            _record_failure(tx, sign_in.throttle, keys, now)
        else:
            tx.clear_login_failures(keys["room"])
            principal = rules.principal_for_guest(stay)
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
        stay = stores.get_stay(principal.user_id.removeprefix(rules.GUEST_ID_PREFIX))
        if not rules.is_stay_open(stay):
            raise AccountInactive("this stay is no longer checked in")
        return stay  # type: ignore[return-value]
    user = stores.get_user(principal.user_id)
    if user is None or not user.get("active"):
        raise AccountInactive("this account no longer exists or is inactive")
    return user


def jwks(sign_in: SignIn) -> dict[str, Any]:
    return {"keys": [public_jwk(sign_in.issuer.public_key)]}


# --- users -------------------------------------------------------------------------------------


def list_users(
    stores: AuthStores, ctx: Context, filters: dict[str, Any], limit: int, offset: int
) -> Page:
    return stores.page_users(filters, limit, offset)


def get_user(stores: AuthStores, ctx: Context, user_id: str) -> dict[str, Any]:
    return _user_or_404(stores, user_id)


@unit_of_work
def create_user(
    stores: AuthStores, ctx: Context, passwords: Passwords, fields: dict[str, Any]
) -> dict[str, Any]:
    user = rules.new_user(fields, utc_now())
    user["passwordHash"] = passwords.hash(fields["password"])
    with stores.transaction() as tx:
        created = tx.insert_user(user)
        tx.record(events.user_created(created, ctx))
    return created


@unit_of_work
def update_user(
    stores: AuthStores,
    ctx: Context,
    passwords: Passwords,
    user_id: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    updates = {name: value for name, value in changes.items() if name != "password"}
    if "password" in changes:
        updates["passwordHash"] = passwords.hash(changes["password"])
    with stores.transaction() as tx:
        before = _user_or_404(tx, user_id)
        rules.check_admin_self_change(_actor_id(ctx), str(before["_id"]), changes, before["role"])
        rules.merge_user_changes(before, updates)
        now = utc_now()
        after = tx.update_user(before["_id"], {**updates, "updatedAt": now})
        deactivated = rules.is_deactivation(before, after)
        if deactivated or "passwordHash" in updates:
            # A new password or a disabled account ends every session it had.
            tx.revoke_user_tokens(str(before["_id"]), now)
        if deactivated:
            tx.record(events.user_deactivated(after, ctx))
        else:
            password_changed = "passwordHash" in updates
            tx.record(events.user_updated(before, after, ctx, password_changed=password_changed))
    return after


@unit_of_work
def deactivate_user(stores: AuthStores, ctx: Context, user_id: str) -> None:
    with stores.transaction() as tx:
        user = _user_or_404(tx, user_id)
        rules.check_admin_self_change(
            _actor_id(ctx), str(user["_id"]), {"active": False}, user["role"]
        )
        if not user.get("active"):
            return  # already inactive: DELETE is idempotent and announces nothing new
        now = utc_now()
        after = tx.update_user(user["_id"], {"active": False, "updatedAt": now})
        tx.revoke_user_tokens(str(user["_id"]), now)
        tx.record(events.user_deactivated(after, ctx))


def ensure_user(
    stores: AuthStores, ctx: Context, passwords: Passwords, fields: dict[str, Any]
) -> bool:
    """Create the user unless the username exists (its password is left as it is)."""
    if stores.find_user_by_username(rules.normalize_username(fields["username"])):
        return False
    create_user(stores, ctx, passwords, fields)
    return True


def has_active_admin(stores: AuthStores) -> bool:
    return stores.has_active_admin()


# --- audit trail and guest access (from events) ------------------------------------------------


def list_activity(
    stores: AuthStores, ctx: Context, filters: dict[str, Any], limit: int, offset: int
) -> Page:
    return stores.page_activity(filters, limit, offset)


@unit_of_work
def record_activity(
    stores: AuthStores,
    ctx: Context,
    *,
    event_id: str,
    event_type: str,
    source: str | None,
    subject: str | None,
    time: datetime,
    details: dict[str, Any],
    changes: list[dict[str, Any]],
) -> None:
    """Audit one event: who (the event's actor), what, when, and what moved."""
    entry = rules.activity_entry(
        event_id=event_id,
        event_type=event_type,
        source=source,
        subject=subject,
        time=time,
        actor=ctx.actor,
        correlation_id=ctx.correlation_id,
        details=details,
        changes=changes,
    )
    with stores.transaction() as tx:
        tx.insert_activity_once(entry)


@unit_of_work
def update_guest_access(stores: AuthStores, ctx: Context, stay: rules.Stay) -> None:
    """Open or close a stay's guest access; a checkout also ends the guest's sessions."""
    incoming = rules.stay_document(stay)
    with stores.transaction() as tx:
        if not rules.is_newer_stay_event(tx.get_stay(stay.customer_id), incoming):
            return  # an older event arriving late must not reopen (or re-close) a stay
        now = utc_now()
        tx.save_stay({**incoming, "updatedAt": now})
        if stay.status == rules.STAY_CHECKED_OUT:
            tx.revoke_guest_tokens(stay.customer_id, now)


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
        expires_in=sign_in.issuer.ttl_s,
        principal=principal,
    )


def _still_allowed(tx: AuthStores, token: dict[str, Any]) -> Principal | None:
    """The principal to refresh as, re-read now: a deactivated user or closed stay gets none."""
    if token.get("customerId") is not None:
        stay = tx.get_stay(token["customerId"])
        return rules.principal_for_guest(stay) if rules.is_stay_open(stay) else None  # type: ignore[arg-type]
    user = tx.get_user(token["userId"])
    return rules.principal_for_user(user) if user is not None and user.get("active") else None


def _user_or_404(stores: AuthStores, user_id: str) -> dict[str, Any]:
    user = stores.get_user(user_id)
    if user is None:
        raise UserNotFound(f"no user {user_id}")
    return user


def _actor_id(ctx: Context) -> str | None:
    return ctx.principal.user_id if ctx.principal is not None else None


def _check_throttle(
    stores: AuthStores, throttle: Throttle, keys: dict[str, str], now: datetime
) -> None:
    since = now - timedelta(seconds=throttle.window_s)
    failures = stores.login_failures_since(keys, since)
    rules.check_not_throttled(failures, throttle.limits(keys), throttle.window_s, now)


def _record_failure(tx: AuthStores, throttle: Throttle, keys: dict[str, str], now: datetime):
    expires_at = now + timedelta(seconds=throttle.window_s)
    tx.record_login_failure(list(keys.values()), now, expires_at)

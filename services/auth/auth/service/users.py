"""Users: the admin's CRUD; changes that make earlier access tokens wrong revoke them at once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from auth import events
from auth.credentials import Passwords
from auth.rules import users as rules
from auth.rules.sign_in import TokenLifetimes
from auth.rules.users import UserNotFound
from auth.store import AuthStores, Page
from hotel_shared.principal import Context
from hotel_shared.store import unit_of_work
from hotel_shared.timeutil import utc_now


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
    lifetimes: TokenLifetimes,
    user_id: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    updates = {name: value for name, value in changes.items() if name != "password"}
    if "password" in changes:
        updates["passwordHash"] = passwords.hash(changes["password"])
    if "email" in updates:
        updates["email"] = rules.normalize_email(updates["email"])
    password_changed = "passwordHash" in updates
    with stores.transaction() as tx:
        before = _user_or_404(tx, user_id)
        rules.check_admin_self_change(_actor_id(ctx), str(before["_id"]), changes, before["role"])
        rules.merge_user_changes(before, updates)
        now = utc_now()
        after = tx.update_user(before["_id"], {**updates, "updatedAt": now})
        deactivated = rules.is_deactivation(before, after)
        if deactivated or password_changed:
            # A new password or a disabled account ends every session it had.
            tx.revoke_user_tokens(str(before["_id"]), now)
        if deactivated:
            tx.record(events.user_deactivated(after, ctx))
        else:
            tx.record(events.user_updated(before, after, ctx, password_changed=password_changed))
        reason = rules.revocation_reason(before, after, password_changed)
        if reason is not None:
            _revoke_access(tx, ctx, lifetimes, after, reason, now)
    return after


@unit_of_work
def deactivate_user(
    stores: AuthStores, ctx: Context, lifetimes: TokenLifetimes, user_id: str
) -> None:
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
        _revoke_access(tx, ctx, lifetimes, after, rules.REVOKED_DEACTIVATED, now)


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


def _revoke_access(
    tx: AuthStores,
    ctx: Context,
    lifetimes: TokenLifetimes,
    user: dict[str, Any],
    reason: str,
    now: datetime,
) -> None:
    """Every service (auth too, through its own consumer) refuses the user's earlier tokens."""
    expires_at = lifetimes.revocation_expires_at(now)
    event = events.user_access_revoked(user, reason, now, expires_at, ctx)
    tx.record(event)
    tx.record_revocation(event["data"])  # auth's own routes need not wait for the round trip


def _user_or_404(stores: AuthStores, user_id: str) -> dict[str, Any]:
    user = stores.get_user(user_id)
    if user is None:
        raise UserNotFound(f"no user {user_id}")
    return user


def _actor_id(ctx: Context) -> str | None:
    return ctx.principal.user_id if ctx.principal is not None else None

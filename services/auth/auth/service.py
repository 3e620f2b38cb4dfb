"""Auth use cases: each route, the seed and the bootstrap make one call here (rules + store)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pymongo.client_session import ClientSession

from auth.config import Config
from auth.credentials import (
    AccessTokenIssuer,
    Passwords,
    hash_refresh_token,
    new_family_id,
    new_refresh_token,
)
from auth.domain import (
    GUEST_ID_PREFIX,
    REFRESH_INVALID,
    REFRESH_REUSED,
    REFRESH_VALID,
    AccountInactive,
    InvalidCredentials,
    UserNotFound,
    check_admin_self_change,
    check_not_throttled,
    check_time_range,
    check_user_fields,
    classify_refresh_token,
    is_deactivation,
    is_stay_open,
    merge_user_changes,
    normalize_username,
    principal_for_guest,
    principal_for_user,
    raise_for_refresh_outcome,
)
from auth.events import USER_CREATED, USER_DEACTIVATED, USER_UPDATED, user_event
from auth.store import AuthStores
from hotel_shared.auth import Principal, public_jwk
from hotel_shared.timeutil import utc_now


@dataclass(frozen=True)
class Grant:
    """What a successful sign-in or refresh hands the client."""

    access_token: str
    refresh_token: str
    expires_in: int
    principal: Principal
    token_type: str = "Bearer"


class AuthService:
    def __init__(
        self,
        config: Config,
        stores: AuthStores,
        *,
        passwords: Passwords | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.config = config
        self.stores = stores
        self.passwords = passwords or Passwords()
        self.clock = clock
        self.issuer = (
            AccessTokenIssuer(
                config.private_key,
                issuer=config.service.jwt_issuer,
                audience=config.service.jwt_audience,
                ttl_s=config.access_token_ttl_s,
            )
            if config.private_key is not None
            else None
        )

    # --- signing in ----------------------------------------------------------------------------

    def login(self, username: str, password: str, client_ip: str | None) -> Grant:
        username = normalize_username(username)
        keys = {"user": f"user:{username}", "ip": f"ip:{client_ip or 'unknown'}"}
        self._check_throttle(keys)
        user = self.stores.users.find_by_username(username)
        if user is None:
            accepted = self.passwords.verify_decoy(password)
        else:
            accepted = self.passwords.verify(user["passwordHash"], password) and user["active"]
        if not accepted:
            # Unknown, wrong and inactive all get the same answer: nothing to enumerate.
            self._record_failure(keys)
            raise InvalidCredentials("the username or password is wrong")
        self.stores.login_attempts.clear(keys["user"])
        if self.passwords.needs_rehash(user["passwordHash"]):
            self.stores.users.set_password_hash(user["_id"], self.passwords.hash(password))
        return self._grant(principal_for_user(user))

    def guest_login(self, room_number: str, special_id: str, client_ip: str | None) -> Grant:
        keys = {"room": f"room:{room_number}", "ip": f"ip:{client_ip or 'unknown'}"}
        self._check_throttle(keys)
        stay = self.stores.guest_access.find_open_stay(room_number, special_id)
        if stay is None:
            self._record_failure(keys)
            raise InvalidCredentials("no checked-in stay matches this room and special id")
        self.stores.login_attempts.clear(keys["room"])
        return self._grant(principal_for_guest(stay), customer_id=stay["_id"])

    def refresh(self, refresh_token: str) -> Grant:
        token_hash = hash_refresh_token(refresh_token)
        tokens = self.stores.refresh_tokens

        def rotate(session: ClientSession) -> tuple[str, Grant | None]:
            now = self.clock()
            stored = tokens.get(token_hash, session)
            outcome = classify_refresh_token(stored, now)
            if outcome == REFRESH_VALID and not tokens.mark_used(token_hash, now, session):
                outcome = REFRESH_REUSED  # a concurrent refresh of the same token got there first
            if outcome == REFRESH_REUSED:
                tokens.revoke_family(stored["familyId"], now, session)
            if outcome != REFRESH_VALID:
                return outcome, None
            principal = self._still_allowed(stored, session)
            if principal is None:
                tokens.revoke_family(stored["familyId"], now, session)
                return REFRESH_INVALID, None
            grant = self._grant(
                principal,
                family_id=stored["familyId"],
                customer_id=stored.get("customerId"),
                session=session,
            )
            return outcome, grant

        outcome, grant = self.stores.transaction(rotate)
        # Raised after the commit: the family revocation must persist, not roll back with the error.
        raise_for_refresh_outcome(outcome)
        return grant  # type: ignore[return-value]

    def logout(self, refresh_token: str) -> None:
        stored = self.stores.refresh_tokens.get(hash_refresh_token(refresh_token))
        if stored is not None:
            self.stores.refresh_tokens.revoke_family(stored["familyId"], self.clock())

    def profile(self, principal: Principal) -> dict[str, Any]:
        if principal.is_guest:
            stay = self.stores.guest_access.get(principal.user_id.removeprefix(GUEST_ID_PREFIX))
            if not is_stay_open(stay):
                raise AccountInactive("this stay is no longer checked in")
            return stay  # type: ignore[return-value]
        user = self.stores.users.get(principal.user_id)
        if user is None or not user.get("active"):
            raise AccountInactive("this account no longer exists or is inactive")
        return user

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(self._issuer().public_key)]}

    # --- users ---------------------------------------------------------------------------------

    def list_users(
        self, filters: dict[str, Any], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        return self.stores.users.page(filters, limit, offset)

    def get_user(self, user_id: str) -> dict[str, Any]:
        user = self.stores.users.get(user_id)
        if user is None:
            raise UserNotFound(f"no user {user_id}")
        return user

    def create_user(
        self, fields: dict[str, Any], actor: Principal | None, correlation_id: str | None
    ) -> dict[str, Any]:
        check_user_fields(fields["role"], fields.get("department"))
        now = self.clock()
        user = {
            "username": normalize_username(fields["username"]),
            "passwordHash": self.passwords.hash(fields["password"]),
            "role": fields["role"],
            "department": fields.get("department"),
            "employeeCode": fields.get("employeeCode"),
            "name": fields.get("name"),
            "active": fields.get("active", True),
            "createdAt": now,
            "updatedAt": now,
        }

        def insert(session: ClientSession) -> dict[str, Any]:
            created = self.stores.users.insert(dict(user), session)
            self._record_user_event(session, USER_CREATED, created, actor, correlation_id)
            return created

        return self.stores.transaction(insert)

    def update_user(
        self,
        user_id: str,
        changes: dict[str, Any],
        actor: Principal,
        correlation_id: str | None,
    ) -> dict[str, Any]:
        updates = {name: value for name, value in changes.items() if name != "password"}
        if "password" in changes:
            updates["passwordHash"] = self.passwords.hash(changes["password"])

        def update(session: ClientSession) -> dict[str, Any]:
            before = self._user_or_404(user_id, session)
            check_admin_self_change(actor.user_id, str(before["_id"]), changes, before["role"])
            merge_user_changes(before, updates)
            now = self.clock()
            after = self.stores.users.update(before["_id"], {**updates, "updatedAt": now}, session)
            deactivated = is_deactivation(before, after)
            if deactivated or "passwordHash" in updates:
                # A new password or a disabled account ends every session it had.
                self.stores.refresh_tokens.revoke_for_user(str(before["_id"]), now, session)
            event_type = USER_DEACTIVATED if deactivated else USER_UPDATED
            self._record_user_event(session, event_type, after, actor, correlation_id)
            return after

        return self.stores.transaction(update)

    def deactivate_user(self, user_id: str, actor: Principal, correlation_id: str | None) -> None:
        def deactivate(session: ClientSession) -> None:
            user = self._user_or_404(user_id, session)
            check_admin_self_change(
                actor.user_id, str(user["_id"]), {"active": False}, user["role"]
            )
            if not user.get("active"):
                return  # already inactive: DELETE is idempotent and announces nothing new
            now = self.clock()
            after = self.stores.users.update(
                user["_id"], {"active": False, "updatedAt": now}, session
            )
            self.stores.refresh_tokens.revoke_for_user(str(user["_id"]), now, session)
            self._record_user_event(session, USER_DEACTIVATED, after, actor, correlation_id)

        self.stores.transaction(deactivate)

    def ensure_user(self, fields: dict[str, Any]) -> bool:
        """Create the user unless the username exists (its password is left as it is)."""
        if self.stores.users.find_by_username(normalize_username(fields["username"])):
            return False
        self.create_user(fields, actor=None, correlation_id=None)
        return True

    def has_active_admin(self) -> bool:
        return self.stores.users.has_active_admin()

    # --- audit trail ---------------------------------------------------------------------------

    def list_activity(
        self, filters: dict[str, Any], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        check_time_range(filters.get("start"), filters.get("end"))
        return self.stores.activity_logs.page(filters, limit, offset)

    # --- helpers -------------------------------------------------------------------------------

    def _issuer(self) -> AccessTokenIssuer:
        if self.issuer is None:
            raise RuntimeError("this process has no signing key (AUTH_PRIVATE_KEY_FILE)")
        return self.issuer

    def _grant(
        self,
        principal: Principal,
        *,
        family_id: str | None = None,
        customer_id: str | None = None,
        session: ClientSession | None = None,
    ) -> Grant:
        refresh_token = new_refresh_token()
        now = self.clock()
        stored: dict[str, Any] = {
            "_id": hash_refresh_token(refresh_token),
            "familyId": family_id or new_family_id(),
            "userId": principal.user_id,
            "issuedAt": now,
            "expiresAt": now + timedelta(seconds=self.config.refresh_token_ttl_s),
            "usedAt": None,
            "revokedAt": None,
        }
        if customer_id is not None:
            stored["customerId"] = customer_id
        self.stores.refresh_tokens.insert(stored, session)
        return Grant(
            access_token=self._issuer().issue(principal),
            refresh_token=refresh_token,
            expires_in=self.config.access_token_ttl_s,
            principal=principal,
        )

    def _still_allowed(self, token: dict[str, Any], session: ClientSession) -> Principal | None:
        """The principal to refresh as, re-read now: a deactivated user or closed stay gets none."""
        if token.get("customerId") is not None:
            stay = self.stores.guest_access.get(token["customerId"], session)
            return principal_for_guest(stay) if is_stay_open(stay) else None
        user = self.stores.users.get(token["userId"], session)
        return principal_for_user(user) if user is not None and user.get("active") else None

    def _user_or_404(self, user_id: str, session: ClientSession) -> dict[str, Any]:
        user = self.stores.users.get(user_id, session)
        if user is None:
            raise UserNotFound(f"no user {user_id}")
        return user

    def _throttle_limits(self, scopes: dict[str, str]) -> dict[str, int]:
        per_scope = {
            "user": self.config.login_max_failures_per_user,
            "room": self.config.login_max_failures_per_user,
            "ip": self.config.login_max_failures_per_ip,
        }
        return {scope: per_scope[scope] for scope in scopes}

    def _check_throttle(self, keys: dict[str, str]) -> None:
        now = self.clock()
        window = self.config.login_throttle_window_s
        failures = self.stores.login_attempts.failures_since(keys, now - timedelta(seconds=window))
        check_not_throttled(failures, self._throttle_limits(keys), window, now)

    def _record_failure(self, keys: dict[str, str]) -> None:
        now = self.clock()
        expires_at = now + timedelta(seconds=self.config.login_throttle_window_s)
        self.stores.login_attempts.record_failure(list(keys.values()), now, expires_at)

    def _record_user_event(
        self,
        session: ClientSession,
        event_type: str,
        user: dict[str, Any],
        actor: Principal | None,
        correlation_id: str | None,
    ) -> None:
        envelope = user_event(
            event_type,
            user,
            actor=actor.as_actor() if actor is not None else None,
            correlation_id=correlation_id,
        )
        self.stores.record_event(session, envelope)

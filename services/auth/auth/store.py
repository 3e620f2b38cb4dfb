"""AuthStores: the only code with auth's queries and Mongo operators, and the indexes they use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import ASCENDING, DESCENDING, ReturnDocument, UpdateOne
from pymongo.errors import DuplicateKeyError, OperationFailure

from auth.rules.guests import STAY_CHECKED_IN, special_id_hash
from auth.rules.users import EmailTaken, EmployeeCodeTaken, UsernameTaken
from hotel_shared.errors import Conflict
from hotel_shared.expiry import ensure_expiring_index
from hotel_shared.mongo import WriteContention
from hotel_shared.store import Document, MongoStores

USERS = "users"
REFRESH_TOKENS = "refresh_tokens"
ACTIVITY_LOGS = "activity_logs"
GUEST_ACCESS = "guest_access"
LOGIN_ATTEMPTS = "login_attempts"
KNOWN_ADDRESSES = "known_addresses"

Page = tuple[list[Document], int]


class AuthStores(MongoStores):
    """Users, refresh tokens, sign-in failures, guest access and the activity log."""

    def ensure_collection_indexes(self) -> None:
        db = self.db
        db[USERS].create_index("username", unique=True, name="username_unique")
        # Unique only where present: most admins and managers have no employee code.
        db[USERS].create_index(
            "employeeCode",
            unique=True,
            name="employee_code_unique",
            partialFilterExpression={"employeeCode": {"$type": "string"}},
        )
        db[USERS].create_index(
            "email",
            unique=True,
            name="email_unique",
            partialFilterExpression={"email": {"$type": "string"}},
        )
        db[USERS].create_index(
            [("role", ASCENDING), ("department", ASCENDING)], name="role_department"
        )
        db[REFRESH_TOKENS].create_index("familyId", name="family")
        db[REFRESH_TOKENS].create_index("userId", name="user")
        db[REFRESH_TOKENS].create_index("customerId", name="customer", sparse=True)
        ensure_expiring_index(db[REFRESH_TOKENS], "expiresAt", seconds=0, name="expiry_ttl")
        db[LOGIN_ATTEMPTS].create_index(
            [("key", ASCENDING), ("failedAt", ASCENDING)], name="key_time"
        )
        ensure_expiring_index(db[LOGIN_ATTEMPTS], "expiresAt", seconds=0, name="expiry_ttl")
        ensure_expiring_index(db[KNOWN_ADDRESSES], "expiresAt", seconds=0, name="expiry_ttl")
        logs = db[ACTIVITY_LOGS]
        logs.create_index("eventId", unique=True, name="event_unique")
        logs.create_index(
            [("collection", ASCENDING), ("documentId", ASCENDING), ("timestamp", DESCENDING)],
            name="document_history",
        )
        logs.create_index(
            [("user.username", ASCENDING), ("timestamp", DESCENDING)], name="by_username"
        )
        logs.create_index(
            [("user.userId", ASCENDING), ("timestamp", DESCENDING)], name="by_user_id"
        )
        logs.create_index([("timestamp", DESCENDING)], name="newest_first")
        self._hash_stored_special_ids()
        db[GUEST_ACCESS].create_index(
            [("roomNumber", ASCENDING), ("status", ASCENDING)], name="open_stays_by_room"
        )

    def _hash_stored_special_ids(self) -> None:
        """Stays stored before rooms sent hashes held the raw code: keep only its hash."""
        try:
            self.db[GUEST_ACCESS].drop_index("open_stay_lookup")  # it indexed the raw code
        except OperationFailure:
            pass  # already gone, or never made
        for stay in self.db[GUEST_ACCESS].find({"specialId": {"$type": "string"}}):
            self.db[GUEST_ACCESS].update_one(
                {"_id": stay["_id"], "specialId": stay["specialId"]},
                {
                    "$set": {"specialIdHash": special_id_hash(stay["specialId"])},
                    "$unset": {"specialId": ""},
                },
            )

    # --- users ---------------------------------------------------------------------------------

    def get_user(self, user_id: str) -> Document | None:
        oid = _object_id(user_id)
        if oid is None:
            return None
        return self.db[USERS].find_one({"_id": oid}, session=self.session)

    def find_user_by_username(self, username: str) -> Document | None:
        return self.db[USERS].find_one({"username": username}, session=self.session)

    def insert_user(self, user: Document) -> Document:
        with _unique_violations():
            result = self.db[USERS].insert_one(dict(user), session=self.session)
        return {**user, "_id": result.inserted_id}

    def update_user(self, user_id: ObjectId, fields: Document) -> Document:
        with _unique_violations():
            return self.db[USERS].find_one_and_update(
                {"_id": user_id},
                {"$set": fields},
                return_document=ReturnDocument.AFTER,
                session=self.session,
            )

    def set_password_hash(self, user_id: ObjectId, password_hash: str) -> None:
        self.db[USERS].update_one(
            {"_id": user_id}, {"$set": {"passwordHash": password_hash}}, session=self.session
        )

    def page_users(self, filters: Mapping[str, Any], limit: int, offset: int) -> Page:
        query = {
            name: filters[name] for name in ("role", "department", "active") if name in filters
        }
        return self.find_page(self.db[USERS], query, [("username", ASCENDING)], limit, offset)

    def has_active_admin(self) -> bool:
        found = self.db[USERS].count_documents(
            {"role": "hotelAdmin", "active": True}, limit=1, session=self.session
        )
        return found > 0

    # --- refresh tokens ------------------------------------------------------------------------

    def insert_refresh_token(self, token: Document) -> None:
        self.db[REFRESH_TOKENS].insert_one(token, session=self.session)

    def get_refresh_token(self, token_hash: str) -> Document | None:
        return self.db[REFRESH_TOKENS].find_one({"_id": token_hash}, session=self.session)

    def mark_refresh_token_used(self, token_hash: str, now: datetime) -> None:
        """Use the token up, on condition it is still unused: of two racing refreshes one wins;
        the loser reruns with fresh reads and finds the token used."""
        result = self.db[REFRESH_TOKENS].update_one(
            {"_id": token_hash, "usedAt": None, "revokedAt": None},
            {"$set": {"usedAt": now}},
            session=self.session,
        )
        if result.modified_count != 1:
            raise WriteContention("the refresh token changed while it was being rotated")

    def revoke_token_family(self, family_id: str, now: datetime) -> None:
        self._revoke_tokens({"familyId": family_id}, now)

    def revoke_user_tokens(self, user_id: str, now: datetime) -> None:
        self._revoke_tokens({"userId": user_id}, now)

    def revoke_guest_tokens(self, customer_id: str, now: datetime) -> None:
        self._revoke_tokens({"customerId": customer_id}, now)

    def _revoke_tokens(self, query: Document, now: datetime) -> None:
        self.db[REFRESH_TOKENS].update_many(
            {**query, "revokedAt": None}, {"$set": {"revokedAt": now}}, session=self.session
        )

    # --- sign-in failures (one document per failure and throttle key) -------------------------

    def login_failures(self, keys: Mapping[str, str], now: datetime) -> dict[str, list[datetime]]:
        """The remembered failures of each scope's key (each lives until its own expiresAt)."""
        found: dict[str, list[datetime]] = {scope: [] for scope in keys}
        scope_of = {key: scope for scope, key in keys.items()}
        cursor = self.db[LOGIN_ATTEMPTS].find(
            {"key": {"$in": list(scope_of)}, "expiresAt": {"$gt": now}},
            {"key": 1, "failedAt": 1},
            session=self.session,
        )
        for attempt in cursor:
            found[scope_of[attempt["key"]]].append(attempt["failedAt"])
        return found

    def record_login_failure(self, expiry_by_key: Mapping[str, datetime], now: datetime) -> None:
        self.db[LOGIN_ATTEMPTS].insert_many(
            [
                {"key": key, "failedAt": now, "expiresAt": expires_at}
                for key, expires_at in expiry_by_key.items()
            ],
            session=self.session,
        )

    def clear_login_failures(self, keys: list[str]) -> None:
        self.db[LOGIN_ATTEMPTS].delete_many({"key": {"$in": keys}}, session=self.session)

    def is_known_address(self, key: str, now: datetime) -> bool:
        found = self.db[KNOWN_ADDRESSES].count_documents(
            {"_id": key, "expiresAt": {"$gt": now}}, limit=1, session=self.session
        )
        return found > 0

    def remember_address(self, key: str, now: datetime, expires_at: datetime) -> None:
        self.db[KNOWN_ADDRESSES].update_one(
            {"_id": key},
            {"$set": {"lastSignInAt": now, "expiresAt": expires_at}},
            upsert=True,
            session=self.session,
        )

    # --- guest access --------------------------------------------------------------------------

    def get_stay(self, customer_id: str) -> Document | None:
        return self.db[GUEST_ACCESS].find_one({"_id": customer_id}, session=self.session)

    def save_stay(self, stay: Document) -> None:
        self.db[GUEST_ACCESS].replace_one(
            {"_id": stay["_id"]}, stay, upsert=True, session=self.session
        )

    def open_stays_in_room(self, room_number: str) -> list[Document]:
        """The room's checked-in stays, newest first (the caller compares the code's hash)."""
        cursor = self.db[GUEST_ACCESS].find(
            {"roomNumber": room_number, "status": STAY_CHECKED_IN},
            sort=[("eventTime", DESCENDING)],
            limit=20,
            session=self.session,
        )
        return list(cursor)

    # --- activity log --------------------------------------------------------------------------

    def insert_activity_once(self, entry: Document) -> None:
        # Keyed by event id, so even a redelivery older than processed_events' TTL adds nothing.
        # Nothing reads the log back within the transaction: a batch of events writes its lines
        # in one round trip at commit.
        self.defer_write(
            ACTIVITY_LOGS,
            UpdateOne({"eventId": entry["eventId"]}, {"$setOnInsert": entry}, upsert=True),
        )

    def page_activity(self, filters: Mapping[str, Any], limit: int, offset: int) -> Page:
        query: Document = {}
        for name in ("collection", "documentId"):
            if filters.get(name) is not None:
                query[name] = filters[name]
        if filters.get("user") is not None:
            names = sorted({filters["user"], filters["user"].lower()})
            query["$or"] = [{"user.username": {"$in": names}}, {"user.userId": filters["user"]}]
        window = {}
        if filters.get("from") is not None:
            window["$gte"] = filters["from"]
        if filters.get("to") is not None:
            window["$lte"] = filters["to"]
        if window:
            query["timestamp"] = window
        order = [("timestamp", DESCENDING), ("_id", DESCENDING)]
        return self.find_page(self.db[ACTIVITY_LOGS], query, order, limit, offset)


def _object_id(value: str) -> ObjectId | None:
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        return None


@contextmanager
def _unique_violations() -> Iterator[None]:
    """Turn a unique-index violation on users into the conflict the client can act on."""
    try:
        yield
    except DuplicateKeyError as error:
        key = (error.details or {}).get("keyPattern") or {}
        if "email" in key:
            raise EmailTaken("another user already has this email") from None
        if "employeeCode" in key:
            raise EmployeeCodeTaken("another user already has this employee code") from None
        if "username" in key:
            raise UsernameTaken("this username is taken") from None
        raise Conflict("a user with these details already exists") from None

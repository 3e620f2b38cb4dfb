"""The only code that touches auth's collections, plus the indexes they rely on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from bson import ObjectId
from bson.errors import InvalidId
from pymongo import ASCENDING, DESCENDING, MongoClient, ReturnDocument
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from auth.domain import STAY_CHECKED_IN, EmployeeCodeTaken, UsernameTaken
from hotel_shared.config import ServiceSettings
from hotel_shared.errors import Conflict
from hotel_shared.inbox import ensure_inbox_indexes
from hotel_shared.mongo import find_page, get_client, run_in_transaction
from hotel_shared.outbox import ensure_outbox_indexes, record_event

T = TypeVar("T")
Session = ClientSession | None

USERS = "users"
REFRESH_TOKENS = "refresh_tokens"
ACTIVITY_LOGS = "activity_logs"
GUEST_ACCESS = "guest_access"
LOGIN_ATTEMPTS = "login_attempts"


class _CollectionStore:
    name: str

    def __init__(self, database: Callable[[], Database]) -> None:
        self._database = database

    @property
    def collection(self) -> Collection:
        return self._database()[self.name]


def _object_id(value: str) -> ObjectId | None:
    try:
        return ObjectId(value)
    except (InvalidId, TypeError):
        return None


class UserStore(_CollectionStore):
    name = USERS

    def get(self, user_id: str, session: Session = None) -> dict[str, Any] | None:
        oid = _object_id(user_id)
        return None if oid is None else self.collection.find_one({"_id": oid}, session=session)

    def find_by_username(self, username: str, session: Session = None) -> dict[str, Any] | None:
        return self.collection.find_one({"username": username}, session=session)

    def insert(self, user: dict[str, Any], session: Session = None) -> dict[str, Any]:
        with _unique_violations():
            result = self.collection.insert_one(user, session=session)
        return {**user, "_id": result.inserted_id}

    def update(
        self, user_id: ObjectId, changes: dict[str, Any], session: Session = None
    ) -> dict[str, Any] | None:
        with _unique_violations():
            return self.collection.find_one_and_update(
                {"_id": user_id},
                {"$set": changes},
                return_document=ReturnDocument.AFTER,
                session=session,
            )

    def set_password_hash(self, user_id: ObjectId, password_hash: str) -> None:
        self.collection.update_one({"_id": user_id}, {"$set": {"passwordHash": password_hash}})

    def page(
        self, filters: dict[str, Any], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        query = {
            name: filters[name] for name in ("role", "department", "active") if name in filters
        }
        return find_page(self.collection, query, [("username", ASCENDING)], limit, offset)

    def has_active_admin(self) -> bool:
        return self.collection.count_documents({"role": "hotelAdmin", "active": True}, limit=1) > 0


@contextmanager
def _unique_violations() -> Iterator[None]:
    """Turns a unique-index violation on users into the conflict the client can act on."""
    try:
        yield
    except DuplicateKeyError as error:
        key = (error.details or {}).get("keyPattern") or {}
        if "employeeCode" in key:
            raise EmployeeCodeTaken("another user already has this employee code") from None
        if "username" in key:
            raise UsernameTaken("this username is taken") from None
        raise Conflict("a user with these details already exists") from None


class RefreshTokenStore(_CollectionStore):
    name = REFRESH_TOKENS

    def insert(self, token: dict[str, Any], session: Session = None) -> None:
        self.collection.insert_one(token, session=session)

    def get(self, token_hash: str, session: Session = None) -> dict[str, Any] | None:
        return self.collection.find_one({"_id": token_hash}, session=session)

    def mark_used(self, token_hash: str, now: datetime, session: Session = None) -> bool:
        """Conditional on the token being unused: of two racing refreshes, only one wins."""
        result = self.collection.update_one(
            {"_id": token_hash, "usedAt": None, "revokedAt": None},
            {"$set": {"usedAt": now}},
            session=session,
        )
        return result.modified_count == 1

    def revoke_family(self, family_id: str, now: datetime, session: Session = None) -> None:
        self._revoke({"familyId": family_id}, now, session)

    def revoke_for_user(self, user_id: str, now: datetime, session: Session = None) -> None:
        self._revoke({"userId": user_id}, now, session)

    def revoke_for_guest(self, customer_id: str, now: datetime, session: Session = None) -> None:
        self._revoke({"customerId": customer_id}, now, session)

    def _revoke(self, query: dict[str, Any], now: datetime, session: Session) -> None:
        self.collection.update_many(
            {**query, "revokedAt": None}, {"$set": {"revokedAt": now}}, session=session
        )


class LoginAttemptStore(_CollectionStore):
    """One document per failed sign-in and throttle key, expiring with the throttle window."""

    name = LOGIN_ATTEMPTS

    def failures_since(self, keys: dict[str, str], since: datetime) -> dict[str, list[datetime]]:
        found: dict[str, list[datetime]] = {scope: [] for scope in keys}
        scope_of = {key: scope for scope, key in keys.items()}
        cursor = self.collection.find(
            {"key": {"$in": list(scope_of)}, "failedAt": {"$gt": since}},
            {"key": 1, "failedAt": 1},
        )
        for attempt in cursor:
            found[scope_of[attempt["key"]]].append(attempt["failedAt"])
        return found

    def record_failure(self, keys: list[str], now: datetime, expires_at: datetime) -> None:
        self.collection.insert_many(
            [{"key": key, "failedAt": now, "expiresAt": expires_at} for key in keys]
        )

    def clear(self, key: str) -> None:
        self.collection.delete_many({"key": key})


class ActivityLogStore(_CollectionStore):
    name = ACTIVITY_LOGS

    def insert_once(self, entry: dict[str, Any], session: Session = None) -> None:
        # Keyed by event id, so even a redelivery older than processed_events' TTL adds nothing.
        self.collection.update_one(
            {"eventId": entry["eventId"]}, {"$setOnInsert": entry}, upsert=True, session=session
        )

    def page(
        self, filters: dict[str, Any], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        query: dict[str, Any] = {}
        for name in ("collection", "documentId"):
            if filters.get(name) is not None:
                query[name] = filters[name]
        if filters.get("user") is not None:
            names = sorted({filters["user"], filters["user"].lower()})
            query["$or"] = [{"user.username": {"$in": names}}, {"user.userId": filters["user"]}]
        window = {}
        if filters.get("start") is not None:
            window["$gte"] = filters["start"]
        if filters.get("end") is not None:
            window["$lte"] = filters["end"]
        if window:
            query["timestamp"] = window
        order = [("timestamp", DESCENDING), ("_id", DESCENDING)]
        return find_page(self.collection, query, order, limit, offset)

    def find_by_event(self, event_id: str) -> list[dict[str, Any]]:
        return list(self.collection.find({"eventId": event_id}))


class GuestAccessStore(_CollectionStore):
    name = GUEST_ACCESS

    def get(self, customer_id: str, session: Session = None) -> dict[str, Any] | None:
        return self.collection.find_one({"_id": customer_id}, session=session)

    def save(self, stay: dict[str, Any], session: Session = None) -> None:
        self.collection.replace_one({"_id": stay["_id"]}, stay, upsert=True, session=session)

    def find_open_stay(self, room_number: str, special_id: str) -> dict[str, Any] | None:
        return self.collection.find_one(
            {"roomNumber": room_number, "specialId": special_id, "status": STAY_CHECKED_IN},
            sort=[("eventTime", DESCENDING)],
        )


class AuthStores:
    """Every auth collection on one lazily opened, per-process client."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.users = UserStore(lambda: self.db)
        self.refresh_tokens = RefreshTokenStore(lambda: self.db)
        self.login_attempts = LoginAttemptStore(lambda: self.db)
        self.activity_logs = ActivityLogStore(lambda: self.db)
        self.guest_access = GuestAccessStore(lambda: self.db)

    @property
    def client(self) -> MongoClient:
        return get_client(self.settings.mongo_url, self.settings.mongo_timeout_ms)

    @property
    def db(self) -> Database:
        return self.client[self.settings.mongo_db]

    def transaction(self, work: Callable[[ClientSession], T]) -> T:
        return run_in_transaction(self.client, work)

    def record_event(self, session: ClientSession, envelope: dict[str, Any]) -> None:
        record_event(self.db, session, envelope)


def ensure_indexes(stores: AuthStores) -> None:
    db = stores.db
    db[USERS].create_index("username", unique=True, name="username_unique")
    # Unique only where present: most admins and managers have no employee code.
    db[USERS].create_index(
        "employeeCode",
        unique=True,
        name="employee_code_unique",
        partialFilterExpression={"employeeCode": {"$type": "string"}},
    )
    db[USERS].create_index([("role", ASCENDING), ("department", ASCENDING)], name="role_department")
    db[REFRESH_TOKENS].create_index("familyId", name="family")
    db[REFRESH_TOKENS].create_index("userId", name="user")
    db[REFRESH_TOKENS].create_index("customerId", name="customer", sparse=True)
    db[REFRESH_TOKENS].create_index("expiresAt", name="expiry_ttl", expireAfterSeconds=0)
    db[LOGIN_ATTEMPTS].create_index([("key", ASCENDING), ("failedAt", ASCENDING)], name="key_time")
    db[LOGIN_ATTEMPTS].create_index("expiresAt", name="expiry_ttl", expireAfterSeconds=0)
    logs = db[ACTIVITY_LOGS]
    logs.create_index("eventId", unique=True, name="event_unique")
    logs.create_index(
        [("collection", ASCENDING), ("documentId", ASCENDING), ("timestamp", DESCENDING)],
        name="document_history",
    )
    logs.create_index([("user.username", ASCENDING), ("timestamp", DESCENDING)], name="by_username")
    logs.create_index([("user.userId", ASCENDING), ("timestamp", DESCENDING)], name="by_user_id")
    logs.create_index([("timestamp", DESCENDING)], name="newest_first")
    db[GUEST_ACCESS].create_index(
        [("roomNumber", ASCENDING), ("specialId", ASCENDING), ("status", ASCENDING)],
        name="open_stay_lookup",
    )
    ensure_outbox_indexes(db)
    ensure_inbox_indexes(db, stores.settings.processed_events_ttl_days)

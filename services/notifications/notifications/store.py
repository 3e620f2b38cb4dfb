"""NotificationStore: the only code that reads or writes the notifications service's collections."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import DESCENDING, MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database

from hotel_shared.config import ServiceSettings
from hotel_shared.inbox import ensure_inbox_indexes
from hotel_shared.mongo import find_page, get_client
from notifications.rules import NotificationNotFound

Document = dict[str, Any]
NEWEST_FIRST = [("createdAt", DESCENDING), ("_id", DESCENDING)]


class NotificationStore:
    """`notifications`: one document per event with its audiences; read state is per user.

    `notification_reads` holds one row per (user, notification) marked read one by one, and
    `read_marks` one row per user: everything created up to `readAllAt` counts as read.
    """

    def __init__(self, client: MongoClient, db: Database, processed_events_ttl_days: int = 7):
        self.client = client
        self.db = db
        self.notifications = db["notifications"]
        self.reads = db["notification_reads"]
        self.read_marks = db["read_marks"]
        self.processed_events_ttl_days = processed_events_ttl_days

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> NotificationStore:
        client = get_client(settings.mongo_url, settings.mongo_timeout_ms)
        return cls(client, client[settings.mongo_db], settings.processed_events_ttl_days)

    def ensure_indexes(self) -> None:
        # Multikey on audiences: "what may this caller see since T" is one index range per audience.
        self.notifications.create_index(
            [("audiences", 1), *NEWEST_FIRST], name="by_audience_newest_first"
        )
        self.reads.create_index(
            [("userId", 1), ("notificationId", 1)], unique=True, name="user_notification_unique"
        )
        ensure_inbox_indexes(self.db, self.processed_events_ttl_days)

    def insert_notification(self, notification: Document, session: ClientSession) -> None:
        self.notifications.insert_one(notification, session=session)

    def _read_state(self, user_id: str) -> tuple[datetime | None, set[str]]:
        mark = self.read_marks.find_one({"_id": user_id})
        read_all_at = mark["readAllAt"] if mark else None
        read_ids = {row["notificationId"] for row in self.reads.find({"userId": user_id})}
        return read_all_at, read_ids

    @staticmethod
    def _unread_query(read_all_at: datetime | None, read_ids: set[str]) -> Document:
        query: Document = {"_id": {"$nin": sorted(read_ids)}}
        if read_all_at is not None:
            query["createdAt"] = {"$gt": read_all_at}
        return query

    def find_for(
        self,
        audiences: list[str],
        user_id: str,
        *,
        since: datetime | None,
        unread_only: bool,
        limit: int,
        offset: int,
    ) -> tuple[list[Document], int]:
        read_all_at, read_ids = self._read_state(user_id)
        query: Document = {"audiences": {"$in": audiences}}
        if unread_only:
            query.update(self._unread_query(read_all_at, read_ids))
        if since is not None:
            created = query.setdefault("createdAt", {})
            created["$gt"] = max(since, created.get("$gt", since))
        items, total = find_page(self.notifications, query, NEWEST_FIRST, limit, offset)
        for item in items:
            item["read"] = item["_id"] in read_ids or (
                read_all_at is not None and item["createdAt"] <= read_all_at
            )
        return items, total

    def count_unread(self, audiences: list[str], user_id: str) -> int:
        read_all_at, read_ids = self._read_state(user_id)
        query = {"audiences": {"$in": audiences}, **self._unread_query(read_all_at, read_ids)}
        return self.notifications.count_documents(query)

    def mark_read(self, audiences: list[str], user_id: str, notification_id: str) -> Document:
        notification = self.notifications.find_one(
            {"_id": notification_id, "audiences": {"$in": audiences}}
        )
        if notification is None:
            raise NotificationNotFound(notification_id)
        self.reads.update_one(
            {"userId": user_id, "notificationId": notification_id},
            {"$setOnInsert": {"createdAt": notification["createdAt"]}},
            upsert=True,
        )
        notification["read"] = True
        return notification

    def mark_all_read(self, user_id: str, now: datetime) -> None:
        self.read_marks.update_one({"_id": user_id}, {"$max": {"readAllAt": now}}, upsert=True)
        # Rows up to the mark are implied by it; dropping them keeps each user's set small.
        self.reads.delete_many({"userId": user_id, "createdAt": {"$lte": now}})

"""NotificationsStores: the only code that reads or writes the service's collections."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from hotel_shared.store import MongoStores
from notifications.rules.inbox import ReadState

Document = dict[str, Any]
NEWEST_FIRST = [("createdAt", DESCENDING), ("_id", DESCENDING)]
# The one document every process issues inbox times from (collection `counters`).
INBOX_CLOCK = "inbox"


class NotificationsStores(MongoStores):
    """`notifications`: one document per event with its audiences; read state is per user.

    `notification_reads` holds one row per (user, notification) marked read one by one, and
    `read_marks` one row per user: everything created up to `readAllAt` counts as read.
    `counters` holds the inbox clock: every web and worker process takes `createdAt` from it.
    """

    # Every inbox write takes the next time from one counter document, so concurrent writers
    # (several workers, alerts from several web processes) conflict there and retry.
    transaction_attempts: ClassVar[int] = 10

    @property
    def notifications(self) -> Collection:
        return self.db["notifications"]

    @property
    def reads(self) -> Collection:
        return self.db["notification_reads"]

    @property
    def read_marks(self) -> Collection:
        return self.db["read_marks"]

    @property
    def alerts(self) -> Collection:
        return self.db["alerts"]

    @property
    def receipts(self) -> Collection:
        return self.db["alert_receipts"]

    @property
    def counters(self) -> Collection:
        return self.db["counters"]

    @property
    def push_subscriptions(self) -> Collection:
        return self.db["push_subscriptions"]

    @property
    def push_queue(self) -> Collection:
        return self.db["push_queue"]

    @property
    def push_keys(self) -> Collection:
        return self.db["push_keys"]

    def ensure_collection_indexes(self) -> None:
        # One device is one endpoint: a shared phone's subscription moves to whoever signed in.
        self.push_subscriptions.create_index("endpoint", unique=True, name="endpoint_unique")
        self.push_subscriptions.create_index("audiences", name="by_audience")
        self.push_subscriptions.create_index([("userId", 1), ("createdAt", 1)], name="by_user")
        self.push_queue.create_index(
            [("state", ASCENDING), ("nextAttemptAt", ASCENDING)], name="due_first"
        )
        # Multikey on audiences: "what may this caller see since T" is one index range per audience.
        self.notifications.create_index(
            [("audiences", 1), *NEWEST_FIRST], name="by_audience_newest_first"
        )
        self.reads.create_index(
            [("userId", 1), ("notificationId", 1)], unique=True, name="user_notification_unique"
        )
        self.alerts.create_index([("sentBy.userId", 1), *NEWEST_FIRST], name="by_sender_newest")
        self.alerts.create_index(NEWEST_FIRST, name="newest_first")
        self.receipts.create_index(
            [("alertId", 1), ("userId", 1)], unique=True, name="alert_reader_unique"
        )
        # Made here, outside any transaction: two first writers upserting it at once would fail.
        self.counters.update_one({"_id": INBOX_CLOCK}, {"$setOnInsert": {"at": None}}, upsert=True)

    # --- the inbox ------------------------------------------------------------------------------

    def next_inbox_time(self, proposed: datetime) -> datetime:
        """The inbox clock's next time: `proposed`, or 1 ms past the last time issued if that is
        later. Issued in the open transaction on one document, which any other transaction
        issuing a time conflicts on until this one commits or aborts: so times are issued in
        commit order, and a reader who saw time T has already seen every entry up to T, whichever
        process wrote it (the `since` of catch-up never skips one)."""
        self._require_session()
        clock = self.counters.find_one_and_update(
            {"_id": INBOX_CLOCK},
            [{"$set": {"at": {"$max": [proposed, {"$ifNull": [{"$add": ["$at", 1]}, proposed]}]}}}],
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self.session,
        )
        return clock["at"]

    def insert_notification(self, notification: Document) -> None:
        """Insert an inbox entry, its `createdAt` set (on the document given, as pymongo sets
        `_id`) to the inbox clock's next time no earlier than the `createdAt` it had."""
        notification["createdAt"] = self.next_inbox_time(notification["createdAt"])
        self.notifications.insert_one(notification, session=self.session)

    def find_notifications(
        self,
        audiences: list[str],
        *,
        since: datetime | None,
        unread_by: ReadState | None,
        limit: int,
        offset: int,
    ) -> tuple[list[Document], int]:
        """A page of the notifications addressed to `audiences`, newest first, and the total."""
        query: Document = {"audiences": {"$in": audiences}}
        if unread_by is not None:
            query.update(_unread_query(unread_by))
        if since is not None:
            created = query.setdefault("createdAt", {})
            created["$gt"] = max(since, created.get("$gt", since))
        return self.find_page(self.notifications, query, NEWEST_FIRST, limit, offset)

    def count_unread(self, audiences: list[str], state: ReadState) -> int:
        query = {"audiences": {"$in": audiences}, **_unread_query(state)}
        return self.notifications.count_documents(query, session=self.session)

    def find_unread_alerts(
        self, audiences: list[str], state: ReadState, until: datetime
    ) -> list[Document]:
        """The alerts addressed to `audiences` created up to `until` that `state` has not read."""
        query: Document = {"audiences": {"$in": audiences}, "event": "alert.sent"}
        query.update(_unread_query(state))
        created = query.setdefault("createdAt", {})
        created["$lte"] = until
        return list(self.notifications.find(query, session=self.session))

    def find_visible(self, audiences: list[str], notification_id: str) -> Document | None:
        """The notification, if it is addressed to one of `audiences`."""
        return self.notifications.find_one(
            {"_id": notification_id, "audiences": {"$in": audiences}}, session=self.session
        )

    # --- read state -----------------------------------------------------------------------------

    def read_state(self, user_id: str) -> ReadState:
        mark = self.read_marks.find_one({"_id": user_id}, session=self.session)
        rows = self.reads.find({"userId": user_id}, {"notificationId": 1}, session=self.session)
        return ReadState(
            read_all_at=mark["readAllAt"] if mark else None,
            read_ids=frozenset(row["notificationId"] for row in rows),
        )

    def add_read(self, user_id: str, notification_id: str, created_at: datetime) -> None:
        self.reads.update_one(
            {"userId": user_id, "notificationId": notification_id},
            {"$setOnInsert": {"createdAt": created_at}},
            upsert=True,
            session=self.session,
        )

    def move_read_mark(self, user_id: str, read_all_at: datetime) -> None:
        """Everything created up to `read_all_at` is read for the user (a mark never moves back)."""
        self.read_marks.update_one(
            {"_id": user_id},
            {"$max": {"readAllAt": read_all_at}},
            upsert=True,
            session=self.session,
        )
        # Rows up to the mark are implied by it; dropping them keeps each user's set small.
        self.reads.delete_many(
            {"userId": user_id, "createdAt": {"$lte": read_all_at}}, session=self.session
        )

    # --- alerts and their read receipts -----------------------------------------------------------

    def insert_alert(self, alert: Document) -> None:
        self.alerts.insert_one(alert, session=self.session)

    def find_alert(self, alert_id: str) -> Document | None:
        return self.alerts.find_one({"_id": alert_id}, session=self.session)

    def find_alerts(
        self, sender_id: str | None, *, limit: int, offset: int
    ) -> tuple[list[Document], int]:
        """A page of alerts newest first: one sender's, or everyone's when `sender_id` is None."""
        query: Document = {} if sender_id is None else {"sentBy.userId": sender_id}
        return self.find_page(self.alerts, query, NEWEST_FIRST, limit, offset)

    def add_receipt(self, receipt: Document) -> None:
        """Keep the first time a reader read an alert; reading it again changes nothing."""
        key = {"alertId": receipt["alertId"], "userId": receipt["userId"]}
        self.receipts.update_one(key, {"$setOnInsert": receipt}, upsert=True, session=self.session)

    def receipts_of(self, alert_ids: list[str]) -> dict[str, list[Document]]:
        """Read receipts per alert id, for a page of alerts in one query."""
        found: dict[str, list[Document]] = {alert_id: [] for alert_id in alert_ids}
        rows = self.receipts.find({"alertId": {"$in": alert_ids}}, {"_id": 0}, session=self.session)
        for row in rows:
            found[row["alertId"]].append(row)
        return found

    # --- Web Push: devices, the queue of pushes to send, the VAPID key pair ----------------------

    def find_subscription(self, subscription_id: str) -> Document | None:
        return self.push_subscriptions.find_one({"_id": subscription_id}, session=self.session)

    def find_subscription_by_endpoint(self, endpoint: str) -> Document | None:
        return self.push_subscriptions.find_one({"endpoint": endpoint}, session=self.session)

    def insert_subscription(self, subscription: Document) -> None:
        self.push_subscriptions.insert_one(subscription, session=self.session)

    def replace_subscription(self, subscription: Document) -> None:
        self.push_subscriptions.replace_one(
            {"_id": subscription["_id"]}, subscription, session=self.session
        )

    def delete_subscription(self, subscription_id: str) -> bool:
        result = self.push_subscriptions.delete_one({"_id": subscription_id}, session=self.session)
        return result.deleted_count == 1

    def user_subscriptions(self, user_id: str) -> list[Document]:
        cursor = self.push_subscriptions.find({"userId": user_id}, session=self.session)
        return list(cursor.sort([("createdAt", ASCENDING), ("_id", ASCENDING)]))

    def subscriptions_for(self, audiences: list[str], except_user: str | None) -> list[Document]:
        """The devices whose owner hears any of `audiences`, but not the one who caused it."""
        query: Document = {"audiences": {"$in": audiences}}
        if except_user is not None:
            query["userId"] = {"$ne": except_user}
        return list(self.push_subscriptions.find(query, session=self.session))

    def queue_pushes(self, entries: list[Document]) -> None:
        if entries:
            self.push_queue.insert_many(entries, session=self.session)

    def due_pushes(self, now: datetime, limit: int = 50) -> list[Document]:
        query = {
            "state": "pending",
            "nextAttemptAt": {"$lte": now},
            "$or": [{"claimedUntil": None}, {"claimedUntil": {"$lt": now}}],
        }
        cursor = self.push_queue.find(query, session=self.session)
        return list(cursor.sort([("nextAttemptAt", ASCENDING), ("_id", ASCENDING)]).limit(limit))

    def claim_push(self, entry_id: str, now: datetime, lease_s: float) -> Document | None:
        """Take a push for one send; a crashed sender's lease runs out and another takes it."""
        return self.push_queue.find_one_and_update(
            {
                "_id": entry_id,
                "state": "pending",
                "$or": [{"claimedUntil": None}, {"claimedUntil": {"$lt": now}}],
            },
            {"$set": {"claimedUntil": now + timedelta(seconds=lease_s)}},
            return_document=ReturnDocument.AFTER,
            session=self.session,
        )

    def finish_push(self, entry_id: str) -> None:
        """Sent (or no longer wanted): the queue keeps only what is still to do or has failed."""
        self.push_queue.delete_one({"_id": entry_id}, session=self.session)

    def retry_push(self, entry_id: str, attempts: int, at: datetime, error: str) -> None:
        self.push_queue.update_one(
            {"_id": entry_id},
            {
                "$set": {
                    "attempts": attempts,
                    "nextAttemptAt": at,
                    "lastError": error,
                    "claimedUntil": None,
                }
            },
            session=self.session,
        )

    def fail_push(self, entry_id: str, attempts: int, error: str, now: datetime) -> None:
        self.push_queue.update_one(
            {"_id": entry_id},
            {
                "$set": {
                    "state": "failed",
                    "attempts": attempts,
                    "lastError": error,
                    "failedAt": now,
                    "claimedUntil": None,
                }
            },
            session=self.session,
        )

    def delete_user_subscriptions(self, user_id: str) -> int:
        """Forget every device of one person and what was still queued for them."""
        self.push_queue.delete_many({"userId": user_id, "state": "pending"}, session=self.session)
        result = self.push_subscriptions.delete_many({"userId": user_id}, session=self.session)
        return result.deleted_count

    def drop_pushes_to(self, subscription_id: str) -> None:
        self.push_queue.delete_many(
            {"subscriptionId": subscription_id, "state": "pending"}, session=self.session
        )

    def vapid_private_key(self, candidate_pem: str) -> str:
        """The service's one VAPID key: `candidate_pem` if none was stored yet (first start),
        otherwise the stored one, so every process of the service signs with the same key."""
        try:
            self.push_keys.update_one(
                {"_id": "vapid"},
                {"$setOnInsert": {"privateKeyPem": candidate_pem}},
                upsert=True,
                session=self.session,
            )
        except DuplicateKeyError:  # another process inserted it first: theirs is the key
            pass
        return self.push_keys.find_one({"_id": "vapid"}, session=self.session)["privateKeyPem"]


def _unread_query(state: ReadState) -> Document:
    query: Document = {"_id": {"$nin": sorted(state.read_ids)}}
    if state.read_all_at is not None:
        query["createdAt"] = {"$gt": state.read_all_at}
    return query

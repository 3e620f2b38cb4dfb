"""PmsStores: the only code with queries: `pms_outbox`, `sync_state` and `id_map`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING, ReturnDocument

from hotel_shared.store import MongoStores
from hotel_shared.timeutil import utc_now
from pms_adapter import rules
from pms_adapter.rules import FAILED, PENDING, SENT

Document = dict[str, Any]
HEALTH = "health"


class PmsStores(MongoStores):
    @property
    def outbox(self):
        return self.db["pms_outbox"]

    @property
    def sync_state(self):
        return self.db["sync_state"]

    @property
    def id_map(self):
        return self.db["id_map"]

    def ensure_collection_indexes(self) -> None:
        self.outbox.create_index(
            [("state", ASCENDING), ("nextAttemptAt", ASCENDING)], name="due_first"
        )
        self.sync_state.create_index("kind", name="by_kind")
        self.id_map.create_index("roomNumber", name="by_room")
        self.id_map.create_index("bookingId", name="by_booking", sparse=True)

    # --- the PMS outbox --------------------------------------------------------------------------

    def find_outbox(self, entry_id: str) -> Document | None:
        return self.outbox.find_one({"_id": entry_id}, session=self.session)

    def put_room_work(self, entry: Document) -> None:
        """The room's one entry now asks for this state (a newer one replaces the older)."""
        self.outbox.replace_one({"_id": entry["_id"]}, entry, upsert=True, session=self.session)

    def add_work(self, entry: Document) -> bool:
        """Queue one-off work (a bill's posting, a stay's move) unless queued already."""
        if self.find_outbox(entry["_id"]) is not None:
            return False
        self.outbox.insert_one(entry, session=self.session)
        return True

    def due_work(self, now: datetime, limit: int = 50) -> list[Document]:
        query = {
            "state": PENDING,
            "nextAttemptAt": {"$lte": now},
            "$or": [{"claimedUntil": None}, {"claimedUntil": {"$lt": now}}],
        }
        return list(
            self.outbox.find(query, session=self.session)
            .sort([("nextAttemptAt", ASCENDING), ("_id", ASCENDING)])
            .limit(limit)
        )

    def claim_work(self, entry_id: str, now: datetime, lease_s: float) -> Document | None:
        """Take an entry for one send; a crashed sender's lease runs out and another takes it."""
        return self.outbox.find_one_and_update(
            {
                "_id": entry_id,
                "state": PENDING,
                "$or": [{"claimedUntil": None}, {"claimedUntil": {"$lt": now}}],
            },
            {"$set": {"claimedUntil": now + timedelta(seconds=lease_s)}},
            return_document=ReturnDocument.AFTER,
            session=self.session,
        )

    def finish_room_work(self, entry_id: str, version: int, now: datetime) -> bool:
        """Mark the room's entry sent, unless a newer state arrived meanwhile (then it stays)."""
        result = self.outbox.update_one(
            {"_id": entry_id, "version": version},
            {
                "$set": {
                    "state": SENT,
                    "sentAt": now,
                    "sentVersion": version,
                    "claimedUntil": None,
                    "attempts": 0,
                    "lastError": None,
                }
            },
            session=self.session,
        )
        if result.modified_count == 0:
            self.release_work(entry_id)
        return result.modified_count == 1

    def finish_work(self, entry_id: str, result: Document, now: datetime) -> None:
        """Mark one-off work done, with what OPERA answered (a posting's number, ...)."""
        self.outbox.update_one(
            {"_id": entry_id},
            {
                "$set": {
                    "state": SENT,
                    "sentAt": now,
                    "result": result,
                    "claimedUntil": None,
                    "lastError": None,
                }
            },
            session=self.session,
        )

    def note_attempt(self, entry_id: str) -> None:
        """A call is about to go out: from now on the PMS may have applied it."""
        self.outbox.update_one(
            {"_id": entry_id}, {"$set": {"mayHaveReached": True}}, session=self.session
        )

    def retry_work(self, entry_id: str, attempts: int, at: datetime, error: str) -> None:
        self.outbox.update_one(
            {"_id": entry_id, "state": PENDING},
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

    def fail_work(self, entry_id: str, error: str, now: datetime) -> None:
        self.outbox.update_one(
            {"_id": entry_id},
            {"$set": {"state": FAILED, "lastError": error, "failedAt": now, "claimedUntil": None}},
            session=self.session,
        )

    def release_work(self, entry_id: str) -> None:
        self.outbox.update_one(
            {"_id": entry_id}, {"$set": {"claimedUntil": None}}, session=self.session
        )

    def requeue_failed(self, now: datetime) -> int:
        """Give every failed entry another round of attempts; returns how many."""
        result = self.outbox.update_many(
            {"state": FAILED},
            {"$set": {"state": PENDING, "attempts": 0, "nextAttemptAt": now, "claimedUntil": None}},
            session=self.session,
        )
        return result.modified_count

    def count_work(self, state: str) -> int:
        return self.outbox.count_documents({"state": state}, session=self.session)

    def list_failed(self, limit: int = 20) -> list[Document]:
        return list(
            self.outbox.find({"state": FAILED}, session=self.session)
            .sort("failedAt", -1)
            .limit(limit)
        )

    # --- our rooms, as the events told us, and what we last sent ---------------------------------

    def find_room_state(self, number: str) -> Document | None:
        return self.sync_state.find_one({"_id": f"room:{number}"}, session=self.session)

    def save_room_state(self, number: str, ours: Document, version: int) -> None:
        self.sync_state.update_one(
            {"_id": f"room:{number}"},
            {
                "$set": {
                    "kind": "room",
                    "roomNumber": number,
                    "ours": ours,
                    "version": version,
                    "updatedAt": utc_now(),
                }
            },
            upsert=True,
            session=self.session,
        )

    def forget_room(self, number: str) -> None:
        self.sync_state.delete_one({"_id": f"room:{number}"}, session=self.session)

    def note_sent_status(self, number: str, status: Document, now: datetime) -> None:
        """The status about to be sent, as the last one and among the recent ones (echoes)."""
        sent = {**status, "at": now}
        self.sync_state.update_one(
            {"_id": f"room:{number}"},
            {
                "$set": {"lastSent": sent},
                "$push": {"recentSent": {"$each": [sent], "$slice": -rules.RECENT_SENT_KEPT}},
            },
            session=self.session,
        )

    def note_pms_status(self, number: str, pms: Document, now: datetime) -> None:
        self.sync_state.update_one(
            {"_id": f"room:{number}"},
            {"$set": {"pms": {**pms, "at": now}}},
            session=self.session,
        )

    def all_room_states(self) -> list[Document]:
        return list(self.sync_state.find({"kind": "room"}, session=self.session))

    # --- health and runs --------------------------------------------------------------------------

    def health(self) -> Document:
        return self.sync_state.find_one({"_id": HEALTH}, session=self.session) or {}

    def update_health(self, fields: Document) -> None:
        self.sync_state.update_one(
            {"_id": HEALTH}, {"$set": {"kind": HEALTH, **fields}}, upsert=True, session=self.session
        )

    def record_reconcile(self, run: Document) -> None:
        self.sync_state.insert_one({**run, "kind": "reconcile"}, session=self.session)

    def last_reconcile(self) -> Document | None:
        return self.sync_state.find_one(
            {"kind": "reconcile"}, sort=[("at", -1)], session=self.session
        )

    # --- PMS reservation ids and what we published ----------------------------------------------

    def find_reservation(self, pms_reservation_id: str) -> Document | None:
        return self.id_map.find_one({"_id": pms_reservation_id}, session=self.session)

    def link_booking(self, pms_reservation_id: str, booking_id: str) -> None:
        """Our booking of a PMS reservation (rooms made it from pms.reservation.imported.v1)."""
        self.id_map.update_one(
            {"_id": pms_reservation_id},
            {"$set": {"bookingId": booking_id}},
            upsert=True,
            session=self.session,
        )

    def find_reservation_of_booking(self, booking_id: str) -> Document | None:
        return self.id_map.find_one({"bookingId": booking_id}, session=self.session)

    def save_reservation(self, pms_reservation_id: str, data: Document, now: datetime) -> None:
        self.id_map.update_one(
            {"_id": pms_reservation_id},
            {"$set": {"roomNumber": data.get("roomNumber"), "data": data, "publishedAt": now}},
            upsert=True,
            session=self.session,
        )

"""RoomStore: the only code that reads or writes the rooms collection and records its events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo import ASCENDING, MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from hotel_shared.config import ServiceSettings
from hotel_shared.inbox import ensure_inbox_indexes
from hotel_shared.mongo import find_page, get_client, run_in_transaction
from hotel_shared.outbox import ensure_outbox_indexes, record_event
from rooms.domain import Room, RoomExists, VersionConflict

ROOMS_COLLECTION = "rooms"
LIST_ORDER = [("floor", ASCENDING), ("roomNumber", ASCENDING)]
FILTERABLE_FIELDS = ("housekeepingStatus", "frontOfficeStatus", "roomType", "floor")


class RoomStore:
    def __init__(self, client: MongoClient, db: Database, processed_events_ttl_days: int = 7):
        self.client = client
        self.db = db
        self.rooms = db[ROOMS_COLLECTION]
        self.processed_events_ttl_days = processed_events_ttl_days

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> RoomStore:
        client = get_client(settings.mongo_url, settings.mongo_timeout_ms)
        return cls(client, client[settings.mongo_db], settings.processed_events_ttl_days)

    def ensure_indexes(self) -> None:
        self.rooms.create_index("roomNumber", unique=True, name="room_number_unique")
        self.rooms.create_index(LIST_ORDER, name="floor_room_number")
        self.rooms.create_index(
            [("housekeepingStatus", ASCENDING), *LIST_ORDER], name="housekeeping_floor"
        )
        ensure_outbox_indexes(self.db)
        ensure_inbox_indexes(self.db, self.processed_events_ttl_days)

    def find_page(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Room], int]:
        # Only known fields with validated values become the query: no client-supplied operators.
        query = {name: filters[name] for name in FILTERABLE_FIELDS if name in filters}
        return find_page(self.rooms, query, LIST_ORDER, limit, offset)

    def get(self, room_number: str) -> Room | None:
        return self.rooms.find_one({"roomNumber": room_number})

    def insert(self, room: Room, event: dict[str, Any]) -> Room:
        document = dict(room)

        def work(session: ClientSession) -> None:
            self.rooms.insert_one(document, session=session)
            record_event(self.db, session, event)

        try:
            run_in_transaction(self.client, work)
        except DuplicateKeyError:
            raise RoomExists(room["roomNumber"]) from None
        return document

    def replace(self, room: Room, *, previous_version: int, event: dict[str, Any]) -> Room:
        """Store the room and its event if it still has `previous_version` (compare-and-set)."""

        def work(session: ClientSession) -> None:
            result = self.rooms.replace_one(
                {"_id": room["_id"], "version": previous_version}, room, session=session
            )
            if result.matched_count != 1:
                raise VersionConflict(room["roomNumber"])
            record_event(self.db, session, event)

        run_in_transaction(self.client, work)
        return room

    def delete(self, room: Room, *, event: dict[str, Any]) -> None:
        def work(session: ClientSession) -> None:
            result = self.rooms.delete_one(
                {"_id": room["_id"], "version": room["version"]}, session=session
            )
            if result.deleted_count != 1:
                raise VersionConflict(room["roomNumber"])
            record_event(self.db, session, event)

        run_in_transaction(self.client, work)

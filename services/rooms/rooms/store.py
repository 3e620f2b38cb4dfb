"""RoomStore: the rooms collection, its status history, its events and the database's indexes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from hotel_shared.config import ServiceSettings
from hotel_shared.inbox import ensure_inbox_indexes
from hotel_shared.mongo import find_page, get_client, run_in_transaction
from hotel_shared.outbox import ensure_outbox_indexes, record_event
from rooms.domain.rules import Room, RoomExists, VersionConflict

ROOMS_COLLECTION = "rooms"
HISTORY_COLLECTION = "status_history"
BOOKINGS_COLLECTION = "bookings"
CUSTOMERS_COLLECTION = "customers"
CONTACT_MESSAGES_COLLECTION = "contact_messages"
LIST_ORDER = [("floor", ASCENDING), ("roomNumber", ASCENDING)]
FILTERABLE_FIELDS = ("housekeepingStatus", "frontOfficeStatus", "roomType", "floor")


class RoomStore:
    def __init__(self, client: MongoClient, db: Database, processed_events_ttl_days: int = 7):
        self.client = client
        self.db = db
        self.rooms = db[ROOMS_COLLECTION]
        self.history = db[HISTORY_COLLECTION]
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
        self.history.create_index(
            [("roomNumber", ASCENDING), ("time", ASCENDING)], name="room_time"
        )
        self.history.create_index([("field", ASCENDING), ("time", ASCENDING)], name="field_time")
        bookings = self.db[BOOKINGS_COLLECTION]
        bookings.create_index(
            [("roomNumber", ASCENDING), ("checkInDate", ASCENDING)], name="room_arrival"
        )
        bookings.create_index("specialId", unique=True, name="special_id_unique")
        bookings.create_index(
            "pmsReservationId",
            unique=True,
            name="pms_reservation_unique",
            partialFilterExpression={"pmsReservationId": {"$type": "string"}},
        )
        customers = self.db[CUSTOMERS_COLLECTION]
        customers.create_index([("roomNumber", ASCENDING), ("status", ASCENDING)], name="room")
        self.db[CONTACT_MESSAGES_COLLECTION].create_index(
            [("createdAt", ASCENDING)], name="created_at"
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

    def replace(
        self,
        room: Room,
        *,
        previous_version: int,
        event: dict[str, Any],
        history: list[dict[str, Any]] = (),
        session: ClientSession | None = None,
    ) -> Room:
        """Store the room, its event and history if it still has `previous_version`.

        With `session` the write joins the caller's transaction (check-in, an inbox handler).
        """

        def work(session: ClientSession) -> None:
            self.replace_in(session, room, previous_version=previous_version)
            self.add_history(session, history)
            record_event(self.db, session, event)

        if session is not None:
            work(session)
        else:
            run_in_transaction(self.client, work)
        return room

    def replace_in(self, session: ClientSession, room: Room, *, previous_version: int) -> None:
        """Compare-and-set on version inside the caller's transaction."""
        result = self.rooms.replace_one(
            {"_id": room["_id"], "version": previous_version}, room, session=session
        )
        if result.matched_count != 1:
            raise VersionConflict(room["roomNumber"])

    def add_history(self, session: ClientSession, history: list[dict[str, Any]]) -> None:
        if history:
            self.history.insert_many([dict(entry) for entry in history], session=session)

    def find_history(self, room_number: str, limit: int, offset: int) -> tuple[list[dict], int]:
        return find_page(
            self.history, {"roomNumber": room_number}, [("time", ASCENDING)], limit, offset
        )

    def housekeeping_history(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        query = {"field": "housekeepingStatus", "time": {"$gte": start, "$lt": end}}
        return list(self.history.find(query).sort("time", ASCENDING))

    def all_rooms(self) -> list[Room]:
        return list(self.rooms.find({}).sort(LIST_ORDER))

    def find_discrepancies(self) -> list[Room]:
        return list(self.rooms.find({"discrepancy": {"$in": ["Sleep", "Skip"]}}).sort(LIST_ORDER))

    def delete(self, room: Room, *, event: dict[str, Any]) -> None:
        def work(session: ClientSession) -> None:
            result = self.rooms.delete_one(
                {"_id": room["_id"], "version": room["version"]}, session=session
            )
            if result.deleted_count != 1:
                raise VersionConflict(room["roomNumber"])
            record_event(self.db, session, event)

        run_in_transaction(self.client, work)

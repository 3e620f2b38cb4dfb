"""RoomsStores: the only code with queries and Mongo operators, on the shared MongoStores base."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from pymongo import ASCENDING, DESCENDING
from pymongo.errors import DuplicateKeyError

from hotel_shared.mongo import WriteContention
from hotel_shared.readmodel import ReadModel, Snapshot, note_deleted, note_written, read_model
from hotel_shared.store import MongoStores
from rooms.rules import bookings as booking_rules
from rooms.rules import messages as message_rules
from rooms.rules import rooms as room_rules
from rooms.rules import stays as stay_rules
from rooms.rules.bookings import CONFIRMED, HOLDING_STATUSES, Booking, BookingNotFound
from rooms.rules.messages import ContactMessageNotFound, Message
from rooms.rules.rooms import Room, RoomExists, RoomNotFound
from rooms.rules.stays import Stay, StayNotFound

ROOMS_COLLECTION = "rooms"
HISTORY_COLLECTION = "status_history"
BOOKINGS_COLLECTION = "bookings"
CUSTOMERS_COLLECTION = "customers"
CONTACT_MESSAGES_COLLECTION = "contact_messages"
LIST_ORDER = [("floor", ASCENDING), ("roomNumber", ASCENDING)]
FILTERABLE_FIELDS = ("housekeepingStatus", "frontOfficeStatus", "roomType", "floor")
BY_ARRIVAL = [("checkInDate", ASCENDING), ("_id", ASCENDING)]
NEWEST_CHECK_IN_FIRST = [("checkinDate", DESCENDING), ("_id", ASCENDING)]
NEWEST_FIRST = [("createdAt", DESCENDING), ("_id", ASCENDING)]


def _holding_during(first_night: str, departure: str) -> dict[str, Any]:
    # Dates are YYYY-MM-DD strings, so string order is date order.
    return {
        "bookingStatus": {"$in": list(HOLDING_STATUSES)},
        "checkInDate": {"$lt": departure},
        "checkOutDate": {"$gt": first_night},
    }


def _handled_is(handled: bool) -> dict[str, Any]:
    # Messages stored before the flag have no `handled` field: they are waiting.
    return {"handled": True} if handled else {"handled": {"$ne": True}}


def _upgraded_page(page: tuple[list[Any], int], upgrade: Callable[[Any], Any]) -> tuple[list, int]:
    """A page of documents as the rules know them (stored before a field was added, too)."""
    items, total = page
    return [upgrade(item) for item in items], total


class RoomsStores(MongoStores):
    """Rooms, their status history, bookings, stays and contact messages."""

    # Desks and housekeepers write the same room document; a lost race reruns on fresh reads.
    transaction_attempts: ClassVar[int] = 10

    def ensure_collection_indexes(self) -> None:
        rooms = self.db[ROOMS_COLLECTION]
        rooms.create_index("roomNumber", unique=True, name="room_number_unique")
        rooms.create_index(LIST_ORDER, name="floor_room_number")
        rooms.create_index(
            [("housekeepingStatus", ASCENDING), *LIST_ORDER], name="housekeeping_floor"
        )
        history = self.db[HISTORY_COLLECTION]
        history.create_index([("roomNumber", ASCENDING), ("time", ASCENDING)], name="room_time")
        history.create_index([("field", ASCENDING), ("time", ASCENDING)], name="field_time")
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
        self.db[CUSTOMERS_COLLECTION].create_index(
            [("roomNumber", ASCENDING), ("status", ASCENDING)], name="room"
        )
        self.db[CONTACT_MESSAGES_COLLECTION].create_index(
            [("createdAt", ASCENDING)], name="created_at"
        )
        self.db[CONTACT_MESSAGES_COLLECTION].create_index(
            [("stayId", ASCENDING), ("createdAt", ASCENDING)],
            name="by_stay",
            partialFilterExpression={"stayId": {"$type": "string"}},
        )

    # --- rooms -----------------------------------------------------------------------------------

    def room_list(self) -> ReadModel:
        """This process's rooms, in memory and kept live, for the lists every screen polls."""
        return read_model(self.db[ROOMS_COLLECTION], prepare=room_rules.upgraded)

    def find_rooms(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Room], int]:
        # Only known fields with validated values become the query: no client-supplied operators.
        query = {name: filters[name] for name in FILTERABLE_FIELDS if name in filters}
        page = self.find_page(self.db[ROOMS_COLLECTION], query, LIST_ORDER, limit, offset)
        return _upgraded_page(page, room_rules.upgraded)

    def all_rooms(self, room_type: str | None = None) -> list[Room]:
        query = {"roomType": room_type} if room_type else {}
        found = self.db[ROOMS_COLLECTION].find(query, session=self.session).sort(LIST_ORDER)
        return [room_rules.upgraded(room) for room in found]

    def find_discrepancies(self) -> list[Room]:
        query = {"discrepancy": {"$in": ["Sleep", "Skip"]}}
        found = self.db[ROOMS_COLLECTION].find(query, session=self.session).sort(LIST_ORDER)
        return [room_rules.upgraded(room) for room in found]

    def find_room(self, room_number: str) -> Room | None:
        room = self.db[ROOMS_COLLECTION].find_one({"roomNumber": room_number}, session=self.session)
        return room_rules.upgraded(room) if room else None

    def get_room(self, room_number: str) -> Room:
        room = self.find_room(room_number)
        if room is None:
            raise RoomNotFound(room_number)
        return room

    def insert_room(self, room: Room) -> Room:
        document = dict(room)
        rooms = self.db[ROOMS_COLLECTION]
        try:
            rooms.insert_one(document, session=self.session)
        except DuplicateKeyError:
            raise RoomExists(room["roomNumber"]) from None
        self.after_commit(lambda: note_written(rooms, document))
        return document

    def save_room(self, room: Room, *, expected_version: int) -> Room:
        """Compare-and-set on version: another writer got there first → rerun the unit of work."""
        rooms = self.db[ROOMS_COLLECTION]
        result = rooms.replace_one(
            {"_id": room["_id"], "version": expected_version}, room, session=self.session
        )
        if result.matched_count != 1:
            raise WriteContention(f"room {room['roomNumber']} changed meanwhile; try again")
        # This process's lists show the change at once; the others hear it on their stream.
        self.after_commit(lambda: note_written(rooms, room))
        return room

    def delete_room(self, room: Room) -> None:
        rooms = self.db[ROOMS_COLLECTION]
        result = rooms.delete_one(
            {"_id": room["_id"], "version": room["version"]}, session=self.session
        )
        if result.deleted_count != 1:
            raise WriteContention(f"room {room['roomNumber']} changed meanwhile; try again")
        self.after_commit(lambda: note_deleted(rooms, room["_id"]))

    def guard_room_bookings(self, room_number: str) -> None:
        """Bump the room's booking guard: two transactions booking one room now conflict."""
        guard = self.db[ROOMS_COLLECTION].update_one(
            {"roomNumber": room_number}, {"$inc": {"bookingGuard": 1}}, session=self.session
        )
        if guard.matched_count != 1:
            raise RoomNotFound(room_number)

    # --- status history --------------------------------------------------------------------------

    def add_history(self, entries: list[dict[str, Any]]) -> None:
        if entries:
            self.db[HISTORY_COLLECTION].insert_many(
                [dict(entry) for entry in entries], session=self.session
            )

    def find_history(
        self, room_number: str, limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        return self.find_page(
            self.db[HISTORY_COLLECTION],
            {"roomNumber": room_number},
            [("time", ASCENDING)],
            limit,
            offset,
        )

    def housekeeping_history(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        query = {"field": "housekeepingStatus", "time": {"$gte": start, "$lt": end}}
        history = self.db[HISTORY_COLLECTION].find(query, session=self.session)
        return list(history.sort("time", ASCENDING))

    # --- bookings --------------------------------------------------------------------------------

    def find_booking(self, booking_id: str) -> Booking | None:
        booking = self.db[BOOKINGS_COLLECTION].find_one({"_id": booking_id}, session=self.session)
        return booking_rules.upgraded(booking) if booking else None

    def get_booking(self, booking_id: str) -> Booking:
        booking = self.find_booking(booking_id)
        if booking is None:
            raise BookingNotFound(booking_id)
        return booking

    def find_booking_by_pms_id(self, pms_reservation_id: str) -> Booking | None:
        booking = self.db[BOOKINGS_COLLECTION].find_one(
            {"pmsReservationId": pms_reservation_id}, session=self.session
        )
        return booking_rules.upgraded(booking) if booking else None

    def find_bookings(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Booking], int]:
        query: dict[str, Any] = {}
        if "roomNumber" in filters:
            query["roomNumber"] = filters["roomNumber"]
        if "status" in filters:
            query["bookingStatus"] = filters["status"]
        # from/to select bookings with a night in [from, to).
        if "to" in filters:
            query["checkInDate"] = {"$lt": filters["to"].isoformat()}
        if "from" in filters:
            query["checkOutDate"] = {"$gt": filters["from"].isoformat()}
        page = self.find_page(self.db[BOOKINGS_COLLECTION], query, BY_ARRIVAL, limit, offset)
        return _upgraded_page(page, booking_rules.upgraded)

    def has_holding_booking(
        self, room_number: str, first_night: str, departure: str, except_id: str | None = None
    ) -> bool:
        """Whether a confirmed or checked-in booking holds the room on one of those nights."""
        query = {"roomNumber": room_number, **_holding_during(first_night, departure)}
        if except_id is not None:
            query["_id"] = {"$ne": except_id}
        return self.db[BOOKINGS_COLLECTION].find_one(query, session=self.session) is not None

    def booked_room_numbers(self, first_night: str, departure: str) -> set[str]:
        query = _holding_during(first_night, departure)
        return set(self.db[BOOKINGS_COLLECTION].distinct("roomNumber", query, session=self.session))

    def has_arrival(self, room_number: str, day: str) -> bool:
        query = {"roomNumber": room_number, "bookingStatus": CONFIRMED, "checkInDate": day}
        return self.db[BOOKINGS_COLLECTION].find_one(query, session=self.session) is not None

    def insert_booking(self, booking: Booking) -> Booking:
        self.db[BOOKINGS_COLLECTION].insert_one(booking, session=self.session)
        return booking

    def save_booking(self, booking: Booking, *, expected_status: str) -> Booking:
        """Compare-and-set on the status: another writer moved it → rerun the unit of work."""
        result = self.db[BOOKINGS_COLLECTION].replace_one(
            {"_id": booking["_id"], "bookingStatus": expected_status}, booking, session=self.session
        )
        if result.matched_count != 1:
            raise WriteContention(f"booking {booking['_id']} changed meanwhile; try again")
        return booking

    def upsert_booking(self, booking: Booking) -> Booking:
        """Store an imported booking as the PMS describes it, new or not."""
        self.db[BOOKINGS_COLLECTION].replace_one(
            {"_id": booking["_id"]}, booking, upsert=True, session=self.session
        )
        return booking

    # --- stays (customers) -----------------------------------------------------------------------

    def get_stay(self, stay_id: str) -> Stay:
        stay = self.db[CUSTOMERS_COLLECTION].find_one({"_id": stay_id}, session=self.session)
        if stay is None:
            raise StayNotFound(stay_id)
        return stay_rules.upgraded(stay)

    def find_stays(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Stay], int]:
        query = {name: filters[name] for name in ("roomNumber", "status") if name in filters}
        customers = self.db[CUSTOMERS_COLLECTION]
        page = self.find_page(customers, query, NEWEST_CHECK_IN_FIRST, limit, offset)
        return _upgraded_page(page, stay_rules.upgraded)

    def insert_stay(self, stay: Stay) -> Stay:
        self.db[CUSTOMERS_COLLECTION].insert_one(stay, session=self.session)
        return stay

    def save_stay(self, stay: Stay, *, expected_status: str) -> Stay:
        """Compare-and-set on the status: another writer moved it → rerun the unit of work."""
        result = self.db[CUSTOMERS_COLLECTION].replace_one(
            {"_id": stay["_id"], "status": expected_status}, stay, session=self.session
        )
        if result.matched_count != 1:
            raise WriteContention(f"customer stay {stay['_id']} changed meanwhile; try again")
        return stay

    # --- contact messages ------------------------------------------------------------------------

    def insert_message(self, message: Message) -> Message:
        self.db[CONTACT_MESSAGES_COLLECTION].insert_one(message, session=self.session)
        return message

    def get_message(self, message_id: str) -> Message:
        message = self.db[CONTACT_MESSAGES_COLLECTION].find_one(
            {"_id": message_id}, session=self.session
        )
        if message is None:
            raise ContactMessageNotFound(message_id)
        return message_rules.upgraded(message)

    def save_message(self, message: Message, *, expected_handled: bool) -> Message:
        """Compare-and-set on the flag: another desk moved it first → rerun the unit of work."""
        result = self.db[CONTACT_MESSAGES_COLLECTION].replace_one(
            {"_id": message["_id"], **_handled_is(expected_handled)}, message, session=self.session
        )
        if result.matched_count != 1:
            raise WriteContention(f"contact message {message['_id']} changed meanwhile; try again")
        return message

    def find_messages(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Message], int]:
        query: dict[str, Any] = {}
        for name in ("roomNumber", "stayId"):
            if name in filters:
                query[name] = filters[name]
        if "handled" in filters:
            query.update(_handled_is(filters["handled"]))
        messages = self.db[CONTACT_MESSAGES_COLLECTION]
        page = self.find_page(messages, query, NEWEST_FIRST, limit, offset)
        return _upgraded_page(page, message_rules.upgraded)


class RoomsInMemory:
    """`find_rooms` answered from a snapshot of the rooms read model, as the query above would."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def find_rooms(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[Room], int]:
        query = {name: filters[name] for name in FILTERABLE_FIELDS if name in filters}
        return self.snapshot.find_page(query, LIST_ORDER, limit, offset)

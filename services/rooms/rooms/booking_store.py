"""BookingStore, StayStore, ContactMessageStore: the front-office collections and their writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.client_session import ClientSession

from hotel_shared.mongo import find_page, run_in_transaction
from hotel_shared.outbox import record_event
from rooms.domain.bookings import HOLDING_STATUSES, RoomUnavailable
from rooms.domain.rules import Room, RoomNotFound, VersionConflict
from rooms.store import (
    BOOKINGS_COLLECTION,
    CONTACT_MESSAGES_COLLECTION,
    CUSTOMERS_COLLECTION,
    RoomStore,
)

NEWEST_FIRST = [("createdAt", DESCENDING), ("_id", ASCENDING)]
# Many desks booking one room conflict on its guard; retry (with jitter) rather than give up.
CONTENDED_ATTEMPTS = 60


def _overlap_query(room_number: str, first_night: str, departure: str) -> dict[str, Any]:
    # Dates are YYYY-MM-DD strings, so string order is date order.
    return {
        "roomNumber": room_number,
        "bookingStatus": {"$in": list(HOLDING_STATUSES)},
        "checkInDate": {"$lt": departure},
        "checkOutDate": {"$gt": first_night},
    }


class BookingStore:
    def __init__(self, room_store: RoomStore) -> None:
        self.room_store = room_store
        self.bookings = room_store.db[BOOKINGS_COLLECTION]

    def get(self, booking_id: str) -> dict[str, Any] | None:
        return self.bookings.find_one({"_id": booking_id})

    def find_by_pms_id(self, pms_reservation_id: str) -> dict[str, Any] | None:
        return self.bookings.find_one({"pmsReservationId": pms_reservation_id})

    def find_page(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
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
        order = [("checkInDate", ASCENDING), ("_id", ASCENDING)]
        return find_page(self.bookings, query, order, limit, offset)

    def find_overlapping(
        self, room_number: str, first_night: str, departure: str, except_id: str | None = None
    ) -> list[dict[str, Any]]:
        query = _overlap_query(room_number, first_night, departure)
        if except_id is not None:
            query["_id"] = {"$ne": except_id}
        return list(self.bookings.find(query))

    def has_arrival(self, room_number: str, day: str) -> bool:
        query = {"roomNumber": room_number, "bookingStatus": "confirmed", "checkInDate": day}
        return self.bookings.find_one(query) is not None

    def booked_room_numbers(self, first_night: str, departure: str) -> set[str]:
        query = {
            "bookingStatus": {"$in": list(HOLDING_STATUSES)},
            "checkInDate": {"$lt": departure},
            "checkOutDate": {"$gt": first_night},
        }
        return set(self.bookings.distinct("roomNumber", query))

    def insert_if_available(self, booking: dict[str, Any], event: dict[str, Any]) -> dict:
        """Insert unless a holding booking overlaps, atomically with concurrent bookings.

        Bumping the room's booking guard first makes two transactions booking the same room
        write the same document, so the server aborts one (write conflict) and
        run_in_transaction reruns it: the rerun then sees the other's booking.
        """
        room_number = booking["roomNumber"]

        def work(session: ClientSession) -> None:
            guard = self.room_store.rooms.update_one(
                {"roomNumber": room_number}, {"$inc": {"bookingGuard": 1}}, session=session
            )
            if guard.matched_count != 1:
                raise RoomNotFound(room_number)
            query = _overlap_query(room_number, booking["checkInDate"], booking["checkOutDate"])
            if self.bookings.find_one(query, session=session) is not None:
                raise RoomUnavailable(room_number, booking["checkInDate"], booking["checkOutDate"])
            self.bookings.insert_one(booking, session=session)
            record_event(self.room_store.db, session, event)

        run_in_transaction(self.room_store.client, work, attempts=CONTENDED_ATTEMPTS)
        return booking

    def replace_if_status(
        self, booking: dict[str, Any], *, expected_status: str, event: dict[str, Any]
    ) -> bool:
        def work(session: ClientSession) -> bool:
            result = self.bookings.replace_one(
                {"_id": booking["_id"], "bookingStatus": expected_status}, booking, session=session
            )
            if result.matched_count != 1:
                return False
            record_event(self.room_store.db, session, event)
            return True

        return run_in_transaction(self.room_store.client, work)

    def save_imported(
        self, session: ClientSession, booking: dict[str, Any], event: dict[str, Any] | None
    ) -> None:
        self.bookings.replace_one({"_id": booking["_id"]}, booking, upsert=True, session=session)
        if event is not None:
            record_event(self.room_store.db, session, event)


class StayStore:
    def __init__(self, room_store: RoomStore) -> None:
        self.room_store = room_store
        self.customers = room_store.db[CUSTOMERS_COLLECTION]
        self.bookings = room_store.db[BOOKINGS_COLLECTION]

    def get(self, stay_id: str) -> dict[str, Any] | None:
        return self.customers.find_one({"_id": stay_id})

    def find_page(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        query = {name: filters[name] for name in ("roomNumber", "status") if name in filters}
        order = [("checkinDate", DESCENDING), ("_id", ASCENDING)]
        return find_page(self.customers, query, order, limit, offset)

    def _write(self, room: Room, previous_room_version: int, events, history, more) -> None:
        def work(session: ClientSession) -> None:
            self.room_store.replace_in(session, room, previous_version=previous_room_version)
            more(session)
            self.room_store.add_history(session, history)
            for event in events:
                record_event(self.room_store.db, session, event)

        run_in_transaction(self.room_store.client, work)

    def check_in(
        self,
        stay: dict[str, Any],
        room: Room,
        *,
        previous_room_version: int,
        booking_id: str | None,
        events: list[dict[str, Any]],
        history: list[dict[str, Any]],
    ) -> None:
        """Room Occupied, booking checked in and the stay created, or none of them."""

        def more(session: ClientSession) -> None:
            if booking_id is not None:
                result = self.bookings.update_one(
                    {"_id": booking_id, "bookingStatus": "confirmed"},
                    {"$set": {"bookingStatus": "checked in", "customerId": stay["_id"]}},
                    session=session,
                )
                if result.matched_count != 1:
                    raise VersionConflict(booking_id)
            self.customers.insert_one(stay, session=session)

        self._write(room, previous_room_version, events, history, more)

    def check_out(
        self,
        stay: dict[str, Any],
        room: Room,
        *,
        previous_room_version: int,
        events: list[dict[str, Any]],
        history: list[dict[str, Any]],
    ) -> None:
        """Room Vacant + Dirty, stay and booking checked out, or none of them."""

        def more(session: ClientSession) -> None:
            result = self.customers.replace_one(
                {"_id": stay["_id"], "status": "checked in"}, stay, session=session
            )
            if result.matched_count != 1:
                raise VersionConflict(stay["_id"])
            if stay.get("bookingId"):
                self.bookings.update_one(
                    {"_id": stay["bookingId"]},
                    {"$set": {"bookingStatus": "checked out"}},
                    session=session,
                )

        self._write(room, previous_room_version, events, history, more)

    def replace_if_status(
        self, stay: dict[str, Any], *, expected_status: str, event: dict[str, Any]
    ) -> bool:
        def work(session: ClientSession) -> bool:
            result = self.customers.replace_one(
                {"_id": stay["_id"], "status": expected_status}, stay, session=session
            )
            if result.matched_count != 1:
                return False
            record_event(self.room_store.db, session, event)
            return True

        return run_in_transaction(self.room_store.client, work)


class ContactMessageStore:
    def __init__(self, room_store: RoomStore) -> None:
        self.room_store = room_store
        self.messages = room_store.db[CONTACT_MESSAGES_COLLECTION]

    def insert(self, message: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
        def work(session: ClientSession) -> None:
            self.messages.insert_one(message, session=session)
            record_event(self.room_store.db, session, event)

        run_in_transaction(self.room_store.client, work)
        return message

    def find_page(
        self, filters: Mapping[str, Any], limit: int, offset: int
    ) -> tuple[list[dict[str, Any]], int]:
        query = {"roomNumber": filters["roomNumber"]} if "roomNumber" in filters else {}
        return find_page(self.messages, query, NEWEST_FIRST, limit, offset)

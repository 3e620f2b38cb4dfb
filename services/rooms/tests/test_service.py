"""Use cases on the real Mongo-wire server: one unit of work each, reruns on a lost race."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from bson import ObjectId
from conftest import FRONT_DESK, add_room, outbox_entries

from hotel_shared.mongo import WriteContention
from hotel_shared.principal import Context, Principal
from hotel_shared.timeutil import utc_now
from hotel_shared.versions import StaleVersion
from rooms.rules import bookings as booking_rules
from rooms.rules import rooms as rules
from rooms.service import bookings, rooms
from rooms.store import RoomsStores

UTC_ZONE = ZoneInfo("UTC")

STATUS_CHANGED = "rooms.room.status_changed.v1"
HOUSEKEEPER = Context(
    principal=Principal(
        user_id="u-housekeeper", username="housekeeper", role="staff", department="housekeeping"
    )
)


class RacingStores(RoomsStores):
    """Stores where another writer changes the room right after each of the first reads."""

    def __init__(self, stores: RoomsStores, losses: int) -> None:
        super().__init__(stores.client, stores.db)
        self.race = {"losses": losses, "reads": 0}  # shared by the copies bound to transactions

    def get_room(self, room_number: str) -> dict[str, Any]:
        room = super().get_room(room_number)
        self.race["reads"] += 1
        if self.race["losses"]:
            self.race["losses"] -= 1
            self.db.rooms.update_one({"roomNumber": room_number}, {"$inc": {"version": 1}})
        return room


def test_a_blind_write_that_lost_a_race_is_rerun_on_fresh_reads(stores):
    add_room(stores, "204", housekeepingStatus="Dirty")
    racing = RacingStores(stores, losses=2)
    room = rooms.update_room_status(
        racing, HOUSEKEEPER, "204", {"housekeepingStatus": "Clean"}, None, rules.DEFAULT_POLICY
    )
    assert room["version"] == 4  # the two competing writes, then ours
    assert racing.race["reads"] == 3
    assert [e["envelope"]["data"]["version"] for e in outbox_entries(stores, STATUS_CHANGED)] == [4]


def test_a_conditional_write_that_lost_a_race_is_412(stores):
    add_room(stores, "204", housekeepingStatus="Dirty")
    racing = RacingStores(stores, losses=1)
    with pytest.raises(StaleVersion) as raised:
        rooms.update_room_status(
            racing, HOUSEKEEPER, "204", {"housekeepingStatus": "Clean"}, 1, rules.DEFAULT_POLICY
        )
    assert raised.value.status == 412
    assert outbox_entries(stores, STATUS_CHANGED) == []


def test_a_room_that_never_settles_is_a_retryable_503(stores):
    add_room(stores, "204", housekeepingStatus="Dirty")
    racing = RacingStores(stores, losses=RoomsStores.transaction_attempts)
    with pytest.raises(WriteContention) as raised:
        rooms.update_room_status(
            racing, HOUSEKEEPER, "204", {"housekeepingStatus": "Clean"}, None, rules.DEFAULT_POLICY
        )
    assert raised.value.status == 503
    assert stores.get_room("204")["housekeepingStatus"] == "Dirty"


def test_saving_a_room_on_an_old_version_is_contention_and_writes_nothing(stores):
    room = add_room(stores, "204")
    with stores.transaction() as tx:
        tx.save_room({**room, "price": 1.0, "version": 2}, expected_version=1)
    with pytest.raises(WriteContention), stores.transaction() as tx:
        tx.save_room({**room, "price": 2.0, "version": 2}, expected_version=1)
    assert stores.get_room("204")["price"] == 1.0


def test_room_numbers_are_unique(stores):
    add_room(stores, "204")
    with pytest.raises(rules.RoomExists):
        add_room(stores, "204", roomType="Suite")
    assert stores.db.rooms.count_documents({"roomNumber": "204"}) == 1
    # The refused insert's event must not survive its rolled-back transaction.
    assert len(outbox_entries(stores, "rooms.room.created.v1")) == 1


def test_deleting_a_room_that_changed_meanwhile_is_contention(stores):
    room = add_room(stores, "204")
    stores.db.rooms.update_one({"_id": room["_id"]}, {"$inc": {"version": 1}})
    with pytest.raises(WriteContention), stores.transaction() as tx:
        tx.delete_room(room)
    assert stores.find_room("204") is not None


def test_concurrent_status_updates_never_lose_a_version(app, callers, stores):
    add_room(stores, "204")
    # Eight distinct bodies, none equal to the starting state, so every applied write is a change.
    bodies = [
        {"turndownStatus": turndown, "hkOccupancy": occupancy}
        for turndown in ("NotRequired", "Required", "Done")
        for occupancy in (None, "Vacant", "Occupied")
        if (turndown, occupancy) != ("NotRequired", None)
    ]
    statuses: list[int] = []
    threads_with_a_write: list[dict] = []
    start = threading.Barrier(len(bodies))

    def update(body):
        client = app.test_client()
        start.wait()
        mine = [
            client.patch(
                "/api/rooms/204/status", json=body, headers=callers.housekeeper
            ).status_code
            for _ in range(3)
        ]
        statuses.extend(mine)
        if 200 in mine:
            threads_with_a_write.append(body)

    threads = [threading.Thread(target=update, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # A write that kept losing is a retryable 503 (write_contention), never a lost update.
    assert set(statuses) <= {200, 503}
    applied = statuses.count(200)
    room = stores.get_room("204")
    entries = outbox_entries(stores, STATUS_CHANGED)
    # Each 200 either changed the room (one version, one event) or found it already so (neither).
    assert room["version"] == 1 + len(entries)
    assert sorted(entry["envelope"]["data"]["version"] for entry in entries) == list(
        range(2, room["version"] + 1)
    )
    assert len(entries) <= applied
    # A thread's first successful write always changed the room: no other body equals its own.
    assert len(entries) >= len(threads_with_a_write)
    last = max(entries, key=lambda entry: entry["envelope"]["data"]["version"])["envelope"]["data"]
    assert (room["turndownStatus"], room["hkOccupancy"]) == (
        last["turndownStatus"],
        last["hkOccupancy"],
    )


def test_finding_rooms_ignores_keys_that_are_not_filters(stores):
    add_room(stores, "204")
    items, total = stores.find_rooms({"roomNumber": {"$ne": "x"}, "floor": 2}, 10, 0)
    assert total == 1
    assert items[0]["roomNumber"] == "204"
    assert isinstance(items[0]["_id"], ObjectId)


def test_parallel_bookings_of_one_room_let_exactly_one_through(stores):
    add_room(stores, "204")
    today = utc_now().date()
    outcomes: list[str] = []
    start = threading.Barrier(6)

    def attempt(index: int) -> None:
        request = {
            "roomNumber": "204",
            "customerName": f"Guest {index}",
            "customerEmail": "guest@example.org",
            "checkInDate": today + timedelta(days=1),
            "checkOutDate": today + timedelta(days=3),
        }
        start.wait()
        try:
            bookings.create_booking(stores, FRONT_DESK, request, UTC_ZONE)
            outcomes.append("booked")
        except booking_rules.RoomUnavailable:
            outcomes.append("unavailable")

    threads = [threading.Thread(target=attempt, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["booked"] + ["unavailable"] * 5
    assert stores.db["bookings"].count_documents({"roomNumber": "204"}) == 1
    assert len(outbox_entries(stores, "rooms.booking.created.v1")) == 1

"""The demo seed: twenty ready rooms, created once, never overwriting what exists."""

from __future__ import annotations

from conftest import add_room, outbox_entries

from rooms.rules.rooms import ROOM_TYPES
from rooms.seed import seed_demo_rooms


def test_demo_seed_creates_rooms_101_to_210_vacant_and_inspected(stores):
    assert seed_demo_rooms(stores) == 20
    rooms = {room["roomNumber"]: room for room in stores.db.rooms.find()}
    expected = {f"{floor}{n:02d}" for floor in (1, 2) for n in range(1, 11)}
    assert set(rooms) == expected
    assert {room["roomType"] for room in rooms.values()} == set(ROOM_TYPES)
    for number, room in rooms.items():
        assert room["floor"] == int(number[0])
        assert room["price"] > 0
        assert (room["frontOfficeStatus"], room["housekeepingStatus"]) == ("Vacant", "Inspected")
        assert room["status"] == "available"
    assert len(outbox_entries(stores, "rooms.room.created.v1")) == 20


def test_demo_seed_is_idempotent_and_keeps_existing_rooms(stores):
    add_room(stores, "204", price=999.0, housekeepingStatus="Dirty")
    assert seed_demo_rooms(stores) == 19
    assert seed_demo_rooms(stores) == 0
    assert stores.db.rooms.count_documents({}) == 20
    room = stores.find_room("204")
    assert (room["price"], room["housekeepingStatus"]) == (999.0, "Dirty")


def test_indexes_include_a_unique_room_number(stores):
    indexes = stores.db.rooms.index_information()
    assert indexes["room_number_unique"]["unique"] is True
    assert "sent_ttl" in stores.db["outbox"].index_information()

"""RoomStore on the real Mongo-wire server: compare-and-set, unique numbers, concurrency."""

from __future__ import annotations

import threading

import pytest
from bson import ObjectId
from conftest import add_room, outbox_entries

from rooms import events
from rooms.domain import rules

STATUS_CHANGED = "rooms.room.status_changed.v1"


def test_replace_with_an_old_version_raises_and_writes_nothing(store):
    room = add_room(store, "204")
    changed = {**room, "price": 1.0, "version": 2}
    event = events.room_updated(changed, changed_fields=["price"], actor=None, correlation_id=None)
    store.replace(changed, previous_version=1, event=event)
    stale = {**room, "price": 2.0, "version": 2}
    with pytest.raises(rules.VersionConflict):
        store.replace(stale, previous_version=1, event=event | {"id": "other"})
    assert store.get("204")["price"] == 1.0
    assert len(outbox_entries(store, "rooms.room.updated.v1")) == 1


def test_room_numbers_are_unique(store):
    add_room(store, "204")
    with pytest.raises(rules.RoomExists):
        add_room(store, "204", roomType="Suite")
    assert store.rooms.count_documents({"roomNumber": "204"}) == 1
    # The refused insert's event must not survive its rolled-back transaction.
    assert len(outbox_entries(store, "rooms.room.created.v1")) == 1


def test_delete_of_a_changed_room_raises(store):
    room = add_room(store, "204")
    store.rooms.update_one({"_id": room["_id"]}, {"$inc": {"version": 1}})
    event = events.room_deleted(room, actor=None, correlation_id=None)
    with pytest.raises(rules.VersionConflict):
        store.delete(room, event=event)
    assert store.get("204") is not None


def test_concurrent_status_updates_never_lose_a_version(app, callers, store):
    add_room(store, "204")
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

    assert set(statuses) <= {200, 409}
    applied = statuses.count(200)
    room = store.get("204")
    entries = outbox_entries(store, STATUS_CHANGED)
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


def test_find_page_ignores_keys_that_are_not_filters(store):
    add_room(store, "204")
    items, total = store.find_page({"roomNumber": {"$ne": "x"}, "floor": 2}, 10, 0)
    assert total == 1
    assert items[0]["roomNumber"] == "204"
    assert isinstance(items[0]["_id"], ObjectId)

"""The unit of work and the inbox binding, against the real Mongo-wire server."""

from __future__ import annotations

import pytest
from pymongo import InsertOne, UpdateOne

from hotel_shared.events import new_event
from hotel_shared.inbox import InboundEvent, bind_handlers
from hotel_shared.mongo import WriteContention, get_database
from hotel_shared.store import MongoStores, unit_of_work


class ProbeStores(MongoStores):
    transaction_attempts = 3

    def ensure_collection_indexes(self) -> None:
        self.db.things.create_index("code", unique=True)

    def add_thing(self, code: str) -> None:
        self.db.things.insert_one({"code": code}, session=self.session)

    def count_things(self) -> int:
        return self.db.things.count_documents({}, session=self.session)


@pytest.fixture
def stores(service_settings):
    settings = service_settings("probe")
    stores = ProbeStores.from_settings(settings)
    stores.ensure_indexes()
    yield stores
    stores.client.drop_database(settings.mongo_db)


def probe_event(data=None, event_type="probe.thing.counted.v1"):
    return new_event(event_type, source="probe", subject="thing/1", data=data or {})


def test_a_transaction_commits_its_change_and_its_event_together(stores):
    with stores.transaction() as tx:
        tx.add_thing("a")
        tx.record(probe_event())
    assert stores.count_things() == 1
    assert stores.db.outbox.count_documents({}) == 1


def test_a_failing_transaction_leaves_neither_change_nor_event(stores):
    with pytest.raises(RuntimeError), stores.transaction() as tx:  # noqa: PT012
        tx.add_thing("a")
        tx.record(probe_event())
        raise RuntimeError("rule broken after the write")
    assert stores.count_things() == 0
    assert stores.db.outbox.count_documents({}) == 0


def test_a_nested_transaction_joins_the_outer_one(stores):
    with pytest.raises(RuntimeError), stores.transaction() as outer:  # noqa: PT012
        with outer.transaction() as inner:
            assert inner.session is outer.session
            inner.add_thing("a")
        raise RuntimeError("the outer unit fails after the inner block ended")
    assert stores.count_things() == 0


def test_recording_an_event_outside_a_transaction_is_refused(stores):
    with pytest.raises(RuntimeError, match="transaction"):
        stores.record(probe_event())


def test_after_commit_runs_only_once_the_transaction_committed(stores):
    ran = []
    with stores.transaction() as tx:
        tx.add_thing("a")
        tx.after_commit(lambda: ran.append("pushed"))
        assert ran == []
    assert ran == ["pushed"]
    with pytest.raises(RuntimeError), stores.transaction() as tx:  # noqa: PT012
        tx.after_commit(lambda: ran.append("never"))
        raise RuntimeError
    assert ran == ["pushed"]


def test_deferred_writes_land_as_one_bulk_write_with_the_commit_and_never_without_it(stores):
    with stores.transaction() as tx:
        tx.add_thing("a")
        for n in range(3):
            tx.defer_write("lines", InsertOne({"n": n}))
        with tx.transaction() as inner:  # a use case joining the unit defers into it
            inner.defer_write("lines", UpdateOne({"n": 9}, {"$set": {"n": 9}}, upsert=True))
        assert stores.db.lines.count_documents({}) == 0  # nothing sent before the commit
    assert sorted(line["n"] for line in stores.db.lines.find()) == [0, 1, 2, 9]

    with pytest.raises(RuntimeError), stores.transaction() as tx:  # noqa: PT012
        tx.defer_write("lines", InsertOne({"n": 5}))
        raise RuntimeError
    assert stores.db.lines.count_documents({"n": 5}) == 0
    with stores.transaction() as tx:  # a new unit starts with nothing deferred
        pass
    assert stores.db.lines.count_documents({}) == 4

    stores.defer_write("lines", InsertOne({"n": 6}))  # no transaction: written at once
    assert stores.db.lines.count_documents({"n": 6}) == 1


def test_unit_of_work_reruns_a_use_case_that_lost_a_write_conflict(stores):
    stores.db.things.insert_one({"_id": "guard", "n": 0})
    attempts = []

    @unit_of_work
    def bump_guard(stores: ProbeStores) -> None:
        with stores.transaction() as tx:
            attempts.append(1)
            stores.db.things.update_one({"_id": "guard"}, {"$inc": {"n": 1}}, session=tx.session)
            if len(attempts) == 1:
                collide_with(stores)

    bump_guard(stores)
    assert len(attempts) == 2
    assert stores.db.things.find_one({"_id": "guard"})["n"] == 1


def test_a_use_case_that_keeps_losing_conflicts_is_a_retryable_503(stores):
    stores.db.things.insert_one({"_id": "guard", "n": 0})
    attempts = []

    @unit_of_work
    def always_collides(stores: ProbeStores) -> None:
        with stores.transaction() as tx:
            attempts.append(1)
            stores.db.things.update_one({"_id": "guard"}, {"$inc": {"n": 1}}, session=tx.session)
            collide_with(stores)

    with pytest.raises(WriteContention) as raised:
        always_collides(stores)
    assert raised.value.status == 503
    assert raised.value.headers["Retry-After"]
    assert len(attempts) == ProbeStores.transaction_attempts


def collide_with(stores: ProbeStores) -> None:
    """A second transaction writes the guard too: the first writer's transaction loses."""
    with stores.client.start_session() as other:
        other.start_transaction()
        try:
            stores.db.things.update_one({"_id": "guard"}, {"$inc": {"n": 1}}, session=other)
        finally:
            other.abort_transaction()


def on_counted(stores: ProbeStores, event: InboundEvent) -> None:
    stores.add_thing(event.data["code"])


def test_a_redelivered_event_is_applied_once(stores):
    handle = bind_handlers(stores, {"probe.thing.counted.v1": on_counted}).handle
    envelope = probe_event({"code": "a"})
    handle(envelope)
    handle(envelope)
    assert stores.count_things() == 1
    assert stores.db.processed_events.count_documents({"_id": envelope["id"]}) == 1


def test_a_failing_handler_rolls_back_the_inbox_mark(stores):
    def fail(stores: ProbeStores, event: InboundEvent) -> None:
        stores.add_thing("a")
        raise RuntimeError("handler bug")

    handle = bind_handlers(stores, {"probe.thing.counted.v1": fail}).handle
    with pytest.raises(RuntimeError):
        handle(probe_event())
    assert stores.db.processed_events.count_documents({}) == 0
    assert stores.count_things() == 0


def test_the_catch_all_handler_runs_beside_the_type_handler_in_one_unit(stores):
    seen = []

    def audit(stores: ProbeStores, event: InboundEvent) -> None:
        seen.append(("audit", event.type))

    bound = bind_handlers(stores, {"#": audit, "probe.thing.counted.v1": on_counted})
    assert bound.bindings == ("#", "probe.thing.counted.v1")
    bound.handle(probe_event({"code": "a"}))
    bound.handle(probe_event(event_type="probe.thing.other.v1"))
    assert seen == [("audit", "probe.thing.counted.v1"), ("audit", "probe.thing.other.v1")]
    assert stores.count_things() == 1


def test_an_event_nobody_handles_is_acknowledged_without_a_mark(stores):
    bind_handlers(stores, {"probe.thing.counted.v1": on_counted}).handle(
        probe_event(event_type="probe.thing.ignored.v1")
    )
    assert stores.db.processed_events.count_documents({}) == 0


def test_an_inbound_event_reads_changes_by_field():
    event = InboundEvent.from_envelope(
        probe_event(
            {"changes": [{"field": "housekeepingStatus", "oldValue": "Dirty", "newValue": "Clean"}]}
        )
    )
    assert event.change_of("housekeepingStatus") == {
        "field": "housekeepingStatus",
        "oldValue": "Dirty",
        "newValue": "Clean",
    }
    assert event.change_of("frontOfficeStatus") is None


def test_stores_from_settings_use_the_service_database(service_settings):
    settings = service_settings("probe")
    stores = ProbeStores.from_settings(settings)
    assert stores.db.name == get_database(settings).name

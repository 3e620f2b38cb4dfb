"""The read model against a real Mongo-wire server and broker: load, other processes' notices,
own writes, resync."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable

import bson
import pytest
from flask import Flask
from pymongo import ASCENDING, DESCENDING, MongoClient

from hotel_shared.bus import connect
from hotel_shared.bus.notices import EXCHANGE, ChangeNotices, configure_notices
from hotel_shared.readmodel import (
    ReadModel,
    RenderedBody,
    close_read_models,
    conditional_response,
    matches,
    note_written,
    read_model,
    render_json,
    sort_documents,
)
from hotel_shared.testing.servers import RabbitNode, free_port

WAIT_S = 10


@pytest.fixture
def collection(mongo_url: str, amqp_url: str):
    configure_notices(amqp_url)
    client = MongoClient(mongo_url, tz_aware=True, uuidRepresentation="standard")
    database = client[f"test_readmodel_{uuid.uuid4().hex[:10]}"]
    yield database["things"]
    close_read_models()
    client.drop_database(database.name)
    client.close()


@pytest.fixture
def elsewhere(amqp_url: str):
    """Another process's notices: what it writes, it announces after the commit."""
    notices = ChangeNotices(amqp_url)
    yield notices
    notices.stop()


def announce(notices: ChangeNotices, collection, *ids) -> None:
    notices.announce(collection.database.name, collection.name, ids)


def eventually(condition: Callable[[], bool], timeout: float = WAIT_S) -> None:
    """Wait for `condition` (the stream is asynchronous); fail naming it after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.005)


def held(model: ReadModel) -> dict:
    snapshot = model.snapshot()
    assert snapshot is not None
    return {key: dict(doc) for key, doc in snapshot.documents.items()}


def test_a_model_loads_the_collection_and_follows_other_writers(collection, elsewhere):
    collection.insert_many([{"_id": "a", "version": 1, "n": 1}, {"_id": "b", "version": 1}])
    model = read_model(collection)
    assert model.wait_live(WAIT_S)
    assert held(model) == {"a": {"_id": "a", "version": 1, "n": 1}, "b": {"_id": "b", "version": 1}}

    collection.insert_one({"_id": "c", "version": 1})
    collection.update_one({"_id": "a"}, {"$set": {"n": 2}, "$inc": {"version": 1}})
    collection.delete_one({"_id": "b"})
    announce(elsewhere, collection, "c", "a", "b")

    eventually(lambda: set(held(model)) == {"a", "c"} and held(model)["a"]["n"] == 2)


def test_every_change_publishes_a_new_snapshot_and_the_old_one_stays_as_it_was(
    collection, elsewhere
):
    collection.insert_one({"_id": "a", "version": 1})
    model = read_model(collection)
    assert model.wait_live(WAIT_S)
    before = model.snapshot()

    collection.update_one({"_id": "a"}, {"$set": {"version": 2}})
    announce(elsewhere, collection, "a")

    eventually(lambda: model.snapshot().generation > before.generation)
    assert before.documents["a"]["version"] == 1
    assert model.snapshot().documents["a"]["version"] == 2


def test_this_process_sees_its_own_write_at_once_and_an_older_event_never_moves_it_back(
    collection,
):
    collection.insert_one({"_id": "a", "version": 1, "state": "old"})
    model = read_model(collection)
    assert model.wait_live(WAIT_S)
    written = {"_id": "a", "version": 3, "state": "newest"}
    collection.replace_one({"_id": "a"}, written)

    note_written(collection, written)
    assert held(model)["a"]["state"] == "newest"  # no broker hop in between

    model._apply("a", {"_id": "a", "version": 2})  # a read answered before the write landed
    assert held(model)["a"] == written


def test_an_own_write_is_stored_as_the_database_stores_it(collection):
    from datetime import UTC, datetime

    model = read_model(collection)
    assert model.wait_live(WAIT_S)
    at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)

    note_written(collection, {"_id": "a", "at": at})

    assert held(model)["a"]["at"] == at.replace(microsecond=678000)


def test_a_process_without_a_model_starts_none_when_it_writes(collection):
    note_written(collection, {"_id": "a"})
    assert read_model(collection).is_live is False


def test_a_stale_model_serves_nothing_until_it_has_reloaded_what_it_missed(collection, elsewhere):
    collection.insert_one({"_id": "a", "version": 1})
    model = read_model(collection)
    assert model.wait_live(WAIT_S)
    model._mark_stale()  # as when a change cannot be read
    assert model.snapshot() is None

    collection.update_one({"_id": "a"}, {"$set": {"version": 2}})
    announce(elsewhere, collection, "a")

    eventually(lambda: model.is_live and model.snapshot().documents["a"]["version"] == 2)


def test_a_model_is_stale_while_the_broker_is_away_and_reloads_what_it_missed(tmp_path, mongo_url):
    node = RabbitNode(port=free_port(), base_dir=str(tmp_path / "rabbit"))
    node.start()
    node.wait_ready()
    configure_notices(node.url)
    client = MongoClient(mongo_url, tz_aware=True)
    collection = client[f"test_readmodel_{uuid.uuid4().hex[:10]}"]["things"]
    collection.insert_one({"_id": "a", "version": 1})
    model = ReadModel(collection)
    try:
        assert model.wait_live(WAIT_S)
        node.kill()
        eventually(lambda: not model.is_live, timeout=30)
        # Written while no notice can reach this process.
        collection.update_one({"_id": "a"}, {"$set": {"version": 2}})

        node.start()
        node.wait_ready()
        eventually(lambda: model.is_live and held(model)["a"]["version"] == 2, timeout=60)
    finally:
        model.stop()
        node.stop()
        configure_notices(None)
        client.drop_database(collection.database.name)
        client.close()


def test_a_malformed_notice_is_ignored_and_later_ones_are_heard(collection, elsewhere, amqp_url):
    collection.insert_one({"_id": "a", "version": 1})
    model = read_model(collection)
    assert model.wait_live(WAIT_S)
    key = f"{collection.database.name}.{collection.name}"
    connection = connect(amqp_url)
    channel = connection.channel()
    for body in (b"not bson", bson.encode({"ids": "a"}), bson.encode({"ids": [{"$ne": 1}]})):
        channel.basic_publish(EXCHANGE, key, body)  # anyone on the broker may publish
    connection.close()

    collection.update_one({"_id": "a"}, {"$set": {"version": 2}})
    announce(elsewhere, collection, "a")
    eventually(lambda: model.is_live and held(model)["a"]["version"] == 2)


def test_a_resync_that_finds_nothing_new_keeps_the_snapshot_and_its_views(collection, elsewhere):
    collection.insert_one({"_id": "a", "version": 1})
    model = read_model(collection)
    assert model.wait_live(WAIT_S)
    before = model.snapshot()
    model._resync()  # as the periodic net does
    assert model.snapshot() is before

    collection.update_one({"_id": "a"}, {"$set": {"version": 2}})  # announced by nobody
    model._resync()
    assert model.snapshot().generation > before.generation
    assert held(model)["a"]["version"] == 2


def test_without_notices_a_model_never_serves_from_memory(collection):
    configure_notices(None)
    model = ReadModel(collection)
    assert model.wait_live(0.2) is False
    assert model.snapshot() is None


def test_a_model_without_documents_starts_a_new_snapshot_on_every_change(collection, elsewhere):
    collection.insert_one({"_id": "a", "version": 1})
    model = read_model(collection, keep_documents=False)
    assert model.wait_live(WAIT_S)
    first = model.snapshot()
    assert first.documents == {}

    note_written(collection, {"_id": "a", "version": 2})  # this process's commit: at once
    second = model.snapshot()
    assert second.generation > first.generation

    collection.insert_one({"_id": "b"})  # another process's: by its notice
    announce(elsewhere, collection, "b")
    eventually(lambda: model.snapshot().generation > second.generation)
    assert model.snapshot().documents == {}


def test_a_view_kept_on_a_snapshot_is_gone_with_the_next_change(collection):
    model = read_model(collection, keep_documents=False)
    assert model.wait_live(WAIT_S)
    renders = []

    def render():
        renders.append(1)
        return RenderedBody.of(b"body %d" % len(renders))

    assert model.snapshot().view("k", render) == (RenderedBody.of(b"body 1"), "rendered")
    assert model.snapshot().view("k", render) == (RenderedBody.of(b"body 1"), "hit")
    note_written(collection, {"_id": "x"})
    assert model.snapshot().view("k", render) == (RenderedBody.of(b"body 2"), "rendered")


# --- matching and order, against what the database answers ------------------------------------

DOCUMENTS = [
    {"_id": 1, "floor": 2, "kind": "a", "n": 3},
    {"_id": 2, "floor": 1, "kind": "b", "n": 1},
    {"_id": 3, "floor": 2, "kind": None, "n": 2},
    {"_id": 4, "kind": "a", "n": 5},
    {"_id": 5, "floor": 1, "kind": "a", "n": 4, "flag": True},
    {"_id": 6, "floor": 1.0, "kind": "c", "n": 0, "flag": 1},
]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"floor": 1},
        {"floor": 2, "kind": "a"},
        {"kind": None},
        {"floor": None},
        {"flag": True},
        {"flag": 1},
        {"kind": "zzz"},
    ],
)
def test_matching_in_memory_agrees_with_the_database(collection, query):
    collection.insert_many([dict(doc) for doc in DOCUMENTS])
    expected = sorted(doc["_id"] for doc in collection.find(query))
    assert sorted(doc["_id"] for doc in DOCUMENTS if matches(doc, query)) == expected


@pytest.mark.parametrize(
    "sort",
    [
        [("floor", ASCENDING), ("n", ASCENDING)],
        [("n", DESCENDING)],
        [("floor", DESCENDING), ("_id", ASCENDING)],
        [("kind", ASCENDING), ("_id", DESCENDING)],
    ],
)
def test_order_and_pages_in_memory_agree_with_the_database(collection, sort):
    collection.insert_many([dict(doc) for doc in DOCUMENTS])
    model = read_model(collection)
    assert model.wait_live(WAIT_S)
    snapshot = model.snapshot()
    expected = [doc["_id"] for doc in collection.find({}).sort(sort)]
    assert [doc["_id"] for doc in sort_documents(DOCUMENTS, sort)] == expected
    for limit, offset in itertools.product((1, 2, 50), (0, 1, 5, 9)):
        items, total = snapshot.find_page({}, sort, limit, offset)
        assert [doc["_id"] for doc in items] == expected[offset : offset + limit]
        assert total == len(expected)


def test_an_operator_is_refused_rather_than_matched_wrongly():
    with pytest.raises(ValueError):
        matches({"n": 1}, {"n": {"$gt": 0}})


# --- responses ---------------------------------------------------------------------------------


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.json.sort_keys = False
    return app


def test_the_rendered_body_is_what_flask_sends_for_the_payload(app):
    payload = {"items": [{"b": 1, "a": "é"}], "total": 1}
    with app.test_request_context():
        assert render_json(payload).body == app.make_response(payload).get_data()


def test_if_none_match_answers_304_only_for_the_current_body(app):
    with app.test_request_context():
        old, new = render_json({"n": 1}), render_json({"n": 2})
    assert old.etag != new.etag
    cases = [
        (old.etag, old, 304),
        (f"W/{old.etag}", old, 304),
        (f'"x", {old.etag}', old, 304),
        (old.etag, new, 200),
        ('"x"', old, 200),
    ]
    for header, rendered, status in cases:
        with app.test_request_context(headers={"If-None-Match": header}):
            response = conditional_response(rendered)
        assert response.status_code == status, header
        assert response.headers["ETag"] == rendered.etag
        assert response.get_data() == (b"" if status == 304 else rendered.body)

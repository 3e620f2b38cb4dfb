"""Expiring documents: a TTL index for MongoDB, or a plain one and the worker's pruner."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from hotel_shared.expiry import (
    configure_expiry,
    ensure_expiring_index,
    expiry_rules,
    prune_expired,
    run_pruner,
)
from hotel_shared.timeutil import utc_now


@pytest.fixture(params=[True, False], ids=["ttl-index", "pruned"])
def forgetting(db, request):
    """`entries` forgets a minute after `sentAt`; `keys` at `expiresAt` when `kind` is
    "temporary"; `plain` never."""
    configure_expiry(request.param)
    ensure_expiring_index(db.entries, "sentAt", seconds=60, name="sent_ttl")
    ensure_expiring_index(
        db.keys, "expiresAt", seconds=0, name="expiry_ttl", partial={"kind": "temporary"}
    )
    db.plain.create_index("sentAt")
    yield db
    configure_expiry(True)


def test_the_index_expires_in_the_database_only_in_ttl_mode(forgetting, request):
    index = forgetting.entries.index_information()["sent_ttl"]
    in_database = request.node.callspec.id == "ttl-index"
    assert ("expireAfterSeconds" in index) is in_database
    assert {"entries", "keys"} <= {rule.collection for rule in expiry_rules(forgetting)}
    assert "plain" not in {rule.collection for rule in expiry_rules(forgetting)}


def test_switching_mode_rebuilds_the_index_under_its_name(db):
    configure_expiry(True)
    ensure_expiring_index(db.entries, "sentAt", seconds=60, name="sent_ttl")
    configure_expiry(False)
    try:
        ensure_expiring_index(db.entries, "sentAt", seconds=60, name="sent_ttl")
        assert "expireAfterSeconds" not in db.entries.index_information()["sent_ttl"]
    finally:
        configure_expiry(True)
    ensure_expiring_index(db.entries, "sentAt", seconds=60, name="sent_ttl")
    assert db.entries.index_information()["sent_ttl"]["expireAfterSeconds"] == 60


def test_what_has_expired_is_removed_and_nothing_else(forgetting):
    now = utc_now()
    old, fresh = now - timedelta(seconds=61), now - timedelta(seconds=59)
    forgetting.entries.insert_many(
        [{"n": n, "sentAt": old} for n in range(7)] + [{"n": 100, "sentAt": fresh}]
    )
    forgetting.entries.insert_one({"n": 200, "sentAt": None})  # unsent: never expires
    forgetting.keys.insert_many(
        [
            {"kind": "temporary", "expiresAt": now - timedelta(seconds=1)},
            {"kind": "temporary", "expiresAt": now + timedelta(hours=1)},
            {"kind": "kept", "expiresAt": now - timedelta(days=1)},
        ]
    )
    forgetting.plain.insert_one({"sentAt": old})

    # Batches of 3: the 7 expired entries take three rounds.
    assert prune_expired(forgetting, now=now, batch=3) == 8

    assert sorted(doc["n"] for doc in forgetting.entries.find()) == [100, 200]
    assert sorted(doc["kind"] for doc in forgetting.keys.find()) == ["kept", "temporary"]
    assert forgetting.plain.count_documents({}) == 1
    assert prune_expired(forgetting, now=now) == 0


def test_the_pruner_runs_until_stopped(forgetting):
    forgetting.entries.insert_one({"sentAt": utc_now() - timedelta(hours=1)})
    stop = threading.Event()
    pruner = threading.Thread(target=run_pruner, args=(forgetting, stop, 0.05))
    pruner.start()
    try:
        for _ in range(200):
            if forgetting.entries.count_documents({}) == 0:
                break
            stop.wait(0.05)
        assert forgetting.entries.count_documents({}) == 0
    finally:
        stop.set()
        pruner.join(timeout=5)
    assert not pruner.is_alive()

"""Documents that expire: declared once, removed by the database or by the service's worker.

Every collection that forgets (sent outbox entries, processed event ids, refresh tokens, sign-in
attempts, revocations, idempotency keys) declares it with `ensure_expiring_index`. With
`MONGO_TTL_INDEXES=true` (the default, for MongoDB) that is a TTL index and MongoDB's monitor
removes what has expired. The embedded SecantusDB's TTL sweeper instead decodes every document of
every TTL collection once a minute while holding its storage lock, and every request waits for
it: with 50,000 documents in one such collection an insert took 4.9 ms at p50 and 2,363 ms at
worst, once a minute (measured 2026-12-02). So the devstack sets `MONGO_TTL_INDEXES=false`: the
same index without expiry, and each service's worker prunes (`run_pruner`): every
`PRUNE_EVERY_S` it deletes what each declared rule says has expired, `PRUNE_BATCH` documents per
command, found on the index. The pruner runs in both modes; on MongoDB it finds little.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import OperationFailure, PyMongoError

from hotel_shared.timeutil import utc_now

log = logging.getLogger(__name__)

PRUNE_EVERY_S = 60.0
PRUNE_BATCH = 200
# Between two batches, so a long backlog never holds the database for long at a stretch.
PAUSE_BETWEEN_BATCHES_S = 0.05
# An index of that name exists with other options (a TTL index that is to lose its expiry, or
# the other way round): 85 IndexOptionsConflict, 86 IndexKeySpecsConflict.
INDEX_CONFLICTS = {85, 86}


@dataclass(frozen=True)
class ExpiryRule:
    """Documents of `collection` expire `seconds` after their `field` (a date), where `partial`
    matches them too."""

    collection: str
    field: str
    seconds: float
    partial: dict[str, Any] = field(default_factory=dict)

    def expired(self, now: datetime) -> dict[str, Any]:
        """The filter of what has expired at `now`."""
        expired: dict[str, Any] = {self.field: {"$lt": now - timedelta(seconds=self.seconds)}}
        return {"$and": [expired, self.partial]} if self.partial else expired


_ttl_in_database = True
_rules: dict[tuple[str, str, str], ExpiryRule] = {}
_rules_lock = threading.Lock()


def configure_expiry(ttl_indexes: bool) -> None:
    """Whether expiring indexes are TTL indexes (MONGO_TTL_INDEXES), for this process."""
    global _ttl_in_database
    _ttl_in_database = ttl_indexes


def ensure_expiring_index(
    collection: Collection,
    field: str,
    *,
    seconds: float,
    name: str,
    partial: dict[str, Any] | None = None,
) -> None:
    """The index on `field` by which documents expire, and the rule the pruner applies."""
    rule = ExpiryRule(collection.name, field, float(seconds), dict(partial or {}))
    with _rules_lock:
        _rules[(collection.database.name, collection.name, field)] = rule
    options: dict[str, Any] = {"name": name}
    if partial:
        options["partialFilterExpression"] = dict(partial)
    if _ttl_in_database:
        options["expireAfterSeconds"] = int(seconds)
    try:
        collection.create_index(field, **options)
    except OperationFailure as error:
        if error.code not in INDEX_CONFLICTS:
            raise
        # Switched between TTL and pruning: the old index goes, the new one is built.
        log.info("re-creating index %s.%s (expiry moved)", collection.name, name)
        collection.drop_index(name)
        collection.create_index(field, **options)


def expiry_rules(db: Database) -> list[ExpiryRule]:
    """The rules declared in this process for `db`'s collections."""
    with _rules_lock:
        return [rule for (database, _, _), rule in _rules.items() if database == db.name]


def prune_expired(
    db: Database,
    *,
    now: datetime | None = None,
    batch: int = PRUNE_BATCH,
    pause: threading.Event | None = None,
) -> int:
    """Delete what every rule of `db` says has expired at `now`; how many were deleted."""
    now = now or utc_now()
    deleted = 0
    for rule in expiry_rules(db):
        collection, query = db[rule.collection], rule.expired(now)
        while True:
            ids = [doc["_id"] for doc in collection.find(query, {"_id": 1}).limit(batch)]
            if not ids:
                break
            # The expiry filter again: a document renewed since it was read stays.
            deleted += collection.delete_many({"_id": {"$in": ids}, **query}).deleted_count
            if len(ids) < batch:
                break
            if pause is not None and pause.wait(PAUSE_BETWEEN_BATCHES_S):
                return deleted
    return deleted


def run_pruner(db: Database, stop: threading.Event, every_s: float = PRUNE_EVERY_S) -> None:
    """Prune `db` every `every_s` until `stop` is set; a failed pass is logged and retried."""
    while not stop.wait(every_s):
        try:
            deleted = prune_expired(db, pause=stop)
        except PyMongoError as error:
            log.warning("could not remove expired documents: %s", error)
            continue
        if deleted:
            log.info("removed %d expired documents", deleted)

"""Idempotent consumption: a side effect and its event id commit together; redelivery is a no-op."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pymongo import MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from hotel_shared.mongo import run_in_transaction
from hotel_shared.timeutil import utc_now

PROCESSED_COLLECTION = "processed_events"


class _AlreadyProcessed(Exception):
    pass


def ensure_inbox_indexes(db: Database, ttl_days: int = 7) -> None:
    # _id is the event id, unique by construction; the TTL keeps the table bounded.
    db[PROCESSED_COLLECTION].create_index(
        "processedAt", name="processed_ttl", expireAfterSeconds=max(7, ttl_days) * 86_400
    )


def process_once(
    client: MongoClient,
    db: Database,
    envelope: dict[str, Any],
    apply: Callable[[ClientSession], None],
) -> bool:
    """Apply the side effect unless this event id was already applied. Returns True if applied."""

    def work(session: ClientSession) -> None:
        try:
            db[PROCESSED_COLLECTION].insert_one(
                {"_id": envelope["id"], "type": envelope["type"], "processedAt": utc_now()},
                session=session,
            )
        except DuplicateKeyError:
            raise _AlreadyProcessed from None
        apply(session)

    try:
        run_in_transaction(client, work)
    except _AlreadyProcessed:
        return False
    return True

"""Lazy per-process MongoDB clients, paging, and the retry of transactions that lost a conflict."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pymongo import MongoClient
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError

from hotel_shared.config import ServiceSettings
from hotel_shared.errors import ServiceUnavailable

T = TypeVar("T")

_clients: dict[tuple[int, str], MongoClient] = {}
_lock = threading.Lock()


def get_client(url: str, timeout_ms: int = 3000) -> MongoClient:
    """One client per process and URL; keyed by pid because pymongo clients do not survive fork."""
    key = (os.getpid(), url)
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                client = MongoClient(
                    url,
                    tz_aware=True,
                    serverSelectionTimeoutMS=timeout_ms,
                    connectTimeoutMS=timeout_ms,
                    socketTimeoutMS=max(timeout_ms * 5, 10_000),
                    uuidRepresentation="standard",
                )
                _clients[key] = client
    return client


def get_database(settings: ServiceSettings) -> Database:
    return get_client(settings.mongo_url, settings.mongo_timeout_ms)[settings.mongo_db]


class WriteContention(ServiceUnavailable):
    """Every attempt lost a write conflict: retryable by the client, never a server fault."""

    code = "write_contention"


def is_unavailable(error: BaseException) -> bool:
    """True when Mongo could not be reached, as opposed to a query that Mongo refused."""
    return isinstance(error, ConnectionFailure)


def is_transient(error: PyMongoError) -> bool:
    """A write conflict or another error Mongo labels worth rerunning the whole transaction."""
    return error.has_error_label("TransientTransactionError") or (
        isinstance(error, OperationFailure) and error.code == 112  # WriteConflict
    )


def retry_contention(work: Callable[[], T], attempts: int) -> T:
    """Run `work` until it does not lose a write conflict, with exponential back-off and jitter.

    Running out of attempts is a 503 with Retry-After, not a 500: nothing was written and the
    same request can succeed later.
    """
    for attempt in range(attempts):
        try:
            return work()
        except WriteContention:
            if attempt + 1 == attempts:
                raise
            # Writers that collided must not retry in lockstep and collide again.
            time.sleep(random.uniform(0, min(0.25, 0.005 * 2**attempt)))
    raise AssertionError("attempts must be at least 1")


def find_page(
    collection: Collection,
    query: Mapping[str, Any],
    sort: list[tuple[str, int]],
    limit: int,
    offset: int,
    session: ClientSession | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """One page of `query` in `sort` order, and how many match in all.

    A page that is not full already tells the total, which saves the count round trip on the
    common short list (a hotel's rooms, one room's log).
    """
    items = list(collection.find(query, session=session).sort(sort).skip(offset).limit(limit))
    if len(items) < limit and (items or offset == 0):
        return items, offset + len(items)
    return items, collection.count_documents(query, session=session)

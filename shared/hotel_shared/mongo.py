"""Lazy per-process MongoDB clients and a transaction helper that retries transient failures."""

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
from hotel_shared.errors import DatabaseUnavailable, ServiceUnavailable

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


def _is_transient(error: PyMongoError) -> bool:
    return error.has_error_label("TransientTransactionError") or (
        isinstance(error, OperationFailure) and error.code == 112  # WriteConflict
    )


def run_in_transaction(
    client: MongoClient, work: Callable[[ClientSession], T], *, attempts: int = 5
) -> T:
    """Run `work(session)` in one multi-document transaction and commit it.

    A transient conflict reruns the whole unit, with exponential back-off and full jitter (raise
    `attempts` where many writers contend for one document). Running out of attempts is a 503
    with Retry-After, not a 500: nothing was written and the same request can succeed later. An
    unreachable database raises DatabaseUnavailable, so the caller never claims a write.
    """
    last_error: PyMongoError | None = None
    for attempt in range(attempts):
        try:
            with client.start_session() as session:
                session.start_transaction()
                try:
                    result = work(session)
                except BaseException:
                    if session.in_transaction:
                        session.abort_transaction()
                    raise
                _commit_with_retry(session)
                return result
        except PyMongoError as error:
            if not _is_transient(error):
                if is_unavailable(error):
                    raise DatabaseUnavailable("the database is unreachable") from error
                raise
            last_error = error
            if attempt + 1 < attempts:
                # Writers that collided must not retry in lockstep and collide again.
                time.sleep(random.uniform(0, min(0.25, 0.005 * 2**attempt)))
    if last_error is not None and is_unavailable(last_error):
        raise DatabaseUnavailable("the database is unreachable") from last_error
    raise WriteContention("too many concurrent changes to the same data; try again")


def _commit_with_retry(session: ClientSession, attempts: int = 3) -> None:
    for attempt in range(attempts):
        try:
            session.commit_transaction()
            return
        except PyMongoError as error:
            if error.has_error_label("UnknownTransactionCommitResult") and attempt + 1 < attempts:
                continue
            raise


def find_page(
    collection: Collection,
    query: Mapping[str, Any],
    sort: list[tuple[str, int]],
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """One page of `query` in `sort` order, and how many match in all.

    A page that is not full already tells the total, which saves the count round trip on the
    common short list (a hotel's rooms, one room's log).
    """
    items = list(collection.find(query).sort(sort).skip(offset).limit(limit))
    if len(items) < limit and (items or offset == 0):
        return items, offset + len(items)
    return items, collection.count_documents(query)

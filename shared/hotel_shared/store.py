"""The base of every service's `<Service>Stores`: one client, one unit of work, outbox and inbox.

A service's `store.py` subclasses `MongoStores`; its methods are the only code that holds queries
and Mongo operators, and each passes `session=self.session`. A use case opens the unit of work
once:

    @unit_of_work
    def mark_room_clean(stores: RoomsStores, number: str, ...) -> dict:
        with stores.transaction() as tx:
            room = tx.get_room(number)
            ...
            tx.save_room(updated)
            tx.record(events.room_status_changed(...))
        return updated

`tx` is the same stores bound to the transaction's session, so no session is threaded through
helpers. A nested `transaction()` (a use case called from an event handler that already opened
one) joins the outer unit. `unit_of_work` reruns the whole use case when its transaction lost a
write conflict, so each attempt reads fresh state.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, ParamSpec, Self, TypeVar
from zoneinfo import ZoneInfo

from pymongo import (
    DeleteMany,
    DeleteOne,
    InsertOne,
    MongoClient,
    ReplaceOne,
    UpdateMany,
    UpdateOne,
)
from pymongo.client_session import ClientSession
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import PyMongoError

from hotel_shared.bus.notices import configure_notices
from hotel_shared.config import ServiceSettings
from hotel_shared.errors import DatabaseUnavailable
from hotel_shared.expiry import configure_expiry
from hotel_shared.inbox import ensure_inbox_indexes, mark_processed
from hotel_shared.mongo import (
    WriteContention,
    find_page,
    get_client,
    is_transient,
    is_unavailable,
    retry_contention,
)
from hotel_shared.outbox import announce_outbox, ensure_outbox_indexes, record_event
from hotel_shared.revocations import ensure_revocation_indexes, record_revocation

# What `defer_write` takes: a pymongo bulk operation.
_WriteOp = InsertOne | UpdateOne | UpdateMany | ReplaceOne | DeleteOne | DeleteMany

P = ParamSpec("P")
T = TypeVar("T")
Document = dict[str, Any]


class MongoStores:
    """A service's collections on one database, optionally bound to an open transaction."""

    # Raise in a subclass where many writers contend for one document (a department's guard).
    transaction_attempts: ClassVar[int] = 5

    def __init__(
        self,
        client: MongoClient,
        db: Database,
        *,
        processed_events_ttl_days: int = 7,
        zone: ZoneInfo | None = None,
    ) -> None:
        self.client = client
        self.db = db
        self.processed_events_ttl_days = processed_events_ttl_days
        # The hotel's time zone (HOTEL_TIMEZONE): what a day means to a rollup or a report, also
        # in an event handler, which gets only the stores.
        self.zone = zone or ZoneInfo("UTC")
        self.session: ClientSession | None = None
        self._after_commit: list[Callable[[], None]] = []
        self._outbox_announced = False
        self._deferred: dict[str, list[_WriteOp]] = {}

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> Self:
        # Per-process client: built lazily, so nothing connects before gunicorn forks.
        client = get_client(settings.mongo_url, settings.mongo_timeout_ms)
        # Writes announce themselves to the read models and relays of the service's other
        # processes over the broker (connected lazily too).
        configure_notices(settings.amqp_url)
        configure_expiry(settings.ttl_indexes)
        return cls(
            client,
            client[settings.mongo_db],
            processed_events_ttl_days=settings.processed_events_ttl_days,
            zone=settings.zone,
        )

    # --- indexes -------------------------------------------------------------------------------

    def ensure_indexes(self) -> None:
        """The service's own indexes, then the outbox's and the inbox's."""
        self.ensure_collection_indexes()
        ensure_outbox_indexes(self.db)
        ensure_inbox_indexes(self.db, self.processed_events_ttl_days)
        ensure_revocation_indexes(self.db)

    def ensure_collection_indexes(self) -> None:
        """Overridden by each service with the indexes of the collections it owns."""

    # --- the unit of work ----------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        return self.session is not None

    @contextmanager
    def transaction(self) -> Iterator[Self]:
        """Yield these stores bound to one multi-document transaction; commit when the block ends.

        Inside a transaction already, the block joins it. A write conflict surfaces as
        WriteContention (a retryable 503) for `unit_of_work` to rerun; an unreachable database as
        DatabaseUnavailable, so no caller ever claims a write that did not happen.
        """
        if self.session is not None:
            yield self
            return
        try:
            with self.client.start_session() as session:
                session.start_transaction()
                bound = copy.copy(self)
                bound.session = session
                bound._after_commit = []
                bound._outbox_announced = False
                bound._deferred = {}
                try:
                    yield bound
                    bound._write_deferred()
                except BaseException:
                    if session.in_transaction:
                        session.abort_transaction()
                    raise
                _commit(session)
        except PyMongoError as error:
            translated = _translated(error)
            if translated is error:
                raise
            raise translated from error
        for callback in bound._after_commit:
            callback()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the open transaction commits (at once when none is open)."""
        if self.session is None:
            callback()
        else:
            self._after_commit.append(callback)

    def defer_write(self, collection: str, operation: _WriteOp) -> None:
        """A write nothing in the open transaction reads back (an audit line): kept, and sent with
        the others of its collection as one bulk write just before the commit (one round trip
        for a batch of events, not one each). Without a transaction it is written at once."""
        if self.session is None:
            self.db[collection].bulk_write([operation])
        else:
            self._deferred.setdefault(collection, []).append(operation)

    def _write_deferred(self) -> None:
        deferred, self._deferred = self._deferred, {}
        for collection, operations in deferred.items():
            self.db[collection].bulk_write(operations, ordered=True, session=self.session)

    def record(self, envelope: Document) -> None:
        """Put an event in the outbox in the open transaction: it exists exactly with the change;
        once committed, the relay is woken (one announcement per transaction)."""
        record_event(self.db, self._require_session(), envelope)
        if not self._outbox_announced:
            self._outbox_announced = True
            db = self.db
            self.after_commit(lambda: announce_outbox(db))

    def mark_processed(self, envelope: Document) -> None:
        """Note the event id in the inbox, in the open transaction (AlreadyProcessed if there)."""
        mark_processed(self.db, self._require_session(), envelope)

    def record_revocation(self, data: Mapping[str, Any]) -> None:
        """Keep an `auth.access.revoked.v1` so this service's verifiers refuse the tokens."""
        record_revocation(self.db, self.session, data)

    def find_page(
        self,
        collection: Collection,
        query: Mapping[str, Any],
        sort: list[tuple[str, int]],
        limit: int,
        offset: int,
    ) -> tuple[list[Document], int]:
        """One page of `query` and the total matching, read in the open transaction if any."""
        return find_page(collection, query, sort, limit, offset, session=self.session)

    def _require_session(self) -> ClientSession:
        if self.session is None:
            raise RuntimeError("this write belongs inside `with stores.transaction() as tx:`")
        return self.session


def unit_of_work(
    function: Callable[P, T] | None = None, *, attempts: int | None = None
) -> Callable[P, T] | Callable[[Callable[P, T]], Callable[P, T]]:
    """Rerun a use case (first argument: the stores) whose transaction lost a write conflict.

    Called inside an open transaction it runs once: the outermost unit owns the retries.
    """

    def decorate(use_case: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(use_case)
        def run(*args: P.args, **kwargs: P.kwargs) -> T:
            stores = args[0]
            if not isinstance(stores, MongoStores):
                raise TypeError(f"{use_case.__name__} must take its stores first")
            if stores.in_transaction:
                return use_case(*args, **kwargs)
            return retry_contention(
                lambda: use_case(*args, **kwargs), attempts or stores.transaction_attempts
            )

        return run

    return decorate(function) if function is not None else decorate


def _commit(session: ClientSession, attempts: int = 3) -> None:
    for attempt in range(attempts):
        try:
            session.commit_transaction()
            return
        except PyMongoError as error:
            if error.has_error_label("UnknownTransactionCommitResult") and attempt + 1 < attempts:
                continue
            raise


def _translated(error: PyMongoError) -> Exception:
    if is_unavailable(error):
        return DatabaseUnavailable("the database is unreachable")
    if is_transient(error):
        return WriteContention("too many concurrent changes to the same data; try again")
    return error

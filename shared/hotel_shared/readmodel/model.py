"""A hot collection held in this process, live by change notices and its own commits (see the
package's docstring)."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import bson
from pymongo.collection import Collection

from hotel_shared.bus.notices import Listener, change_notices

log = logging.getLogger(__name__)

Document = dict[str, Any]
# A snapshot keeps this many rendered views, the oldest making room for a new one, so a client
# walking offsets cannot grow memory.
MAX_VIEWS_PER_SNAPSHOT = 64


@dataclass(frozen=True)
class RenderedBody:
    """A response body as bytes, with its strong ETag (a hash of exactly those bytes)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> RenderedBody:
        return cls(body, f'"{hashlib.blake2b(body, digest_size=10).hexdigest()}"')


@dataclass
class Snapshot:
    """The collection as it was at one moment: its documents never change once published."""

    generation: int
    documents: Mapping[Any, Document]
    _views: dict[Hashable, RenderedBody] = field(default_factory=dict, repr=False)
    _ordered: dict[tuple, list[Document]] = field(default_factory=dict, repr=False)

    def view(self, key: Hashable, render: Callable[[], RenderedBody]) -> tuple[RenderedBody, str]:
        """The view `key` of this snapshot, rendered by `render` the first time it is asked for;
        with "hit" when it was kept from an earlier request, else "rendered"."""
        rendered = self._views.get(key)
        if rendered is not None:
            return rendered, "hit"
        rendered = render()
        if len(self._views) >= MAX_VIEWS_PER_SNAPSHOT:
            try:  # the oldest kept view (another thread may be at it too: either is fine)
                del self._views[next(iter(self._views))]
            except (RuntimeError, StopIteration, KeyError):
                pass
        self._views[key] = rendered
        return rendered, "rendered"

    def find_page(
        self,
        query: Mapping[str, Any],
        sort: list[tuple[str, int]],
        limit: int,
        offset: int,
    ) -> tuple[list[Document], int]:
        """What `hotel_shared.mongo.find_page` answers for an equality `query`, from memory."""
        matching = self.find(query, sort)
        return matching[offset : offset + limit], len(matching)

    def find(self, query: Mapping[str, Any], sort: list[tuple[str, int]]) -> list[Document]:
        """Every document matching the equality `query`, in `sort` order."""
        return [doc for doc in self.ordered(sort) if matches(doc, query)]

    def ordered(self, sort: list[tuple[str, int]]) -> list[Document]:
        """Every document in `sort` order (sorted once per snapshot and order)."""
        key = tuple(sort)
        ordered = self._ordered.get(key)
        if ordered is None:
            ordered = sort_documents(self.documents.values(), sort)
            self._ordered[key] = ordered
        return ordered


def matches(document: Mapping[str, Any], query: Mapping[str, Any]) -> bool:
    """Mongo's top-level equality match (`{field: value}`), the only kind a list route sends."""
    for name, wanted in query.items():
        if isinstance(wanted, Mapping):
            raise ValueError(f"only equality is matched in memory, not {name}: {wanted!r}")
        value = document.get(name)
        if isinstance(value, list):
            if wanted not in value and value != wanted:
                return False
        # In Python True == 1; in Mongo a boolean never equals a number.
        elif value != wanted or isinstance(value, bool) != isinstance(wanted, bool):
            return False
    return True


def sort_documents(documents: Iterable[Document], sort: list[tuple[str, int]]) -> list[Document]:
    """Mongo's order for fields of one type each: a missing or null value sorts lowest."""
    ordered = list(documents)
    for name, direction in reversed(sort):
        ordered.sort(
            key=lambda doc: (doc.get(name) is not None, doc.get(name)),
            reverse=direction < 0,
        )
    return ordered


class ReadModel:
    """One collection of one database, held in this process and kept live by change notices.

    `prepare` turns a stored document into what the rules read (a document stored before a field
    existed gets it); `version_field` orders writes of one document, so a notice answered with an
    older read than a write this process already applied never moves the document back.

    `keep_documents=False` is for a collection too large to hold (every task ever made): the
    snapshots hold no documents, and each change only starts a new one, so a view is rendered
    from the database once per change and its kept body serves the repeats. A body rendered after
    its snapshot was taken is never older than the snapshot: the database read comes after.

    Without change notices (no broker configured) the model never goes live: every read is the
    database's.
    """

    def __init__(
        self,
        collection: Collection,
        *,
        prepare: Callable[[Document], Document] | None = None,
        version_field: str | None = "version",
        keep_documents: bool = True,
    ) -> None:
        self.collection = collection
        self.keep_documents = keep_documents
        self.name = f"{collection.database.name}.{collection.name}"
        self._prepare = prepare or (lambda document: document)
        self._version_field = version_field
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._generation = 0
        self._listener: Listener | None = None
        self._stopping = threading.Event()
        self._live = threading.Event()
        self._pid = os.getpid()

    # --- reading -------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot | None:
        """The current state, or None while it is not known to be current (read the database)."""
        self._start_listening()
        return self._snapshot

    def wait_live(self, timeout: float) -> bool:
        """Start listening and wait until the model serves from memory (tests, warm-up)."""
        self._start_listening()
        return self._live.wait(timeout)

    @property
    def is_live(self) -> bool:
        return self._snapshot is not None

    # --- this process's own writes -------------------------------------------------------------

    def apply_written(self, document: Document) -> None:
        """A document this process has just committed: seen by the next read here at once."""
        if not self.keep_documents:
            self._renew()
            return
        # The BSON round trip stores what the database stores (milliseconds, the client's types).
        stored = bson.decode(bson.encode(document), codec_options=self.collection.codec_options)
        self._apply(stored["_id"], stored)

    def apply_deleted(self, document_id: Any) -> None:
        if not self.keep_documents:
            self._renew()
            return
        self._apply(document_id, None)

    # --- other processes' writes ---------------------------------------------------------------

    def stop(self) -> None:
        self._stopping.set()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._mark_stale()

    def _start_listening(self) -> None:
        if self._listener is not None or self._stopping.is_set() or os.getpid() != self._pid:
            return
        notices = change_notices()
        if notices is None:
            return
        with self._lock:
            if self._listener is None:
                database, collection = self.collection.database.name, self.collection.name
                self._listener = notices.listen(
                    database,
                    collection,
                    on_notice=self._on_notice,
                    on_ready=self._resync,
                    on_lost=self._mark_stale,
                )

    def _resync(self) -> None:
        """Load every document again: the notices are flowing (again), or it is time for the
        periodic net. Until it succeeds the model serves nothing."""
        if self._stopping.is_set():
            return
        try:
            self._load()
        except Exception as error:  # the database is away: read it (and fail) per request
            log.warning(
                "read model %s: cannot load, serving from the database: %s", self.name, error
            )
            self._mark_stale()

    def _on_notice(self, ids: list[Any]) -> None:
        if self._snapshot is None:
            self._resync()  # stale since a failure: this change is in what it loads
            return
        if not self.keep_documents:
            self._renew()
            return
        try:
            found = {doc["_id"]: doc for doc in self.collection.find({"_id": {"$in": ids}})}
        except Exception as error:
            log.warning("read model %s: cannot read a change, resyncing: %s", self.name, error)
            self._mark_stale()
            return
        for document_id in ids:
            self._apply(document_id, found.get(document_id))  # not found: deleted

    def _load(self) -> None:
        documents = {}
        if self.keep_documents:
            documents = {doc["_id"]: self._prepare(doc) for doc in self.collection.find({})}
        with self._lock:
            current = self._snapshot
            # The periodic resync mostly finds what is held: keep that snapshot and its views.
            if current is None or not self.keep_documents or current.documents != documents:
                self._publish(documents)
        self._live.set()
        log.debug("read model %s: live with %d documents", self.name, len(documents))

    def _apply(self, document_id: Any, document: Document | None) -> None:
        prepared = self._prepare(document) if document is not None else None
        with self._lock:
            current = self._snapshot
            if current is None:
                return  # not live: the next load reads it from the database
            held = current.documents.get(document_id)
            # A change already held (a resync or this process's own write got it first).
            if held == prepared or (prepared is not None and self._is_older(prepared, held)):
                return
            documents = dict(current.documents)
            if prepared is None:
                documents.pop(document_id, None)
            else:
                documents[document_id] = prepared
            self._publish(documents)

    def _renew(self) -> None:
        """Something changed: a new (empty) snapshot, so no body kept before is served again."""
        with self._lock:
            if self._snapshot is not None:
                self._publish({})

    def _is_older(self, document: Document, held: Document | None) -> bool:
        if held is None or self._version_field is None:
            return False
        new, old = document.get(self._version_field), held.get(self._version_field)
        return isinstance(new, int) and isinstance(old, int) and new < old

    def _publish(self, documents: dict[Any, Document]) -> None:
        self._generation += 1
        self._snapshot = Snapshot(self._generation, documents)

    def _mark_stale(self) -> None:
        with self._lock:
            self._snapshot = None
        self._live.clear()


# --- one model per collection per process --------------------------------------------------------

_models: dict[tuple[int, int, str, str], ReadModel] = {}
_models_lock = threading.Lock()


def _key(collection: Collection) -> tuple[int, int, str, str]:
    database = collection.database
    return (os.getpid(), id(database.client), database.name, collection.name)


def read_model(
    collection: Collection,
    *,
    prepare: Callable[[Document], Document] | None = None,
    version_field: str | None = "version",
    keep_documents: bool = True,
) -> ReadModel:
    """This process's model of `collection`, made on first use (it starts watching when read)."""
    key = _key(collection)
    model = _models.get(key)
    if model is None:
        with _models_lock:
            model = _models.get(key)
            if model is None:
                model = ReadModel(
                    collection,
                    prepare=prepare,
                    version_field=version_field,
                    keep_documents=keep_documents,
                )
                _models[key] = model
    return model


def note_written(collection: Collection, document: Document) -> None:
    """After a commit: apply the written document to this process's model, if it has one, and
    announce it to the other processes' models.

    A process that never read the list (a consumer) has no model and starts none here.
    """
    _announce(collection, document["_id"])
    model = _models.get(_key(collection))
    if model is None:
        return
    try:
        model.apply_written(document)
    except Exception:  # the write is committed: the periodic resync brings it here anyway
        log.exception("read model %s: cannot apply this process's write", model.name)


def note_deleted(collection: Collection, document_id: Any) -> None:
    _announce(collection, document_id)
    model = _models.get(_key(collection))
    if model is not None:
        model.apply_deleted(document_id)


def _announce(collection: Collection, document_id: Any) -> None:
    notices = change_notices()
    if notices is not None:
        notices.announce(collection.database.name, collection.name, [document_id])


def close_read_models() -> None:
    """Stop every model of this process (tests, between databases)."""
    with _models_lock:
        models = list(_models.values())
        _models.clear()
    for model in models:
        model.stop()

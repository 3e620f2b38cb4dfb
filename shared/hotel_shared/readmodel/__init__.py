"""Read models: a hot collection kept in each web process's memory, live by a change stream.

Every screen asks for the room list, the menu and the task board again and again. A `ReadModel`
holds such a collection's documents in this process, kept current by a MongoDB change stream on
a watcher thread (started lazily at the first read, so never before gunicorn forks), and by the
process's own writes as they commit (`note_written` / `note_deleted`, so a write is seen by the
next read in the writing process at once, not a stream hop later). Each change publishes a new
immutable `Snapshot`; a list route renders a view (filters, page) from it once, keeps the JSON
body and its ETag on that snapshot, and serves later requests for the same view from there: no
database round trip, no schema dump. `If-None-Match` with the current ETag answers 304.

While the stream is not running (not yet loaded, broken, reconnecting) `snapshot()` is None and
the route renders from the database as before; after an error the watcher reopens the stream,
reloads every document and only then serves from memory again, so a missed change is never
served. The ETag is a hash of the body itself: equal bodies, equal tags; any change of what the
caller sees (another role's view too), a new tag.
"""

from hotel_shared.readmodel.model import (
    ReadModel,
    RenderedBody,
    Snapshot,
    close_read_models,
    matches,
    note_deleted,
    note_written,
    read_model,
    sort_documents,
)
from hotel_shared.readmodel.responses import (
    SOURCE_HEADER,
    cached_response,
    conditional_response,
    render_json,
    view_key,
)

__all__ = [
    "SOURCE_HEADER",
    "ReadModel",
    "RenderedBody",
    "Snapshot",
    "cached_response",
    "close_read_models",
    "conditional_response",
    "matches",
    "note_deleted",
    "note_written",
    "read_model",
    "render_json",
    "sort_documents",
    "view_key",
]

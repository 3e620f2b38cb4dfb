"""Read models: a hot collection kept in each web process's memory, live by change notices.

Every screen asks for the room list, the menu and the task board again and again. A `ReadModel`
holds such a collection's documents in this process. It hears other processes' writes by their
change notices (`hotel_shared.bus.notices`: after a commit the writer announces the changed ids;
the model reads those documents back), and applies this process's own writes as they commit
(`note_written` / `note_deleted`, which also announce them), so a write is seen by the next read
in the writing process at once and in the others a broker hop later. It starts listening at the
first read, never before gunicorn forks. Each change publishes a new immutable `Snapshot`; a list
route renders a view (filters, page) from it once, keeps the JSON body and its ETag on that
snapshot, and serves later requests for the same view from there: no database round trip, no
schema dump. `If-None-Match` with the current ETag answers 304.

While the notices do not flow (not yet loaded, broker connection lost, a change that could not be
read) `snapshot()` is None and the route renders from the database as before; the model reloads
every document once its queue is bound again, and every 30 s as a net for a write nobody
announced, so a missed change is never served for long. The ETag is a hash of the body itself:
equal bodies, equal tags; any change of what the caller sees (another role's view too), a new tag.
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

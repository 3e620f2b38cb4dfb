"""List routes answered from a read model: bodies rendered once per snapshot, ETag and 304."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from flask import Response, current_app, request

from hotel_shared.readmodel.model import ReadModel, RenderedBody

S = TypeVar("S")  # what a list is read from: the model's snapshots or the database

# Where a list response came from: "hit" (a kept body), "rendered" (rendered now for the current
# snapshot, and kept) or "database" (the model is not live). For operators and tests.
SOURCE_HEADER = "X-Read-Model"


def render_json(payload: Any) -> RenderedBody:
    """The body Flask sends for `payload` returned from a view, byte for byte."""
    return RenderedBody.of(current_app.json.response(payload).get_data())


def cached_response(
    models: ReadModel | Sequence[ReadModel] | None,
    key: Hashable,
    render: Callable[[S], Any],
    in_memory: Callable[..., S],
    database: S,
) -> Response:
    """A list route's answer: `render` the view `key` once per snapshot from
    `in_memory(*snapshots)` and keep it there; while a model is not live, `render` it from
    `database` as before. Both sources answer the same finder methods, so the body is the same
    either way. A view read from several models (combos with their foods) is kept on the first
    one's snapshot under the others' generations too. No model (the service switched them off):
    always the database, still with the ETag and 304."""
    if isinstance(models, ReadModel):
        models = (models,)
    snapshots = [model.snapshot() for model in models or ()]
    if not snapshots or None in snapshots:
        rendered, source = render_json(render(database)), "database"
    else:
        first, *others = snapshots
        kept_as = (key, *(snapshot.generation for snapshot in others)) if others else key
        rendered, source = first.view(kept_as, lambda: render_json(render(in_memory(*snapshots))))
    response = conditional_response(rendered)
    response.headers[SOURCE_HEADER] = source
    return response


def conditional_response(rendered: RenderedBody) -> Response:
    """200 with the body and its ETag, or 304 (no body) when If-None-Match names that ETag."""
    if request.if_none_match.contains_weak(rendered.etag.strip('"')):
        response = current_app.response_class(status=304)
        del response.headers["Content-Type"]
    else:
        response = current_app.response_class(rendered.body, mimetype=current_app.json.mimetype)
    response.headers["ETag"] = rendered.etag
    # Every other API answer is no-store. A kept list may be stored by the caller's browser
    # (never a shared cache: it depends on who asks) and is revalidated on each use, so the web
    # apps send If-None-Match by themselves and an unchanged list costs a 304.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Authorization"
    return response


def view_key(*parts: Any) -> Hashable:
    """A hashable key of a view from the loaded query (and the caller's scope, where it matters)."""
    return tuple(_frozen(part) for part in parts)


def _frozen(value: Any) -> Hashable:
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_frozen(v) for v in value)
    return value

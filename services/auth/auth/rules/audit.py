"""The audit trail: one activity log per event on the bus, never holding a credential."""

from __future__ import annotations

from datetime import datetime
from typing import Any

# Subject entities whose collection name is not simply the plural (ERD names).
_COLLECTION_EXCEPTIONS = {"bill": "billings"}
_ACTOR_FIELDS = ("userId", "username", "role")
# Never kept in the audit, at any depth: a log reader must not learn anyone's credentials.
CREDENTIAL_KEYS = frozenset(
    {"specialId", "specialIdHash", "password", "passwordHash", "refreshToken", "accessToken"}
)


# --- audit trail -------------------------------------------------------------------------------


def collection_for_entity(entity: str) -> str:
    return _COLLECTION_EXCEPTIONS.get(entity, f"{entity}s")


def action_type(event_type: str) -> str:
    """`rooms.room.status_changed.v1` → `room.status_changed`."""
    return ".".join(event_type.split(".")[1:-1])


def activity_entry(
    *,
    event_id: str,
    event_type: str,
    source: str | None,
    subject: str | None,
    time: datetime,
    actor: dict[str, Any] | None,
    correlation_id: str | None,
    details: dict[str, Any],
    changes: list[dict[str, Any]],
) -> dict[str, Any]:
    """One activity_logs document (ERD fields plus the event's identity) for any event.

    The ERD's single `change` is the event's first change; `changes` keeps all of them.
    """
    entity, _, document_id = (subject or "").partition("/")
    return {
        "actionType": action_type(event_type),
        "collection": collection_for_entity(entity or event_type.split(".")[1]),
        "documentId": document_id or None,
        "user": {key: actor.get(key) for key in _ACTOR_FIELDS} if actor else None,
        "timestamp": time,
        "details": without_credentials(details),
        "change": without_credentials(changes[0]) if changes else None,
        "changes": without_credentials(changes),
        "eventId": event_id,
        "eventType": event_type,
        "source": source,
        "correlationId": correlation_id,
    }


def without_credentials(value: Any) -> Any:
    """`value` without credential keys at any depth; a `{field, oldValue, newValue}` change of a
    credential keeps its field (that it moved) but not its values."""
    if isinstance(value, list):
        return [without_credentials(item) for item in value]
    if not isinstance(value, dict):
        return value
    cleaned = {
        key: without_credentials(item) for key, item in value.items() if key not in CREDENTIAL_KEYS
    }
    if value.get("field") in CREDENTIAL_KEYS:
        cleaned.update({key: None for key in ("oldValue", "newValue") if key in value})
    return cleaned

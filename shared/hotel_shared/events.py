"""The integration event envelope: build one for publishing, parse and validate one on receipt."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from hotel_shared.timeutil import parse_iso, to_iso, utc_now

# <source>.<entity>.<past_tense_verb>.v<major>, e.g. rooms.room.status_changed.v1
EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z_-]*\.[a-z][a-z_]*\.[a-z][a-z_]*\.v[1-9][0-9]*$")
_REQUIRED = ("id", "type", "source", "time", "data")


class MalformedEvent(ValueError):
    """A message that is not a valid envelope; it is parked, never retried."""


class MissingEventField(MalformedEvent, KeyError):
    """An envelope whose `data` lacks a field its handler needs: a broken contract, which no
    retry mends, so it is parked at once like any malformed message. Still a KeyError, for code
    that asks for an optional field that way."""

    def __str__(self) -> str:
        return f"the event's data has no {self.args[0]!r}"


class EventData(dict):
    """An event's `data`: asking for a field it lacks raises MissingEventField."""

    def __missing__(self, key: str):
        raise MissingEventField(key)


def new_event(
    event_type: str,
    *,
    source: str,
    subject: str,
    data: dict[str, Any],
    actor: dict[str, Any] | None = None,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    if not EVENT_TYPE_PATTERN.match(event_type):
        raise ValueError(f"event type {event_type!r} does not follow <source>.<entity>.<verb>.vN")
    return {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "source": source,
        "time": to_iso(utc_now()),
        "correlationId": correlation_id,
        "actor": actor,
        "subject": subject,
        "data": data,
    }


def parse_event(body: bytes | str) -> dict[str, Any]:
    """Decode and check an envelope; raise MalformedEvent with the reason when it is not one."""
    try:
        envelope = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedEvent(f"body is not JSON: {error}") from None
    if not isinstance(envelope, dict):
        raise MalformedEvent("envelope is not a JSON object")
    missing = [field for field in _REQUIRED if field not in envelope]
    if missing:
        raise MalformedEvent(f"envelope lacks {', '.join(missing)}")
    try:
        uuid.UUID(str(envelope["id"]))
    except ValueError:
        raise MalformedEvent("envelope id is not a UUID") from None
    if not isinstance(envelope["type"], str) or not EVENT_TYPE_PATTERN.match(envelope["type"]):
        raise MalformedEvent(f"envelope type {envelope['type']!r} is not a valid event type")
    if not isinstance(envelope["data"], dict):
        raise MalformedEvent("envelope data is not an object")
    if envelope.get("actor") is not None and not isinstance(envelope["actor"], dict):
        raise MalformedEvent("envelope actor is neither an object nor null")
    try:
        parse_iso(str(envelope["time"]))
    except ValueError:
        raise MalformedEvent("envelope time is not an ISO 8601 time") from None
    return envelope


def encode_event(envelope: dict[str, Any]) -> bytes:
    return json.dumps(envelope, separators=(",", ":"), default=str).encode()


def changes_between(
    before: Mapping[str, Any], after: Mapping[str, Any], fields: Iterable[str]
) -> list[dict[str, Any]]:
    """The `changes` of a `*_changed` event: each of `fields` whose value moved, old and new.

    Values must already be JSON-ready (times as ISO strings): consumers compare them as they are.
    """
    return [
        {"field": field, "oldValue": before.get(field), "newValue": after.get(field)}
        for field in fields
        if before.get(field) != after.get(field)
    ]


class EventSource:
    """The events one service publishes: `EventSource("rooms").event(type, subject=..., ...)`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def event(
        self,
        event_type: str,
        *,
        subject: str,
        data: dict[str, Any],
        actor: dict[str, Any] | None,
        correlation_id: str | None,
    ) -> dict[str, Any]:
        if not event_type.startswith(f"{self.name}."):
            raise ValueError(f"{self.name} may not publish {event_type}")
        return new_event(
            event_type,
            source=self.name,
            subject=subject,
            data=data,
            actor=actor,
            correlation_id=correlation_id,
        )

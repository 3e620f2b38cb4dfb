"""Guests: a checked-in stay lets its guest sign in with the room number and special id."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hotel_shared.principal import Principal

GUEST_ROLE = "guest"
GUEST_ID_PREFIX = "guest:"
STAY_CHECKED_IN, STAY_CHECKED_OUT = "checked in", "checked out"
REVOKED_CHECKED_OUT = "guest_checked_out"  # auth.access.revoked.v1 `reason` at checkout


# --- guests ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stay:
    """A guest's stay as a check-in or check-out event describes it."""

    customer_id: str
    room_number: str
    special_id_hash: str | None
    name: str | None
    booking_id: str | None
    status: str
    event_time: datetime
    event_id: str


def guest_user_id(customer_id: str) -> str:
    return f"{GUEST_ID_PREFIX}{customer_id}"


def principal_for_guest(stay: dict[str, Any]) -> Principal:
    return Principal(
        user_id=guest_user_id(stay["_id"]),
        username=stay.get("name") or "guest",
        role=GUEST_ROLE,
        room_number=stay["roomNumber"],
    )


def special_id_hash(special_id: str) -> str:
    """The lowercase hex SHA-256 of the UTF-8 special id: rooms publishes this, never the code."""
    return hashlib.sha256(special_id.encode("utf-8")).hexdigest()


def stored_special_id_hash(stay: dict[str, Any]) -> str | None:
    """A stay's hash; a document written before hashing holds the raw code: hashed on read."""
    if stay.get("specialIdHash"):
        return str(stay["specialIdHash"])
    raw = stay.get("specialId")
    return special_id_hash(str(raw)) if raw else None


def matching_stay(stays: list[dict[str, Any]], special_id: str) -> dict[str, Any] | None:
    """The stay whose hash matches the presented code, compared in constant time."""
    presented = special_id_hash(special_id)
    found = None
    for stay in stays:  # every candidate is compared: no early exit
        stored = stored_special_id_hash(stay)
        if stored is not None and hmac.compare_digest(stored, presented) and found is None:
            found = stay
    return found


def is_stay_open(stay: dict[str, Any] | None) -> bool:
    return stay is not None and stay.get("status") == STAY_CHECKED_IN


def stay_document(stay: Stay) -> dict[str, Any]:
    """The guest_access document of a stay."""
    return {
        "_id": stay.customer_id,
        "roomNumber": stay.room_number,
        "specialIdHash": stay.special_id_hash,
        "name": stay.name,
        "bookingId": stay.booking_id,
        "status": stay.status,
        "eventTime": stay.event_time,
        "eventId": stay.event_id,
    }


def is_newer_stay_event(current: dict[str, Any] | None, incoming: dict[str, Any]) -> bool:
    """Events can arrive out of order; only a newer one may change a stay.

    On a tie, checkout wins, so a closed stay is never reopened by an equally old check-in.
    """
    if current is None:
        return True
    if incoming["eventTime"] != current["eventTime"]:
        return incoming["eventTime"] > current["eventTime"]
    return incoming["status"] == STAY_CHECKED_OUT and current["status"] != STAY_CHECKED_OUT

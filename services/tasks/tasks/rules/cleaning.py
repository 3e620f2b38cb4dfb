"""Cleaning tasks from rooms' events: a departure clean per checkout, a clean for a room set
Dirty, and a re-clean for a room that failed its inspection (Clean or Inspected → Pickup)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tasks.rules.departments import due_date
from tasks.rules.tasks import CLEANING, next_escalation_at

DEPARTURE_CLEAN_PRIORITY = "high"
RECLEAN_PRIORITY = "high"
# Rooms' housekeeping statuses: a room a supervisor fails on inspection goes from one of these
# (Clean, or Inspected earlier) back to Pickup.
DIRTY, PICKUP = "Dirty", "Pickup"
INSPECTABLE_STATUSES = ("Clean", "Inspected")

Document = dict[str, Any]


def departure_clean_key(customer_id: str) -> str:
    # Keyed by the stay, not the envelope: a re-published checkout is still the same checkout.
    return f"checkout:{customer_id}"


def departure_clean_details(room_number: str, guest_name: str | None) -> Document:
    return {
        "roomNumber": room_number,
        "jobType": CLEANING,
        "priority": DEPARTURE_CLEAN_PRIORITY,
        "description": f"Departure clean after {guest_name or 'the guest'} checked out",
    }


def dirty_room_details(room_number: str) -> Document:
    return {
        "roomNumber": room_number,
        "jobType": CLEANING,
        "priority": "normal",
        "description": "Room set Dirty",
    }


def departure_clean_changes(
    task: Mapping[str, Any], department: Mapping[str, Any], key: str, now: datetime
) -> Document:
    """An open clean (from the room's Dirty status) becomes the departure clean: one per room."""
    changes: Document = {
        "dedupeKey": key,
        "priority": DEPARTURE_CLEAN_PRIORITY,
        "dueDate": min(
            task["dueDate"],
            due_date(task["createdAt"], department, DEPARTURE_CLEAN_PRIORITY),
        ),
        "updatedAt": now,
    }
    changes["nextEscalationAt"] = next_escalation_at({**task, **changes}, department["escalation"])
    return changes


# --- a failed inspection -------------------------------------------------------------------------


# Who inspects rooms: a Clean room they send back to Pickup failed its inspection. An attendant
# setting Pickup on their own room, or a change from the PMS, is no inspection.
INSPECTOR_ROLES = ("supervisor", "hotelAdmin")


def is_failed_inspection(old_status: Any, new_status: Any, actor_role: Any) -> bool:
    """A room an inspector sent back from Clean or Inspected to Pickup: its cleaning did not pass
    (a Dirty room going to Pickup is not one)."""
    return (
        actor_role in INSPECTOR_ROLES
        and old_status in INSPECTABLE_STATUSES
        and new_status == PICKUP
    )


def failed_inspection(reason: Any, by: Any, at: datetime) -> Document:
    """What the re-clean records of the inspection it comes from: the supervisor's reason (None
    when they gave none), their username (None for a change no person made) and when."""
    reason = reason.strip() if isinstance(reason, str) else None
    return {
        "reason": reason or None,
        "by": by if isinstance(by, str) and by else None,
        "at": at,
    }


def reclean_details(room_number: str, inspection: Mapping[str, Any]) -> Document:
    """The request of a re-clean: high priority, the reason in the description, and the marks
    (`reclean`, `failedInspection`) the task keeps so the attendant sees why it came back."""
    reason = inspection.get("reason")
    description = "Re-clean after inspection"
    return {
        "roomNumber": room_number,
        "jobType": CLEANING,
        "priority": RECLEAN_PRIORITY,
        "description": f"{description}: {reason}" if reason else description,
        "reclean": True,
        "failedInspection": dict(inspection),
    }

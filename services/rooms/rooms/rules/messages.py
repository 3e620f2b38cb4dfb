"""Contact message rules: a guest (or the desk on their behalf) writes to the front desk."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hotel_shared.principal import Principal, check_guest_room
from rooms.rules.bookings import new_id

MESSAGE_READER_ROLES = ("hotelAdmin", "frontOffice", "supervisor")


def new_contact_message(
    principal: Principal, name: str, room_number: str, message: str, now: datetime
) -> dict[str, Any]:
    """The message as stored; a guest may write only about their own room."""
    check_guest_room(principal, room_number)
    return {
        "_id": new_id(),
        "name": name,
        "roomNumber": room_number,
        "message": message,
        "createdBy": principal.as_actor(),
        "createdAt": now,
    }

"""Contact message rules: a guest (or the desk on their behalf) writes; the desk handles it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hotel_shared.errors import NotFound
from hotel_shared.principal import Principal, check_guest_room
from rooms.rules.bookings import new_id

Message = dict[str, Any]

MESSAGE_READER_ROLES = ("hotelAdmin", "frontOffice", "supervisor")
MESSAGE_HANDLER_ROLES = ("hotelAdmin", "frontOffice")


class ContactMessageNotFound(NotFound):
    code = "contact_message_not_found"

    def __init__(self, message_id: str) -> None:
        super().__init__(f"contact message {message_id} does not exist", messageId=message_id)


def new_contact_message(
    principal: Principal, name: str, room_number: str, message: str, now: datetime
) -> Message:
    """The message as stored, waiting for the desk; a guest may write only about their own room."""
    check_guest_room(principal, room_number)
    return {
        "_id": new_id(),
        "name": name,
        "roomNumber": room_number,
        "message": message,
        "createdBy": principal.as_actor(),
        "createdAt": now,
        "handled": False,
        "handledBy": None,
        "handledAt": None,
    }


def upgraded(message: Message) -> Message:
    """A message as the rules know it, also when stored before the handled flag."""
    message.setdefault("handled", False)
    message.setdefault("handledBy", None)
    message.setdefault("handledAt", None)
    return message


def mark_handled(
    message: Mapping[str, Any], handled: bool, principal: Principal, now: datetime
) -> Message | None:
    """The message handled by this person now (or waiting again); None when it already is.

    Marking a handled message handled again keeps who did it first.
    """
    if message["handled"] == handled:
        return None
    return {
        **message,
        "handled": handled,
        "handledBy": principal.as_actor() if handled else None,
        "handledAt": now if handled else None,
    }

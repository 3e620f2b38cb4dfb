"""Contact message rules: a guest (or the desk on their behalf) writes; the desk handles it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from hotel_shared.errors import Forbidden, NotFound
from hotel_shared.principal import Principal, check_guest_room, guest_stay_id
from rooms.rules.bookings import new_id

Message = dict[str, Any]

MESSAGE_READER_ROLES = ("hotelAdmin", "frontOffice", "supervisor")
# Who may list messages: the readers above, and a guest (their own stay's messages only).
MESSAGE_LIST_ROLES = (*MESSAGE_READER_ROLES, "guest")
# What a guest is not shown of their own message: who on the staff handled it.
GUEST_HIDDEN_FIELDS = ("handledBy", "createdBy")
MESSAGE_HANDLER_ROLES = ("hotelAdmin", "frontOffice")


class NoStay(Forbidden):
    code = "no_stay"


def guest_stay(principal: Principal) -> str | None:
    """The stay a guest's token names (None for staff); a guest token without one → 403."""
    if not principal.is_guest:
        return None
    stay_id = guest_stay_id(principal)
    if stay_id is None:
        raise NoStay("this guest token names no stay")
    return stay_id


class ContactMessageNotFound(NotFound):
    code = "contact_message_not_found"

    def __init__(self, message_id: str) -> None:
        super().__init__(f"contact message {message_id} does not exist", messageId=message_id)


def new_contact_message(
    principal: Principal, name: str, room_number: str, message: str, now: datetime
) -> Message:
    """The message as stored, waiting for the desk; a guest may write only about their own room,
    and their message keeps their stay (`stayId`, the customerId) so that they can list it."""
    check_guest_room(principal, room_number)
    stay_id = guest_stay(principal)
    message = {
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
    if stay_id is not None:
        message["stayId"] = stay_id
    return message


def message_filters(principal: Principal, filters: Mapping[str, Any]) -> dict[str, Any]:
    """A guest lists only the messages of their own stay (another room asked for → 403)."""
    scoped = dict(filters)
    if principal.is_guest:
        if "roomNumber" in scoped:
            check_guest_room(principal, scoped["roomNumber"])
        scoped.update(roomNumber=principal.room_number, stayId=guest_stay(principal))
    return scoped


def as_seen_by(principal: Principal, message: Message) -> Message:
    """The message as this caller sees it: a guest is not told who on the staff handled it."""
    if not principal.is_guest:
        return message
    return {name: value for name, value in message.items() if name not in GUEST_HIDDEN_FIELDS}


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

"""Contact messages: a guest (or the desk on their behalf) writes to the front desk."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hotel_shared.errors import Forbidden
from hotel_shared.timeutil import utc_now
from rooms import events
from rooms.domain.bookings import new_id

if TYPE_CHECKING:
    from hotel_shared.auth import Principal
    from rooms.booking_store import ContactMessageStore

MESSAGE_READER_ROLES = ("hotelAdmin", "frontOffice", "supervisor")


class NotYourRoom(Forbidden):
    code = "not_your_room"


def create_contact_message(
    messages: ContactMessageStore,
    request: Mapping[str, Any],
    *,
    principal: Principal,
    correlation_id: str | None,
) -> dict[str, Any]:
    if principal.is_guest and request["roomNumber"] != principal.room_number:
        raise NotYourRoom("a guest may write only about their own room")
    message = {
        "_id": new_id(),
        "name": request["name"],
        "roomNumber": request["roomNumber"],
        "message": request["message"],
        "createdBy": principal.as_actor(),
        "createdAt": utc_now(),
    }
    actor = principal.as_actor()
    event = events.contact_message_created(message, actor=actor, correlation_id=correlation_id)
    return messages.insert(message, event)


def list_contact_messages(
    messages: ContactMessageStore, filters: Mapping[str, Any], limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    return messages.find_page(filters, limit, offset)

"""Auth's reactions to events: every event is audited; stay events also gate guest sign-in;
revocations (its own too) are kept so its verifier refuses the revoked tokens."""

from __future__ import annotations

from collections.abc import Callable

from auth import events
from auth.rules import guests as rules
from auth.rules.sign_in import TokenLifetimes
from auth.service import audit, guests
from auth.store import AuthStores
from hotel_shared.inbox import EVERY_EVENT, InboundEvent
from hotel_shared.revocations import REVOCATION_HANDLERS

_HASH_LENGTH = 64


def on_any_event(stores: AuthStores, event: InboundEvent) -> None:
    audit.record_activity(
        stores,
        event.context,
        event_id=event.id,
        event_type=event.type,
        source=event.source,
        subject=event.subject,
        time=event.time,
        details=event.data,
        changes=event.changes,
    )


def stay_of(event: InboundEvent) -> rules.Stay:
    """The stay a check-in or checkout describes; the code is kept only as its hash."""
    data = event.data
    return rules.Stay(
        customer_id=str(data["customerId"]),
        room_number=str(data["roomNumber"]),
        special_id_hash=_special_id_hash(data),
        name=data.get("name"),
        booking_id=_text_or_none(data.get("bookingId")),
        status=rules.STAY_CHECKED_IN if event.type == events.CHECKED_IN else rules.STAY_CHECKED_OUT,
        event_time=event.time,
        event_id=event.id,
    )


def make_handlers(
    lifetimes: TokenLifetimes,
) -> dict[str, Callable[[AuthStores, InboundEvent], None]]:
    """The handlers, with the token lifetimes a checkout's revocation must outlast."""

    def on_stay_changed(stores: AuthStores, event: InboundEvent) -> None:
        guests.update_guest_access(stores, event.context, stay_of(event), lifetimes)

    # The audit trail wants everything, so "#" binds the queue to every routing key.
    return {
        EVERY_EVENT: on_any_event,
        events.CHECKED_IN: on_stay_changed,
        events.CHECKED_OUT: on_stay_changed,
        **REVOCATION_HANDLERS,
    }


def _special_id_hash(data: dict) -> str | None:
    """`specialIdHash` (lowercase hex SHA-256); a producer still sending the raw `specialId` is
    hashed here, so the code itself is never stored."""
    given = data.get("specialIdHash")
    if isinstance(given, str) and len(given) == _HASH_LENGTH:
        return given.lower()
    raw = data.get("specialId")
    return rules.special_id_hash(str(raw)) if raw else None


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)

"""Auth's reactions to events: every event is audited; stay events also gate guest sign-in."""

from __future__ import annotations

from auth import events, rules, service
from auth.store import AuthStores
from hotel_shared.inbox import EVERY_EVENT, InboundEvent


def on_any_event(stores: AuthStores, event: InboundEvent) -> None:
    service.record_activity(
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


def on_stay_changed(stores: AuthStores, event: InboundEvent) -> None:
    data = event.data
    checked_in = event.type == events.CHECKED_IN
    stay = rules.Stay(
        customer_id=str(data["customerId"]),
        room_number=str(data["roomNumber"]),
        special_id=_text_or_none(data.get("specialId")),
        name=data.get("name"),
        booking_id=_text_or_none(data.get("bookingId")),
        status=rules.STAY_CHECKED_IN if checked_in else rules.STAY_CHECKED_OUT,
        event_time=event.time,
        event_id=event.id,
    )
    service.update_guest_access(stores, event.context, stay)


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


# The audit trail wants everything, so "#" binds the queue to every routing key.
HANDLERS = {
    EVERY_EVENT: on_any_event,
    events.CHECKED_IN: on_stay_changed,
    events.CHECKED_OUT: on_stay_changed,
}

"""Reactions to rooms' events: a departure clean per checkout, a clean for a room set Dirty, a
re-clean for a room that failed inspection; and to auth's: a deactivated account's employee
leaves duty and hands back their open tasks.

Auth's `auth.access.revoked.v1` is kept in the service's own `revoked_access`
(hotel_shared.revocations), so the web processes refuse the subject's earlier tokens.
"""

from __future__ import annotations

from hotel_shared.inbox import InboundEvent
from hotel_shared.revocations import REVOCATION_HANDLERS
from tasks import events, service
from tasks.rules import cleaning
from tasks.store import TasksStores


def on_customer_checked_out(stores: TasksStores, event: InboundEvent) -> None:
    data = event.data
    service.open_departure_clean(
        stores,
        event.context,
        customer_id=str(data["customerId"]),
        room_number=str(data["roomNumber"]),
        guest_name=data.get("name"),
    )


def on_room_status_changed(stores: TasksStores, event: InboundEvent) -> None:
    """Dirty → a clean; Clean or Inspected → Pickup (a failed inspection, `reason` optional, by
    the envelope's actor) → a re-clean. Other moves make no task."""
    moved = event.change_of("housekeepingStatus")
    if moved is None:
        return
    room_number = str(event.data["roomNumber"])
    if moved.get("newValue") == cleaning.DIRTY:
        service.open_room_clean(stores, event.context, room_number, None)
    elif cleaning.is_failed_inspection(
        moved.get("oldValue"), moved.get("newValue"), (event.actor or {}).get("role")
    ):
        by = (event.actor or {}).get("username")
        inspection = cleaning.failed_inspection(event.data.get("reason"), by, event.time)
        service.open_room_clean(stores, event.context, room_number, inspection)


def on_user_account_changed(stores: TasksStores, event: InboundEvent) -> None:
    active = event.change_of("active")
    if event.type == events.USER_UPDATED and active is None:
        return  # a name, role or password change: nothing for the duty roster
    service.follow_account(stores, event.context, event.data)


HANDLERS = {
    events.CUSTOMER_CHECKED_OUT: on_customer_checked_out,
    events.ROOM_STATUS_CHANGED: on_room_status_changed,
    events.USER_UPDATED: on_user_account_changed,
    events.USER_DEACTIVATED: on_user_account_changed,
    **REVOCATION_HANDLERS,
}

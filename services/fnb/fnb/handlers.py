"""Reactions to rooms' stays: fnb keeps which rooms have a checked-in stay; checkout clears a cart.

Auth's `auth.access.revoked.v1` is kept in the service's own `revoked_access`
(hotel_shared.revocations), so the web processes refuse the subject's earlier tokens.
"""

from __future__ import annotations

from fnb import events
from fnb.service import stays
from fnb.store import FnbStores
from hotel_shared.inbox import InboundEvent
from hotel_shared.revocations import REVOCATION_HANDLERS


def _stay(event: InboundEvent) -> dict:
    data = event.data
    return {
        "customerId": str(data["customerId"]),
        "roomNumber": str(data["roomNumber"]),
        "bookingId": data.get("bookingId"),
        "name": data.get("name"),
        "checkedInAt": event.time,
    }


def on_customer_checked_in(stores: FnbStores, event: InboundEvent) -> None:
    stays.open_stay(stores, event.context, _stay(event))


def on_customer_checked_out(stores: FnbStores, event: InboundEvent) -> None:
    stay = {key: value for key, value in _stay(event).items() if key != "checkedInAt"}
    stays.close_stay(stores, event.context, {**stay, "checkedOutAt": event.time})


HANDLERS = {
    events.CUSTOMER_CHECKED_IN: on_customer_checked_in,
    events.CUSTOMER_CHECKED_OUT: on_customer_checked_out,
    **REVOCATION_HANDLERS,
}

"""Reactions to rooms' and fnb's events: our room states go to the PMS, bills to guest folios.

Each handler only records work (in `pms_outbox`, in the delivery's transaction with its inbox
mark); the worker's sender delivers it, so a PMS outage never blocks or loses an event.
Auth's `auth.access.revoked.v1` is kept in `revoked_access` (hotel_shared.revocations).
"""

from __future__ import annotations

from hotel_shared.inbox import InboundEvent
from hotel_shared.revocations import REVOCATION_HANDLERS
from pms_adapter import events, service
from pms_adapter.rules import CHECK_IN, CHECK_OUT
from pms_adapter.store import PmsStores

# A change rooms made because the PMS told it: sending it back would only echo.
FROM_THE_PMS = "pms"


def on_room_status_changed(stores: PmsStores, event: InboundEvent) -> None:
    send = event.data.get("changeSource") != FROM_THE_PMS
    service.follow_room(stores, event.context, event.data, send)


def on_room_created(stores: PmsStores, event: InboundEvent) -> None:
    service.follow_room(stores, event.context, event.data, False)


def on_room_deleted(stores: PmsStores, event: InboundEvent) -> None:
    service.forget_room(stores, event.context, str(event.data["roomNumber"]))


def on_booking_created(stores: PmsStores, event: InboundEvent) -> None:
    pms_reservation_id = event.data.get("pmsReservationId")
    if pms_reservation_id:
        service.link_booking(
            stores, event.context, str(pms_reservation_id), str(event.data["bookingId"])
        )


def on_customer_checked_in(stores: PmsStores, event: InboundEvent) -> None:
    data = event.data
    booking = str(data["bookingId"]) if data.get("bookingId") else None
    service.queue_stay_move(stores, event.context, booking, str(data["roomNumber"]), CHECK_IN)


def on_customer_checked_out(stores: PmsStores, event: InboundEvent) -> None:
    data = event.data
    booking = str(data["bookingId"]) if data.get("bookingId") else None
    service.queue_stay_move(stores, event.context, booking, str(data["roomNumber"]), CHECK_OUT)


def on_bill_created(stores: PmsStores, event: InboundEvent) -> None:
    data = event.data
    bill = {
        "billingId": str(data["billingId"]),
        "orderId": data.get("orderId"),
        "roomNumber": str(data["roomNumber"]),
        "totalPrice": str(data["totalPrice"]),
        "currency": str(data["currency"]),
        "items": [
            {"name": str(line["name"]), "quantity": int(line["quantity"])}
            for line in data.get("items") or []
        ],
    }
    service.queue_bill(stores, event.context, bill)


HANDLERS = {
    events.ROOM_STATUS_CHANGED_OURS: on_room_status_changed,
    events.ROOM_CREATED: on_room_created,
    events.ROOM_DELETED: on_room_deleted,
    events.BILL_CREATED: on_bill_created,
    events.BOOKING_CREATED: on_booking_created,
    events.CUSTOMER_CHECKED_IN: on_customer_checked_in,
    events.CUSTOMER_CHECKED_OUT: on_customer_checked_out,
    **REVOCATION_HANDLERS,
}

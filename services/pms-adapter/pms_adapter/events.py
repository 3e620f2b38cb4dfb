"""Events the PMS adapter publishes (types and payload builders) and the ones it consumes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotel_shared.events import EventSource
from hotel_shared.principal import Context

SOURCE = EventSource("pms")
RESERVATION_IMPORTED = "pms.reservation.imported.v1"
ROOM_STATUS_CHANGED = "pms.room.status_changed.v1"

# Events in: handlers.py names the fields of each that this service reads.
ROOM_CREATED = "rooms.room.created.v1"
ROOM_STATUS_CHANGED_OURS = "rooms.room.status_changed.v1"
ROOM_DELETED = "rooms.room.deleted.v1"
BILL_CREATED = "fnb.bill.created.v1"
BOOKING_CREATED = "rooms.booking.created.v1"
CUSTOMER_CHECKED_IN = "rooms.customer.checked_in.v1"
CUSTOMER_CHECKED_OUT = "rooms.customer.checked_out.v1"

Envelope = dict[str, Any]


def reservation_imported(data: Mapping[str, Any], ctx: Context) -> Envelope:
    return SOURCE.event(
        RESERVATION_IMPORTED,
        subject=f"reservation/{data['pmsReservationId']}",
        data=dict(data),
        actor=ctx.actor,
        correlation_id=ctx.correlation_id,
    )


def room_status_changed(
    number: str, pms: Mapping[str, Any], before: Mapping[str, Any] | None, cause: str, ctx: Context
) -> Envelope:
    """The PMS's view of a room moved (a PMS user, or found by reconcile): what it now says."""
    fields = ("housekeepingStatus", "frontOfficeStatus", "outOfOrder")
    before = before or {}
    changes = [
        {"field": name, "oldValue": before.get(name), "newValue": pms.get(name)}
        for name in fields
        if name in pms and before.get(name) != pms.get(name)
    ]
    return SOURCE.event(
        ROOM_STATUS_CHANGED,
        subject=f"room/{number}",
        data={
            "roomNumber": number,
            "housekeepingStatus": pms.get("housekeepingStatus"),
            "frontOfficeStatus": pms.get("frontOfficeStatus"),
            "outOfOrder": pms.get("outOfOrder"),
            "cause": cause,
            "changes": changes,
        },
        actor=ctx.actor,
        correlation_id=ctx.correlation_id,
    )

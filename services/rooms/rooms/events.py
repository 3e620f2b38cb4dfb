"""The events rooms publishes (types and payload builders) and the types it consumes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotel_shared.events import EventSource, changes_between
from hotel_shared.principal import Context
from hotel_shared.timeutil import to_iso
from rooms.rules.bookings import special_id_hash
from rooms.rules.rooms import DETAIL_FIELDS, STATUS_DIMENSIONS

SOURCE = EventSource("rooms")

ROOM_CREATED = "rooms.room.created.v1"
ROOM_UPDATED = "rooms.room.updated.v1"
ROOM_DELETED = "rooms.room.deleted.v1"
ROOM_STATUS_CHANGED = "rooms.room.status_changed.v1"
BOOKING_CREATED = "rooms.booking.created.v1"
BOOKING_CANCELLED = "rooms.booking.cancelled.v1"
CUSTOMER_CHECKED_IN = "rooms.customer.checked_in.v1"
CUSTOMER_CHECKED_OUT = "rooms.customer.checked_out.v1"
CUSTOMER_STAY_EXTENDED = "rooms.customer.stay_extended.v1"
CONTACT_MESSAGE_CREATED = "rooms.contact_message.created.v1"

# Consumed.
TASK_COMPLETED = "tasks.task.completed.v1"
PMS_RESERVATION_IMPORTED = "pms.reservation.imported.v1"
PMS_ROOM_STATUS_CHANGED = "pms.room.status_changed.v1"


def _event(event_type: str, subject: str, data: dict[str, Any], ctx: Context) -> dict[str, Any]:
    return SOURCE.event(
        event_type,
        subject=subject,
        data=data,
        actor=ctx.actor,
        correlation_id=ctx.correlation_id,
    )


def _room_event(event_type: str, room_number: str, data: dict[str, Any], ctx: Context) -> dict:
    return _event(event_type, f"room/{room_number}", data, ctx)


# --- rooms ---------------------------------------------------------------------------------------


def out_of_order_data(out_of_order: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not out_of_order:
        return None
    return {
        "kind": out_of_order["kind"],
        "reason": out_of_order.get("reason"),
        "from": to_iso(out_of_order.get("from")),
        "to": to_iso(out_of_order.get("to")),
        "returnStatus": out_of_order.get("returnStatus"),
    }


def room_snapshot(room: Mapping[str, Any]) -> dict[str, Any]:
    """The room's descriptive fields and headline status, as carried by created/updated events."""
    return {
        "roomNumber": room["roomNumber"],
        "roomType": room["roomType"],
        "price": room["price"],
        "capacity": room["capacity"],
        "floor": room["floor"],
        "description": room["description"],
        "facilities": list(room["facilities"]),
        "amenities": list(room["facilities"]),  # the old name, kept for one release
        "housekeepingStatus": room["housekeepingStatus"],
        "frontOfficeStatus": room["frontOfficeStatus"],
        "status": room["status"],
        "version": room["version"],
    }


def room_created(room: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    return _room_event(ROOM_CREATED, room["roomNumber"], room_snapshot(room), ctx)


def room_updated(
    before: Mapping[str, Any], room: Mapping[str, Any], changed_fields: list[str], ctx: Context
) -> dict[str, Any]:
    after = room_snapshot(room)
    data = {
        **after,
        "changedFields": changed_fields,
        "changes": changes_between(room_snapshot(before), after, DETAIL_FIELDS),
    }
    return _room_event(ROOM_UPDATED, room["roomNumber"], data, ctx)


def room_deleted(room: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    # Deleting is a change too: the next version, so consumers ordering by version apply it last.
    data = {
        "roomNumber": room["roomNumber"],
        "roomType": room["roomType"],
        "version": room["version"] + 1,
    }
    return _room_event(ROOM_DELETED, room["roomNumber"], data, ctx)


def status_view(room: Mapping[str, Any]) -> dict[str, Any]:
    """The room's status dimensions as JSON values (outOfOrder's times as ISO strings)."""
    view = {name: room.get(name) for name in STATUS_DIMENSIONS}
    view["outOfOrder"] = out_of_order_data(room.get("outOfOrder"))
    return view


def room_status_changed(
    before: Mapping[str, Any],
    room: Mapping[str, Any],
    ctx: Context,
    source: str,
    reason: str | None = None,
) -> dict[str, Any]:
    """Any status change; `changeSource` says through what (api, frontOffice, tasks, pms),
    `reason` why, when the person who made it said (null otherwise)."""
    after = status_view(room)
    data = {
        "roomNumber": room["roomNumber"],
        "roomType": room["roomType"],
        "housekeepingStatus": room["housekeepingStatus"],
        "previousHousekeepingStatus": before["housekeepingStatus"],
        "frontOfficeStatus": room["frontOfficeStatus"],
        "hkOccupancy": room["hkOccupancy"],
        "discrepancy": room["discrepancy"],
        "outOfOrder": after["outOfOrder"],
        "guestServiceStatus": room["guestServiceStatus"],
        "turndownStatus": room["turndownStatus"],
        "status": room["status"],
        "version": room["version"],
        "changeSource": source,
        "reason": reason,
        "changes": changes_between(status_view(before), after, STATUS_DIMENSIONS),
    }
    return _room_event(ROOM_STATUS_CHANGED, room["roomNumber"], data, ctx)


# --- bookings, stays, messages ------------------------------------------------------------------


def booking_data(booking: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "bookingId": booking["_id"],
        "roomNumber": booking["roomNumber"],
        "customerName": booking["customerName"],
        "customerEmail": booking.get("customerEmail"),
        "checkInDate": booking["checkInDate"],
        "checkOutDate": booking["checkOutDate"],
        "totalAmount": booking["totalAmount"],
        "paymentStatus": booking["paymentStatus"],
        "bookingStatus": booking["bookingStatus"],
        "pmsReservationId": booking.get("pmsReservationId"),
        "bookedAt": to_iso(booking.get("bookedAt") or booking.get("createdAt")),
    }


def booking_created(booking: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    return _event(BOOKING_CREATED, f"booking/{booking['_id']}", booking_data(booking), ctx)


def booking_cancelled(booking: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    return _event(BOOKING_CANCELLED, f"booking/{booking['_id']}", booking_data(booking), ctx)


def stay_data(stay: Mapping[str, Any]) -> dict[str, Any]:
    """The stay's who, where and dates; never the booking code (a credential)."""
    return {
        "customerId": stay["_id"],
        "roomNumber": stay["roomNumber"],
        "name": stay["name"],
        "bookingId": stay.get("bookingId"),
        "status": stay["status"],
        "checkinDate": to_iso(stay["checkinDate"]),
        "checkinTime": to_iso(stay.get("checkinTime") or stay["checkinDate"]),
        "checkoutDate": stay["checkoutDate"],
        "updatedCheckoutDate": stay.get("updatedCheckoutDate"),
        "checkedOutAt": to_iso(stay.get("checkedOutAt")),
    }


def _stay_event(event_type: str, stay: Mapping[str, Any], ctx: Context, **extra: Any) -> dict:
    return _event(event_type, f"customer/{stay['_id']}", {**stay_data(stay), **extra}, ctx)


def _guest_access_event(event_type: str, stay: Mapping[str, Any], ctx: Context) -> dict:
    # Auth's guest-access projection verifies a guest login against the hash of the code.
    return _stay_event(event_type, stay, ctx, specialIdHash=special_id_hash(stay["specialId"]))


def customer_checked_in(stay: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    return _guest_access_event(CUSTOMER_CHECKED_IN, stay, ctx)


def customer_checked_out(stay: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    return _guest_access_event(CUSTOMER_CHECKED_OUT, stay, ctx)


def customer_stay_extended(stay: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    return _stay_event(CUSTOMER_STAY_EXTENDED, stay, ctx)


def contact_message_created(message: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    data = {
        "id": message["_id"],
        "roomNumber": message["roomNumber"],
        "name": message["name"],
        "message": message["message"],
    }
    return _event(CONTACT_MESSAGE_CREATED, f"contact_message/{message['_id']}", data, ctx)

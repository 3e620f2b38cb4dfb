"""Events the rooms service publishes: their types and how each payload is built from a room."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotel_shared.events import new_event
from hotel_shared.timeutil import to_iso

SOURCE = "rooms"
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

# The room fields whose old and new values a status_changed event lists under `changes`.
STATUS_CHANGE_FIELDS = (
    "housekeepingStatus",
    "frontOfficeStatus",
    "hkOccupancy",
    "discrepancy",
    "outOfOrder",
    "guestServiceStatus",
    "turndownStatus",
    "status",
)


def room_subject(room_number: str) -> str:
    return f"room/{room_number}"


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
        "amenities": list(room["amenities"]),
        "housekeepingStatus": room["housekeepingStatus"],
        "frontOfficeStatus": room["frontOfficeStatus"],
        "status": room["status"],
        "version": room["version"],
    }


def _event(
    event_type: str,
    subject: str,
    data: dict[str, Any],
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    return new_event(
        event_type,
        source=SOURCE,
        subject=subject,
        data=data,
        actor=actor,
        correlation_id=correlation_id,
    )


def _room_event(
    event_type: str,
    room_number: str,
    data: dict[str, Any],
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    return _event(event_type, room_subject(room_number), data, actor, correlation_id)


def room_created(
    room: Mapping[str, Any], *, actor: dict[str, Any] | None, correlation_id: str | None
) -> dict[str, Any]:
    return _room_event(ROOM_CREATED, room["roomNumber"], room_snapshot(room), actor, correlation_id)


def room_updated(
    room: Mapping[str, Any],
    *,
    changed_fields: list[str],
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    data = {**room_snapshot(room), "changedFields": changed_fields}
    return _room_event(ROOM_UPDATED, room["roomNumber"], data, actor, correlation_id)


def room_deleted(
    room: Mapping[str, Any], *, actor: dict[str, Any] | None, correlation_id: str | None
) -> dict[str, Any]:
    # Deleting is a change too: the next version, so consumers ordering by version apply it last.
    data = {
        "roomNumber": room["roomNumber"],
        "roomType": room["roomType"],
        "version": room["version"] + 1,
    }
    return _room_event(ROOM_DELETED, room["roomNumber"], data, actor, correlation_id)


def status_changes(previous: Mapping[str, Any], room: Mapping[str, Any]) -> list[dict[str, Any]]:
    changes = []
    for name in STATUS_CHANGE_FIELDS:
        old, new = previous.get(name), room.get(name)
        if old != new:
            if name == "outOfOrder":
                old, new = out_of_order_data(old), out_of_order_data(new)
            changes.append({"field": name, "oldValue": old, "newValue": new})
    return changes


def room_status_changed(
    room: Mapping[str, Any],
    *,
    previous: Mapping[str, Any],
    source: str,
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    data = {
        "roomNumber": room["roomNumber"],
        "roomType": room["roomType"],
        "housekeepingStatus": room["housekeepingStatus"],
        "previousHousekeepingStatus": previous["housekeepingStatus"],
        "frontOfficeStatus": room["frontOfficeStatus"],
        "hkOccupancy": room["hkOccupancy"],
        "discrepancy": room["discrepancy"],
        "outOfOrder": out_of_order_data(room["outOfOrder"]),
        "guestServiceStatus": room["guestServiceStatus"],
        "turndownStatus": room["turndownStatus"],
        "status": room["status"],
        "version": room["version"],
        "changeSource": source,
        "changes": status_changes(previous, room),
    }
    return _room_event(ROOM_STATUS_CHANGED, room["roomNumber"], data, actor, correlation_id)


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
        "specialId": booking["specialId"],
        "pmsReservationId": booking.get("pmsReservationId"),
    }


def booking_created(
    booking: Mapping[str, Any], *, actor: dict[str, Any] | None, correlation_id: str | None
) -> dict[str, Any]:
    subject = f"booking/{booking['_id']}"
    return _event(BOOKING_CREATED, subject, booking_data(booking), actor, correlation_id)


def booking_cancelled(
    booking: Mapping[str, Any], *, actor: dict[str, Any] | None, correlation_id: str | None
) -> dict[str, Any]:
    subject = f"booking/{booking['_id']}"
    return _event(BOOKING_CANCELLED, subject, booking_data(booking), actor, correlation_id)


def stay_data(stay: Mapping[str, Any]) -> dict[str, Any]:
    """What auth needs for guest access (customerId, roomNumber, specialId...) and the dates."""
    return {
        "customerId": stay["_id"],
        "roomNumber": stay["roomNumber"],
        "name": stay["name"],
        "bookingId": stay.get("bookingId"),
        "specialId": stay["specialId"],
        "status": stay["status"],
        "checkinDate": to_iso(stay["checkinDate"]),
        "checkoutDate": stay["checkoutDate"],
        "updatedCheckoutDate": stay.get("updatedCheckoutDate"),
        "checkedOutAt": to_iso(stay.get("checkedOutAt")),
    }


def _stay_event(
    event_type: str,
    stay: Mapping[str, Any],
    actor: dict[str, Any] | None,
    correlation_id: str | None,
) -> dict[str, Any]:
    return _event(event_type, f"customer/{stay['_id']}", stay_data(stay), actor, correlation_id)


def customer_checked_in(
    stay: Mapping[str, Any], *, actor: dict[str, Any] | None, correlation_id: str | None
) -> dict[str, Any]:
    return _stay_event(CUSTOMER_CHECKED_IN, stay, actor, correlation_id)


def customer_checked_out(
    stay: Mapping[str, Any], *, actor: dict[str, Any] | None, correlation_id: str | None
) -> dict[str, Any]:
    return _stay_event(CUSTOMER_CHECKED_OUT, stay, actor, correlation_id)


def customer_stay_extended(
    stay: Mapping[str, Any], *, actor: dict[str, Any] | None, correlation_id: str | None
) -> dict[str, Any]:
    return _stay_event(CUSTOMER_STAY_EXTENDED, stay, actor, correlation_id)


def contact_message_created(
    message: Mapping[str, Any], *, actor: dict[str, Any] | None, correlation_id: str | None
) -> dict[str, Any]:
    data = {
        "id": message["_id"],
        "roomNumber": message["roomNumber"],
        "name": message["name"],
        "message": message["message"],
    }
    subject = f"contact_message/{message['_id']}"
    return _event(CONTACT_MESSAGE_CREATED, subject, data, actor, correlation_id)

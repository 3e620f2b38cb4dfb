"""HTTP routes of the rooms service: each declares its contract, makes one service call, dumps."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app

from hotel_shared.auth import STAFF_ROLES, request_context, require
from hotel_shared.openapi import operation
from hotel_shared.readmodel import cached_response, view_key
from hotel_shared.web import PageQuerySchema, expected_version, paged, split_page, with_etag
from rooms.config import Config
from rooms.rules.bookings import BOOKING_ROLES
from rooms.rules.messages import MESSAGE_HANDLER_ROLES, MESSAGE_LIST_ROLES
from rooms.rules.out_of_order import OUT_OF_ORDER_ROLES
from rooms.rules.rooms import ANALYTICS_ROLES, STATUS_ROUTE_ROLES, HousekeepingPolicy
from rooms.rules.stays import FRONT_OFFICE_ROLES, STAY_READER_ROLES
from rooms.schemas import (
    AnalyticsQuerySchema,
    AvailabilityQuerySchema,
    BookingCreateSchema,
    BookingListQuerySchema,
    BookingSchema,
    CheckInSchema,
    ContactMessageCreateSchema,
    ContactMessageListQuerySchema,
    ContactMessageSchema,
    ContactMessageUpdateSchema,
    GuestServiceSchema,
    OutOfOrderRequestSchema,
    RoomAnalyticsSchema,
    RoomCreateSchema,
    RoomListQuerySchema,
    RoomSchema,
    RoomStatusHistorySchema,
    RoomStatusUpdateSchema,
    RoomUpdateSchema,
    StayListQuerySchema,
    StaySchema,
    StayUpdateSchema,
)
from rooms.service import bookings, messages, rooms, stays
from rooms.store import RoomsInMemory, RoomsStores

CONFIG_KEY = "rooms.config"

blueprint = Blueprint("rooms", __name__)

ROOM = RoomSchema()
ROOMS = RoomSchema(many=True)
HISTORY = RoomStatusHistorySchema(many=True)
BOOKING = BookingSchema()
STAY = StaySchema()
MESSAGE = ContactMessageSchema()
GUEST_SERVICE = GuestServiceSchema()


def config() -> Config:
    return current_app.extensions[CONFIG_KEY]


def stores() -> RoomsStores:
    # Built per request on the per-process client, so nothing connects before gunicorn forks.
    return RoomsStores.from_settings(config().service)


def policy() -> HousekeepingPolicy:
    return config().policy


def zone() -> ZoneInfo:
    """The hotel's time zone (HOTEL_TIMEZONE): what "today" and a night mean."""
    return config().service.zone


def room_response(room: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None):
    """The room as JSON with its version as the ETag."""
    return with_etag(ROOM.dump(room), room["version"], status, headers)


# --- rooms ---------------------------------------------------------------------------------------


@blueprint.get("/api/rooms")
@require(*STAFF_ROLES)
@operation(query=RoomListQuerySchema, response=RoomSchema, paged=True)
def list_rooms(query: dict):
    """List rooms by floor and number, filtered by status, type or floor (ETag; If-None-Match)."""
    filters, limit, offset = split_page(query)
    ctx, source = request_context(), stores()

    def page(finder: RoomsStores | RoomsInMemory) -> dict:
        items, total = rooms.list_rooms(finder, ctx, filters, limit, offset)
        return paged(ROOMS.dump(items), total, limit, offset)

    # Every caller may see every room: the view depends on the query alone.
    model = source.room_list() if config().read_model else None
    return cached_response(model, view_key(query), page, RoomsInMemory, source)


@blueprint.get("/api/rooms/availability")
@require(*STAFF_ROLES)
@operation(query=AvailabilityQuerySchema, response=RoomSchema, paged=True)
def list_available_rooms(query: dict):
    """Rooms with no booking and no out-of-order period on the nights from … to-1."""
    first, departure, room_type = query["from"], query["to"], query.get("roomType")
    ctx = request_context()
    items = bookings.find_available_rooms(stores(), ctx, first, departure, room_type, zone())
    return paged(ROOMS.dump(items), len(items), len(items), 0)


@blueprint.get("/api/rooms/discrepancies")
@require(*STAFF_ROLES)
@operation(response=RoomSchema, paged=True)
def list_discrepancies():
    """Rooms where the front desk and housekeeping disagree (Sleep or Skip)."""
    items = rooms.list_discrepancies(stores(), request_context())
    return paged(ROOMS.dump(items), len(items), len(items), 0)


@blueprint.get("/api/rooms/<room_number>/history")
@require(*STAFF_ROLES)
@operation(query=PageQuerySchema, response=RoomStatusHistorySchema, paged=True)
def list_room_history(room_number: str, query: dict):
    """A room's status history, oldest first."""
    _, limit, offset = split_page(query)
    ctx = request_context()
    items, total = rooms.list_room_history(stores(), ctx, room_number, limit, offset)
    return paged(HISTORY.dump(items), total, limit, offset)


@blueprint.get("/api/rooms/<room_number>")
@require(*STAFF_ROLES)
@operation(response=RoomSchema)
def get_room(room_number: str):
    """One room, with its version as the ETag."""
    return room_response(rooms.get_room(stores(), request_context(), room_number))


@blueprint.get("/api/rooms/<room_number>/guest-service")
@require(*STAFF_ROLES, "guest")
@operation(response=GuestServiceSchema)
def get_guest_service(room_number: str):
    """A room's door sign (guestServiceStatus) only: what its guest may read of it."""
    room = rooms.get_guest_service(stores(), request_context(), room_number)
    return with_etag(GUEST_SERVICE.dump(room), room["version"])


@blueprint.post("/api/rooms")
@require("hotelAdmin")
@operation(body=RoomCreateSchema, response=RoomSchema, status=201, errors=(409,))
def create_room(body: dict):
    """Add a room; it starts Vacant and Dirty unless housekeepingStatus is given."""
    room = rooms.create_room(stores(), request_context(), body)
    return room_response(room, 201, {"Location": f"/api/rooms/{room['roomNumber']}"})


@blueprint.patch("/api/rooms/<room_number>")
@require("hotelAdmin")
@operation(body=RoomUpdateSchema, response=RoomSchema, errors=(412,))
def update_room(room_number: str, body: dict):
    """Edit a room's descriptive fields (type, price, capacity, description, amenities, floor)."""
    ctx, version = request_context(), expected_version()
    return room_response(rooms.update_room_details(stores(), ctx, room_number, body, version))


@blueprint.delete("/api/rooms/<room_number>")
@require("hotelAdmin")
@operation(status=204, errors=(409, 412))
def delete_room(room_number: str):
    """Remove a room that has no guest in it."""
    rooms.delete_room(stores(), request_context(), room_number, expected_version())
    return "", 204


@blueprint.patch("/api/rooms/<room_number>/status")
@require(*STATUS_ROUTE_ROLES)
@operation(body=RoomStatusUpdateSchema, response=RoomSchema, errors=(409, 412))
def update_room_status(room_number: str, body: dict):
    """Change a room's statuses; a guest only the guest-service request of their own room (and
    the answer to a guest is the door sign alone, as GET .../guest-service gives it)."""
    ctx, version, reason = request_context(), expected_version(), body.pop("reason", None)
    room = rooms.update_room_status(stores(), ctx, room_number, body, version, policy(), reason)
    if ctx.principal.is_guest:
        return with_etag(GUEST_SERVICE.dump(room), room["version"])
    return room_response(room)


@blueprint.post("/api/rooms/<room_number>/out-of-order")
@require(*OUT_OF_ORDER_ROLES)
@operation(body=OutOfOrderRequestSchema, response=RoomSchema, errors=(409, 412))
def put_room_out_of_order(room_number: str, body: dict):
    """Take a room off sale (out of order or out of service) with a reason."""
    ctx, version = request_context(), expected_version()
    room = rooms.put_out_of_order(stores(), ctx, room_number, body, version, policy(), zone())
    return room_response(room)


@blueprint.delete("/api/rooms/<room_number>/out-of-order")
@require(*OUT_OF_ORDER_ROLES)
@operation(response=RoomSchema, errors=(409, 412))
def end_room_out_of_order(room_number: str):
    """Give a room back to service with the status chosen when it went out."""
    ctx, version = request_context(), expected_version()
    return room_response(rooms.end_out_of_order(stores(), ctx, room_number, version))


@blueprint.get("/api/analytics/rooms")
@require(*ANALYTICS_ROLES)
@operation(query=AnalyticsQuerySchema, response=RoomAnalyticsSchema)
def room_analytics(query: dict):
    """Occupancy and status counts now; cleaning turnaround over a period."""
    ctx, start, end = request_context(), query.get("from"), query.get("to")
    return RoomAnalyticsSchema().dump(rooms.room_analytics(stores(), ctx, start, end, policy()))


# --- bookings ------------------------------------------------------------------------------------


@blueprint.post("/api/bookings")
@require(*BOOKING_ROLES)
@operation(body=BookingCreateSchema, response=BookingSchema, status=201, errors=(404, 409))
def create_booking(body: dict):
    """Book a room for the nights checkInDate … checkOutDate-1, if it is free."""
    booking = bookings.create_booking(stores(), request_context(), body, zone())
    return BOOKING.dump(booking), 201, {"Location": f"/api/bookings/{booking['_id']}"}


@blueprint.get("/api/bookings")
@require(*BOOKING_ROLES)
@operation(query=BookingListQuerySchema, response=BookingSchema, paged=True)
def list_bookings(query: dict):
    """Bookings by arrival; from/to select those with a night in [from, to)."""
    filters, limit, offset = split_page(query)
    items, total = bookings.list_bookings(stores(), request_context(), filters, limit, offset)
    return paged(BOOKING.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/bookings/<booking_id>")
@require(*BOOKING_ROLES)
@operation(response=BookingSchema)
def get_booking(booking_id: str):
    """One booking."""
    return BOOKING.dump(bookings.get_booking(stores(), request_context(), booking_id))


@blueprint.post("/api/bookings/<booking_id>/cancel")
@require(*BOOKING_ROLES)
@operation(response=BookingSchema, errors=(409,))
def cancel_booking(booking_id: str):
    """Cancel a confirmed booking, freeing its nights."""
    return BOOKING.dump(bookings.cancel_booking(stores(), request_context(), booking_id))


# --- stays (customers) ---------------------------------------------------------------------------


@blueprint.post("/api/customers")
@require(*FRONT_OFFICE_ROLES)
@operation(body=CheckInSchema, response=StaySchema, status=201, errors=(404, 409))
def check_in(body: dict):
    """Check a guest in, from a booking or as a walk-in; the room becomes Occupied."""
    stay = stays.check_in(stores(), request_context(), body, policy(), zone())
    return STAY.dump(stay), 201, {"Location": f"/api/customers/{stay['_id']}"}


@blueprint.get("/api/customers")
@require(*STAY_READER_ROLES)
@operation(query=StayListQuerySchema, response=StaySchema, paged=True)
def list_customers(query: dict):
    """Stays, newest check-in first."""
    filters, limit, offset = split_page(query)
    items, total = stays.list_stays(stores(), request_context(), filters, limit, offset)
    return paged(STAY.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/customers/<customer_id>")
@require(*STAY_READER_ROLES)
@operation(response=StaySchema)
def get_customer(customer_id: str):
    """One stay."""
    return STAY.dump(stays.get_stay(stores(), request_context(), customer_id))


@blueprint.patch("/api/customers/<customer_id>")
@require(*FRONT_OFFICE_ROLES)
@operation(body=StayUpdateSchema, response=StaySchema, errors=(409,))
def extend_stay(customer_id: str, body: dict):
    """Move a checked-in guest's departure date."""
    ctx, departure = request_context(), body["updatedCheckoutDate"]
    return STAY.dump(stays.extend_stay(stores(), ctx, customer_id, departure, zone()))


@blueprint.post("/api/customers/<customer_id>/checkout")
@require(*FRONT_OFFICE_ROLES)
@operation(response=StaySchema, errors=(409,))
def check_out(customer_id: str):
    """Check a guest out; the room becomes Vacant and Dirty."""
    return STAY.dump(stays.check_out(stores(), request_context(), customer_id))


# --- contact messages ----------------------------------------------------------------------------


@blueprint.post("/api/contact-messages")
@require()
@operation(
    body=ContactMessageCreateSchema, response=ContactMessageSchema, status=201, errors=(403,)
)
def create_contact_message(body: dict):
    """Write to the front desk; a guest only about their own room."""
    message = messages.create_contact_message(
        stores(), request_context(), body["name"], body["roomNumber"], body["message"]
    )
    return MESSAGE.dump(message), 201


@blueprint.get("/api/contact-messages")
@require(*MESSAGE_LIST_ROLES)
@operation(query=ContactMessageListQuerySchema, response=ContactMessageSchema, paged=True)
def list_contact_messages(query: dict):
    """Contact messages, newest first; handled=false for those still waiting (a guest: theirs)."""
    filters, limit, offset = split_page(query)
    ctx = request_context()
    items, total = messages.list_contact_messages(stores(), ctx, filters, limit, offset)
    return paged(MESSAGE.dump(items, many=True), total, limit, offset)


@blueprint.patch("/api/contact-messages/<message_id>")
@require(*MESSAGE_HANDLER_ROLES)
@operation(body=ContactMessageUpdateSchema, response=ContactMessageSchema)
def update_contact_message(message_id: str, body: dict):
    """Mark a message handled (who and when are kept) or waiting again."""
    ctx, handled = request_context(), body["handled"]
    return MESSAGE.dump(messages.mark_contact_message_handled(stores(), ctx, message_id, handled))

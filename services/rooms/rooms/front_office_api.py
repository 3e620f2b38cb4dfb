"""HTTP routes of the front office: bookings, stays (check-in/out), contact messages, analytics."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint

from hotel_shared.auth import current_principal, require
from hotel_shared.timeutil import utc_now
from hotel_shared.web import current_request_id, load_body, load_page_query, load_query, paged
from rooms.api import config, room_store
from rooms.booking_store import BookingStore, ContactMessageStore, StayStore
from rooms.domain import analytics, bookings, messages, stays
from rooms.schemas import (
    AnalyticsQuerySchema,
    BookingCreateSchema,
    BookingListQuerySchema,
    BookingSchema,
    CheckInSchema,
    ContactMessageCreateSchema,
    ContactMessageListQuerySchema,
    ContactMessageSchema,
    RoomAnalyticsSchema,
    StayListQuerySchema,
    StaySchema,
    StayUpdateSchema,
)

DEFAULT_ANALYTICS_PERIOD = timedelta(days=7)

blueprint = Blueprint("front_office", __name__)

booking_schema = BookingSchema()
stay_schema = StaySchema()
message_schema = ContactMessageSchema()


def _actor():
    return current_principal().as_actor()


@blueprint.post("/api/bookings")
@require(*bookings.BOOKING_ROLES)
def create_booking():
    request_body = load_body(BookingCreateSchema())
    store = room_store()
    booking = bookings.create_booking(
        BookingStore(store),
        store,
        request_body,
        actor=_actor(),
        correlation_id=current_request_id(),
    )
    return booking_schema.dump(booking), 201, {"Location": f"/api/bookings/{booking['_id']}"}


@blueprint.get("/api/bookings")
@require(*bookings.BOOKING_ROLES)
def list_bookings():
    filters, limit, offset = load_page_query(BookingListQuerySchema())
    items, total = bookings.list_bookings(BookingStore(room_store()), filters, limit, offset)
    return paged(booking_schema.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/bookings/<booking_id>")
@require(*bookings.BOOKING_ROLES)
def get_booking(booking_id: str):
    return booking_schema.dump(bookings.get_booking(BookingStore(room_store()), booking_id))


@blueprint.post("/api/bookings/<booking_id>/cancel")
@require(*bookings.BOOKING_ROLES)
def cancel_booking(booking_id: str):
    booking = bookings.cancel_booking(
        BookingStore(room_store()),
        booking_id,
        actor=_actor(),
        correlation_id=current_request_id(),
    )
    return booking_schema.dump(booking)


@blueprint.post("/api/customers")
@require(*stays.FRONT_OFFICE_ROLES)
def check_in():
    request_body = load_body(CheckInSchema())
    store = room_store()
    stay = stays.check_in(
        StayStore(store),
        BookingStore(store),
        store,
        request_body,
        principal=current_principal(),
        correlation_id=current_request_id(),
        policy=config().policy,
    )
    return stay_schema.dump(stay), 201, {"Location": f"/api/customers/{stay['_id']}"}


@blueprint.get("/api/customers")
@require(*stays.STAY_READER_ROLES)
def list_customers():
    filters, limit, offset = load_page_query(StayListQuerySchema())
    items, total = stays.list_stays(StayStore(room_store()), filters, limit, offset)
    return paged(stay_schema.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/customers/<stay_id>")
@require(*stays.STAY_READER_ROLES)
def get_customer(stay_id: str):
    return stay_schema.dump(stays.get_stay(StayStore(room_store()), stay_id))


@blueprint.patch("/api/customers/<stay_id>")
@require(*stays.FRONT_OFFICE_ROLES)
def extend_stay(stay_id: str):
    request_body = load_body(StayUpdateSchema())
    store = room_store()
    stay = stays.extend_stay(
        StayStore(store),
        BookingStore(store),
        stay_id,
        request_body["updatedCheckoutDate"],
        actor=_actor(),
        correlation_id=current_request_id(),
    )
    return stay_schema.dump(stay)


@blueprint.post("/api/customers/<stay_id>/checkout")
@require(*stays.FRONT_OFFICE_ROLES)
def check_out(stay_id: str):
    store = room_store()
    stay = stays.check_out(
        StayStore(store),
        store,
        stay_id,
        principal=current_principal(),
        correlation_id=current_request_id(),
    )
    return stay_schema.dump(stay)


@blueprint.post("/api/contact-messages")
@require()
def create_contact_message():
    request_body = load_body(ContactMessageCreateSchema())
    message = messages.create_contact_message(
        ContactMessageStore(room_store()),
        request_body,
        principal=current_principal(),
        correlation_id=current_request_id(),
    )
    return message_schema.dump(message), 201


@blueprint.get("/api/contact-messages")
@require(*messages.MESSAGE_READER_ROLES)
def list_contact_messages():
    filters, limit, offset = load_page_query(ContactMessageListQuerySchema())
    store = ContactMessageStore(room_store())
    items, total = messages.list_contact_messages(store, filters, limit, offset)
    return paged(message_schema.dump(items, many=True), total, limit, offset)


@blueprint.get("/api/analytics/rooms")
@require(*analytics.ANALYTICS_ROLES)
def room_analytics():
    query = load_query(AnalyticsQuerySchema())
    end = query.get("to") or utc_now()
    start = query.get("from") or end - DEFAULT_ANALYTICS_PERIOD
    summary = analytics.room_analytics(room_store(), start, end, config().policy)
    return RoomAnalyticsSchema().dump(summary)

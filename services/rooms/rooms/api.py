"""HTTP routes of the rooms themselves: load the input, make one domain call, dump the room."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from hotel_shared.auth import STAFF_ROLES, current_principal, require
from hotel_shared.web import (
    PageQuerySchema,
    current_request_id,
    expected_version,
    load_body,
    load_page_query,
    load_query,
    paged,
    with_etag,
)
from rooms.booking_store import BookingStore
from rooms.config import Config
from rooms.domain import bookings, out_of_order, rules
from rooms.domain import rooms as domain
from rooms.schemas import (
    AvailabilityQuerySchema,
    OutOfOrderRequestSchema,
    RoomCreateSchema,
    RoomListQuerySchema,
    RoomSchema,
    RoomStatusHistorySchema,
    RoomStatusUpdateSchema,
    RoomUpdateSchema,
)
from rooms.store import RoomStore

CONFIG_KEY = "rooms.config"

blueprint = Blueprint("rooms", __name__)

room_schema = RoomSchema()
rooms_schema = RoomSchema(many=True)


history_schema = RoomStatusHistorySchema(many=True)


def config() -> Config:
    return current_app.extensions[CONFIG_KEY]


def room_store() -> RoomStore:
    # Built per request from the per-process client, so nothing opens a connection before a fork.
    return RoomStore.from_settings(config().service)


def _room_response(room: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None):
    return with_etag(room_schema.dump(room), room["version"], status, headers)


@blueprint.get("/api/rooms")
@require(*STAFF_ROLES)
def list_rooms():
    filters, limit, offset = load_page_query(RoomListQuerySchema())
    items, total = domain.list_rooms(room_store(), filters, limit, offset)
    return paged(rooms_schema.dump(items), total, limit, offset)


@blueprint.get("/api/rooms/availability")
@require(*STAFF_ROLES)
def list_available_rooms():
    query = load_query(AvailabilityQuerySchema())
    store = room_store()
    items = bookings.find_available_rooms(
        store, BookingStore(store), query["from"], query["to"], query.get("roomType")
    )
    return paged(rooms_schema.dump(items), len(items), len(items), 0)


@blueprint.get("/api/rooms/discrepancies")
@require(*STAFF_ROLES)
def list_discrepancies():
    items = domain.list_discrepancies(room_store())
    return paged(rooms_schema.dump(items), len(items), len(items), 0)


@blueprint.get("/api/rooms/<room_number>/history")
@require(*STAFF_ROLES)
def list_room_history(room_number: str):
    _, limit, offset = load_page_query(PageQuerySchema())
    items, total = domain.list_room_history(room_store(), room_number, limit, offset)
    return paged(history_schema.dump(items), total, limit, offset)


@blueprint.get("/api/rooms/<room_number>")
@require(*STAFF_ROLES)
def get_room(room_number: str):
    return _room_response(domain.get_room(room_store(), room_number))


@blueprint.post("/api/rooms")
@require("hotelAdmin")
def create_room():
    details = load_body(RoomCreateSchema())
    room = domain.create_room(
        room_store(),
        details,
        actor=current_principal().as_actor(),
        correlation_id=current_request_id(),
    )
    return _room_response(room, 201, {"Location": f"/api/rooms/{room['roomNumber']}"})


@blueprint.patch("/api/rooms/<room_number>")
@require("hotelAdmin")
def update_room(room_number: str):
    changes = load_body(RoomUpdateSchema())
    room = domain.update_room_details(
        room_store(),
        room_number,
        changes,
        actor=current_principal().as_actor(),
        expected_version=expected_version(),
        correlation_id=current_request_id(),
    )
    return _room_response(room)


@blueprint.delete("/api/rooms/<room_number>")
@require("hotelAdmin")
def delete_room(room_number: str):
    domain.delete_room(
        room_store(),
        room_number,
        actor=current_principal().as_actor(),
        expected_version=expected_version(),
        correlation_id=current_request_id(),
    )
    return "", 204


@blueprint.patch("/api/rooms/<room_number>/status")
@require(*rules.STATUS_EDITOR_ROLES)
def update_room_status(room_number: str):
    changes = load_body(RoomStatusUpdateSchema())
    room = domain.change_room_status(
        room_store(),
        room_number,
        changes,
        principal=current_principal(),
        expected_version=expected_version(),
        correlation_id=current_request_id(),
        policy=config().policy,
    )
    return _room_response(room)


@blueprint.post("/api/rooms/<room_number>/out-of-order")
@require(*out_of_order.OUT_OF_ORDER_ROLES)
def put_room_out_of_order(room_number: str):
    request_body = load_body(OutOfOrderRequestSchema())
    store = room_store()
    room = out_of_order.put_out_of_order(
        store,
        BookingStore(store),
        room_number,
        request_body,
        principal=current_principal(),
        expected_version=expected_version(),
        correlation_id=current_request_id(),
        policy=config().policy,
    )
    return _room_response(room)


@blueprint.delete("/api/rooms/<room_number>/out-of-order")
@require(*out_of_order.OUT_OF_ORDER_ROLES)
def end_room_out_of_order(room_number: str):
    room = out_of_order.end_out_of_order(
        room_store(),
        room_number,
        principal=current_principal(),
        expected_version=expected_version(),
        correlation_id=current_request_id(),
    )
    return _room_response(room)

"""HTTP routes of the rooms service: load the input, make one domain call, dump the room."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from hotel_shared.auth import STAFF_ROLES, current_principal, require
from hotel_shared.web import (
    current_request_id,
    expected_version,
    load_body,
    load_page_query,
    paged,
    with_etag,
)
from rooms import domain
from rooms.schemas import (
    RoomCreateSchema,
    RoomListQuerySchema,
    RoomSchema,
    RoomStatusUpdateSchema,
    RoomUpdateSchema,
)
from rooms.store import RoomStore

CONFIG_KEY = "rooms.config"

blueprint = Blueprint("rooms", __name__)

room_schema = RoomSchema()
rooms_schema = RoomSchema(many=True)


def _rooms() -> RoomStore:
    # Built per request from the per-process client, so nothing opens a connection before a fork.
    return RoomStore.from_settings(current_app.extensions[CONFIG_KEY].service)


def _room_response(room: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None):
    return with_etag(room_schema.dump(room), room["version"], status, headers)


@blueprint.get("/api/rooms")
@require(*STAFF_ROLES)
def list_rooms():
    filters, limit, offset = load_page_query(RoomListQuerySchema())
    items, total = domain.list_rooms(_rooms(), filters, limit, offset)
    return paged(rooms_schema.dump(items), total, limit, offset)


@blueprint.get("/api/rooms/<room_number>")
@require(*STAFF_ROLES)
def get_room(room_number: str):
    return _room_response(domain.get_room(_rooms(), room_number))


@blueprint.post("/api/rooms")
@require("hotelAdmin")
def create_room():
    details = load_body(RoomCreateSchema())
    room = domain.create_room(
        _rooms(),
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
        _rooms(),
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
        _rooms(),
        room_number,
        actor=current_principal().as_actor(),
        expected_version=expected_version(),
        correlation_id=current_request_id(),
    )
    return "", 204


@blueprint.patch("/api/rooms/<room_number>/status")
@require(*domain.STATUS_EDITOR_ROLES)
def update_room_status(room_number: str):
    changes = load_body(RoomStatusUpdateSchema())
    room = domain.change_room_status(
        _rooms(),
        room_number,
        changes,
        principal=current_principal(),
        expected_version=expected_version(),
        correlation_id=current_request_id(),
    )
    return _room_response(room)

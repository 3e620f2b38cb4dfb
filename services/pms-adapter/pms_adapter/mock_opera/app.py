"""The mock OPERA's HTTP face: an OHIP-shaped subset, and a control API for tests and demos.

OHIP routes check what OHIP checks, in its order: a bearer token (401, no body), the app key
(401, no body), the hotel in `x-hotelid` and the path (403, no body). Refusals of a request OPERA
understood carry its `exceptionDetailType` body. Every call, control calls aside, is logged.
"""

from __future__ import annotations

import base64
import re
import socket
import time
from typing import Any

from flask import Flask, Response, g, jsonify, request

from pms_adapter.mock_opera.state import (
    MAX_EVENTS_PER_POLL,
    OCCUPANCY,
    OperaError,
    OperaState,
    iso,
    now_utc,
)

APP_KEY_PATTERN = re.compile(
    r"^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89aAbB][a-f0-9]{3}-[a-f0-9]{12}$"
)
JSON_TYPE = "application/json;charset=UTF-8"
CONTROL_PREFIX = "/control/"


def problem(status: int, title: str, detail: str, code: str, path: str | None = None) -> Response:
    body = {
        "type": f"https://www.rfc-editor.org/rfc/rfc9110.html#status.{status}",
        "title": title,
        "status": status,
        "detail": detail,
        "o:errorCode": code,
    }
    if path:
        body["o:errorPath"] = path
    return _json(body, status)


def _json(body: Any, status: int = 200) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Content-Type"] = JSON_TYPE
    return response


def _empty(status: int) -> Response:
    return Response(status=status)


def _status_ok(status: int = 200) -> Response:
    return _json({"links": [], "warnings": []}, status)


def _paged(items: list, key: str) -> tuple[list, dict[str, Any]]:
    offset = int(request.args.get("offset", 0) or 0)
    limit_arg = request.args.get("limit")
    limit = int(limit_arg) if limit_arg else len(items)
    page = items[offset : offset + limit] if limit else []
    total = len(items)
    paging = {
        "offset": offset,
        "limit": limit,
        "hasMore": offset + len(page) < total,
        "totalResults": total,
        "count": len(page),
        "totalPages": (total + limit - 1) // limit if limit else 0,
    }
    return page, paging


def create_mock_app(state: OperaState) -> Flask:
    app = Flask("mock_opera")
    app.config["OPERA_STATE"] = state

    @app.before_request
    def gatekeeper() -> Response | None:
        g.started = time.monotonic()
        if request.path.startswith(CONTROL_PREFIX):
            return None
        faults = state.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        if state.is_unavailable():
            return _empty(503)
        if state.take_drop():
            g.dropped = True
            if not faults.drop_after_apply:
                _drop_connection()  # lost on the way in: nothing is applied
                return _empty(503)
        if request.path == "/oauth/v1/tokens":
            return None
        token = request.headers.get("authorization", "")
        if not token.startswith("Bearer ") or not state.token_is_valid(token[7:]):
            return _empty(401)
        if request.headers.get("x-app-key") != state.app_key:
            return _empty(401)
        hotel = request.headers.get("x-hotelid")
        path_hotel = (request.view_args or {}).get("hotel_id", hotel)
        if hotel != state.hotel_id or path_hotel != state.hotel_id:
            return _empty(403)
        return None

    @app.after_request
    def record(response: Response) -> Response:
        if not request.path.startswith(CONTROL_PREFIX):
            state.log_call(
                {
                    "method": request.method,
                    "path": request.path,
                    "query": request.query_string.decode(),
                    "body": request.get_json(silent=True),
                    "status": response.status_code,
                    "dropped": bool(g.get("dropped")),
                    "at": iso(now_utc()),
                }
            )
        if g.get("dropped") and state.faults.drop_after_apply:
            _drop_connection()  # applied, but the answer never reaches the caller
        return response

    @app.errorhandler(OperaError)
    def refused(error: OperaError) -> Response:
        title = "Not Found" if error.status == 404 else "Bad Request"
        return problem(error.status, title, error.detail, error.code, error.path)

    # --- OAuth ---------------------------------------------------------------------------------

    @app.post("/oauth/v1/tokens")
    def get_token() -> Response:
        if not APP_KEY_PATTERN.match(request.headers.get("x-app-key", "")):
            return _empty(400)
        if request.headers.get("x-app-key") != state.app_key:
            return _empty(401)
        if _basic_credentials() != (state.client_id, state.client_secret):
            return _empty(401)
        form = request.form
        grant = form.get("grant_type")
        if grant == "client_credentials" and not form.get("scope"):
            return _empty(401)
        if grant not in ("client_credentials", "password"):
            return _empty(400)
        return _json(
            {
                "access_token": state.issue_token(),
                "expires_in": state.token_ttl_s,
                "token_type": "Bearer",
                "oracle_tk_context": "user_assertion",
            }
        )

    # --- housekeeping --------------------------------------------------------------------------

    @app.put("/hsk/v1/hotels/<hotel_id>/rooms/status")
    def put_room_related_status(hotel_id: str) -> Response:
        body = _body()
        room_ids = [str(item.get("roomId")) for item in body.get("roomList") or []]
        if not room_ids:
            raise OperaError(400, "roomList is required", "HSK00001", "roomList")
        occupancy = body.get("housekeepingStatus")
        if occupancy is not None and occupancy not in OCCUPANCY:
            raise OperaError(400, "Invalid housekeepingStatus", "HSK00002", "housekeepingStatus")
        state.set_room_status(
            room_ids, body.get("housekeepingRoomStatus"), occupancy, by_interface=True
        )
        return _status_ok()

    @app.post("/hsk/v1/hotels/<hotel_id>/rooms/outOfOrderRooms")
    def post_out_of_order_rooms(hotel_id: str) -> Response:
        return _out_of_order("OutOfOrder")

    @app.post("/hsk/v1/hotels/<hotel_id>/rooms/outOfServiceRooms")
    def post_out_of_service_rooms(hotel_id: str) -> Response:
        return _out_of_order("OutOfService")

    def _out_of_order(kind: str) -> Response:
        ranges = ((_body().get("criteria") or {}).get("roomRangeList")) or {}
        details = ranges.get("roomOutOfOrder") or {}
        room_ids = [str(room) for room in ranges.get("roomIds") or []]
        if not room_ids or not details.get("reasonCode"):
            raise OperaError(400, "roomIds and reasonCode are required", "HSK00031", "criteria")
        state.set_out_of_order(room_ids, kind, details)
        return _status_ok(201)

    @app.get("/hsk/v1/hotels/<hotel_id>/housekeepingOverview")
    def get_housekeeping_overview(hotel_id: str) -> Response:
        wanted_status = set(request.args.getlist("housekeepingRoomStatus"))
        wanted_fo = set(request.args.getlist("frontOfficeRoomStatus"))
        low, high = request.args.get("fromRoomNumber"), request.args.get("toRoomNumber")
        rooms = [
            room
            for room in state.overview()
            if (not wanted_status or state.effective_status(room) in wanted_status)
            and (not wanted_fo or room["frontOfficeStatus"] in wanted_fo)
            and (low is None or room["roomId"] >= low)
            and (high is None or room["roomId"] <= high)
        ]
        if not rooms:
            return _empty(204)
        page, paging = _paged(rooms, "room")
        return _json(
            {
                "housekeepingRoomInfo": {
                    "housekeepingRooms": {"room": [_overview_room(state, r) for r in page]},
                    **paging,
                },
                "links": [],
                "warnings": [],
            }
        )

    # --- reservations --------------------------------------------------------------------------

    @app.get("/rsv/v1/hotels/<hotel_id>/reservations")
    def get_hotel_reservations(hotel_id: str) -> Response:
        args = request.args
        criteria: dict[str, Any] = {
            name: args.get(name)
            for name in (
                "arrivalStartDate",
                "arrivalEndDate",
                "departureStartDate",
                "departureEndDate",
                "roomId",
            )
        }
        criteria["reservationStatuses"] = args.getlist("reservationStatuses")
        criteria["reservationIdList"] = args.getlist("reservationIdList")
        found = state.search_reservations(criteria)
        if not found:
            return _empty(204)
        page, paging = _paged(found, "reservationInfo")
        return _json(
            {
                "reservations": {
                    "reservationInfo": [_reservation_info(state, r) for r in page],
                    **paging,
                },
                "links": [],
                "warnings": [],
            }
        )

    @app.get("/rsv/v1/hotels/<hotel_id>/reservations/<reservation_id>")
    def get_reservation(hotel_id: str, reservation_id: str) -> Response:
        with state.lock:
            reservation = dict(state.reservation(reservation_id))
        info = _reservation_info(state, reservation)
        return _json({"reservations": {"reservation": [info]}, "links": [], "warnings": []})

    @app.post("/fof/v1/hotels/<hotel_id>/reservations/<reservation_id>/checkIns")
    def post_check_in(hotel_id: str, reservation_id: str) -> Response:
        room_id = (_body().get("reservation") or {}).get("roomId")
        reservation = state.check_in(reservation_id, str(room_id) if room_id else None)
        item = {
            "reservationIdList": _ids(reservation),
            "roomStay": {
                "arrivalDate": reservation["arrivalDate"],
                "departureDate": reservation["departureDate"],
                "currentRoomInfo": {
                    "roomId": reservation["roomId"],
                    "roomType": reservation["roomType"],
                },
            },
            "reservationStatus": reservation["reservationStatus"],
        }
        return _json({"reservation": [item], "links": [], "warnings": []}, 201)

    @app.post("/csh/v1/hotels/<hotel_id>/reservations/<reservation_id>/checkOuts")
    def post_check_out(hotel_id: str, reservation_id: str) -> Response:
        body = _body()
        instructions = (body.get("reservation") or {}).get("checkoutInstr") or {}
        if body.get("verificationOnly"):
            with state.lock:
                status = state.reservation(reservation_id)["reservationStatus"]
            if status != "InHouse":
                raise OperaError(400, "Invalid reservation status", "FOF00109")
            return _status_ok(201)
        state.check_out(reservation_id, instructions.get("roomStatus"))
        return _status_ok(201)

    # --- cashiering ----------------------------------------------------------------------------

    @app.post("/csh/v1/hotels/<hotel_id>/reservations/<reservation_id>/charges")
    def post_billing_charges(hotel_id: str, reservation_id: str) -> Response:
        criteria = _body().get("criteria") or {}
        charges = criteria.get("charges") or []
        if isinstance(charges, dict):  # Oracle's own collection sometimes sends one object
            charges = [charges]
        if not charges:
            raise OperaError(400, "charges are required", "CSH00001", "criteria.charges")
        postings = state.post_charges(reservation_id, charges)
        trx = [
            {"transactionCode": p["transactionCode"], "description": "Room Service"}
            for p in postings
        ]
        return _json(
            {
                "postings": [_posting(p) for p in postings],
                "trxCodesInfo": trx,
                "links": [],
                "warnings": [],
            },
            201,
        )

    @app.get("/csh/v1/hotels/<hotel_id>/reservations/<reservation_id>/charges")
    def get_post_billing_charges(hotel_id: str, reservation_id: str) -> Response:
        postings = state.postings_of(reservation_id)
        return _json({"postings": [_posting(p) for p in postings], "links": [], "warnings": []})

    # --- business events -----------------------------------------------------------------------

    @app.get("/int/v1/externalSystem/<ext_code>/hotels/<hotel_id>/businessEvents")
    def get_business_events(ext_code: str, hotel_id: str) -> Response:
        if ext_code != state.ext_system_code:
            raise OperaError(404, "External system can't be found", "INT00004", "extSystemCode")
        limit = int(request.args.get("limit") or MAX_EVENTS_PER_POLL)
        if not 1 <= limit <= MAX_EVENTS_PER_POLL:
            raise OperaError(400, "limit must be between 1 and 20", "INT00010", "limit")
        taken = state.dequeue_events(limit)
        if not taken:
            return _empty(204)
        events = [{k: v for k, v in e.items() if k != "redelivered"} for e in taken]
        return _json({"businessEventData": events, "links": [], "warnings": []})

    _register_control(app, state)
    return app


# --- the control API (tests and demos; never part of OHIP) --------------------------------------


def _register_control(app: Flask, state: OperaState) -> None:
    @app.get("/control/state")
    def control_state() -> Response:
        with state.lock:
            return jsonify(
                {
                    **state.snapshot(),
                    "events": list(state.events),
                    "faults": state.faults.as_json(),
                    "hotelId": state.hotel_id,
                }
            )

    @app.post("/control/rooms")
    def control_add_rooms() -> Response:
        for room in _body().get("rooms") or []:
            state.add_room(str(room["roomId"]), room.get("roomType", "STDK"), room.get("floor"))
        return jsonify({"rooms": state.overview()})

    @app.put("/control/rooms/<room_id>")
    def control_set_room(room_id: str) -> Response:
        """A PMS user changes the room on OPERA's housekeeping board."""
        body = _body()
        state.set_room_status(
            [room_id],
            body.get("housekeepingRoomStatus"),
            body.get("housekeepingStatus"),
            by_interface=False,
        )
        if body.get("frontOfficeStatus") in OCCUPANCY:
            with state.lock:
                state.room(room_id)["frontOfficeStatus"] = body["frontOfficeStatus"]
                state.save()
        with state.lock:
            return jsonify(dict(state.room(room_id)))

    @app.post("/control/reservations")
    def control_add_reservation() -> Response:
        return _json(state.add_reservation(_body()), 201)

    @app.patch("/control/reservations/<reservation_id>")
    def control_modify_reservation(reservation_id: str) -> Response:
        return jsonify(state.modify_reservation(reservation_id, _body()))

    @app.post("/control/reservations/<reservation_id>/cancel")
    def control_cancel_reservation(reservation_id: str) -> Response:
        return jsonify(state.cancel_reservation(reservation_id))

    @app.post("/control/reservations/<reservation_id>/checkIn")
    def control_check_in(reservation_id: str) -> Response:
        return jsonify(state.check_in(reservation_id, _body().get("roomId")))

    @app.post("/control/reservations/<reservation_id>/checkOut")
    def control_check_out(reservation_id: str) -> Response:
        return jsonify(state.check_out(reservation_id, _body().get("roomStatus")))

    @app.put("/control/faults")
    def control_set_faults() -> Response:
        state.set_faults(_body())
        return jsonify(state.faults.as_json())

    @app.delete("/control/faults")
    def control_clear_faults() -> Response:
        state.set_faults(
            {
                "latencyMs": 0,
                "unavailableForSeconds": 0,
                "dropConnections": 0,
                "duplicateEvents": False,
                "dropAfterApply": True,
            }
        )
        return jsonify(state.faults.as_json())

    @app.post("/control/tokens/expire")
    def control_expire_tokens() -> Response:
        state.expire_tokens()
        return _empty(204)

    @app.get("/control/calls")
    def control_calls() -> Response:
        return jsonify({"calls": state.calls_since(int(request.args.get("since", 0)))})


# --- shapes ---------------------------------------------------------------------------------------


def _ids(reservation: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"id": reservation["reservationId"], "type": "Reservation"},
        {"id": reservation["confirmationNumber"], "type": "Confirmation"},
    ]


def _reservation_info(state: OperaState, r: dict[str, Any]) -> dict[str, Any]:
    room = state.rooms.get(r["roomId"] or "")
    return {
        "reservationIdList": _ids(r),
        "roomStay": {
            "arrivalDate": r["arrivalDate"],
            "departureDate": r["departureDate"],
            "roomType": r["roomType"],
            "roomId": r["roomId"],
            "adultCount": r["adultCount"],
            "childCount": 0,
            "numberOfRooms": 1,
        },
        "reservationGuest": {
            "id": r["profileId"],
            "type": "Profile",
            "givenName": r["givenName"],
            "surname": r["surname"],
            "email": r["email"],
        },
        "hotelId": state.hotel_id,
        "reservationStatus": r["reservationStatus"],
        "computedReservationStatus": r["reservationStatus"],
        "roomStatus": state.effective_status(room) if room else None,
        "createDateTime": r["createDateTime"],
        "lastModifyDateTime": r["lastModifyDateTime"],
        "openFolio": r["reservationStatus"] == "InHouse",
    }


def _overview_room(state: OperaState, room: dict[str, Any]) -> dict[str, Any]:
    guests = [
        r
        for r in state.reservations.values()
        if r["roomId"] == room["roomId"] and r["reservationStatus"] == "InHouse"
    ]
    item: dict[str, Any] = {
        "roomId": room["roomId"],
        "floor": room["floor"],
        "roomType": {"roomType": room["roomType"], "roomClass": "ALL"},
        "housekeeping": {
            "housekeepingRoomStatus": {
                "housekeepingRoomStatus": state.effective_status(room),
                "frontOfficeStatus": room["frontOfficeStatus"],
                "housekeepingStatus": room["housekeepingStatus"],
                "reservationStatusList": ["StayOver"] if guests else ["NotReserved"],
            },
            "roomPersons": {
                "frontOfficePersons": sum(r["adultCount"] for r in guests),
                "houseKeepingPersons": 0,
            },
        },
        "resvInfo": [
            {
                "reservationId": {"id": r["reservationId"], "type": "Reservation"},
                "guestName": f"{r['surname']}, {r['givenName']}",
                "roomId": r["roomId"],
                "adultCount": r["adultCount"],
                "childCount": 0,
            }
            for r in guests
        ],
    }
    if room["outOfOrder"]:
        item["outOfOrder"] = [room["outOfOrder"]]
    discrepancy = _discrepancy(room)
    if discrepancy:
        item["discrepancy"] = [discrepancy]
    return item


def _discrepancy(room: dict[str, Any]) -> str | None:
    front, housekeeping = room["frontOfficeStatus"], room["housekeepingStatus"]
    if front == "Occupied" and housekeeping == "Vacant":
        return "Skip"
    if front == "Vacant" and housekeeping == "Occupied":
        return "Sleep"
    return None


def _posting(p: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in p.items() if key != "reservationId"}


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and request.content_length:
        raise OperaError(400, "The request body is not JSON", "GEN00001")
    return body if isinstance(body, dict) else {}


def _basic_credentials() -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except Exception:
        return None
    return user, password


def _drop_connection() -> None:
    """Close the client's socket (werkzeug's server exposes it), as a dropped link would."""
    connection = request.environ.get("werkzeug.socket")
    if connection is not None:
        try:
            connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

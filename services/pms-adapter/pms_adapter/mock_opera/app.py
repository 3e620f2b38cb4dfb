"""The mock OPERA's HTTP face: an OHIP-shaped subset, and a control API for tests and demos.

OHIP routes check what OHIP checks, in its order: a bearer token (401, no body), the app key
(401, no body), the hotel in `x-hotelid` and the path (403, no body). Refusals of a request OPERA
understood carry its `exceptionDetailType` body. Every call, control calls aside, is logged.
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, request

from pms_adapter.mock_opera.control import register_control
from pms_adapter.mock_opera.responses import (
    charges_of,
    drop_connection,
    empty,
    json_response,
    paged,
    problem,
    request_body,
    search_criteria,
    status_ok,
    token_refusal,
)
from pms_adapter.mock_opera.shapes import (
    billing_charges_details,
    checked_in_reservation,
    housekeeping_board,
    posting_view,
    reservation_info,
    reservations_details,
)
from pms_adapter.mock_opera.state import OperaState
from pms_adapter.mock_opera.vocabulary import (
    MAX_EVENTS_PER_POLL,
    OCCUPANCY,
    OperaError,
    iso,
    now_utc,
)

CONTROL_PREFIX = "/control/"


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
            return empty(503)
        if state.take_drop():
            g.dropped = True
            if not faults.drop_after_apply:
                drop_connection()  # lost on the way in: nothing is applied
                return empty(503)
        if request.path == "/oauth/v1/tokens":
            return None
        token = request.headers.get("authorization", "")
        if not token.startswith("Bearer ") or not state.token_is_valid(token[7:]):
            return empty(401)
        if request.headers.get("x-app-key") != state.app_key:
            return empty(401)
        hotel = request.headers.get("x-hotelid")
        path_hotel = (request.view_args or {}).get("hotel_id", hotel)
        if hotel != state.hotel_id or path_hotel != state.hotel_id:
            return empty(403)
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
            drop_connection()  # applied, but the answer never reaches the caller
        return response

    @app.errorhandler(OperaError)
    def refused(error: OperaError) -> Response:
        title = "Not Found" if error.status == 404 else "Bad Request"
        return problem(error.status, title, error.detail, error.code, error.path)

    # --- OAuth ---------------------------------------------------------------------------------

    @app.post("/oauth/v1/tokens")
    def get_token() -> Response:
        refused = token_refusal(state)
        if refused is not None:
            return empty(refused)
        return json_response(
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
        body = request_body()
        room_ids = [str(item.get("roomId")) for item in body.get("roomList") or []]
        if not room_ids:
            raise OperaError(400, "roomList is required", "HSK00001", "roomList")
        occupancy = body.get("housekeepingStatus")
        if occupancy is not None and occupancy not in OCCUPANCY:
            raise OperaError(400, "Invalid housekeepingStatus", "HSK00002", "housekeepingStatus")
        state.set_room_status(
            room_ids, body.get("housekeepingRoomStatus"), occupancy, by_interface=True
        )
        return status_ok()

    @app.post("/hsk/v1/hotels/<hotel_id>/rooms/outOfOrderRooms")
    def post_out_of_order_rooms(hotel_id: str) -> Response:
        return _out_of_order("OutOfOrder")

    @app.post("/hsk/v1/hotels/<hotel_id>/rooms/outOfServiceRooms")
    def post_out_of_service_rooms(hotel_id: str) -> Response:
        return _out_of_order("OutOfService")

    def _out_of_order(kind: str) -> Response:
        ranges = ((request_body().get("criteria") or {}).get("roomRangeList")) or {}
        details = ranges.get("roomOutOfOrder") or {}
        room_ids = [str(room) for room in ranges.get("roomIds") or []]
        if not room_ids or not details.get("reasonCode"):
            raise OperaError(400, "roomIds and reasonCode are required", "HSK00031", "criteria")
        state.set_out_of_order(room_ids, kind, details)
        return status_ok(201)

    @app.get("/hsk/v1/hotels/<hotel_id>/housekeepingOverview")
    def get_housekeeping_overview(hotel_id: str) -> Response:
        rooms = state.find_rooms(
            set(request.args.getlist("housekeepingRoomStatus")),
            set(request.args.getlist("frontOfficeRoomStatus")),
            request.args.get("fromRoomNumber"),
            request.args.get("toRoomNumber"),
        )
        if not rooms:
            return empty(204)
        return json_response(housekeeping_board(state, *paged(rooms)))

    # --- reservations --------------------------------------------------------------------------

    @app.get("/rsv/v1/hotels/<hotel_id>/reservations")
    def get_hotel_reservations(hotel_id: str) -> Response:
        found = state.search_reservations(search_criteria(request.args))
        if not found:
            return empty(204)
        return json_response(reservations_details(state, *paged(found)))

    @app.get("/rsv/v1/hotels/<hotel_id>/reservations/<reservation_id>")
    def get_reservation(hotel_id: str, reservation_id: str) -> Response:
        with state.lock:
            reservation = dict(state.reservation(reservation_id))
        info = reservation_info(state, reservation)
        return json_response({"reservations": {"reservation": [info]}, "links": [], "warnings": []})

    @app.post("/fof/v1/hotels/<hotel_id>/reservations/<reservation_id>/checkIns")
    def post_check_in(hotel_id: str, reservation_id: str) -> Response:
        room_id = (request_body().get("reservation") or {}).get("roomId")
        reservation = state.check_in(reservation_id, str(room_id) if room_id else None)
        return json_response(checked_in_reservation(reservation), 201)

    @app.post("/csh/v1/hotels/<hotel_id>/reservations/<reservation_id>/checkOuts")
    def post_check_out(hotel_id: str, reservation_id: str) -> Response:
        body = request_body()
        instructions = (body.get("reservation") or {}).get("checkoutInstr") or {}
        if body.get("verificationOnly"):
            with state.lock:
                status = state.reservation(reservation_id)["reservationStatus"]
            if status != "InHouse":
                raise OperaError(400, "Invalid reservation status", "FOF00109")
            return status_ok(201)
        state.check_out(reservation_id, instructions.get("roomStatus"))
        return status_ok(201)

    # --- cashiering ----------------------------------------------------------------------------

    @app.post("/csh/v1/hotels/<hotel_id>/reservations/<reservation_id>/charges")
    def post_billing_charges(hotel_id: str, reservation_id: str) -> Response:
        charges = charges_of(request_body())
        if not charges:
            raise OperaError(400, "charges are required", "CSH00001", "criteria.charges")
        postings = state.post_charges(reservation_id, charges)
        return json_response(billing_charges_details(postings), 201)

    @app.get("/csh/v1/hotels/<hotel_id>/reservations/<reservation_id>/charges")
    def get_post_billing_charges(hotel_id: str, reservation_id: str) -> Response:
        postings = state.postings_of(reservation_id)
        return json_response(
            {"postings": [posting_view(p) for p in postings], "links": [], "warnings": []}
        )

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
            return empty(204)
        events = [{k: v for k, v in e.items() if k != "redelivered"} for e in taken]
        return json_response({"businessEventData": events, "links": [], "warnings": []})

    register_control(app, state)
    return app

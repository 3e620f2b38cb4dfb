"""The mock's control API for tests and demos (never part of OHIP): reservations, a PMS user's
room changes, faults to inject, the log of every call received."""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from pms_adapter.mock_opera.responses import empty, json_response, request_body
from pms_adapter.mock_opera.state import OperaState
from pms_adapter.mock_opera.vocabulary import OCCUPANCY


def register_control(app: Flask, state: OperaState) -> None:
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
        for room in request_body().get("rooms") or []:
            state.add_room(str(room["roomId"]), room.get("roomType", "STDK"), room.get("floor"))
        return jsonify({"rooms": state.overview()})

    @app.get("/control/rooms/<room_id>")
    def control_get_room(room_id: str) -> Response:
        return jsonify(state.room_copy(room_id))

    @app.put("/control/rooms/<room_id>")
    def control_set_room(room_id: str) -> Response:
        """A PMS user changes the room on OPERA's housekeeping board (`"businessEvent": false`:
        a change no business event reports, which only the drift check finds)."""
        body = request_body()
        state.set_room_status(
            [room_id],
            body.get("housekeepingRoomStatus"),
            body.get("housekeepingStatus"),
            by_interface=False,
            business_event=body.get("businessEvent", True) is not False,
        )
        if body.get("frontOfficeStatus") in OCCUPANCY:
            state.set_front_office_status(room_id, body["frontOfficeStatus"])
        return jsonify(state.room_copy(room_id))

    @app.post("/control/reservations")
    def control_add_reservation() -> Response:
        return json_response(state.add_reservation(request_body()), 201)

    @app.patch("/control/reservations/<reservation_id>")
    def control_modify_reservation(reservation_id: str) -> Response:
        return jsonify(state.modify_reservation(reservation_id, request_body()))

    @app.post("/control/reservations/<reservation_id>/cancel")
    def control_cancel_reservation(reservation_id: str) -> Response:
        return jsonify(state.cancel_reservation(reservation_id))

    @app.post("/control/reservations/<reservation_id>/checkIn")
    def control_check_in(reservation_id: str) -> Response:
        return jsonify(state.check_in(reservation_id, request_body().get("roomId")))

    @app.post("/control/reservations/<reservation_id>/checkOut")
    def control_check_out(reservation_id: str) -> Response:
        return jsonify(state.check_out(reservation_id, request_body().get("roomStatus")))

    @app.get("/control/faults")
    def control_get_faults() -> Response:
        return jsonify(state.faults.as_json())

    @app.put("/control/faults")
    def control_set_faults() -> Response:
        state.set_faults(request_body())
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
        return empty(204)

    @app.get("/control/calls")
    def control_calls() -> Response:
        return jsonify({"calls": state.calls_since(int(request.args.get("since", 0)))})

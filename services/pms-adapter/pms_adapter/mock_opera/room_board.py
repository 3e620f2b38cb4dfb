"""The mock housekeeping board: room statuses, out of order and service (an OperaState mixin)."""

from __future__ import annotations

from typing import Any

from pms_adapter.mock_opera.vocabulary import (
    HOUSEKEEPING_MODULE,
    SETTABLE_BY_STATUS_CALL,
    UPDATE_ROOM_STATUS,
    OperaError,
)


class RoomBoard:
    # --- rooms ---------------------------------------------------------------------------------

    def add_room(self, room_id: str, room_type: str = "STDK", floor: str | None = None) -> None:
        with self.lock:
            self.rooms.setdefault(
                room_id,
                {
                    "roomId": room_id,
                    "floor": floor or room_id[:-2] or "1",
                    "roomType": room_type,
                    "housekeepingRoomStatus": "Inspected",
                    "frontOfficeStatus": "Vacant",
                    "housekeepingStatus": "Vacant",
                    "outOfOrder": None,
                },
            )
            self.save()

    def room(self, room_id: str) -> dict[str, Any]:
        room = self.rooms.get(room_id)
        if room is None:
            raise OperaError(404, f"Room {room_id} can't be found", "HSK00012", "roomId")
        return room

    def set_room_status(
        self,
        room_ids: list[str],
        status: str | None,
        occupancy: str | None,
        *,
        by_interface: bool,
        business_event: bool = True,
    ) -> None:
        """`putRoomRelatedStatus`, or a PMS user changing the board (by_interface False);
        `business_event=False`: a change no business event reports (not in the subscription, or
        lost in OPERA's queue), which only a drift check finds."""
        with self.lock:
            rooms = [self.room(room_id) for room_id in room_ids]
            if status is not None and status not in SETTABLE_BY_STATUS_CALL:
                raise OperaError(
                    400,
                    "Out of order and out of service are set through their own operations",
                    "HSK00021",
                    "housekeepingRoomStatus",
                )
            for room in rooms:
                if room["outOfOrder"] and status is not None:
                    raise OperaError(
                        400, f"Room {room['roomId']} is out of order", "HSK00022", "roomList"
                    )
            for room in rooms:
                old = room["housekeepingRoomStatus"]
                if status is not None:
                    room["housekeepingRoomStatus"] = status
                if occupancy is not None:
                    room["housekeepingStatus"] = occupancy
                if business_event and status is not None and status != old:
                    detail = {"dataElement": "Room Status", "oldValue": old, "newValue": status}
                    source = "Interface" if by_interface else "OPERA User"
                    self._emit(
                        HOUSEKEEPING_MODULE,
                        UPDATE_ROOM_STATUS,
                        room["roomId"],
                        [detail, {"dataElement": "Changed By", "newValue": source}],
                    )
            self.save()

    def set_out_of_order(self, room_ids: list[str], kind: str, details: dict[str, Any]) -> None:
        with self.lock:
            rooms = [self.room(room_id) for room_id in room_ids]
            for room in rooms:
                old = room["housekeepingRoomStatus"] if not room["outOfOrder"] else kind
                room["outOfOrder"] = {"housekeepingRoomStatus": kind, **details}
                self._emit(
                    HOUSEKEEPING_MODULE,
                    UPDATE_ROOM_STATUS,
                    room["roomId"],
                    [{"dataElement": "Room Status", "oldValue": old, "newValue": kind}],
                )
            self.save()

    def set_front_office_status(self, room_id: str, occupancy: str) -> None:
        with self.lock:
            self.room(room_id)["frontOfficeStatus"] = occupancy
            self.save()

    def room_copy(self, room_id: str) -> dict[str, Any]:
        with self.lock:
            return dict(self.room(room_id))

    def find_rooms(
        self, statuses: set[str], occupancy: set[str], low: str | None, high: str | None
    ) -> list[dict[str, Any]]:
        """housekeepingOverview's filters: statuses, front-office occupancy, a room range."""
        return [
            room
            for room in self.overview()
            if (not statuses or self.effective_status(room) in statuses)
            and (not occupancy or room["frontOfficeStatus"] in occupancy)
            and (low is None or room["roomId"] >= low)
            and (high is None or room["roomId"] <= high)
        ]

    def overview(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(self.rooms[key]) for key in sorted(self.rooms)]

    def effective_status(self, room: dict[str, Any]) -> str:
        return (
            room["outOfOrder"]["housekeepingRoomStatus"]
            if room["outOfOrder"]
            else (room["housekeepingRoomStatus"])
        )

"""The mock OPERA's property: rooms, reservations, folios, the business-events queue, its call log.

All in memory behind one lock, optionally saved as a JSON snapshot after every change (and read
back at start), so a restarted mock keeps its hotel. Nothing here speaks HTTP; `app.py` does.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

HOUSEKEEPING_STATUSES = ("Clean", "Dirty", "Pickup", "Inspected", "OutOfOrder", "OutOfService")
SETTABLE_BY_STATUS_CALL = ("Clean", "Dirty", "Pickup", "Inspected")
OCCUPANCY = ("Vacant", "Occupied")
# Response enum of reservationStatus.
RESERVED, IN_HOUSE, CHECKED_OUT, CANCELLED = "Reserved", "InHouse", "CheckedOut", "Cancelled"
RESERVATION_STATUSES = (
    "Reserved",
    "Requested",
    "NoShow",
    "Cancelled",
    "InHouse",
    "CheckedOut",
    "Waitlisted",
    "DueIn",
    "DueOut",
    "Walkin",
    "PendingCheckout",
)
# The search filter's enum differs from the response's: CheckedIn and WaitList.
SEARCH_STATUS_TO_RESPONSE = {
    "Cancelled": {"Cancelled"},
    "CheckedOut": {"CheckedOut"},
    "CheckedIn": {"InHouse"},
    "InHouse": {"InHouse"},
    "DueIn": {"Reserved", "DueIn"},
    "DueOut": {"InHouse", "DueOut"},
    "NoShow": {"NoShow"},
    "WaitList": {"Waitlisted"},
}

# Business-event names (moduleName, actionType) the queue carries.
RESERVATION_MODULE, HOUSEKEEPING_MODULE = "Reservation", "Housekeeping"
NEW_RESERVATION, UPDATE_RESERVATION, CANCEL_RESERVATION = (
    "NEW RESERVATION",
    "UPDATE RESERVATION",
    "CANCEL RESERVATION",
)
CHECK_IN, CHECK_OUT, UPDATE_ROOM_STATUS = "CHECK IN", "CHECK OUT", "UPDATE ROOM STATUS"

MAX_EVENTS_PER_POLL = 20
CALL_LOG_LIMIT = 20_000


class OperaError(Exception):
    """A refusal OPERA answers with an exceptionDetailType body (400 or 404)."""

    def __init__(self, status: int, detail: str, code: str, path: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.code, self.path = status, detail, code, path


def now_utc() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Faults:
    """What the control API injects: slowness, outages, dropped connections, redelivered events."""

    latency_ms: int = 0
    unavailable_until: float = 0.0  # monotonic deadline of a 503 outage
    drop_connections: int = 0  # the next n OHIP calls lose their connection
    drop_after_apply: bool = True  # the change happens, the answer is lost (a timeout's worst case)
    duplicate_events: bool = False  # each dequeued business event stays queued once more

    def as_json(self) -> dict[str, Any]:
        remaining = max(0.0, self.unavailable_until - time.monotonic())
        return {
            "latencyMs": self.latency_ms,
            "unavailableForSeconds": round(remaining, 3),
            "dropConnections": self.drop_connections,
            "dropAfterApply": self.drop_after_apply,
            "duplicateEvents": self.duplicate_events,
        }


@dataclass
class OperaState:
    hotel_id: str = "HOTEL1"
    client_id: str = "hotel-platform"
    client_secret: str = "mock-opera-secret"
    app_key: str = "9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
    ext_system_code: str = "HOTELOPS"
    token_ttl_s: int = 3600
    snapshot_path: Path | None = None
    rooms: dict[str, dict[str, Any]] = field(default_factory=dict)
    reservations: dict[str, dict[str, Any]] = field(default_factory=dict)
    postings: list[dict[str, Any]] = field(default_factory=list)
    events: deque = field(default_factory=deque)
    calls: list[dict[str, Any]] = field(default_factory=list)
    tokens: dict[str, float] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    counters: dict[str, int] = field(
        default_factory=lambda: {
            "reservation": 236550,
            "confirmation": 379250,
            "trx": 1234560,
            "event": 0,
            "call": 0,
            "profile": 288100,
        }
    )
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- persistence ---------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return {
            "rooms": self.rooms,
            "reservations": self.reservations,
            "postings": self.postings,
            "events": list(self.events),
            "counters": self.counters,
        }

    def save(self) -> None:
        if self.snapshot_path is None:
            return
        temporary = self.snapshot_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.snapshot(), default=str))
        os.replace(temporary, self.snapshot_path)

    def load(self) -> bool:
        if self.snapshot_path is None or not self.snapshot_path.is_file():
            return False
        saved = json.loads(self.snapshot_path.read_text())
        self.rooms, self.reservations = saved["rooms"], saved["reservations"]
        self.postings, self.events = saved["postings"], deque(saved["events"])
        self.counters.update(saved["counters"])
        return True

    def _next(self, name: str) -> int:
        self.counters[name] += 1
        return self.counters[name]

    # --- tokens --------------------------------------------------------------------------------

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = time.monotonic() + self.token_ttl_s
        return token

    def token_is_valid(self, token: str) -> bool:
        with self.lock:
            expiry = self.tokens.get(token)
            return expiry is not None and expiry > time.monotonic()

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    # --- the call log --------------------------------------------------------------------------

    def log_call(self, entry: dict[str, Any]) -> None:
        with self.lock:
            entry["seq"] = self._next("call")
            self.calls.append(entry)
            del self.calls[:-CALL_LOG_LIMIT]

    def calls_since(self, seq: int) -> list[dict[str, Any]]:
        with self.lock:
            return [call for call in self.calls if call["seq"] > seq]

    # --- business events -----------------------------------------------------------------------

    def _emit(self, module: str, action: str, key: str, details: list[dict[str, Any]]) -> None:
        event_id = self._next("event")
        self.events.append(
            {
                "businessEventId": str(event_id),
                "businessEvent": {
                    "header": {
                        "moduleName": module,
                        "actionType": action,
                        "primaryKey": key,
                        "hotelId": self.hotel_id,
                        "createdDateTime": iso(now_utc()),
                        "actionInstanceId": str(event_id),
                    },
                    "details": details,
                },
            }
        )

    def dequeue_events(self, limit: int) -> list[dict[str, Any]]:
        with self.lock:
            taken = [self.events.popleft() for _ in range(min(limit, len(self.events)))]
            if self.faults.duplicate_events:
                # Each comes back once more in a later poll, as a redelivery would.
                self.events.extend(
                    {**event, "redelivered": True}
                    for event in taken
                    if not event.get("redelivered")
                )
            self.save()
            return taken

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
        self, room_ids: list[str], status: str | None, occupancy: str | None, *, by_interface: bool
    ) -> None:
        """`putRoomRelatedStatus`, or a PMS user changing the board (by_interface False)."""
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
                if status is not None and status != old:
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

    def overview(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(self.rooms[key]) for key in sorted(self.rooms)]

    def effective_status(self, room: dict[str, Any]) -> str:
        return (
            room["outOfOrder"]["housekeepingRoomStatus"]
            if room["outOfOrder"]
            else (room["housekeepingRoomStatus"])
        )

    # --- reservations --------------------------------------------------------------------------

    def add_reservation(self, details: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            reservation_id = str(self._next("reservation"))
            stamp = iso(now_utc())
            reservation = {
                "reservationId": reservation_id,
                "confirmationNumber": str(self._next("confirmation")),
                "profileId": str(self._next("profile")),
                "roomId": details.get("roomId"),
                "roomType": details.get("roomType", "STDK"),
                "givenName": details.get("givenName", ""),
                "surname": details.get("surname", ""),
                "email": details.get("email"),
                "arrivalDate": details["arrivalDate"],
                "departureDate": details["departureDate"],
                "adultCount": details.get("adultCount", 1),
                "reservationStatus": details.get("reservationStatus", RESERVED),
                "createDateTime": stamp,
                "lastModifyDateTime": stamp,
            }
            if reservation["roomId"] is not None:
                self.room(reservation["roomId"])
            self.reservations[reservation_id] = reservation
            self._emit(
                RESERVATION_MODULE,
                NEW_RESERVATION,
                reservation_id,
                [
                    {"dataElement": "Arrival Date", "newValue": reservation["arrivalDate"]},
                    {"dataElement": "Room", "newValue": reservation["roomId"]},
                ],
            )
            if reservation["reservationStatus"] == IN_HOUSE and reservation["roomId"]:
                self._occupy(reservation["roomId"], True)
            self.save()
            return dict(reservation)

    def reservation(self, reservation_id: str) -> dict[str, Any]:
        reservation = self.reservations.get(reservation_id)
        if reservation is None:
            raise OperaError(404, "Reservation can't be found", "FOF00066", "reservationId")
        return reservation

    def modify_reservation(self, reservation_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        editable = (
            "roomId",
            "givenName",
            "surname",
            "email",
            "arrivalDate",
            "departureDate",
            "adultCount",
            "roomType",
        )
        with self.lock:
            reservation = self.reservation(reservation_id)
            if changes.get("roomId") is not None:
                self.room(changes["roomId"])
            details = []
            for key in editable:
                if key in changes and changes[key] != reservation[key]:
                    details.append(
                        {"dataElement": key, "oldValue": reservation[key], "newValue": changes[key]}
                    )
                    reservation[key] = changes[key]
            if details:
                reservation["lastModifyDateTime"] = iso(now_utc())
                self._emit(RESERVATION_MODULE, UPDATE_RESERVATION, reservation_id, details)
            self.save()
            return dict(reservation)

    def cancel_reservation(self, reservation_id: str) -> dict[str, Any]:
        with self.lock:
            reservation = self.reservation(reservation_id)
            if reservation["reservationStatus"] not in (RESERVED, "DueIn"):
                raise OperaError(
                    400,
                    "Only a reservation not yet arrived can be cancelled",
                    "RSV00031",
                    "reservationStatus",
                )
            self._move(reservation, CANCELLED, CANCEL_RESERVATION)
            self.save()
            return dict(reservation)

    def check_in(self, reservation_id: str, room_id: str | None) -> dict[str, Any]:
        with self.lock:
            reservation = self.reservation(reservation_id)
            if reservation["reservationStatus"] not in (RESERVED, "DueIn"):
                raise OperaError(400, "Reservation is not due in", "FOF00109", "reservationStatus")
            room_id = room_id or reservation["roomId"]
            if room_id is None:
                raise OperaError(400, "A room must be assigned to check in", "FOF00114", "roomId")
            self.room(room_id)
            reservation["roomId"] = room_id
            self._move(reservation, IN_HOUSE, CHECK_IN)
            self._occupy(room_id, True)
            self.save()
            return dict(reservation)

    def check_out(self, reservation_id: str, room_status: str | None) -> dict[str, Any]:
        with self.lock:
            reservation = self.reservation(reservation_id)
            if reservation["reservationStatus"] != IN_HOUSE:
                raise OperaError(
                    400, "Reservation is not in house", "FOF00109", "reservationStatus"
                )
            self._move(reservation, CHECKED_OUT, CHECK_OUT)
            room = self.room(reservation["roomId"])
            self._occupy(room["roomId"], False)
            if not room["outOfOrder"]:
                status = room_status if room_status in SETTABLE_BY_STATUS_CALL else "Dirty"
                self.set_room_status([room["roomId"]], status, "Vacant", by_interface=False)
            self.save()
            return dict(reservation)

    def _move(self, reservation: dict[str, Any], status: str, action: str) -> None:
        old = reservation["reservationStatus"]
        reservation["reservationStatus"] = status
        reservation["lastModifyDateTime"] = iso(now_utc())
        self._emit(
            RESERVATION_MODULE,
            action,
            reservation["reservationId"],
            [
                {"dataElement": "Reservation Status", "oldValue": old, "newValue": status},
                {"dataElement": "Room", "newValue": reservation["roomId"]},
            ],
        )

    def _occupy(self, room_id: str, occupied: bool) -> None:
        self.room(room_id)["frontOfficeStatus"] = "Occupied" if occupied else "Vacant"

    def search_reservations(self, criteria: dict[str, Any]) -> list[dict[str, Any]]:
        def within(value: str, start: str | None, end: str | None) -> bool:
            return (start is None or value >= start) and (end is None or value <= end)

        statuses: set[str] = set()
        for name in criteria.get("reservationStatuses") or []:
            statuses |= SEARCH_STATUS_TO_RESPONSE.get(name, {name})
        ids = set(criteria.get("reservationIdList") or [])
        with self.lock:
            found = [
                dict(r)
                for r in self.reservations.values()
                if within(
                    r["arrivalDate"],
                    criteria.get("arrivalStartDate"),
                    criteria.get("arrivalEndDate"),
                )
                and within(
                    r["departureDate"],
                    criteria.get("departureStartDate"),
                    criteria.get("departureEndDate"),
                )
                and (not statuses or r["reservationStatus"] in statuses)
                and (not ids or r["reservationId"] in ids)
                and (criteria.get("roomId") is None or r["roomId"] == criteria["roomId"])
            ]
        return sorted(found, key=lambda r: (r["arrivalDate"], int(r["reservationId"])))

    # --- cashiering ----------------------------------------------------------------------------

    def post_charges(self, reservation_id: str, charges: list[dict[str, Any]]) -> list[dict]:
        with self.lock:
            reservation = self.reservation(reservation_id)
            if reservation["reservationStatus"] != IN_HOUSE:
                raise OperaError(
                    400, "Charges post only to an in-house reservation", "CSH00042", "reservationId"
                )
            posted = []
            today = now_utc().date().isoformat()
            for charge in charges:
                price = charge.get("price") or {}
                try:
                    amount = Decimal(str(price["amount"]))
                except Exception:
                    raise OperaError(400, "price.amount is required", "CSH00010", "price") from None
                quantity = int(charge.get("postingQuantity") or 1)
                total = amount * quantity
                posting = {
                    "transactionNo": self._next("trx"),
                    "reservationId": reservation_id,
                    "transactionCode": str(charge.get("transactionCode") or ""),
                    "transactionDescription": "Room Service",
                    "price": {"amount": float(amount), "currencyCode": price.get("currencyCode")},
                    "postedAmount": {
                        "amount": float(total),
                        "currencyCode": price.get("currencyCode"),
                    },
                    "quantity": quantity,
                    "transactionType": "Revenue",
                    "debitAmount": float(total) if total >= 0 else 0.0,
                    "creditAmount": float(-total) if total < 0 else 0.0,
                    "reference": charge.get("postingReference"),
                    "remark": charge.get("postingRemark"),
                    "checkNo": charge.get("checkNumber"),
                    "postingDate": today,
                    "revenueDate": today,
                    "folioWindowNo": charge.get("folioWindowNo") or 1,
                }
                self.postings.append(posting)
                posted.append(posting)
            self.save()
            return [dict(p) for p in posted]

    def postings_of(self, reservation_id: str) -> list[dict[str, Any]]:
        with self.lock:
            self.reservation(reservation_id)
            return [dict(p) for p in self.postings if p["reservationId"] == reservation_id]

    # --- faults --------------------------------------------------------------------------------

    def set_faults(self, settings: dict[str, Any]) -> None:
        with self.lock:
            if "latencyMs" in settings:
                self.faults.latency_ms = int(settings["latencyMs"])
            if "unavailableForSeconds" in settings:
                self.faults.unavailable_until = time.monotonic() + float(
                    settings["unavailableForSeconds"]
                )
            if "dropConnections" in settings:
                self.faults.drop_connections = int(settings["dropConnections"])
            if "dropAfterApply" in settings:
                self.faults.drop_after_apply = bool(settings["dropAfterApply"])
            if "duplicateEvents" in settings:
                self.faults.duplicate_events = bool(settings["duplicateEvents"])

    def take_drop(self) -> bool:
        with self.lock:
            if self.faults.drop_connections <= 0:
                return False
            self.faults.drop_connections -= 1
            return True

    def is_unavailable(self) -> bool:
        return self.faults.unavailable_until > time.monotonic()


def demo_state(**settings: Any) -> OperaState:
    """The demo hotel as OPERA knows it: rooms 101-110 and 201-210, and a few in-house guests."""
    state = OperaState(**settings)
    if state.load():
        return state
    types = ["ECON", "ECON", "STDK", "STDK", "STDK", "STDK", "DLXK", "DLXK", "DLXK", "SUIT"]
    for floor in (1, 2):
        for position, room_type in enumerate(types, start=1):
            state.add_room(f"{floor}{position:02d}", room_type, str(floor))
    today = now_utc().date()
    for room_id, given, surname in (("106", "Grace", "Hopper"), ("208", "Alan", "Turing")):
        state.add_reservation(
            {
                "roomId": room_id,
                "givenName": given,
                "surname": surname,
                "email": f"{given.lower()}@example.org",
                "arrivalDate": today.isoformat(),
                "departureDate": (today + timedelta(days=3)).isoformat(),
            }
        )
    for reservation in list(state.reservations.values()):
        state.check_in(reservation["reservationId"], None)
    state.add_reservation(
        {
            "roomId": "104",
            "givenName": "Ada",
            "surname": "Lovelace",
            "email": "ada@example.org",
            "arrivalDate": (today + timedelta(days=1)).isoformat(),
            "departureDate": (today + timedelta(days=4)).isoformat(),
        }
    )
    return state

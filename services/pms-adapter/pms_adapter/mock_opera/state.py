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
from datetime import timedelta
from pathlib import Path
from typing import Any

from pms_adapter.mock_opera.front_desk import FrontDesk
from pms_adapter.mock_opera.room_board import RoomBoard
from pms_adapter.mock_opera.vocabulary import (
    CALL_LOG_LIMIT,
    OperaError,
    iso,
    now_utc,
)

__all__ = ["OperaError", "OperaState", "demo_state"]


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
class OperaState(RoomBoard, FrontDesk):
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

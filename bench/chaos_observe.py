"""What `make chaos` reads from the running stack for its checker: the services' databases
(outbox, processed_events, side effects), the API as a client sees it, the mock OPERA's board.

Reading the databases directly is the harness's privilege, not a service's: it is how the
checker sees what every consumer applied without trusting the consumers' own APIs.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import requests
from pymongo import MongoClient

from chaos_check import Observed, OutboxEvent, RoomView
from fnb.handlers import HANDLERS as FNB_HANDLERS
from hotel_devstack.services import DATABASES
from hotel_shared.inbox import EVERY_EVENT
from hotel_shared.revocations import REVOCATION_HANDLERS
from notifications.events import NOTIFIED_EVENTS
from pms_adapter.handlers import HANDLERS as PMS_HANDLERS
from rooms.handlers import HANDLERS as ROOMS_HANDLERS
from tasks.handlers import HANDLERS as TASKS_HANDLERS

PRODUCERS = ("auth", "rooms", "fnb", "tasks", "notifications", "pms-adapter")
# Each consuming service's queue bindings, from its own HANDLERS (what bind_handlers binds).
BINDINGS: dict[str, tuple[str, ...]] = {
    "auth": (EVERY_EVENT,),
    "rooms": tuple(ROOMS_HANDLERS),
    "fnb": tuple(FNB_HANDLERS),
    "tasks": tuple(TASKS_HANDLERS),
    "notifications": (*NOTIFIED_EVENTS, *REVOCATION_HANDLERS),
    "pms-adapter": tuple(PMS_HANDLERS),
}
CLEANING = "cleaning"


def database(service: str) -> str:
    return DATABASES.get(service, f"hotel_{service.replace('-', '_')}")


class StackReader:
    """Reads for the checker; `api` calls go through the gateway with the admin's token."""

    def __init__(self, mongo_url: str, gateway_url: str, mock_url: str, headers: dict[str, str]):
        self.client = MongoClient(mongo_url, serverSelectionTimeoutMS=5000)
        self.gateway_url = gateway_url
        self.mock_url = mock_url
        self.headers = headers
        self.http = requests.Session()

    def close(self) -> None:
        self.client.close()
        self.http.close()

    def db(self, service: str):
        return self.client[database(service)]

    def api(self, path: str, **params) -> dict:
        response = self.http.get(
            f"{self.gateway_url}{path}", params=params, headers=self.headers, timeout=10
        )
        response.raise_for_status()
        return response.json()

    # --- the API ------------------------------------------------------------------------------

    def rooms(self) -> RoomView:
        items = self.api("/api/rooms", limit=500)["items"]
        return {str(r["roomNumber"]): (r["housekeepingStatus"], int(r["version"])) for r in items}

    def task_statuses(self, rooms: list[str]) -> dict[str, str]:
        statuses = {}
        for room in rooms:
            for task in self.api("/api/tasks", room=room, limit=500)["items"]:
                statuses[str(task["taskId"])] = task["status"]
        return statuses

    def order_statuses(self, room: str) -> dict[str, str]:
        items = self.api("/api/orders", roomNumber=room, limit=500)["items"]
        return {str(order["id"]): order["status"] for order in items}

    def pms_rooms(self, rooms: list[str]) -> dict[str, str | None]:
        board = {}
        for room in rooms:
            response = self.http.get(f"{self.mock_url}/control/rooms/{room}", timeout=5)
            board[room] = response.json().get("housekeepingRoomStatus") if response.ok else None
        return board

    # --- the databases ------------------------------------------------------------------------

    def outbox_events(self, start: datetime) -> list[OutboxEvent]:
        events = []
        for service in PRODUCERS:
            for entry in self.db(service).outbox.find(
                {"createdAt": {"$gte": start}}, {"type": 1, "sentAt": 1}
            ):
                events.append(
                    OutboxEvent(
                        str(entry["_id"]), entry["type"], service, entry["sentAt"] is not None
                    )
                )
        return events

    def processed(self, ids: list[str]) -> dict[str, set[str]]:
        return {
            consumer: {
                str(doc["_id"])
                for doc in self.db(consumer).processed_events.find(
                    {"_id": {"$in": ids}}, {"_id": 1}
                )
            }
            for consumer in BINDINGS
        }

    def audit_counts(self, ids: list[str]) -> dict[str, int]:
        rows = self.db("auth").activity_logs.aggregate(
            [
                {"$match": {"eventId": {"$in": ids}}},
                {"$group": {"_id": "$eventId", "n": {"$sum": 1}}},
            ]
        )
        return {str(row["_id"]): row["n"] for row in rows}

    def cleaning_tasks(self, rooms: list[str], start: datetime) -> Counter[str]:
        # tasks keeps the ERD's names: `room` and `type` (the API adds roomNumber and jobType).
        found = self.db("tasks").tasks.find(
            {"room": {"$in": rooms}, "type": CLEANING, "createdAt": {"$gte": start}},
            {"room": 1},
        )
        return Counter(str(task["room"]) for task in found)

    def cleaned_by_tasks(self, rooms: list[str], start: datetime) -> Counter[str]:
        found = self.db("rooms").status_history.find(
            {
                "roomNumber": {"$in": rooms},
                "field": "housekeepingStatus",
                "source": "tasks",
                "time": {"$gte": start},
            },
            {"roomNumber": 1},
        )
        return Counter(str(entry["roomNumber"]) for entry in found)

    def bills_per_order(self, order_ids: list[str]) -> dict[str, int]:
        rows = self.db("fnb").billings.aggregate(
            [
                {"$match": {"orderId": {"$in": order_ids}}},
                {"$group": {"_id": "$orderId", "n": {"$sum": 1}}},
            ]
        )
        return {str(row["_id"]): row["n"] for row in rows}

    def orders_since(self, room: str, start: datetime) -> int:
        query = {"roomNumber": room, "checkedOutAt": {"$gte": start}}
        live = self.db("fnb").orders.count_documents(query)
        return live + self.db("fnb").cancelled_orders.count_documents(query)

    # --- all of it ----------------------------------------------------------------------------

    def observe(
        self,
        start: datetime,
        cycle_rooms: list[str],
        order_room: str,
        order_ids: list[str],
        pms_rooms: list[str],
    ) -> Observed:
        events = self.outbox_events(start)
        ids = [event.id for event in events]
        return Observed(
            events=events,
            processed=self.processed(ids),
            audit_counts=self.audit_counts(ids),
            cleaning_tasks=self.cleaning_tasks(cycle_rooms, start),
            rooms_cleaned_by_tasks=self.cleaned_by_tasks(cycle_rooms, start),
            bills_per_order=self.bills_per_order(order_ids),
            orders_in_window=self.orders_since(order_room, start),
            api_rooms=self.rooms(),
            api_tasks=self.task_statuses(cycle_rooms),
            api_orders=self.order_statuses(order_room),
            pms_rooms=self.pms_rooms(pms_rooms),
        )

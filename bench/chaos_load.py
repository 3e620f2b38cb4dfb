"""`make chaos`'s load: room changes, cleaning task steps and orders through the gateway, each
write's answer kept as the producers' truth (chaos_check.Truth).

Three kinds of producer run side by side on one asyncio loop:
- togglers: rooms 101-110 moved Clean <-> Inspected by the admin (no task follows such a move);
- cleaning cycles: rooms 201-205 set Dirty; tasks' consumer opens a clean, the load walks it
  (assign, acknowledged, in_progress, completed) and waits for rooms' consumer to turn the room
  Clean, then starts again. These waits run through the broker, so they stall while it is down;
- orders: a walk-in in room 210 orders one dish at a time (checkout with an Idempotency-Key)
  and the chef moves each order along to delivered (which writes the bill).

A write whose answer was lost (timeout, 5xx, connection refused) is not guessed: the producer
reads the entity back and takes what the API says as the truth, as a careful client would.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

from chaos_check import Truth

TOGGLED_ROOMS = [str(n) for n in range(101, 111)]
CYCLE_ROOMS = [str(n) for n in range(201, 206)]
ORDER_ROOM = "210"
HOUSEKEEPER = "HK-001"
ORDER_STEPS = ("acknowledged", "preparing", "on the way", "delivered")
TASK_STEPS = ("acknowledged", "in_progress", "completed")
CLOSED_TASK = ("completed", "cancelled")
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=10)


class Unanswered(Exception):
    """The API gave no usable answer (timeout, refused, 5xx): the outcome is unknown."""


@dataclass
class Load:
    gateway_url: str
    admin: dict[str, str]
    chef: dict[str, str]
    room_interval_s: float = 1.0
    truth: Truth = field(default_factory=Truth)
    errors: Counter[str] = field(default_factory=Counter)
    writes: int = 0
    # Set to stop starting new work; cycles under way are finished (their truth must be whole).
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    food_id: str | None = None
    stop_seconds: float | None = None

    # --- HTTP ---------------------------------------------------------------------------------

    async def call(
        self, session: aiohttp.ClientSession, method: str, path: str, headers, **kwargs
    ) -> tuple[int, dict]:
        """(status, body) of an answered request; Unanswered when there was none to trust."""
        try:
            async with session.request(
                method, f"{self.gateway_url}{path}", headers=headers, **kwargs
            ) as response:
                body = (
                    await response.json(content_type=None) if response.content_length != 0 else {}
                )
                status = response.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            self.errors[f"{method} {_what(path)} {type(error).__name__}"] += 1
            raise Unanswered(str(error)) from None
        if status >= 500:
            self.errors[f"{method} {_what(path)} {status} {(body or {}).get('code')}"] += 1
            raise Unanswered(f"{status}")
        return status, body or {}

    async def read_back(self, session, path: str, headers) -> dict:
        """GET until it answers 200: the truth after a write whose answer was lost. A refused
        read (4xx) is the harness's own mistake and stops the load."""
        while True:
            try:
                status, body = await self.call(session, "GET", path, headers)
            except Unanswered:
                await asyncio.sleep(0.5)
                continue
            if status == 200:
                return body
            raise RuntimeError(f"GET {path} answered {status}: {body}")

    async def write(self, session, method: str, path: str, headers, body, read_path: str):
        """A write; its answer when it had one, else (None, what GET read_path says now)."""
        self.writes += 1
        try:
            status, answer = await self.call(session, method, path, headers, json=body)
        except Unanswered:
            return None, await self.read_back(session, read_path, headers)
        if status >= 400:
            self.errors[f"{method} {_what(path)} {status} {answer.get('code')}"] += 1
        return status, answer

    # --- producers ----------------------------------------------------------------------------

    async def run(self) -> None:
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as session:
            self.food_id = await self._a_food(session)
            await asyncio.gather(
                *(self._toggle(session, room, i) for i, room in enumerate(TOGGLED_ROOMS)),
                *(self._clean_cycles(session, room) for room in CYCLE_ROOMS),
                self._orders(session),
            )

    def _keep_room(self, room: dict) -> None:
        number = str(room["roomNumber"])
        self.truth.rooms[number] = (room["housekeepingStatus"], int(room["version"]))

    async def _room(self, session, room: str) -> dict:
        return await self.read_back(session, f"/api/rooms/{room}", self.admin)

    async def _set_room(self, session, room: str, status: str) -> bool:
        """True when this very write moved the room (a 200 answer, or read back so)."""
        path = f"/api/rooms/{room}/status"
        before = self.truth.rooms.get(room)
        code, answer = await self.write(
            session, "PATCH", path, self.admin, {"housekeepingStatus": status}, f"/api/rooms/{room}"
        )
        if code is not None and code != 200:
            answer = await self._room(session, room)
        self._keep_room(answer)
        moved = self.truth.rooms[room]
        return moved[0] == status and (before is None or moved[1] > before[1])

    async def _toggle(self, session, room: str, index: int) -> None:
        await asyncio.sleep(index * self.room_interval_s / len(TOGGLED_ROOMS))
        self._keep_room(await self._room(session, room))
        while not self.stopping.is_set():
            current = self.truth.rooms[room][0]
            await self._set_room(session, room, "Inspected" if current == "Clean" else "Clean")
            await asyncio.sleep(self.room_interval_s)

    async def _clean_cycles(self, session, room: str) -> None:
        self._keep_room(await self._room(session, room))
        while not self.stopping.is_set():
            if self.truth.rooms[room][0] != "Dirty":
                if await self._set_room(session, room, "Dirty"):
                    self.truth.dirty_moves[room] += 1
                else:
                    await asyncio.sleep(1)
                    continue
            task = await self._open_clean(session, room)
            if await self._walk(session, task) != "completed":
                continue  # someone else moved it (cancelled?): the next look finds what is open
            self.truth.cleans_completed[room] += 1
            while self.truth.rooms[room][0] != "Clean":
                await asyncio.sleep(0.5)
                self._keep_room(await self._room(session, room))

    async def _open_clean(self, session, room: str) -> dict:
        """The clean tasks' consumer opened for the room (waits as long as the pipeline does)."""
        while True:
            try:
                status, page = await self.call(
                    session, "GET", "/api/tasks", self.admin, params={"room": room, "limit": 50}
                )
                open_cleans = [
                    t
                    for t in page.get("items", [])
                    if t.get("jobType") == "cleaning" and t["status"] not in CLOSED_TASK
                ]
                if status == 200 and open_cleans:
                    return open_cleans[0]
            except Unanswered:
                pass
            await asyncio.sleep(0.5)

    async def _walk(self, session, task: dict) -> str:
        """Assign the task when nobody has it, then step it to completed; its last status."""
        task_id = str(task["taskId"])
        read = f"/api/tasks/{task_id}"
        self.truth.tasks[task_id] = task["status"]
        if task["status"] == "pending":
            code, answer = await self.write(
                session,
                "POST",
                f"/api/tasks/{task_id}/assign",
                self.admin,
                {"employeeId": HOUSEKEEPER},
                read,
            )
            if code is not None and code != 200:  # e.g. assigned meanwhile: see who has it
                answer = await self.read_back(session, read, self.admin)
            self.truth.tasks[task_id] = answer["status"]
        for step in TASK_STEPS:
            if _rank(self.truth.tasks[task_id]) > TASK_STEPS.index(step):
                continue
            code, answer = await self.write(
                session, "PATCH", f"/api/tasks/{task_id}/status", self.admin, {"status": step}, read
            )
            if code is not None and code != 200:
                answer = await self.read_back(session, read, self.admin)
            self.truth.tasks[task_id] = answer["status"]
        return self.truth.tasks[task_id]

    async def _a_food(self, session) -> str:
        body = await self.read_back(session, "/api/menu?available=true", self.admin)
        items = body.get("items", body) if isinstance(body, dict) else body
        return str(next(food["id"] for food in items if food.get("available", True)))

    async def _orders(self, session) -> None:
        while not self.stopping.is_set():
            order = await self._place_order(session)
            if order is None:
                await asyncio.sleep(1)
                continue
            await self._deliver(session, order)
            await asyncio.sleep(0.5)

    async def _place_order(self, session) -> dict | None:
        """Put a dish in the cart and check out; a lost answer is retried with the same key
        until one comes (giving up would leave an order the truth does not know of)."""
        cart = f"/api/carts/{ORDER_ROOM}"
        await self.write(
            session, "POST", f"{cart}/items", self.admin, {"foodId": self.food_id}, cart
        )
        key = uuid.uuid4().hex
        headers = {**self.admin, "Idempotency-Key": key}
        while True:
            self.writes += 1
            try:
                status, order = await self.call(session, "POST", f"{cart}/checkout", headers)
            except Unanswered:
                await asyncio.sleep(0.5)
                continue
            if status == 201:
                self.truth.orders_placed += 1
                self.truth.orders[str(order["id"])] = order["status"]
                return order
            self.errors[f"checkout {status} {order.get('code')}"] += 1
            return None

    async def _deliver(self, session, order: dict) -> None:
        order_id = str(order["id"])
        read = f"/api/orders/{order_id}"
        for step in ORDER_STEPS:
            if _order_rank(self.truth.orders[order_id]) >= _order_rank(step):
                continue
            code, answer = await self.write(
                session, "PATCH", f"{read}/status", self.chef, {"status": step}, read
            )
            if code is not None and code != 200:
                answer = await self.read_back(session, read, self.chef)
            self.truth.orders[order_id] = answer["status"]


def _what(path: str) -> str:
    """The resource a path names, for error counts: /api/rooms/101/status -> rooms/status."""
    parts = path.split("?")[0].strip("/").split("/")[1:]
    return "/".join(part for part in parts if not any(c.isdigit() for c in part))


def _rank(task_status: str) -> int:
    """How many of TASK_STEPS a task has behind it (0: not yet acknowledged, or paused)."""
    return TASK_STEPS.index(task_status) + 1 if task_status in TASK_STEPS else 0


def _order_rank(status: str) -> int:
    return ("pending", *ORDER_STEPS).index(status) if status in ("pending", *ORDER_STEPS) else -1


async def stop_after_cycles(load: Load, task: asyncio.Task, budget_s: float) -> bool:
    """Stop starting new work and give the cycles under way `budget_s` to finish; True if they
    did (else they are cancelled and their unfinished steps show in the checker's counts)."""
    load.stopping.set()
    started = time.monotonic()
    try:
        await asyncio.wait_for(asyncio.shield(task), budget_s)
        return True
    except TimeoutError:
        task.cancel()
        try:
            await task
        except (asyncio.CancelledError, Exception):
            pass
        return False
    finally:
        load.stop_seconds = round(time.monotonic() - started, 1)

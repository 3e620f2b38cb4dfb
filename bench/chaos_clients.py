"""`make chaos`'s watching clients: Socket.IO clients through the gateway for a whole scenario,
each keeping its own view of every room from `room.status_changed` hints.

A client keeps, per room, the state with the highest version it has heard of. It catches up the
way the web app does (web/src/socket.ts): when the socket comes back after a drop it refetches
(`GET /api/rooms`) and takes what is newer. It does not refetch on every hint, as the dashboard's
views do: a view built from the hints alone shows whether the hints themselves arrived, which
refetching on each hint would hide. Every hint is counted per (room, version), so a client that
hears one event twice says so.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import aiohttp
import socketio

from chaos_check import RoomView, newer

EVENT = "room.status_changed"


class WatchingClient:
    def __init__(self, gateway_url: str, token: str) -> None:
        self.gateway_url = gateway_url
        self.token = token
        self.view: RoomView = {}
        self.heard: Counter[tuple[str, int]] = Counter()
        self.connects = 0
        self.refetches = 0
        self.sio = socketio.AsyncClient(
            reconnection=True,
            reconnection_delay=0.5,
            reconnection_delay_max=2,
            handle_sigint=False,
        )
        self.sio.on(EVENT, self._on_hint)
        self.sio.on("connect", self._on_connect)

    async def start(self) -> None:
        await self.sio.connect(
            self.gateway_url,
            auth={"token": self.token},
            transports=["websocket"],
            wait_timeout=10,
        )
        await self.refetch()

    async def stop(self) -> None:
        try:
            async with asyncio.timeout(10):
                await self.sio.disconnect()
        except TimeoutError:
            pass

    async def _on_connect(self) -> None:
        self.connects += 1
        if self.connects > 1:  # a reconnect: catch up as the web app does
            asyncio.get_running_loop().create_task(self.refetch())

    async def _on_hint(self, payload: dict) -> None:
        try:
            state = (str(payload["housekeepingStatus"]), int(payload["version"]))
            room = str(payload["roomNumber"])
        except (KeyError, TypeError, ValueError):
            return
        self.heard[(room, state[1])] += 1
        if newer(self.view.get(room), state):
            self.view[room] = state

    async def refetch(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        url = f"{self.gateway_url}/api/rooms"
        timeout = aiohttp.ClientTimeout(total=10)
        for _attempt in range(20):
            try:
                async with (
                    aiohttp.ClientSession(timeout=timeout) as http,
                    http.get(url, params={"limit": 500}, headers=headers) as response,
                ):
                    if response.status == 200:
                        items = (await response.json())["items"]
                        break
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(1)
        else:
            return
        self.refetches += 1
        for room in items:
            state = (room["housekeepingStatus"], int(room["version"]))
            if newer(self.view.get(str(room["roomNumber"])), state):
                self.view[str(room["roomNumber"])] = state

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in self.heard.values() if count > 1)

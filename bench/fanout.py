"""P4's harness: many Socket.IO clients on one asyncio loop, updates sent over HTTP at a fixed
rate, every received event matched to its send (same process, one monotonic clock, no skew).

`fanout()` connects `clients` python-socketio AsyncClients (WebSocket only, in batches), then
sends update i at start + i/rate (open loop, whatever earlier sends are doing) through the given
`send` coroutine, which performs the HTTP request and returns the (roomNumber, version) the
server reports for it. Each client records (roomNumber, version, monotonic time) of every
`room.status_changed` it hears; after the run, each record is matched to its send. Latency runs
from the send's due time to the client's receipt, so a late send (a saturated client) is charged
against the server, never hidden; `clientLag*` says how late this process itself was.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable

import aiohttp
import socketio

from loadgen import percentile

EVENT = "room.status_changed"
Key = tuple[str, int]
# send(session, index) -> (roomNumber, version) of the update the server made; raises on failure
Send = Callable[[aiohttp.ClientSession, int], Awaitable[Key]]


class _Listener:
    """One AsyncClient recording what it hears, and whether it dropped."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, int, float]] = []
        self.disconnected = False
        self.client = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.client.on(EVENT, self._on_event)
        self.client.on("disconnect", self._on_disconnect)

    async def _on_event(self, payload: dict) -> None:
        received = time.monotonic()
        self.heard.append((str(payload.get("roomNumber")), payload.get("version"), received))

    async def _on_disconnect(self, *_args) -> None:
        self.disconnected = True


def fanout(
    *,
    socket_url: str,
    token: str,
    send: Send,
    clients: int,
    rate: float,
    seconds: float,
    warmup_s: float,
    batch: int = 50,
    connect_budget_s: float = 60,
    drain_s: float = 5,
    http_timeout_s: float = 5,
) -> dict:
    return asyncio.run(
        _fanout(
            socket_url,
            token,
            send,
            clients,
            rate,
            seconds,
            warmup_s,
            batch,
            connect_budget_s,
            drain_s,
            http_timeout_s,
        )
    )


async def _connect_all(
    url: str, token: str, clients: int, batch: int, budget_s: float
) -> tuple[list[_Listener], Counter[str], float]:
    """Connect up to `clients` listeners, `batch` at a time, within `budget_s` seconds."""
    connected: list[_Listener] = []
    errors: Counter[str] = Counter()
    started = time.monotonic()
    deadline = started + budget_s

    async def connect_one(listener: _Listener) -> None:
        try:
            async with asyncio.timeout(15):
                await listener.client.connect(
                    url, auth={"token": token}, transports=["websocket"], wait_timeout=10
                )
            connected.append(listener)
        except Exception as error:
            errors[f"{type(error).__name__}: {error}"[:120]] += 1

    while len(connected) < clients and time.monotonic() < deadline:
        wanted = min(batch, clients - len(connected))
        before = len(connected)
        await asyncio.gather(*(connect_one(_Listener()) for _ in range(wanted)))
        if len(connected) == before:  # a whole batch refused: more attempts will not help
            break
    return connected, errors, round(time.monotonic() - started, 1)


async def _disconnect_all(listeners: list[_Listener], batch: int) -> None:
    for first in range(0, len(listeners), batch):
        chunk = listeners[first : first + batch]
        try:
            async with asyncio.timeout(10):
                await asyncio.gather(
                    *(listener.client.disconnect() for listener in chunk), return_exceptions=True
                )
        except TimeoutError:
            pass


async def _fanout(
    url, token, send, clients, rate, seconds, warmup_s, batch, connect_budget_s, drain_s, http_s
) -> dict:
    listeners, connect_errors, connect_s = await _connect_all(
        url, token, clients, batch, connect_budget_s
    )
    if not listeners:
        raise RuntimeError(f"no Socket.IO client could connect to {url}: {dict(connect_errors)}")
    try:
        return await _measure(
            listeners, send, rate, seconds, warmup_s, drain_s, http_s, connect_errors, connect_s
        ) | {"clientsWanted": clients}
    finally:
        await _disconnect_all(listeners, batch)


async def _measure(
    listeners, send, rate, seconds, warmup_s, drain_s, http_s, connect_errors, connect_s
) -> dict:
    start = time.monotonic() + 0.1
    measure_from = start + warmup_s
    wall_offset = time.time() - time.monotonic()  # for the breakdown against servers' clocks
    sends: dict[Key, tuple[float, bool]] = {}  # key -> (due time, counted)
    by_second: dict[int, list[float]] = {}  # second of the window (by due time) -> latencies
    http_ms: list[float] = []
    send_lags: list[float] = []
    errors: Counter[str] = Counter()
    loop_lags: list[float] = []
    running = True

    async def watch_loop() -> None:
        """How late the event loop wakes a 10 ms sleep: this process's own saturation."""
        while running:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            if before >= measure_from:
                loop_lags.append(time.monotonic() - before - 0.01)

    async def send_one(session: aiohttp.ClientSession, index: int, due: float, counted: bool):
        try:
            async with asyncio.timeout(http_s):
                key = await send(session, index)
        except Exception as error:
            if counted:
                errors[f"{type(error).__name__}: {error}"[:120]] += 1
            return
        if counted:
            http_ms.append((time.monotonic() - due) * 1000)
        if key in sends:
            errors["same (roomNumber, version) twice"] += 1
        sends[key] = (due, counted)

    watcher = asyncio.create_task(watch_loop())
    cpu_from: float | None = None
    total = int(rate * (warmup_s + seconds))
    connector = aiohttp.TCPConnector(limit=32)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = []
        for index in range(total):
            due = start + index / rate
            if (delay := due - time.monotonic()) > 0:
                await asyncio.sleep(delay)
            counted = due >= measure_from
            if counted and cpu_from is None:
                cpu_from, wall_from = time.process_time(), time.monotonic()
            if counted:
                send_lags.append(time.monotonic() - due)
            tasks.append(asyncio.create_task(send_one(session, index, due, counted)))
        await asyncio.gather(*tasks)
    sent_until = time.monotonic()
    client_cpu = (time.process_time() - cpu_from) / (sent_until - wall_from) if cpu_from else None

    # Drain: wait until every client heard every counted update, or drain_s passes.
    counted_keys = {key for key, (_, counted) in sends.items() if counted}
    clients = [listener for listener in listeners if not listener.disconnected]
    deadline = sent_until + drain_s
    wanted = len(sends) * len(clients)  # warm-up updates included: clients hear those too
    while time.monotonic() < deadline:
        if sum(len(listener.heard) for listener in clients) >= wanted:
            break
        await asyncio.sleep(0.1)
    running = False
    await watcher

    latencies: list[float] = []
    first_ms: dict[Key, float] = {}  # per update: the earliest and latest client receipt
    last_ms: dict[Key, float] = {}
    duplicates = unmatched = delivered = 0
    short_clients = 0
    for listener in listeners:
        seen: set[Key] = set()
        for room, version, received in listener.heard:
            key = (room, version)
            found = sends.get(key)
            if found is None:
                unmatched += 1  # an update this run did not send, or whose send failed
                continue
            due, counted = found
            if not counted:
                continue
            if key in seen:
                duplicates += 1
                continue
            seen.add(key)
            delivered += 1
            latency = (received - due) * 1000
            latencies.append(latency)
            by_second.setdefault(int(due - measure_from), []).append(latency)
            first_ms[key] = min(first_ms.get(key, latency), latency)
            last_ms[key] = max(last_ms.get(key, latency), latency)
        if len(seen) < len(counted_keys):
            short_clients += 1

    latencies.sort()
    firsts = sorted(first_ms.values())
    spreads = sorted(last_ms[key] - first_ms[key] for key in first_ms)
    http_ms.sort()
    send_lags.sort()
    loop_lags.sort()
    expected = len(counted_keys) * len(listeners)
    return {
        "clients": len(listeners),
        "connectSeconds": connect_s,
        "connectErrors": dict(connect_errors),
        "disconnectedDuringRun": sum(listener.disconnected for listener in listeners),
        "updatesPerSecond": rate,
        "durationS": seconds,
        "warmupS": warmup_s,
        "updatesSent": len(counted_keys),
        "httpErrors": dict(errors),
        "delivered": delivered,
        "expected": expected,
        "deliveredRatio": round(delivered / expected, 5) if expected else None,
        "clientsMissingEvents": short_clients,
        "duplicates": duplicates,
        "unmatchedEvents": unmatched,
        "eventsPerSecond": round(delivered / seconds, 1),
        **{
            f"p{label}Ms": round(percentile(latencies, fraction), 2)
            for label, fraction in (("50", 0.50), ("90", 0.90), ("99", 0.99), ("999", 0.999))
        },
        "maxMs": round(latencies[-1], 2) if latencies else None,
        "firstClientP50Ms": round(percentile(firsts, 0.50), 2),
        "firstClientP99Ms": round(percentile(firsts, 0.99), 2),
        "spreadP50Ms": round(percentile(spreads, 0.50), 2),
        "spreadP99Ms": round(percentile(spreads, 0.99), 2),
        "httpP50Ms": round(percentile(http_ms, 0.50), 2),
        "httpP99Ms": round(percentile(http_ms, 0.99), 2),
        "sendLagP99Ms": round(percentile(send_lags, 0.99) * 1000, 2),
        "clientLagP99Ms": round(percentile(loop_lags, 0.99) * 1000, 2),
        "clientLagMaxMs": round(loop_lags[-1] * 1000, 2) if loop_lags else None,
        "clientCpuCores": round(client_cpu, 2) if client_cpu is not None else None,
        # p99 per second of the window: a lone spike is a stall, a climbing line is queueing
        "p99BySecondMs": [
            round(percentile(sorted(by_second[second]), 0.99), 1) for second in sorted(by_second)
        ],
        # per counted update, wall-clock (due, first receipt, last receipt): read by the P4
        # breakdown (bench/breakdown.py), not written to the results
        "_timeline": {
            key: (
                sends[key][0] + wall_offset,
                sends[key][0] + first_ms[key] / 1000 + wall_offset,
                sends[key][0] + last_ms[key] / 1000 + wall_offset,
            )
            for key in first_ms
        },
    }

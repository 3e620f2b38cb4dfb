"""Load generators: wrk (closed loop) for max throughput, an asyncio open loop for latency."""

from __future__ import annotations

import asyncio
import json
import math
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_summary.lua"
SUMMARY_PREFIX = "BENCH_SUMMARY "


class BenchError(RuntimeError):
    """The bench itself could not measure (a tool is missing, a target does not answer 200)."""


@dataclass(frozen=True)
class Load:
    """What to request: one URL with fixed headers, on loopback."""

    url: str
    headers: tuple[tuple[str, str], ...] = ()

    def request_bytes(self) -> bytes:
        parts = urlsplit(self.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def request_at(self, index: int) -> bytes:
        return self.request_bytes()


@dataclass(frozen=True)
class RequestCycle:
    """Several prepared requests to one host, sent in turn (request i is requests[i % n]): a write
    load whose bodies differ, e.g. a status toggled room by room."""

    url: str  # any URL on the host: only its host and port are used
    requests: tuple[bytes, ...]

    def request_at(self, index: int) -> bytes:
        return self.requests[index % len(self.requests)]


def json_request(method: str, url: str, body: dict, headers: tuple[tuple[str, str], ...]) -> bytes:
    """One HTTP/1.1 request with a JSON body, as bytes for RequestCycle."""
    parts = urlsplit(url)
    payload = json.dumps(body).encode()
    lines = [f"{method} {parts.path} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def require_wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk is missing: `apt-get install wrk` (Debian package)")
    return found


def wrk_run(load: Load, *, seconds: float, connections: int, threads: int = 1) -> dict:
    """One closed-loop wrk run: `connections` keep-alive connections, each sending back to back."""
    argv = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s"]
    argv += ["--timeout", "5s", "--latency", "-s", str(WRK_SCRIPT)]
    for name, value in load.headers:
        argv += ["-H", f"{name}: {value}"]
    result = subprocess.run(
        [*argv, load.url], capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith(SUMMARY_PREFIX)]
    if result.returncode != 0 or not lines:
        raise BenchError(f"wrk failed (exit {result.returncode}): {result.stderr or result.stdout}")
    summary = json.loads(lines[-1].removeprefix(SUMMARY_PREFIX))
    errors = sum(summary[key] for key in ("connectErrors", "readErrors", "writeErrors", "timeouts"))
    return {
        "rps": round(summary["requests"] / (summary["durationUs"] / 1e6), 1),
        "requests": summary["requests"],
        "socketErrors": errors,
        "httpErrors": summary["httpErrors"],
        "p50Ms": summary["latencyP50Us"] / 1000,
        "p99Ms": summary["latencyP99Us"] / 1000,
    }


def max_throughput(
    loads: dict[str, Load], *, warmup_s: float, runs: int, run_s: float, connections: int
) -> dict[str, dict]:
    """Warm each load up, then `runs` rounds that visit the loads in turn, so slow drift on the
    machine hits every load alike. Each load's figure is its best round: other processes on the
    machine can only lower throughput, so the best round is the closest to the capacity."""
    for load in loads.values():
        wrk_run(load, seconds=warmup_s, connections=connections)
    rounds: dict[str, list[dict]] = {name: [] for name in loads}
    for _ in range(runs):
        for name, load in loads.items():
            rounds[name].append(wrk_run(load, seconds=run_s, connections=connections))
    figures = {}
    for name, results in rounds.items():
        best = max(results, key=lambda run: run["rps"])
        figures[name] = {
            "value": best["rps"],
            "unit": "req/s",
            "runsRps": [run["rps"] for run in results],
            "errors": sum(run["socketErrors"] + run["httpErrors"] for run in results),
            "closedLoopP50Ms": best["p50Ms"],
            "closedLoopP99Ms": best["p99Ms"],
            "connections": connections,
        }
    return figures


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = math.ceil(fraction * len(sorted_values)) - 1
    return sorted_values[max(0, min(len(sorted_values) - 1, rank))]


def fixed_rate(
    load: Load | RequestCycle,
    *,
    rate: float,
    seconds: float,
    warmup_s: float,
    max_connections: int = 64,
    timeout_s: float = 5.0,
) -> dict:
    """Open loop at a constant `rate`: request i is due at start + i/rate whatever the earlier ones
    did, and its latency runs from that due time, so a stall is charged to every request it
    delays (no coordinated omission). Only requests due after the warm-up are counted."""
    return asyncio.run(_open_loop(load, rate, seconds, warmup_s, max_connections, timeout_s))


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one HTTP/1.1 response; return (status, whether the connection may be reused)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while size := int((await reader.readline()).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return int(status_line.split()[1]), headers.get("connection") != "close"


async def _open_loop(load, rate, seconds, warmup_s, max_connections, timeout_s) -> dict:
    loop = asyncio.get_running_loop()
    parts = urlsplit(load.url)
    idle: asyncio.Queue = asyncio.Queue()
    start = loop.time() + 0.05
    measure_from = start + warmup_s
    opened = peak = 0
    latencies: list[float] = []
    by_second: dict[int, list[float]] = {}
    lags: list[float] = []
    errors: Counter[str] = Counter()

    async def acquire():
        nonlocal opened, peak
        if idle.empty() and opened < max_connections:
            opened += 1
            peak = max(peak, opened)
            try:
                return await asyncio.open_connection(parts.hostname, parts.port)
            except BaseException:
                opened -= 1
                raise
        return await idle.get()

    async def send_one(index: int, due: float, counted: bool) -> None:
        nonlocal opened
        connection = None
        try:
            async with asyncio.timeout(timeout_s):
                connection = await acquire()
                connection[1].write(load.request_at(index))
                status, reusable = await _read_response(connection[0])
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
            if counted:
                errors[type(error).__name__] += 1
            if connection is not None:
                connection[1].close()
                opened -= 1
            return
        finished = loop.time()
        if reusable:
            idle.put_nowait(connection)
        else:
            connection[1].close()
            opened -= 1
        if counted:
            if status == 200:
                latencies.append(finished - due)
                by_second.setdefault(int(due - measure_from), []).append(finished - due)
            else:
                errors[f"http {status}"] += 1

    total = int(rate * (warmup_s + seconds))
    tasks = []
    for index in range(total):
        due = start + index / rate
        if (delay := due - loop.time()) > 0:
            await asyncio.sleep(delay)
        counted = due >= measure_from
        if counted:
            lags.append(loop.time() - due)  # how late this client itself was in sending
        tasks.append(asyncio.create_task(send_one(index, due, counted)))
    await asyncio.gather(*tasks)
    while not idle.empty():
        idle.get_nowait()[1].close()

    latencies.sort()
    lags.sort()
    counted_total = len(lags)
    return {
        "offeredRps": round(rate, 1),
        "completedRps": round(len(latencies) / seconds, 1),
        "requests": counted_total,
        "ok": len(latencies),
        "errors": dict(errors),
        "peakConnections": peak,
        **{
            f"p{label}Ms": round(percentile(latencies, fraction) * 1000, 2)
            for label, fraction in (("50", 0.50), ("90", 0.90), ("99", 0.99), ("999", 0.999))
        },
        "maxMs": round(latencies[-1] * 1000, 2) if latencies else None,
        "clientLagP99Ms": round(percentile(lags, 0.99) * 1000, 2),
        # p99 per second of the run: a steady high line is queueing, a lone spike is a stall
        "p99BySecondMs": [
            round(percentile(sorted(by_second[second]), 0.99) * 1000, 1)
            for second in sorted(by_second)
        ],
    }

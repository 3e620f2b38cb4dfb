"""`make chaos`: faults injected into an isolated stack under load; a checker counts what was lost,
applied twice or left different from what the producers were told (DESIGN §9).

Starts an isolated stack (temp dir, free ports, private broker, as `make bench` does), then runs
each scenario of chaos_faults.FAULTS in turn on it: Socket.IO clients watch, the load of
chaos_load runs, the fault is injected and restored, the load stops, and the checker
(chaos_check.judge) is polled until it finds nothing wrong or the recovery budget runs out.
Writes bench/results/chaos-latest.json and prints a table. Exit code: 0 when every scenario
passed; 1 when one failed; 2 when nothing could run. See bench/CHAOS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import signal
import sys
import time
import traceback
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests

import fixtures
from chaos_check import client_differences, idle_load, judge
from chaos_clients import WatchingClient
from chaos_faults import FAULTS, Fault
from chaos_load import CYCLE_ROOMS, ORDER_ROOM, TOGGLED_ROOMS, Load, stop_after_cycles
from chaos_observe import BINDINGS, StackReader
from hotel_devstack import Stack
from machine import machine_info
from report import write_results

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "chaos-latest.json"
# The stack's logs of the last run: the event ids in the findings can be looked up there.
LOGS_PATH = RESULTS_PATH.parent / "chaos-logs"
CHEF_LOGIN = {"username": "chef", "password": "chef-demo-pass"}
PMS_ROOMS = TOGGLED_ROOMS + CYCLE_ROOMS


def log(message: str) -> None:
    print(f"[chaos] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Settings:
    quick: bool = False
    warmup_s: float = 8  # load before the fault
    after_s: float = 5  # load after the restore
    stop_budget_s: float = 120  # for cycles under way to finish once the load stops
    # From the restore until the checker must pass: long enough that an event still in the retry
    # queues (1 s, 5 s, 30 s, 120 s) counts as late (recoverySeconds), not as lost.
    recovery_budget_s: float = 300
    clients_budget_s: float = 15  # DESIGN §9: every client equal to the API within 15 s
    clients: int = 3
    confirm_s: float = 3  # a passing check is repeated after this, to catch a late duplicate

    def hold_s(self, fault: Fault) -> float:
        return fault.quick_hold_s if self.quick else fault.hold_s


@dataclass
class Actors:
    admin: dict[str, str]
    chef: dict[str, str]
    supervisor_token: str


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(stack: Stack) -> Actors:
    """Fresh tokens for the load's people: one scenario lasts less than an access token."""
    return Actors(
        admin=bearer(fixtures.login(stack.gateway_url)),
        chef=bearer(fixtures.login(stack.gateway_url, CHEF_LOGIN)),
        supervisor_token=fixtures.login(stack.gateway_url, fixtures.SUPERVISOR_LOGIN),
    )


def check_in_order_guest(stack: Stack, admin: dict[str, str]) -> None:
    """A walk-in in the order room: orders need a stay."""
    checkout = (date.today() + timedelta(days=3)).isoformat()
    walk_in = {"name": "Chaos Guest", "roomNumber": ORDER_ROOM, "checkoutDate": checkout}
    response = requests.post(
        f"{stack.gateway_url}/api/customers", json=walk_in, headers=admin, timeout=10
    )
    if response.status_code != 201:
        raise RuntimeError(f"check-in of room {ORDER_ROOM}: {response.status_code} {response.text}")


async def until_clients_agree(clients, reader: StackReader, budget_s: float) -> tuple[float, list]:
    """Seconds until every client's view equals the API's rooms (or the budget), and those that
    still differ."""
    started = time.monotonic()
    while True:
        api = await asyncio.to_thread(reader.rooms)
        differing = client_differences([client.view for client in clients], api)
        waited = time.monotonic() - started
        if not differing or waited > budget_s:
            return round(waited, 1), differing
        await asyncio.sleep(0.5)


async def run_scenario(fault: Fault, stack: Stack, actors: Actors, settings: Settings) -> dict:
    start = datetime.now(UTC)
    reader = StackReader(
        stack.mongo_url, stack.gateway_url, stack.mock_url("pms-adapter"), actors.admin
    )
    clients = [
        WatchingClient(stack.gateway_url, actors.supervisor_token) for _ in range(settings.clients)
    ]
    for client in clients:
        await client.start()
    load = Load(stack.gateway_url, actors.admin, actors.chef)
    load_task = asyncio.create_task(load.run())
    try:
        await asyncio.sleep(settings.warmup_s)
        log(f"{fault.name}: injecting ({fault.summary})")
        await asyncio.to_thread(fault.inject, stack, start)
        await asyncio.sleep(settings.hold_s(fault))
        restoring = time.monotonic()
        await asyncio.to_thread(fault.restore, stack)
        restored = time.monotonic()
        fault.details["restoreSeconds"] = round(restored - restoring, 1)
        log(f"{fault.name}: restored; load goes on {settings.after_s:g}s, then stops")
        await asyncio.sleep(settings.after_s)
        if load_task.done():
            load_task.result()  # a producer that crashed is a harness bug: say so
        finished = await stop_after_cycles(load, load_task, settings.stop_budget_s)

        def check():
            seen = reader.observe(
                start, CYCLE_ROOMS, ORDER_ROOM, list(load.truth.orders), PMS_ROOMS
            )
            return judge(load.truth, seen, BINDINGS, PMS_ROOMS)

        verdict, passed_at = await asyncio.to_thread(check), None
        # What the pipeline still owed when the load stopped: what recoverySeconds waited for.
        first_findings = dict(verdict.findings)
        while True:
            if verdict.clean:
                await asyncio.sleep(settings.confirm_s)
                verdict = await asyncio.to_thread(check)
                if verdict.clean:
                    passed_at = time.monotonic()
                    break
            if time.monotonic() - restored > settings.recovery_budget_s:
                break
            await asyncio.sleep(2)
            verdict = await asyncio.to_thread(check)
        converged_s, differing = await until_clients_agree(
            clients, reader, settings.clients_budget_s
        )
        extra = await asyncio.to_thread(fault.extra_checks, stack)
        if verdict.clean:
            # Once more after the scenario's own checks (which wait for the duplicates and the
            # poison to be dealt with): a late second application is still caught.
            verdict = await asyncio.to_thread(check)
            if not verdict.clean:
                passed_at = None
    finally:
        if not load_task.done():
            load_task.cancel()
        for client in clients:
            await client.stop()
        fault.close()
        reader.close()
    client_dups = sum(client.duplicates for client in clients)
    if client_dups:
        verdict.note("dup_applied", "clientHeardTwice", client_dups)
    if differing:
        verdict.note("mismatched", "clientsDifferFromApi", [str(index) for index in differing])
    recovery = round(passed_at - restored, 1) if passed_at is not None else None
    idle = idle_load(load.truth, verdict.counts.get("events", 0))
    passed = (
        verdict.clean
        and not idle
        and passed_at is not None
        and converged_s <= settings.clients_budget_s
        and all(ok for ok, _ in extra.values())
    )
    return {
        "lost": verdict.lost,
        "dupApplied": verdict.dup_applied,
        "mismatched": verdict.mismatched,
        "recoverySeconds": recovery,
        "pass": passed,
        "details": {
            "summary": fault.summary,
            "faultSeconds": settings.hold_s(fault),
            "findings": verdict.findings,
            "idleLoad": idle,
            "pendingWhenLoadStopped": first_findings,
            "checked": verdict.counts,
            "clientsConvergedSeconds": converged_s,
            "clients": [
                {"connects": c.connects, "refetches": c.refetches, "hintsHeard": len(c.heard)}
                for c in clients
            ],
            "scenarioChecks": {name: {"ok": ok, **info} for name, (ok, info) in extra.items()},
            "fault": fault.details,
            "load": {
                "writes": load.writes,
                "errors": dict(load.errors),
                "cyclesFinishedWhenStopped": finished,
                "stopSeconds": load.stop_seconds,
            },
        },
    }


def format_table(scenarios: dict[str, dict]) -> str:
    columns = ("scenario", "lost", "dupApplied", "mismatched", "recoverySeconds", "pass")
    rows = [columns]
    for name, result in scenarios.items():
        if "error" in result:
            rows.append((name, "-", "-", "-", "-", f"NO ({result['error'][:60]})"))
            continue
        cells = [str(result[key]) for key in columns[1:5]]
        rows.append((name, *cells, "yes" if result["pass"] else "NO"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="short faults (the PMS down 20 s, not 2 minutes)"
    )
    parser.add_argument("--only", metavar="NAMES", help="comma-separated scenarios to run")
    parser.add_argument("--out", type=Path, default=RESULTS_PATH, help="results JSON path")
    return parser.parse_args(argv)


def keep_logs(stack: Stack, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(stack.log_dir, target)
    broker_logs = stack.var_dir / "rabbitmq" / "log"
    if broker_logs.is_dir():
        shutil.copytree(broker_logs, target / "rabbitmq")


def run(names: list[str], settings: Settings) -> dict[str, dict]:
    results: dict[str, dict] = {}
    with ExitStack() as resources:
        base = resources.enter_context(fixtures.work_dir())
        log(f"starting an isolated stack under {base} (free ports, private broker)")
        stack = resources.enter_context(fixtures.isolated_stack(base))
        check_in_order_guest(stack, sign_in(stack).admin)
        for name in names:
            fault = FAULTS[name]
            log(f"{name}: load, fault, recovery")
            started = time.monotonic()
            try:
                actors = sign_in(stack)
                results[name] = asyncio.run(run_scenario(fault, stack, actors, settings))
            except Exception as error:
                traceback.print_exc()
                results[name] = {"error": f"{type(error).__name__}: {error}", "pass": False}
                stack.up()  # whatever the failed scenario left dead, for the next one
            results[name]["seconds"] = round(time.monotonic() - started, 1)
            shown = {k: results[name].get(k) for k in ("lost", "dupApplied", "mismatched")}
            log(
                f"{name}: {shown} recovery {results[name].get('recoverySeconds')}s "
                f"pass {results[name]['pass']}"
            )
        keep_logs(stack, LOGS_PATH)
        log(f"stopping the stack (its logs are kept in {LOGS_PATH})")
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = args.only.split(",") if args.only else list(FAULTS)
    unknown = set(names) - set(FAULTS)
    if unknown:
        log(f"unknown scenarios: {', '.join(sorted(unknown))}; known: {', '.join(FAULTS)}")
        return 2
    settings = Settings(quick=args.quick)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started_at = datetime.now(UTC)
    try:
        scenarios = run(names, settings)
    except Exception as error:
        traceback.print_exc()
        log(f"chaos could not run: {error}")
        return 2
    finished_at = datetime.now(UTC)
    write_results(
        args.out,
        {
            "scenarios": scenarios,
            "settings": asdict(settings),
            "machine": machine_info(),
            "startedAt": started_at.isoformat(timespec="seconds"),
            "finishedAt": finished_at.isoformat(timespec="seconds"),
            "durationS": round((finished_at - started_at).total_seconds(), 1),
        },
    )
    print(format_table(scenarios))
    print(f"\nresults: {args.out}")
    return 0 if all(result["pass"] for result in scenarios.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: measure the platform against baselines taken in the same run (DESIGN §9).

Starts an isolated stack (temp dir, free ports, private broker) and the bare-Flask baseline,
logs in as the demo admin through the gateway, measures every figure in figures.FIGURES, writes
bench/results/latest.json and prints a table. Exit code: 0 when every figure was measured, met
or not (the bench is a report); 1 when a figure could not be measured; 2 when nothing could run.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from contextlib import ExitStack
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import fixtures
from figures import FIGURES, Context, Settings
from hotel_devstack.scale import parse_scale
from loadgen import require_wrk
from machine import OtherCpu, machine_info
from report import format_table, write_results

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "latest.json"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="short runs: checks the bench works; rough numbers"
    )
    parser.add_argument("--out", type=Path, default=RESULTS_PATH, help="results JSON path")
    parser.add_argument(
        "--scale",
        metavar="SERVICE=N,...",
        help="processes per service, as `make up SCALE=...` (e.g. notifications=2); default one",
    )
    parser.add_argument(
        "--only",
        metavar="NAMES",
        help="comma-separated figures to measure (e.g. P4_baseline,P4); the default is all",
    )
    return parser.parse_args(argv)


def measure_all(ctx: Context, only: set[str] | None = None) -> None:
    """Every registered figure in order (or those in `only`); one that fails is recorded as an
    error, not fatal."""
    for fig in FIGURES:
        if only is not None and fig.name not in only:
            continue
        log(f"{fig.name}: {fig.summary}")
        started = time.monotonic()
        other_cpu = OtherCpu()
        try:
            result = fig.measure(ctx)
        except Exception as error:
            traceback.print_exc()
            result = {"error": f"{type(error).__name__}: {error}", "pass": False}
        result["seconds"] = round(time.monotonic() - started, 1)
        result["otherCpuCores"] = other_cpu.cores()
        ctx.results[fig.name] = result
        shown = {
            key: result[key] for key in ("value", "unit", "goal", "pass", "error") if key in result
        }
        log(f"{fig.name}: {shown}")


def run(
    settings: Settings, only: set[str] | None = None, scale: dict[str, int] | None = None
) -> dict[str, dict]:
    """Start what the figures need, measure them, stop it all (also on SIGTERM or Ctrl-C)."""
    require_wrk()
    with ExitStack() as resources:
        base = resources.enter_context(fixtures.work_dir())
        log(f"starting an isolated stack under {base} (free ports, private broker)")
        started = time.monotonic()
        stack = resources.enter_context(fixtures.isolated_stack(base, scale))
        baseline_url = resources.enter_context(fixtures.baseline_server(base))
        socketio_url = resources.enter_context(fixtures.socketio_baseline_server(base))
        log(f"stack and baselines ready in {time.monotonic() - started:.0f}s")
        token = fixtures.login(stack.gateway_url)
        ctx = Context(stack, baseline_url, {"Authorization": f"Bearer {token}"}, settings)
        ctx.socketio_baseline_url = socketio_url
        measure_all(ctx, only)
        log("stopping the stack")
    return ctx.results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings.quick() if args.quick else Settings()
    only = set(args.only.split(",")) if args.only else None
    unknown = (only or set()) - {fig.name for fig in FIGURES}
    if unknown:
        log(f"unknown figures: {', '.join(sorted(unknown))}")
        return 2
    # SystemExit unwinds the ExitStack, so a stopped bench still stops the processes it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started_at = datetime.now(UTC)
    machine = machine_info()
    try:
        results = run(settings, only, parse_scale(args.scale) if args.scale else None)
    except Exception as error:
        traceback.print_exc()
        log(f"the bench could not run: {error}")
        return 2
    finished_at = datetime.now(UTC)
    machine["loadAverageAtEnd"] = [round(load, 2) for load in os.getloadavg()]
    write_results(
        args.out,
        {
            "results": results,
            "machine": machine,
            "settings": {**asdict(settings), "quick": args.quick, "scale": args.scale},
            "startedAt": started_at.isoformat(timespec="seconds"),
            "finishedAt": finished_at.isoformat(timespec="seconds"),
            "durationS": round((finished_at - started_at).total_seconds(), 1),
        },
    )
    print(format_table(results))
    print(f"\nresults: {args.out}")
    return 1 if any("error" in result for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())

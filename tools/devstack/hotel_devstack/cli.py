"""Command line: hotel-devstack up [--scale rooms=2,...] | down | status | logs [-f] | seed."""

from __future__ import annotations

import argparse
import os
import sys

from hotel_devstack.scale import MAX_PROCESSES, ScaleError, parse_scale
from hotel_devstack.stack import Stack, StackError, tail


def cmd_up(stack: Stack, args: argparse.Namespace) -> int:
    print(f"Starting the hotel platform (data in {stack.var_dir}) ...", flush=True)
    try:
        stack.up()
    except StackError as error:
        print(f"\nmake up failed: {error}", file=sys.stderr)
        return 1
    print("\nThe hotel platform is up.\n")
    print(stack.summary())
    return 0


def cmd_down(stack: Stack, args: argparse.Namespace) -> int:
    stopped = stack.down()
    print("Stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    return 0


def cmd_status(stack: Stack, args: argparse.Namespace) -> int:
    rows = stack.status()
    if not rows:
        print("Nothing started yet (run `make up`).")
        return 0
    print(f"{'process':<26} {'pid':>8}  state")
    for row in rows:
        print(f"{row.name:<26} {row.pid or '-':>8}  {'alive' if row.alive else 'DEAD'}")
    return 0 if all(row.alive for row in rows) else 3


def cmd_logs(stack: Stack, args: argparse.Namespace) -> int:
    files = stack.log_files()
    if not files:
        print(f"No logs yet in {stack.log_dir}")
        return 0
    if args.follow:
        os.execvp("tail", ["tail", "-n", str(args.lines), "-F", *map(str, files)])
    for path in files:
        print(f"==> {path} <==\n{tail(path, args.lines)}\n")
    return 0


def cmd_seed(stack: Stack, args: argparse.Namespace) -> int:
    try:
        stack.seed()
    except StackError as error:
        print(error, file=sys.stderr)
        return 1
    print("Demo data seeded.")
    return 0


COMMANDS = {
    "up": cmd_up,
    "down": cmd_down,
    "status": cmd_status,
    "logs": cmd_logs,
    "seed": cmd_seed,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hotel-devstack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start everything that is not running; safe to re-run")
    up.add_argument(
        "--scale",
        type=_scale_argument,
        default=None,
        metavar="SERVICE=N,...",
        help=f"web and worker processes per service (1-{MAX_PROCESSES}), e.g. "
        "rooms=2,notifications=2, or all=2 for every service; services not named keep the "
        "processes they run (1 at first)",
    )
    commands.add_parser("down", help="stop every process devstack started")
    commands.add_parser("status", help="list devstack's processes, alive or dead")
    logs = commands.add_parser("logs", help="show the tail of every log in var/log")
    logs.add_argument("--follow", "-f", action="store_true", help="keep following (tail -F)")
    logs.add_argument("--lines", "-n", type=int, default=40)
    commands.add_parser("seed", help="re-run every service's idempotent demo seed")
    args = parser.parse_args(argv)
    return COMMANDS[args.command](Stack.from_env(scale=getattr(args, "scale", None)), args)


def _scale_argument(text: str) -> dict[str, int]:
    try:
        return parse_scale(text)
    except ScaleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None

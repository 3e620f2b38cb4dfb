"""How many web and worker processes each service runs (`--scale rooms=2,notifications=2`), and
the names those processes have in the process table, status and logs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# `--scale all=2` scales every service; a service's own entry wins over it (`all=2,auth=1`).
ALL = "all"
# Two cores run the whole platform: more processes than this per service only thrash.
MAX_PROCESSES = 8
ROLES = ("web", "worker")

_ENTRY = re.compile(r"^\s*([a-z][a-z0-9-]*)\s*=\s*(\d+)\s*$")
_PROCESS = re.compile(r"^(?P<service>[a-z][a-z0-9-]*?)-(?P<role>web|worker)(?:-(?P<index>\d+))?$")


class ScaleError(ValueError):
    """A `--scale` value that cannot be used; the message says which part and why."""


def parse_scale(text: str) -> dict[str, int]:
    """`rooms=2,notifications=2` → {"rooms": 2, "notifications": 2}; `all=2` names every service."""
    scale: dict[str, int] = {}
    for entry in filter(str.strip, text.split(",")):
        match = _ENTRY.match(entry)
        if match is None:
            raise ScaleError(f"--scale entry {entry.strip()!r} is not <service>=<count>")
        scale[match.group(1)] = int(match.group(2))
    if not scale:
        raise ScaleError("--scale needs at least one <service>=<count> (or all=<count>)")
    return scale


def check_scale(scale: Mapping[str, int], services: Iterable[str]) -> None:
    """Raise ScaleError for a service the stack does not run or a count outside 1..MAX."""
    known = set(services)
    unknown = sorted(set(scale) - known - {ALL})
    if unknown:
        raise ScaleError(
            f"--scale names {', '.join(unknown)}, not a service of the stack "
            f"({', '.join(sorted(known))}, or {ALL})"
        )
    for name, count in scale.items():
        if not 1 <= count <= MAX_PROCESSES:
            raise ScaleError(f"--scale {name}={count}: a count is 1 to {MAX_PROCESSES}")


def scale_for(scale: Mapping[str, int], service: str) -> int | None:
    """The count asked for `service` (its own entry, else `all`), or None when nothing was said."""
    return scale.get(service, scale.get(ALL))


def process_name(service: str, role: str, index: int) -> str:
    """`rooms-web`, `rooms-web-2`, ...: the first process keeps the name it had before scaling."""
    return f"{service}-{role}" if index == 1 else f"{service}-{role}-{index}"


@dataclass(frozen=True)
class ScaledProcess:
    service: str
    role: str
    index: int


def parse_process_name(name: str) -> ScaledProcess | None:
    """The service, role and index of a web or worker process name; None for anything else."""
    match = _PROCESS.match(name)
    if match is None:
        return None
    return ScaledProcess(match["service"], match["role"], int(match["index"] or 1))


def highest_index(names: Iterable[str], service: str) -> int:
    """How many web processes of `service` the names record (its highest index), 0 if none."""
    return max(
        (
            parsed.index
            for parsed in map(parse_process_name, names)
            if parsed is not None and parsed.service == service and parsed.role == "web"
        ),
        default=0,
    )


def processes_beyond(names: Iterable[str], service: str, count: int) -> list[str]:
    """The web and worker processes of `service` past the first `count` (to stop)."""
    return [
        name
        for name in names
        if (parsed := parse_process_name(name)) is not None
        and parsed.service == service
        and parsed.index > count
    ]

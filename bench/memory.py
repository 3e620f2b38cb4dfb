"""M1: the resident memory of the whole platform `make up` runs (every service's web and worker
processes, SecantusDB, RabbitMQ, nginx), summed over every process of each process group the
stack started."""

from __future__ import annotations

from pathlib import Path


def _pgrp_and_rss(pid_dir: Path) -> tuple[int, int] | None:
    try:
        stat = (pid_dir / "stat").read_text()
        status = (pid_dir / "status").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: fields after the last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    pgrp = int(fields[2])
    rss_kib = next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
    )
    return pgrp, rss_kib


def platform_rss(run_dir: Path) -> dict:
    """RSS in MiB of every process whose group leader has a pid file in `run_dir`, by name."""
    leaders: dict[int, str] = {}
    for pid_file in run_dir.glob("*.pid"):
        try:
            leaders[int(pid_file.read_text().split()[0])] = pid_file.stem
        except (OSError, ValueError, IndexError):
            continue
    by_name: dict[str, int] = {}
    processes = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        found = _pgrp_and_rss(proc)
        if found is None or found[0] not in leaders:
            continue
        name = leaders[found[0]]
        by_name[name] = by_name.get(name, 0) + found[1]
        processes += 1
    total = sum(by_name.values())
    return {
        "value": round(total / 1024, 1),
        "unit": "MiB",
        "processes": processes,
        "byProcessGroupMiB": {name: round(kib / 1024, 1) for name, kib in sorted(by_name.items())},
    }

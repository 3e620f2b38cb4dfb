"""The machine under the bench: what it is, and how much CPU other processes took meanwhile."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

from hotel_devstack.gateway import find_nginx
from hotel_shared import gunicorn_conf

_HZ = os.sysconf("SC_CLK_TCK")


def _first_line(argv: list[str]) -> str | None:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return None
    return ((result.stdout or result.stderr).strip().splitlines() or [None])[0]


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return None


def machine_info() -> dict:
    """Enough to tell whether two results files are comparable (and how busy the box was)."""
    return {
        "hostname": platform.node(),
        "platform": platform.platform(),
        "cpuModel": _cpu_model(),
        "cpuCount": os.cpu_count(),
        "memoryBytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
        "loadAverageAtStart": [round(load, 2) for load in os.getloadavg()],
        "python": platform.python_version(),
        "gunicorn": {
            "version": version("gunicorn"),
            "workerClass": gunicorn_conf.worker_class,
            "workers": gunicorn_conf.workers,
            "threads": gunicorn_conf.threads,
        },
        "wrk": _first_line(["wrk", "--version"]),
        "nginx": _first_line([find_nginx(), "-v"]),
    }


def _busy_ticks() -> int:
    """CPU ticks the whole machine has spent busy since boot (guest time is inside user)."""
    line = Path("/proc/stat").read_text().split("\n", 1)[0]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, line.split()[1:9])
    return user + nice + system + irq + softirq + steal


def _own_ticks() -> int:
    """CPU ticks of this process, its reaped children (wrk) and every live descendant (the stack,
    the baseline)."""
    parents, ticks = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        # utime, stime, and the times of children it reaped (a process that ended meanwhile)
        ticks[pid] = sum(int(value) for value in fields[11:15])
    me = os.getpid()
    own = os.times()
    total = round((own.user + own.system + own.children_user + own.children_system) * _HZ)
    for pid in ticks:
        ancestor = parents.get(pid)
        while ancestor and ancestor != me:
            ancestor = parents.get(ancestor)
        if ancestor == me:
            total += ticks[pid]
    return total


class OtherCpu:
    """How many cores processes outside the bench kept busy, on average, since it was created:
    on a shared 2-core machine that is the noise to read every figure against."""

    def __init__(self) -> None:
        self._at = (os.times().elapsed, _busy_ticks(), _own_ticks())

    def cores(self) -> float:
        elapsed, busy, own = self._at
        other = (_busy_ticks() - busy) - (_own_ticks() - own)
        return round(max(0, other) / _HZ / max(os.times().elapsed - elapsed, 1e-6), 2)

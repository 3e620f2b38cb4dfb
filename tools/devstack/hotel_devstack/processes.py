"""Detached processes tracked by pid files in var/run/, each in its own process group."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessStatus:
    name: str
    pid: int | None
    alive: bool


def _start_time(pid: int) -> str | None:
    """Kernel start time of `pid` (clock ticks since boot), or None when it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may contain spaces; the fields after its closing parenthesis do not.
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):
        return None
    return fields[19]


def _reap(pid: int) -> None:
    # Processes started by this same Python process must be waited for, or they stay zombies.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


class ProcessTable:
    """Pid files: `<name>.pid` holds "pid start-time", so a reused pid is not ours."""

    def __init__(self, run_dir: Path):
        self.run_dir = run_dir

    def _pid_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    def _port_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.port"

    def record(self, name: str, pid: int) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._pid_file(name).write_text(f"{pid} {_start_time(pid) or ''}\n")

    def alive_pid(self, name: str) -> int | None:
        """The recorded pid when that very process is still running, else None."""
        try:
            pid_text, _, started = self._pid_file(name).read_text().strip().partition(" ")
            pid = int(pid_text)
        except (OSError, ValueError):
            return None
        _reap(pid)
        current = _start_time(pid)
        if current is None or (started and current != started):
            return None
        return pid

    def spawn(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path,
        log_path: Path,
        port: int | None = None,
    ) -> int:
        """Start `argv` detached; `port`, when given, is kept beside its pid (see `port`)."""
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.record(name, process.pid)
        if port is None:
            self._port_file(name).unlink(missing_ok=True)
        else:
            self._port_file(name).write_text(f"{port}\n")
        return process.pid

    def port(self, name: str) -> int | None:
        """The port a running process was started on, so a later `up` finds it there again."""
        if self.alive_pid(name) is None:
            return None
        try:
            return int(self._port_file(name).read_text())
        except (OSError, ValueError):
            return None

    def stop(self, name: str, grace: float = 15.0) -> bool:
        """SIGTERM the process group, SIGKILL it after `grace` s; True if something was running."""
        pid = self.alive_pid(name)
        self._pid_file(name).unlink(missing_ok=True)
        self._port_file(name).unlink(missing_ok=True)
        if pid is None:
            return False
        _signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while _start_time(pid) is not None and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.1)
        # Also catches children that outlived a leader which exited on SIGTERM.
        _signal_group(pid, signal.SIGKILL)
        _reap(pid)
        return True

    def names(self) -> list[str]:
        return sorted(path.stem for path in self.run_dir.glob("*.pid"))

    def statuses(self) -> list[ProcessStatus]:
        rows = []
        for name in self.names():
            pid = self.alive_pid(name)
            rows.append(ProcessStatus(name, pid, pid is not None))
        return rows


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass

"""Pid-file process tracking: alive detection, group stop, and pids reused by strangers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hotel_devstack.processes import ProcessTable

SLEEP_WITH_CHILD = [
    sys.executable,
    "-c",
    "import subprocess, time; subprocess.Popen(['sleep', '300']); time.sleep(300)",
]


def test_spawned_process_is_alive_until_stopped_with_its_children(tmp_path):
    table = ProcessTable(tmp_path / "run")
    pid = table.spawn(
        "sleeper", SLEEP_WITH_CHILD, env=os.environ, cwd=tmp_path, log_path=tmp_path / "s.log"
    )
    assert table.alive_pid("sleeper") == pid
    assert table.stop("sleeper", grace=5)
    assert table.alive_pid("sleeper") is None
    assert not _group_members(pid)
    assert not table.stop("sleeper")


def test_pid_file_of_a_different_process_is_not_alive(tmp_path):
    table = ProcessTable(tmp_path)
    (tmp_path / "impostor.pid").write_text(f"{os.getpid()} 1\n")
    assert table.alive_pid("impostor") is None


def test_statuses_list_dead_and_alive_processes(tmp_path):
    table = ProcessTable(tmp_path)
    table.record("me", os.getpid())
    (tmp_path / "gone.pid").write_text("999999999 1\n")
    rows = {row.name: row.alive for row in table.statuses()}
    assert rows == {"gone": False, "me": True}


def _group_members(pgid: int) -> list[int]:
    members = []
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat_path.parent.name))
    return members

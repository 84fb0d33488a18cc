"""Telling that a job's worker process died, from its recorded identity (a process table on disk)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from lianbing.background import liveness

LINUX = pytest.mark.skipif(not liveness.can_look(), reason="needs a Linux process table (/proc)")


def _fake_proc(tmp_path: Path, processes: dict[int, str], namespace: str = "pid:[1]") -> Path:
    """A /proc with ``processes`` (pid -> start ticks) and this process's namespace link."""
    proc = tmp_path / "proc"
    (proc / "self" / "ns").mkdir(parents=True)
    (proc / "self" / "stat").write_text("1 (x) S")
    (proc / "self" / "ns" / "pid").symlink_to(namespace)
    for pid, start in processes.items():
        (proc / str(pid)).mkdir()
        fields = ["S", *(["0"] * 18), start, "0"]
        (proc / str(pid) / "stat").write_text(f"{pid} (db worker) {' '.join(fields)}\n")
    return proc


def test_an_identity_reads_back_as_it_was_written() -> None:
    identity = liveness.WorkerIdentity(machine="host a/pid:[7]", pid=4321, start="99887")

    assert liveness.WorkerIdentity.parse(str(identity)) == identity
    assert liveness.WorkerIdentity.parse("") is None
    assert liveness.WorkerIdentity.parse("nonsense") is None


def test_a_worker_whose_pid_no_longer_exists_is_gone(tmp_path: Path) -> None:
    proc = _fake_proc(tmp_path, {100: "5000"})
    recorded = f"{liveness.machine(proc)} 200 5000"

    assert liveness.is_gone(recorded, proc)


def test_a_worker_whose_pid_was_taken_by_a_later_process_is_gone(tmp_path: Path) -> None:
    proc = _fake_proc(tmp_path, {100: "7000"})

    assert liveness.is_gone(f"{liveness.machine(proc)} 100 5000", proc)


def test_a_worker_still_running_is_not_gone(tmp_path: Path) -> None:
    proc = _fake_proc(tmp_path, {100: "5000"})

    assert liveness.identity_of(100, proc) == f"{liveness.machine(proc)} 100 5000"
    assert not liveness.is_gone(liveness.identity_of(100, proc), proc)


def test_a_worker_on_another_machine_or_in_another_pid_namespace_is_left_to_the_stale_rule(
    tmp_path: Path,
) -> None:
    proc = _fake_proc(tmp_path, {})
    host = socket.gethostname()

    assert not liveness.is_gone("elsewhere/pid:[1] 100 5000", proc)
    assert not liveness.is_gone(f"{host}/pid:[2] 100 5000", proc)
    assert liveness.is_gone(f"{host}/pid:[1] 100 5000", proc)


def test_where_processes_cannot_be_looked_up_no_worker_is_taken_for_gone(tmp_path: Path) -> None:
    no_proc = tmp_path / "nothing"

    assert liveness.identity_of(100, no_proc) == ""
    assert not liveness.is_gone(f"{liveness.machine(no_proc)} 100 5000", no_proc)
    assert not liveness.is_gone("", no_proc)


@LINUX
def test_this_process_is_alive_and_a_finished_one_is_gone() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        recorded = liveness.identity_of(child.pid)
        alive = liveness.is_gone(recorded)
    finally:
        child.kill()
        child.wait()

    assert liveness.this_worker() == liveness.identity_of(os.getpid())
    assert not liveness.is_gone(liveness.this_worker())
    assert recorded
    assert not alive
    assert liveness.is_gone(recorded)

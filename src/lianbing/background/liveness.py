"""Which worker process runs a job, and whether that process still exists.

A worker records its identity with the claim (:meth:`lianbing.background.jobs.Job.claim`):
the machine (host name and PID namespace), its PID and the moment the process
started. Any process on the same machine can then tell that the worker died:
no process has that PID any more, or the PID now belongs to a process started
at another moment (PIDs are reused). A job whose worker died is failed at
once, on worker start-up and on the job's status poll
(:func:`lianbing.background.services.job_fail_if_worker_gone`), instead of
after ``LIANBING_STALE_WORK_MINUTES``.

A worker on another machine, or in another PID namespace (another
container), cannot be looked at from here: its jobs are left to the stale
rule (:mod:`.stale`). So is every job where the process table cannot be read
(no ``/proc``, as on macOS): nothing is failed on a guess.

The identity is one string, ``"<machine> <pid> <start>"``.
"""

from __future__ import annotations

import functools
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

PROC = Path("/proc")


@dataclass(frozen=True)
class WorkerIdentity:
    """A process on a machine: ``start`` tells it apart from a later one with the same PID."""

    machine: str
    pid: int
    start: str

    def __str__(self) -> str:
        return f"{self.machine} {self.pid} {self.start}"

    @classmethod
    def parse(cls, text: str) -> WorkerIdentity | None:
        """The identity recorded as ``text``; None when it is empty or not one."""
        machine, _, rest = text.rpartition(" ")
        machine, _, pid = machine.rpartition(" ")
        if not machine or not pid.isdigit() or not rest:
            return None
        return cls(machine=machine, pid=int(pid), start=rest)


def process_start(pid: int, proc: Path = PROC) -> str | None:
    """When process ``pid`` started (clock ticks since boot, as text); None when there is none.

    Field 22 of ``/proc/<pid>/stat``; the fields are counted after the
    command name, which is in parentheses and may hold spaces.
    """
    try:
        stat = (proc / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except (FileNotFoundError, ProcessLookupError, NotADirectoryError):
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    # fields[0] is field 3 (the state); a zombie has exited and only waits for its parent.
    if len(fields) < 20 or fields[0] in ("Z", "X"):
        return None
    return fields[19]


def machine(proc: Path = PROC) -> str:
    """This machine as a worker's identity names it: host name and PID namespace."""
    try:
        namespace = os.readlink(proc / "self" / "ns" / "pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}/{namespace}"


def can_look(proc: Path = PROC) -> bool:
    """Whether processes can be looked up here (a Linux process table)."""
    return (proc / "self" / "stat").exists()


@functools.cache
def this_worker() -> str:
    """The identity of this process, as its claims record it ("" where it cannot be known)."""
    return identity_of(os.getpid())


def identity_of(pid: int, proc: Path = PROC) -> str:
    """The identity of running process ``pid`` ("" where it cannot be known)."""
    start = process_start(pid, proc) if can_look(proc) else None
    if start is None:
        return ""
    return str(WorkerIdentity(machine=machine(proc), pid=pid, start=start))


def is_gone(recorded: str, proc: Path = PROC) -> bool:
    """True when the worker ``recorded`` ran on this machine and no longer exists.

    False for an empty or unreadable identity, a worker on another machine or
    in another PID namespace, and wherever processes cannot be looked up: those
    are left to the stale rule.
    """
    identity = WorkerIdentity.parse(recorded)
    if identity is None or not can_look(proc) or identity.machine != machine(proc):
        return False
    return process_start(identity.pid, proc) != identity.start


def gone_message() -> str:
    """What a job whose worker died says, in its error and progress message."""
    return _("后台进程已中断，任务未完成，请重新提交。")

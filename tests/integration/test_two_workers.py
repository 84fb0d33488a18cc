"""Two real `lianbing worker` processes on PostgreSQL: no job runs twice, and a killed one's run ends clearly.

django-tasks' database backend takes each task with ``SELECT ... FOR UPDATE
SKIP LOCKED`` and marks it running in the same transaction; a job's own row is
then claimed by one conditional update (:meth:`lianbing.background.jobs.Job.claim`).
Decision record 0005 says which guarantees what.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from lianbing.background import liveness
from lianbing.background.models import JobStatus
from lianbing.demand import services as demand_services
from lianbing.matching.models import MatchRun
from lianbing.matching.services.runs import match_run_create
from tests import factories
from tests.conftest import REPO_ROOT
from tests.functional.accounts.test_deploy_and_backup import PROD_ENV
from tests.integration.worker_probe import note_worker

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks of two workers: PostgreSQL"
    ),
    pytest.mark.skipif(not liveness.can_look(), reason="needs a Linux process table (/proc)"),
    pytest.mark.django_db(transaction=True),
]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
GONE = "后台进程已中断，任务未完成，请重新提交。"


class Worker:
    """One `lianbing worker` process on the test database, its output read as it comes."""

    def __init__(self) -> None:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            **PROD_ENV,
            "DATABASE_URL": url,
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lianbing.cli",
                "worker",
                "--interval",
                "0.1",
                "--orphan-check",
                "0.5",
            ],
            # The repository root is on the path, so the probe task imports.
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        self.output.extend(self.process.stdout)

    @property
    def pid(self) -> int:
        return self.process.pid

    def started(self) -> bool:
        return any("Starting worker" in line for line in self.output)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def workers() -> Iterator[Callable[[], Worker]]:
    """Starts workers on demand; stops every one still running at the end."""
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _wait(condition: Callable[[], bool], what: str, seconds: float = 180.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.05)


def _program(*, cadres: int, posts: int) -> Any:
    """A program of ``cadres`` cadres with spread-out abilities and ``posts`` town posts."""
    program = factories.program(f"两进程批次{cadres}")
    pool = [
        factories.cadre(abilities=tuple(40 + (k * 7 + a * 13) % 55 for a in range(7)))
        for k in range(cadres)
    ]
    demand_services.program_add_cadres(program=program, cadres=pool)
    for _k in range(posts):
        factories.post(program_=program)
    return program


def test_two_workers_run_each_of_forty_queued_jobs_exactly_once(
    settings: Any, tmp_path: Path, workers: Callable[[], Worker]
) -> None:
    settings.TASKS = DATABASE_TASKS
    notes = tmp_path / "notes.txt"
    first, second = workers(), workers()
    _wait(lambda: first.started() and second.started(), "both workers to start")

    for number in range(40):
        note_worker.enqueue(number, str(notes))
    _wait(
        lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 40,
        "the forty jobs to finish",
    )

    runs = [line.split() for line in notes.read_text(encoding="ascii").splitlines()]
    times_run = collections.Counter(int(number) for number, _pid in runs)
    by_worker = collections.Counter(int(pid) for _number, pid in runs)
    assert times_run == dict.fromkeys(range(40), 1)
    assert set(by_worker) == {first.pid, second.pid}, "both workers took jobs"
    assert all(len(ids) == 1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True))


def test_a_run_whose_worker_is_killed_is_failed_clearly_by_the_other_worker(
    settings: Any, workers: Callable[[], Worker]
) -> None:
    settings.TASKS = DATABASE_TASKS
    user = factories.staff_user()
    first, second = workers(), workers()
    _wait(lambda: first.started() and second.started(), "both workers to start")
    by_pid = {first.pid: first, second.pid: second}

    # Large enough to be caught while it computes.
    killed_run = match_run_create(program=_program(cadres=300, posts=60), created_by=user)
    rows = MatchRun.objects.filter(pk=killed_run.pk)
    _wait(lambda: rows.get().status == JobStatus.RUNNING, "a worker to take the run up", 120)
    identity = liveness.WorkerIdentity.parse(rows.get().worker)
    assert identity is not None
    victim = by_pid[identity.pid]
    os.kill(victim.pid, signal.SIGKILL)
    victim.process.wait()
    survivor = second if victim is first else first
    next_run = match_run_create(
        program=factories.matching_program(cadres=5, posts=3), created_by=user
    )
    _wait(
        lambda: MatchRun.objects.get(pk=next_run.pk).status == JobStatus.DONE,
        "the other worker to compute the next run",
    )
    _wait(lambda: rows.get().status == JobStatus.FAILED, "the other worker to fail the run")

    killed_run.refresh_from_db()
    next_worker = liveness.WorkerIdentity.parse(MatchRun.objects.get(pk=next_run.pk).worker)
    assert next_worker is not None
    assert next_worker.pid == survivor.pid
    assert killed_run.error == GONE
    assert killed_run.progress_message == GONE
    assert not killed_run.placements.exists()
    assert "已将 1 个后台进程中断的任务标记为失败。" in "".join(survivor.output)

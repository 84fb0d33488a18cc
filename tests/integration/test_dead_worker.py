"""A job whose worker process died is failed at once, not after the stale limit.

The worker "dies" here as a real process does: a child started and killed,
whose identity the job records as if it had claimed it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lianbing.background import liveness
from lianbing.background.jobs import Job
from lianbing.background.models import JobStatus
from lianbing.background.services import jobs_fail_orphaned
from lianbing.imports import submit
from lianbing.imports.models import ImportJob
from lianbing.matching.models import MatchRun, Reoptimisation
from lianbing.matching.services.reoptimisation import match_run_reoptimise_request
from lianbing.matching.services.runs import match_run_cancel, match_run_create
from tests import factories
from tests.integration.imports.books import cadre_row, cadres_book

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not liveness.can_look(), reason="needs a Linux process table (/proc)"),
]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
GONE = "后台进程已中断，任务未完成，请重新提交。"


@pytest.fixture
def user() -> Any:
    return factories.staff_user()


@pytest.fixture
def dead_worker() -> str:
    """The identity of a worker process that ran on this machine and was killed."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    identity = liveness.identity_of(child.pid)
    child.kill()
    child.wait()
    return identity


def _claimed_by(model: Any, pk: int, worker: str) -> None:
    model.objects.filter(pk=pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), progress=80, worker=worker
    )


def _run(user: Any, settings: Any) -> MatchRun:
    settings.TASKS = DATABASE_TASKS
    return match_run_create(program=factories.matching_program(cadres=5, posts=3), created_by=user)


def test_a_claim_records_the_worker_process(user: Any, settings: Any) -> None:
    run = _run(user, settings)

    Job(MatchRun, run.pk).claim(progress=5, message="读取")

    run.refresh_from_db()
    assert run.worker == liveness.this_worker()
    assert not liveness.is_gone(run.worker)


def test_a_starting_worker_fails_the_jobs_of_a_dead_worker_of_every_kind(
    user: Any, settings: Any, tmp_path: Path, dead_worker: str
) -> None:
    run = match_run_create(program=factories.matching_program(cadres=5, posts=3), created_by=user)
    settings.TASKS = DATABASE_TASKS
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)
    factories.program()
    job = submit.import_job_create(
        upload=SimpleUploadedFile(
            "名册.xlsx", cadres_book(tmp_path / "c.xlsx", [cadre_row()]).read_bytes()
        ),
        created_by=user,
    )
    for model, pk in ((Reoptimisation, reoptimisation.pk), (ImportJob, job.pk)):
        _claimed_by(model, pk, dead_worker)

    ended = jobs_fail_orphaned()

    assert ended == 2
    for row in (Reoptimisation.objects.get(), ImportJob.objects.get()):
        assert row.status == JobStatus.FAILED
        assert row.error == GONE
        assert row.progress_message == GONE
        assert row.cancel_requested
        assert row.finished_at is not None
    assert MatchRun.objects.get().status == JobStatus.DONE


def test_a_starting_worker_leaves_the_jobs_of_a_live_worker_and_of_another_machine(
    user: Any, settings: Any, dead_worker: str
) -> None:
    live, elsewhere, dead = _run(user, settings), _run(user, settings), _run(user, settings)
    _claimed_by(MatchRun, live.pk, liveness.this_worker())
    _, pid, start = dead_worker.rsplit(" ", 2)
    _claimed_by(MatchRun, elsewhere.pk, f"another-host/pid:[1] {pid} {start}")
    _claimed_by(MatchRun, dead.pk, dead_worker)

    ended = jobs_fail_orphaned()

    statuses = dict(MatchRun.objects.values_list("pk", "status"))
    assert ended == 1
    assert statuses == {
        live.pk: JobStatus.RUNNING,
        elsewhere.pk: JobStatus.RUNNING,
        dead.pk: JobStatus.FAILED,
    }


def test_a_job_claimed_before_workers_were_recorded_is_left_to_the_stale_rule(
    user: Any, settings: Any
) -> None:
    run = _run(user, settings)
    _claimed_by(MatchRun, run.pk, "")

    ended = jobs_fail_orphaned()

    run.refresh_from_db()
    assert ended == 0
    assert run.status == JobStatus.RUNNING


def test_cancelling_a_run_whose_worker_died_ends_it_at_once(
    user: Any, settings: Any, dead_worker: str
) -> None:
    run = _run(user, settings)
    _claimed_by(MatchRun, run.pk, dead_worker)

    run = match_run_cancel(run=run)

    assert run.status == JobStatus.FAILED
    assert run.error == GONE


def test_cancelling_a_run_whose_worker_lives_only_asks_it_to_stop(user: Any, settings: Any) -> None:
    run = _run(user, settings)
    _claimed_by(MatchRun, run.pk, liveness.this_worker())

    run = match_run_cancel(run=run)

    assert run.status == JobStatus.RUNNING
    assert run.cancel_requested

"""Background work whose worker died: cancelling ends it at once, and a worker back late changes nothing.

Match runs, re-optimisations and imports alike. A job's worker "dies" here by
setting its row to running with a ``started_at`` in the past; a slow worker
that comes back is the real execute function, with the page's cancel put
between two of its steps (``_interrupting``).
"""

from __future__ import annotations

import contextlib
import datetime
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lianbing.background.models import JobStatus
from lianbing.imports import job as worker
from lianbing.imports import submit
from lianbing.imports.models import ImportJob
from lianbing.matching.models import MatchRun, Reoptimisation, RunSnapshot
from lianbing.matching.services.finalising import match_run_finalise
from lianbing.matching.services.guards import ReoptimisationBusyError
from lianbing.matching.services.reoptimisation import (
    match_reoptimise_cancel,
    match_run_reoptimise_request,
)
from lianbing.matching.services.reoptimise_solve import match_reoptimise_execute
from lianbing.matching.services.run_compute import match_run_execute
from lianbing.matching.services.runs import match_run_cancel
from lianbing.people.models import AbilityAssessment, Cadre, Unit
from lianbing.training.models import Secondment
from tests import factories
from tests.functional.accounts.test_deploy_and_backup import PROD_ENV, _manage
from tests.integration.imports.books import cadre_row, cadres_book

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
STOPPED = "后台任务超过 30 分钟未完成，可能已中断，已停止。请重新提交。"


def _ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def _running_since(model: Any, pk: int, minutes: int) -> None:
    """The worker took the job up ``minutes`` ago (and, for all we know, died)."""
    model.objects.filter(pk=pk).update(status="running", started_at=_ago(minutes))


@contextlib.contextmanager
def _interrupting(
    statement: Callable[[str, Any], bool], action: Callable[[], None], *, before: bool = False
) -> Iterator[list[bool]]:
    """Run ``action`` once, right after (or ``before``) the first statement that ``statement`` picks.

    The statement is recognised by its SQL and parameters; the action is what
    a page request does meanwhile. Yields a one-item list that says whether it ran.
    """
    ran = [False]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        hit = not ran[0] and not many and statement(sql, params)
        if hit and before:
            ran[0] = True
            action()
        result = execute(sql, params, many, context)
        if hit and not before:
            ran[0] = True
            action()
        return result

    with connection.execute_wrapper(wrapper):
        yield ran


def _progress(message: str) -> Callable[[str, Any], bool]:
    """The worker's progress write with this message."""
    return lambda sql, params: sql.startswith("UPDATE") and message in (params or ())


def _placed(run: MatchRun) -> dict[int, int]:
    return dict(run.placements.values_list("cadre_id", "post_id"))


def _job(tmp_path: Path, user: Any) -> ImportJob:
    factories.program()
    book = cadres_book(tmp_path / "c.xlsx", [cadre_row(编号="C1"), cadre_row(编号="C2")])
    return submit.import_job_create(
        upload=SimpleUploadedFile("名册.xlsx", book.read_bytes()), created_by=user
    )


def _assert_stopped(job: Any) -> None:
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == STOPPED
    assert job.progress_message == STOPPED
    assert job.cancel_requested
    assert job.finished_at is not None


# --------------------------------------------------------------------- match runs


def test_cancelling_a_run_running_for_over_half_an_hour_ends_it_at_once(
    user: Any, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    run = factories.match_run(user)
    _running_since(MatchRun, run.pk, minutes=31)

    run = match_run_cancel(run=run)

    assert run.status == JobStatus.FAILED
    _assert_stopped(run)


def test_cancelling_a_run_running_within_the_limit_only_asks_it_to_stop(
    user: Any, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    run = factories.match_run(user)
    _running_since(MatchRun, run.pk, minutes=29)

    run = match_run_cancel(run=run)

    assert run.status == JobStatus.RUNNING
    assert run.cancel_requested
    assert run.progress_message == "正在取消……"
    assert run.error == ""
    assert run.finished_at is None


@pytest.mark.parametrize(
    "step",
    ["保存结果", "读取完成"],  # stopped while saving; while solving, it stops at the next step
)
def test_a_run_stopped_while_its_slow_worker_was_busy_keeps_no_result(
    user: Any, settings: Any, step: str
) -> None:
    settings.TASKS = DATABASE_TASKS
    run = factories.match_run(user)

    def stop() -> None:
        _running_since(MatchRun, run.pk, minutes=31)
        match_run_cancel(run=run)

    with _interrupting(_progress(step), stop) as stopped:
        status = match_run_execute(run_id=run.pk)

    assert stopped[0]
    assert status == JobStatus.FAILED
    _assert_stopped(run)
    assert run.progress < 100
    assert run.total is None
    assert not run.placements.exists()
    assert not run.candidates.exists()
    assert not RunSnapshot.objects.filter(run=run).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_picks_up_a_stopped_runs_task_again_leaves_it_alone(
    settings: Any,
) -> None:
    settings.TASKS = DATABASE_TASKS
    run = factories.match_run(factories.staff_user())
    _running_since(MatchRun, run.pk, minutes=31)
    match_run_cancel(run=run)

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    _assert_stopped(run)
    assert not run.placements.exists()


def test_the_limit_comes_from_the_setting(user: Any, settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    settings.LIANBING_STALE_WORK_MINUTES = 5
    fresh, old = factories.match_run(user), factories.match_run(user)
    _running_since(MatchRun, fresh.pk, minutes=4)
    _running_since(MatchRun, old.pk, minutes=6)

    fresh = match_run_cancel(run=fresh)
    old = match_run_cancel(run=old)

    assert fresh.status == JobStatus.RUNNING
    assert old.status == JobStatus.FAILED
    assert old.error == "后台任务超过 5 分钟未完成，可能已中断，已停止。请重新提交。"


# --------------------------------------------------------------------- re-optimisations


def _stuck(run: MatchRun, user: Any, settings: Any, minutes: int = 31) -> Reoptimisation:
    settings.TASKS = DATABASE_TASKS
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)
    _running_since(Reoptimisation, reoptimisation.pk, minutes=minutes)
    return reoptimisation


def test_a_stuck_reoptimisation_cancelled_lets_the_run_take_decisions_again(
    user: Any, settings: Any
) -> None:
    run = factories.match_run(user)
    before, total = _placed(run), run.total
    reoptimisation = _stuck(run, user, settings)
    with pytest.raises(ReoptimisationBusyError):
        factories.decision(run, user)

    reoptimisation = match_reoptimise_cancel(reoptimisation=reoptimisation)
    decision = factories.decision(run, user)

    assert reoptimisation.status == JobStatus.FAILED
    _assert_stopped(reoptimisation)
    assert decision.is_pending
    run.refresh_from_db()
    assert _placed(run) == before
    assert run.total == total
    assert run.reoptimised_at is None


def test_a_stuck_reoptimisation_cancelled_lets_the_run_be_finalised(
    user: Any, settings: Any
) -> None:
    run = factories.match_run(user)
    reoptimisation = _stuck(run, user, settings)
    with pytest.raises(ReoptimisationBusyError):
        match_run_finalise(run=run, finalised_by=user)

    match_reoptimise_cancel(reoptimisation=reoptimisation)
    run = match_run_finalise(run=run, finalised_by=user)

    assert run.is_finalised
    assert Secondment.objects.filter(source_run=run).count() == run.filled


def test_cancelling_a_reoptimisation_running_within_the_limit_only_asks_it_to_stop(
    user: Any, settings: Any
) -> None:
    run = factories.match_run(user)
    reoptimisation = _stuck(run, user, settings, minutes=29)

    reoptimisation = match_reoptimise_cancel(reoptimisation=reoptimisation)

    assert reoptimisation.status == JobStatus.RUNNING
    assert reoptimisation.cancel_requested
    assert reoptimisation.error == ""
    with pytest.raises(ReoptimisationBusyError):
        factories.decision(run, user)


def test_a_reoptimisation_stopped_while_its_slow_worker_was_saving_leaves_the_run_as_it_was(
    user: Any, settings: Any
) -> None:
    run = factories.match_run(user)
    before, total = _placed(run), run.total
    decision = factories.decision(run, user)
    settings.TASKS = DATABASE_TASKS
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)

    def stop() -> None:
        _running_since(Reoptimisation, reoptimisation.pk, minutes=31)
        match_reoptimise_cancel(reoptimisation=reoptimisation)

    with _interrupting(_progress("保存结果"), stop) as stopped:
        status = match_reoptimise_execute(reoptimisation_id=reoptimisation.pk)

    assert stopped[0]
    assert status == JobStatus.FAILED
    _assert_stopped(reoptimisation)
    assert reoptimisation.moves == []
    run.refresh_from_db()
    decision.refresh_from_db()
    assert _placed(run) == before
    assert run.total == total
    assert run.reoptimised_at is None
    assert decision.applied_at is None


# --------------------------------------------------------------------- imports


def test_cancelling_an_import_running_for_over_half_an_hour_ends_it_at_once(
    user: Any, settings: Any, tmp_path: Path
) -> None:
    settings.TASKS = DATABASE_TASKS
    job = _job(tmp_path, user)
    _running_since(ImportJob, job.pk, minutes=31)

    job = submit.import_job_cancel(job=job)

    assert job.status == JobStatus.FAILED
    _assert_stopped(job)


def test_cancelling_an_import_running_within_the_limit_only_asks_it_to_stop(
    user: Any, settings: Any, tmp_path: Path
) -> None:
    settings.TASKS = DATABASE_TASKS
    job = _job(tmp_path, user)
    _running_since(ImportJob, job.pk, minutes=29)

    job = submit.import_job_cancel(job=job)

    assert job.status == JobStatus.RUNNING
    assert job.cancel_requested
    assert job.progress_message == "正在取消……"
    assert job.finished_at is None


@pytest.mark.django_db(transaction=True)
def test_an_import_stopped_before_its_slow_worker_writes_imports_nothing(
    settings: Any, tmp_path: Path
) -> None:
    settings.TASKS = DATABASE_TASKS
    job = _job(tmp_path, factories.staff_user())

    def stop() -> None:
        _running_since(ImportJob, job.pk, minutes=31)
        submit.import_job_cancel(job=job)

    # The last row checked, the write transaction about to begin.
    with _interrupting(_progress("核对第 2 / 2 条"), stop) as stopped:
        status = worker.import_job_execute(job_id=job.pk)

    assert stopped[0]
    assert status == JobStatus.FAILED
    _assert_stopped(job)
    assert not Cadre.objects.exists()
    assert not Unit.objects.exists()
    assert not AbilityAssessment.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="on SQLite the import's transaction holds the write lock: a stop waits for its commit",
)
@pytest.mark.django_db(transaction=True)
def test_an_import_stopped_while_its_transaction_is_open_is_rolled_back(
    settings: Any, tmp_path: Path
) -> None:
    settings.TASKS = DATABASE_TASKS
    job = _job(tmp_path, factories.staff_user())
    failures: list[BaseException] = []

    def stop_from_the_page() -> None:
        # Another connection, as a web request would be; it commits at once.
        try:
            _running_since(ImportJob, job.pk, minutes=31)
            submit.import_job_cancel(job=job)
        except BaseException as exc:  # reported by the test below
            failures.append(exc)
        finally:
            connection.close()

    def stop() -> None:
        thread = threading.Thread(target=stop_from_the_page)
        thread.start()
        thread.join()

    def writing_the_outcome(sql: str, params: Any) -> bool:
        return connection.in_atomic_block and sql.startswith('UPDATE "spreadsheets_importjob"')

    with _interrupting(writing_the_outcome, stop, before=True) as stopped:
        status = worker.import_job_execute(job_id=job.pk)

    assert stopped[0]
    assert not failures
    assert status == JobStatus.FAILED
    _assert_stopped(job)
    assert not Cadre.objects.exists()
    assert not Unit.objects.exists()


# --------------------------------------------------------------------- production


def test_production_reads_the_limit_from_the_environment() -> None:
    show = "from django.conf import settings; print(settings.LIANBING_STALE_WORK_MINUTES)"

    default = _manage("shell", "-v", "0", "-c", show, env=PROD_ENV)
    done = _manage(
        "shell", "-v", "0", "-c", show, env={**PROD_ENV, "LIANBING_STALE_WORK_MINUTES": "90"}
    )
    refused = _manage("check", env={**PROD_ENV, "LIANBING_STALE_WORK_MINUTES": "半小时"})

    assert default.returncode == 0, default.stderr
    assert default.stdout.split() == ["30"]
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["90"]
    assert refused.returncode != 0
    assert "LIANBING_STALE_WORK_MINUTES 应为正整数（分钟数）" in refused.stderr

"""The background-job protocol, on its own: every write of a worker is conditional on its job still running.

Shown on match runs and exports (a job with progress and a cancel flag, and
one without); re-optimisations and imports follow the same rules
(``test_stale_work.py`` drives each kind's worker through them).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from lianbing.background.jobs import Failure, Job, JobCancelled
from lianbing.background.models import JobStatus
from lianbing.background.services import job_cancel
from lianbing.imports.models import IMPORT_STATUS_CHOICES
from lianbing.matching.models import (
    EXPORT_STATUS_CHOICES,
    REOPTIMISATION_STATUS_CHOICES,
    RUN_STATUS_CHOICES,
    MatchExport,
    MatchRun,
)
from lianbing.matching.services.exports import match_export_create
from lianbing.matching.services.runs import match_run_create
from tests import factories

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
STOPPED = "后台任务超过 30 分钟未完成，可能已中断，已停止。请重新提交。"


def _failed(exc: Exception) -> Failure:
    return Failure(error=f"出错：{exc}", message="失败了")


@pytest.fixture
def job(settings: Any) -> Job:
    """A run left in the queue (no worker picks it up), seen from its worker."""
    settings.TASKS = DATABASE_TASKS
    run = match_run_create(program=factories.matching_program(), created_by=factories.staff_user())
    return Job(MatchRun, run.pk)


def _row(job: Job) -> MatchRun:
    return MatchRun.objects.get(pk=job.pk)


def test_a_worker_takes_up_a_queued_job_once(job: Job) -> None:
    first = job.claim(progress=5, message="开始")
    second = job.claim(progress=7, message="又开始")

    row = _row(job)
    assert (first, second) == (True, False)
    assert row.status == JobStatus.RUNNING
    assert row.started_at is not None
    assert (row.progress, row.progress_message) == (5, "开始")


def test_a_job_cancelled_in_the_queue_is_never_taken_up(job: Job) -> None:
    job_cancel(rows=job.rows, cancelled_message="已取消", cancelling_message="正在取消")

    assert not job.claim(progress=5, message="开始")
    assert job.status() == JobStatus.CANCELLED


def test_a_progress_report_after_a_cancel_request_writes_nothing_and_stops_the_worker(
    job: Job,
) -> None:
    job.claim(progress=5, message="开始")
    job_cancel(rows=job.rows, cancelled_message="已取消", cancelling_message="正在取消")

    with pytest.raises(JobCancelled):
        job.report(50, "一半")

    row = _row(job)
    assert (row.progress, row.progress_message) == (5, "正在取消")


def test_a_late_worker_changes_nothing_on_a_job_stopped_as_stale(job: Job) -> None:
    job.claim(progress=5, message="开始")
    job.rows.update(started_at=timezone.now() - datetime.timedelta(minutes=31))
    job_cancel(rows=job.rows, cancelled_message="已取消", cancelling_message="正在取消")
    stopped = _row(job)

    with job.working(cancelled_message="已取消", failure=_failed):
        job.report(50, "一半")
    with job.working(cancelled_message="已取消", failure=_failed), transaction.atomic():
        job.finish(message="完成")
        MatchRun.objects.filter(pk=job.pk).update(title="迟到的结果")
    with job.working(cancelled_message="已取消", failure=_failed):
        raise ValueError("迟到的错误")

    row = _row(job)
    assert row.status == JobStatus.FAILED
    assert row.error == STOPPED
    assert row.progress_message == STOPPED
    assert row.title == stopped.title
    assert row.finished_at == stopped.finished_at


def test_a_result_whose_claim_fails_is_rolled_back_with_it(job: Job) -> None:
    job.claim(progress=5, message="开始")
    job.rows.update(cancel_requested=True)

    with job.working(cancelled_message="已取消，结果已丢弃", failure=_failed), transaction.atomic():
        job.finish(message="完成")
        MatchRun.objects.filter(pk=job.pk).update(title="不该留下")

    row = _row(job)
    assert row.status == JobStatus.CANCELLED
    assert row.progress_message == "已取消，结果已丢弃"
    assert row.title != "不该留下"


def test_a_result_that_fails_to_store_ends_the_job_as_its_failure_says(job: Job) -> None:
    job.claim(progress=5, message="开始")

    with job.working(cancelled_message="已取消", failure=_failed), transaction.atomic():
        job.finish(message="完成")
        raise ValueError("磁盘已满")

    row = _row(job)
    assert row.status == JobStatus.FAILED
    assert row.error == "出错：磁盘已满"
    assert row.progress_message == "失败了"
    assert row.finished_at is not None


def test_a_finished_job_keeps_its_result_and_ends_at_full_progress(job: Job) -> None:
    job.claim(progress=5, message="开始")

    with job.working(cancelled_message="已取消", failure=_failed):
        job.report(50, "一半")
        with transaction.atomic():
            job.finish(message="完成", total=12.5)

    row = _row(job)
    assert row.status == JobStatus.DONE
    assert (row.progress, row.progress_message, row.total) == (100, "完成", 12.5)
    assert row.finished_at is not None


def test_a_job_without_progress_is_taken_up_and_finished_the_same_way(settings: Any) -> None:
    user = factories.staff_user()
    run = match_run_create(program=factories.matching_program(), created_by=user)
    settings.TASKS = DATABASE_TASKS
    export = match_export_create(run=run, created_by=user)
    job = Job(MatchExport, export.pk)

    claimed = job.claim()
    with job.working(failure=_failed):
        job.finish(file_name="x.xlsx")

    export.refresh_from_db()
    assert claimed
    assert export.status == JobStatus.DONE
    assert export.file_name == "x.xlsx"
    assert export.finished_at is not None


def test_each_kind_stores_the_shared_values_and_keeps_its_own_wording() -> None:
    wording = {
        "run": dict(RUN_STATUS_CHOICES),
        "reoptimisation": dict(REOPTIMISATION_STATUS_CHOICES),
        "export": dict(EXPORT_STATUS_CHOICES),
        "import": dict(IMPORT_STATUS_CHOICES),
    }

    for choices in wording.values():
        assert set(choices) <= set(JobStatus.values)
    assert [str(w["running"]) for w in wording.values()] == ["计算中", "求解中", "生成中", "导入中"]
    assert str(wording["run"]["queued"]) == "排队中"
    assert "cancelled" not in wording["export"]
    assert str(wording["export"]["expired"]) == "已过期"
    assert str(wording["import"]["rejected"]) == "有问题，未导入"
    assert "expired" not in wording["import"]

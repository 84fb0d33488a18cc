"""The worker side of import jobs: run a queued import, show its progress, prune old uploads.

The import page queues a job (:mod:`.submit`); the background task runs
:func:`import_job_execute` on it: :func:`~lianbing.imports.services.import_workbook`
under the background-job protocol (:class:`lianbing.background.jobs.Job`),
with progress on the :class:`ImportJob` row (or in a file while the import's
one transaction is open, :func:`live_progress`) and the cancel flag checked at
every step. Finished jobs lose their upload after the retention period
(:func:`import_uploads_prune`). Nothing here imports the tasks.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction
from lianbing.background.jobs import Failure, Job, JobCancelled
from lianbing.background.models import JobStatus

from .check import NewProgram
from .models import IMPORT_DIR_NAME, IMPORT_FINISHED, ImportJob
from .problems import problem_dicts
from .read import ImportProblemsError
from .services import import_workbook
from .write import ImportResult

logger = logging.getLogger(__name__)


def import_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / IMPORT_DIR_NAME


def _progress_file(job_id: int) -> Path:
    return import_directory() / f"job-{job_id}.progress.json"


def live_progress(job: ImportJob) -> tuple[int, str]:
    """The progress of a running job: the row's, or the newer figure written during the transaction.

    Inside the import's single transaction the job row cannot be updated
    visibly (the row would only change at commit, and SQLite allows a single
    writer), so the write phase reports through a small file next to the upload.
    """
    if job.status == JobStatus.RUNNING:
        try:
            data = json.loads(_progress_file(job.pk).read_text(encoding="utf-8"))
            if int(data["progress"]) >= job.progress:
                return int(data["progress"]), str(data["message"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return job.progress, job.progress_message


class _JobReporter:
    """Progress of a job: on the row between transactions, in a file inside one."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.last = -1

    def __call__(self, percent: int, message: str) -> None:
        # At most one report (and one look at the cancel flag) per percent.
        if percent == self.last:
            return
        self.last = percent
        if not connection.in_atomic_block:
            self.job.report(percent, message)  # raises JobCancelled when it must stop
            return
        if self.job.cancel_requested():
            raise JobCancelled
        target = _progress_file(self.job.pk)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"progress": percent, "message": message[:200]}, out)
        os.replace(name, target)


def import_job_execute(*, job_id: int) -> str:
    """Run a queued import job; returns its final status. Called by the background task.

    Every write to the job is conditional on it still running (:class:`Job`).
    Its outcome is written inside the import's own transaction: a job
    cancelled, or stopped as stale, by then rolls the import back and keeps
    its status, so a worker that was only slow never brings it back.
    """
    job = Job(ImportJob, job_id)
    if not job.claim(progress=1, message=_("读取表格")):
        return job.status()
    row = ImportJob.objects.select_related("program", "created_by").get(pk=job_id)
    new_program = (
        NewProgram(
            name=row.new_program_name,
            started_on=row.new_program_started_on,
            ended_on=row.new_program_ended_on,
        )
        if row.new_program_name and row.new_program_started_on and row.new_program_ended_on
        else None
    )

    def record_done(result: ImportResult) -> None:
        job.finish(
            message=_("导入完成"),
            kind=result.kind,
            program=result.program,
            program_created=result.program_created,
            cadres_created=result.cadres_created,
            cadres_updated=result.cadres_updated,
            cadres_unchanged=result.cadres_unchanged,
            assessments_added=result.assessments_added,
            posts_created=result.posts_created,
            units_created=result.units_created,
            mentors_linked=result.mentors_linked,
            mentors_created=result.mentors_created,
            mentors_updated=result.mentors_updated,
            mentors_unchanged=result.mentors_unchanged,
            warnings=list(result.warnings),
        )

    try:
        # The audit trail attributes the import's writes to the uploader, on the job's page.
        with (
            job.working(cancelled_message=_("已取消，未导入任何数据"), failure=_failure(job_id)),
            audit.actor_context(row.created_by, path=row.get_absolute_url()),
        ):
            import_workbook(
                path=row.file.path,
                program=row.program,
                new_program=new_program,
                progress=_JobReporter(job),
                before_commit=record_done,
            )
    finally:
        _progress_file(job_id).unlink(missing_ok=True)
    # Each import also clears the uploads past their retention period; the
    # prune_files command does the same from cron. Pruning never fails an import.
    try:
        import_uploads_prune()
    except Exception:
        logger.exception("pruning expired uploads after import job %s failed", job_id)
    return job.status()


def _failure(job_id: int) -> Callable[[Exception], Failure]:
    def failure(exc: Exception) -> Failure:
        if isinstance(exc, ImportProblemsError):
            return Failure(
                message=_("发现问题，未导入任何数据"),
                status=JobStatus.REJECTED,
                fields={"problems": problem_dicts(exc.problems), "warnings": list(exc.warnings)},
            )
        logger.exception("import job %s failed", job_id)
        return Failure(
            error=_("导入出错（%(error)s），未导入任何数据。请重试；仍失败请联系系统管理员。")
            % {"error": type(exc).__name__},
            message=_("导入出错"),
        )

    return failure


def import_uploads_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the uploaded workbooks of jobs finished before ``now`` minus the retention.

    Returns how many uploads were removed. Only finished jobs (imported,
    rejected, failed or cancelled) lose their file (a file already gone is
    fine); the job row stays with its counts, problems and warnings, and
    records when the file went (``upload_removed_at``) so its page says so.
    Queued and running jobs are never touched, whatever their age. The
    retention is ``settings.LIANBING_UPLOAD_RETENTION_DAYS``; each removal is
    recorded in the audit trail.
    """
    now = now or timezone.now()
    days = settings.LIANBING_UPLOAD_RETENTION_DAYS
    cutoff = now - datetime.timedelta(days=days)
    old = ImportJob.objects.filter(
        status__in=IMPORT_FINISHED,
        finished_at__lt=cutoff,
        upload_removed_at__isnull=True,
        from_command=False,  # a console import kept no upload
    ).order_by("pk")
    removed = 0
    # The system removes the files, not whoever's request happens to run the task.
    with audit.request_context(None):
        for job in old:
            try:
                if job.file.name:
                    job.file.storage.delete(job.file.name)
            except OSError:
                # Kept as it is and tried again next time.
                logger.exception("could not delete the upload of import job %s", job.pk)
                continue
            # Counted once even when two workers prune at the same time.
            if not ImportJob.objects.filter(
                pk=job.pk, status__in=IMPORT_FINISHED, upload_removed_at__isnull=True
            ).update(upload_removed_at=now):
                continue
            removed += 1
            audit.record(
                action=AuditAction.UPDATE,
                obj=job,
                detail=_("上传的文件已按保留期限删除（保留 %(days)d 天）") % {"days": days},
            )
    return removed

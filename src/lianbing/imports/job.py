"""Import jobs: an uploaded workbook imported in the background, with progress and cancel.

The import page keeps the upload and queues a job (:func:`import_job_create`);
a worker runs :func:`~lianbing.imports.services.import_workbook` on it
(:func:`import_job_execute`), with progress on the :class:`ImportJob` row and
a cancel flag checked at every step (:func:`import_job_cancel`). Finished
jobs lose their upload after the retention period (:func:`import_uploads_prune`).
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction
from lianbing.background.services import background_work_cancel
from lianbing.demand.models import Program
from lianbing.demand.selectors import current_program
from lianbing.xlsx.upload_safety import MAX_UPLOAD_BYTES, UnsafeUploadError, check_xlsx

from .check import NewProgram
from .models import IMPORT_DIR_NAME, IMPORT_FINISHED, ImportJob, ImportStatus
from .problems import problem_dicts
from .read import ImportProblemsError
from .services import import_workbook
from .write import ImportResult

logger = logging.getLogger(__name__)


class ImportCancelledError(Exception):
    """The import was cancelled by the user (or stopped as stale); nothing was written."""


class ImportRequestError(ValueError):
    """An upload that cannot be queued; the message says what to do, in Chinese."""


def import_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / IMPORT_DIR_NAME


def import_job_create(
    *,
    upload: UploadedFile,
    created_by: User,
    program: Program | None = None,
    new_program: NewProgram | None = None,
) -> ImportJob:
    """Keep the uploaded workbook, record the job and queue the import in the background.

    The file is refused before it is kept when it is too large or not a plain
    .xlsx archive. Returns the job (already finished when the task backend
    runs tasks immediately).
    """
    if program is not None and new_program is not None:
        raise ImportRequestError(_("请只选择一个已有批次，或只填写新建批次，不要两者都填。"))
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        raise ImportRequestError(
            _("文件过大（上限 %(mb)d MB）。请拆分为多个文件后分别导入。")
            % {"mb": MAX_UPLOAD_BYTES // 1048576}
        )
    if new_program is not None:
        _check_new_program(new_program)
    elif program is None:
        program = current_program()
        if program is None:
            raise ImportRequestError(
                _("系统中还没有练兵批次。请填写新建批次的名称和起止日期，导入时一并创建。")
            )
    try:
        check_xlsx(upload)  # type: ignore[arg-type]  # an UploadedFile reads, seeks and tells
    except UnsafeUploadError as exc:
        raise ImportRequestError(str(exc)) from None
    with transaction.atomic():
        job = ImportJob(
            created_by=created_by,
            file_name=Path(upload.name or "").name[:200],
            file_size=upload.size,
            program=program,
            new_program_name=new_program.name.strip() if new_program else "",
            new_program_started_on=new_program.started_on if new_program else None,
            new_program_ended_on=new_program.ended_on if new_program else None,
            progress_message=_("排队等待导入"),
        )
        job.file.save("upload.xlsx", upload, save=False)
        try:
            job.full_clean()
        except ValidationError as exc:
            job.file.delete(save=False)
            raise ImportRequestError("；".join(exc.messages)) from None
        job.save()
    # Enqueued once the row is committed, so a database worker always finds it.
    from .tasks import import_job_task

    result = import_job_task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _check_new_program(new_program: NewProgram) -> None:
    if not new_program.name.strip():
        raise ImportRequestError(_("请填写新建批次的名称。"))
    if new_program.ended_on <= new_program.started_on:
        raise ImportRequestError(_("新建批次的结束日期应晚于开始日期，请修改日期。"))
    if Program.objects.filter(name=new_program.name.strip()).exists():
        raise ImportRequestError(
            _("已有名为“%(name)s”的批次。请在“导入到批次”中直接选择它，或换一个名称。")
            % {"name": new_program.name.strip()}
        )


def _progress_file(job_id: int) -> Path:
    return import_directory() / f"job-{job_id}.progress.json"


def live_progress(job: ImportJob) -> tuple[int, str]:
    """The progress of a running job: the row's, or the newer figure written during the transaction.

    Inside the import's single transaction the job row cannot be updated
    visibly (the row would only change at commit, and SQLite allows a single
    writer), so the write phase reports through a small file next to the upload.
    """
    if job.status == ImportStatus.RUNNING:
        try:
            data = json.loads(_progress_file(job.pk).read_text(encoding="utf-8"))
            if int(data["progress"]) >= job.progress:
                return int(data["progress"]), str(data["message"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return job.progress, job.progress_message


class _JobReporter:
    """Progress of a job: on the row between transactions, in a file inside one."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = -1

    def __call__(self, percent: int, message: str) -> None:
        # At most one report (and one look at the cancel flag) per percent.
        if percent == self.last:
            return
        self.last = percent
        if ImportJob.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise ImportCancelledError
        if connection.in_atomic_block:
            target = _progress_file(self.job_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"progress": percent, "message": message[:200]}, out)
            os.replace(name, target)
        else:
            # A job stopped meanwhile (see import_job_cancel) keeps its message.
            ImportJob.objects.filter(pk=self.job_id, status=ImportStatus.RUNNING).update(
                progress=percent, progress_message=message[:200]
            )


def import_job_execute(*, job_id: int) -> str:
    """Run a queued import job; returns its final status. Called by the background task.

    Every write to the job is conditional on it still running. Its outcome is
    written inside the import's own transaction: a job cancelled, or stopped
    as stale (see :func:`import_job_cancel`), by then rolls the import back and
    keeps its status, so a worker that was only slow never brings it back.
    """
    started = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING,
        started_at=timezone.now(),
        progress=1,
        progress_message=_("读取表格"),
    )
    if not started:
        return ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""
    job = ImportJob.objects.select_related("program", "created_by").get(pk=job_id)
    new_program = (
        NewProgram(
            name=job.new_program_name,
            started_on=job.new_program_started_on,
            ended_on=job.new_program_ended_on,
        )
        if job.new_program_name and job.new_program_started_on and job.new_program_ended_on
        else None
    )
    reporter = _JobReporter(job_id)
    running = ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING)

    def record_done(result: ImportResult) -> None:
        if not running.filter(cancel_requested=False).update(
            status=ImportStatus.DONE,
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
            warnings=list(result.warnings),
            progress=100,
            progress_message=_("导入完成"),
            finished_at=timezone.now(),
        ):
            raise ImportCancelledError

    try:
        # The audit trail attributes the import's writes to the uploader, on the job's page.
        with audit.actor_context(job.created_by, path=job.get_absolute_url()):
            import_workbook(
                path=job.file.path,
                program=job.program,
                new_program=new_program,
                progress=reporter,
                before_commit=record_done,
            )
    except ImportCancelledError:
        running.update(
            status=ImportStatus.CANCELLED,
            progress_message=_("已取消，未导入任何数据"),
            finished_at=timezone.now(),
        )
    except ImportProblemsError as exc:
        running.update(
            status=ImportStatus.REJECTED,
            problems=problem_dicts(exc.problems),
            warnings=list(exc.warnings),
            progress_message=_("发现问题，未导入任何数据"),
            finished_at=timezone.now(),
        )
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        running.update(
            status=ImportStatus.FAILED,
            error=_("导入出错（%(error)s），未导入任何数据。请重试；仍失败请联系系统管理员。")
            % {"error": type(exc).__name__},
            progress_message=_("导入出错"),
            finished_at=timezone.now(),
        )
    finally:
        _progress_file(job_id).unlink(missing_ok=True)
    # Each import also clears the uploads past their retention period; the
    # prune_files command does the same from cron. Pruning never fails an import.
    try:
        import_uploads_prune()
    except Exception:
        logger.exception("pruning expired uploads after import job %s failed", job_id)
    return ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""


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
        status__in=IMPORT_FINISHED, finished_at__lt=cutoff, upload_removed_at__isnull=True
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


class ImportCancelError(ImportRequestError):
    """The job has already finished."""


@transaction.atomic
def import_job_cancel(*, job: ImportJob) -> ImportJob:
    """Stop a queued job at once, or ask a running one to stop at its next step (nothing is written).

    A job still running past ``settings.LIANBING_STALE_WORK_MINUTES`` has most
    likely lost its worker: it ends at once as failed, saying so (see
    ``lianbing.background.stale``); the import being one transaction, nothing
    of it was written.
    """
    if not background_work_cancel(
        rows=ImportJob.objects.filter(pk=job.pk),
        statuses=(
            ImportStatus.QUEUED,
            ImportStatus.RUNNING,
            ImportStatus.CANCELLED,
            ImportStatus.FAILED,
        ),
        cancelled_message=_("已取消，未导入任何数据"),
        cancelling_message=_("正在取消……"),
    ):
        raise ImportCancelError(_("该导入已经结束，无需取消。"))
    job.refresh_from_db()
    return job

"""The request side of import jobs: keep an upload and queue its import, cancel it.

The job is queued on commit (:func:`lianbing.background.services.job_enqueue`);
the worker runs it (:mod:`.job`, through :mod:`.tasks`).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from lianbing.background.services import job_cancel, job_enqueue
from lianbing.demand.models import Program
from lianbing.demand.selectors import current_program
from lianbing.xlsx.upload_safety import MAX_UPLOAD_BYTES, UnsafeUploadError, check_xlsx

from .check import NewProgram
from .models import ImportJob
from .tasks import import_job_task


class ImportRequestError(ValueError):
    """An upload that cannot be queued; the message says what to do, in Chinese."""


class ImportCancelError(ImportRequestError):
    """The job has already finished."""


def import_job_create(
    *,
    upload: UploadedFile,
    created_by: User,
    program: Program | None = None,
    new_program: NewProgram | None = None,
) -> ImportJob:
    """Keep the uploaded workbook, record the job and queue the import in the background.

    The file is refused before it is kept when it is too large or not a plain
    .xlsx archive. The import is queued once the job is committed. Returns the
    job (already finished when the task backend runs tasks immediately).
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
        job_enqueue(task=import_job_task, job=job)
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


@transaction.atomic
def import_job_cancel(*, job: ImportJob) -> ImportJob:
    """Stop a queued job at once, or ask a running one to stop at its next step (nothing is written).

    A job still running past ``settings.LIANBING_STALE_WORK_MINUTES`` has most
    likely lost its worker: it ends at once as failed, saying so (see
    ``lianbing.background.stale``); the import being one transaction, nothing
    of it was written.
    """
    if not job_cancel(
        rows=ImportJob.objects.filter(pk=job.pk),
        cancelled_message=_("已取消，未导入任何数据"),
        cancelling_message=_("正在取消……"),
    ):
        raise ImportCancelError(_("该导入已经结束，无需取消。"))
    job.refresh_from_db()
    return job

"""Exporting a run as an Excel workbook: queue one."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from lianbing.background.models import JobStatus
from lianbing.background.services import job_enqueue

from ..models import MatchExport, MatchRun
from ..tasks import match_export_task
from .guards import MatchingError


class ExportError(MatchingError):
    """The run has nothing to export yet."""


def match_export_create(*, run: MatchRun, created_by: User) -> MatchExport:
    """Queue the Excel workbook of a run (balance table and placement, ``lianbing match`` layout)."""
    with transaction.atomic():
        if run.status != JobStatus.DONE:
            raise ExportError(_("该方案还没有计算完成，暂不能导出。请等待计算完成。"))
        export = MatchExport(run=run, created_by=created_by)
        export.full_clean()
        export.save()
        job_enqueue(task=match_export_task, job=export)
    export.refresh_from_db()
    return export

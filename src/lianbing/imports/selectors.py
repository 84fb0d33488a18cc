"""Reads of import jobs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from lianbing.demand.models import Program
from lianbing.demand.selectors import current_program

from .job import live_progress
from .models import ImportJob


def import_job_list(*, limit: int = 50) -> QuerySet[ImportJob]:
    """The most recent imports, newest first, with their uploader and program."""
    return ImportJob.objects.select_related("created_by", "program")[:limit]


@dataclass(frozen=True)
class ImportPage:
    """What the import page shows: the recent jobs and the programs to import into."""

    jobs: list[ImportJob]
    programs: list[Program]
    current: Program | None


def import_page() -> ImportPage:
    return ImportPage(
        jobs=list(import_job_list()),
        programs=list(Program.objects.all()),
        current=current_program(),
    )


def import_job_status(*, job: ImportJob) -> ImportJob:
    """The job fresh from the database, with the live progress of a running import."""
    fresh = ImportJob.objects.select_related("program", "created_by").get(pk=job.pk)
    fresh.progress, fresh.progress_message = live_progress(fresh)
    return fresh

"""Background tasks (Django tasks API): an uploaded workbook is imported outside the request."""

from __future__ import annotations

from django_tasks import task


@task()
def import_job_task(job_id: int) -> str:
    """Import a queued workbook (all or nothing) and record the outcome on its job."""
    from .job import import_job_execute

    return import_job_execute(job_id=job_id)

"""Background tasks (Django tasks API): an uploaded workbook is imported outside the request.

The task runs the worker side (:mod:`.job`); the request side queues it on
commit (:mod:`.submit`).
"""

from __future__ import annotations

from django_tasks import task

from .job import import_job_execute


@task()
def import_job_task(job_id: int) -> str:
    """Import a queued workbook (all or nothing) and record the outcome on its job."""
    return import_job_execute(job_id=job_id)

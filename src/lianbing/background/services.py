"""The request side of the background-job protocol: queue a job on commit, cancel it.

The worker side is :class:`lianbing.background.jobs.Job`; decision record
docs/decisions/0005-background-work.md gives the rules both keep.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks.base import Task

from . import stale
from .models import BackgroundWork, JobStatus


def job_enqueue(*, task: Task[[int], Any], job: models.Model) -> None:
    """Queue ``task(job.pk)`` once the transaction that recorded ``job`` commits.

    Call it inside that transaction: a database worker then always finds the
    row, and a job recorded under an outer transaction that rolls back is
    never queued. Outside any transaction it is queued at once. A job with a
    ``task_id`` (:class:`BackgroundWork`) keeps the task's id.
    """
    model = type(job)
    pk = job.pk

    def enqueue() -> None:
        result = task.enqueue(pk)
        if issubclass(model, BackgroundWork):
            model._default_manager.filter(pk=pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(enqueue)


def job_stop_if_stale(*, rows: QuerySet[Any]) -> bool:
    """End the job in ``rows`` at once when it is running and stale; True when it did.

    The job becomes failed (a stopped job is a failure, not a user's ordinary
    cancel: its page shows the error and asks for a new submission), with
    :func:`stale.stopped_message` as its error and progress message,
    ``finished_at`` now and its cancel flag set, so a worker that was only slow
    stops at its next step. One conditional update: a job that finished or was
    stopped meanwhile is left as it is.
    """
    now = timezone.now()
    minutes = int(settings.LIANBING_STALE_WORK_MINUTES)
    message = stale.stopped_message(minutes)
    return bool(
        rows.filter(
            status=JobStatus.RUNNING, started_at__lt=stale.started_before(now, minutes)
        ).update(
            status=JobStatus.FAILED,
            cancel_requested=True,
            error=message,
            progress_message=message[:200],
            finished_at=now,
        )
    )


def job_cancel(*, rows: QuerySet[Any], cancelled_message: str, cancelling_message: str) -> bool:
    """Cancel the job in ``rows``; False when it had already finished.

    A queued job is cancelled at once with ``cancelled_message``; a running one
    past the stale limit is stopped at once (:func:`job_stop_if_stale`); any
    other running one is asked to stop at its next step, its progress saying
    ``cancelling_message``. Each step is one conditional update, so a job that
    moves on meanwhile is never overwritten.
    """
    return bool(
        rows.filter(status=JobStatus.QUEUED).update(
            status=JobStatus.CANCELLED,
            cancel_requested=True,
            progress_message=cancelled_message,
            finished_at=timezone.now(),
        )
        or job_stop_if_stale(rows=rows)
        or rows.filter(status=JobStatus.RUNNING).update(
            cancel_requested=True, progress_message=cancelling_message
        )
    )

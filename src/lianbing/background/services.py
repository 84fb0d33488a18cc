"""The request side of the background-job protocol: queue a job on commit, cancel it.

The worker side is :class:`lianbing.background.jobs.Job`; decision record
docs/decisions/0005-background-work.md gives the rules both keep.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks.base import Task

from . import liveness, stale
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


def _job_fail(rows: QuerySet[Any], message: str) -> int:
    """End the running jobs in ``rows`` at once as failed, saying ``message``; how many it ended.

    A stopped job is a failure, not a user's ordinary cancel: its page shows
    the error and asks for a new submission. ``finished_at`` is now and the
    cancel flag is set, so a worker that was only slow stops at its next step
    and keeps nothing. One conditional update: a job that finished or was
    stopped meanwhile is left as it is.
    """
    return rows.filter(status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED,
        cancel_requested=True,
        error=message,
        progress_message=message[:200],
        finished_at=timezone.now(),
    )


def job_stop_if_stale(*, rows: QuerySet[Any]) -> bool:
    """End the job in ``rows`` at once (failed) when it is running and stale; True when it did.

    Its error and progress message are :func:`stale.stopped_message`.
    """
    minutes = int(settings.LIANBING_STALE_WORK_MINUTES)
    return bool(
        _job_fail(
            rows.filter(started_at__lt=stale.started_before(timezone.now(), minutes)),
            stale.stopped_message(minutes),
        )
    )


def job_fail_if_worker_gone(*, rows: QuerySet[Any]) -> int:
    """End each running job in ``rows`` whose worker process died (failed); how many it ended.

    Only a worker on this machine can be seen to have died (:mod:`.liveness`);
    the others are left to the stale rule. The failure is the stale stop's,
    with :func:`liveness.gone_message`. Each job is ended only while it still
    records the same worker, so a job taken up again meanwhile is left alone.
    """
    ended = 0
    running = rows.filter(status=JobStatus.RUNNING).exclude(worker="")
    for pk, worker in running.values_list("pk", "worker"):
        if liveness.is_gone(worker):
            ended += _job_fail(rows.filter(pk=pk, worker=worker), liveness.gone_message())
    return ended


def job_check_worker(*, job: BackgroundWork) -> None:
    """Fail ``job`` when it runs and its worker died (:func:`job_fail_if_worker_gone`), then re-read it.

    For the status poll: the page shows the failure within a poll.
    """
    if job.status == JobStatus.RUNNING and job_fail_if_worker_gone(
        rows=type(job)._default_manager.filter(pk=job.pk)
    ):
        job.refresh_from_db()


def jobs_fail_orphaned() -> int:
    """End every job of every kind whose worker on this machine died; how many it ended.

    Run by a worker as it starts: the jobs a killed worker was on would
    otherwise show "running" until they turn stale. A job of a worker that
    still runs (another worker beside this one) is left alone.
    """
    kinds = [
        model
        for model in apps.get_models()
        if issubclass(model, BackgroundWork) and not model._meta.abstract
    ]
    return sum(job_fail_if_worker_gone(rows=model._default_manager.all()) for model in kinds)


def job_cancel(*, rows: QuerySet[Any], cancelled_message: str, cancelling_message: str) -> bool:
    """Cancel the job in ``rows``; False when it had already finished.

    A queued job is cancelled at once with ``cancelled_message``; a running one
    past the stale limit, or whose worker died, is stopped at once
    (:func:`job_stop_if_stale`, :func:`job_fail_if_worker_gone`); any other
    running one is asked to stop at its next step, its progress saying
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
        or job_fail_if_worker_gone(rows=rows)
        or rows.filter(status=JobStatus.RUNNING).update(
            cancel_requested=True, progress_message=cancelling_message
        )
    )

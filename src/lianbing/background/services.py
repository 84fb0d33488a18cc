"""The writes every kind of background work shares: cancelling, and ending a stale job."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from . import stale


def background_work_stop_if_stale(*, rows: QuerySet[Any], running: str, failed: str) -> bool:
    """End the job in ``rows`` at once when it is ``running`` and stale; True when it did.

    The job becomes ``failed`` (a stopped job is a failure, not a user's
    ordinary cancel: its page shows the error and asks for a new submission),
    with :func:`stale.stopped_message` as its error and progress message,
    ``finished_at`` now and its cancel flag set, so a worker that was only slow
    stops at its next step. One conditional update: a job that finished or was
    stopped meanwhile is left as it is.
    """
    now = timezone.now()
    minutes = int(settings.LIANBING_STALE_WORK_MINUTES)
    message = stale.stopped_message(minutes)
    return bool(
        rows.filter(status=running, started_at__lt=stale.started_before(now, minutes)).update(
            status=failed,
            cancel_requested=True,
            error=message,
            progress_message=message[:200],
            finished_at=now,
        )
    )


def background_work_cancel(
    *,
    rows: QuerySet[Any],
    statuses: tuple[str, str, str, str],
    cancelled_message: str,
    cancelling_message: str,
) -> bool:
    """Cancel the job in ``rows``; False when it had already finished.

    ``statuses`` are the kind's (queued, running, cancelled, failed). A queued
    job is cancelled at once with ``cancelled_message``; a running one past the
    stale limit is stopped at once (:func:`background_work_stop_if_stale`); any
    other running one is asked to stop at its next step, its progress saying
    ``cancelling_message``. Each step is one conditional update, so a job that
    moves on meanwhile is never overwritten.
    """
    queued, running, cancelled, failed = statuses
    return bool(
        rows.filter(status=queued).update(
            status=cancelled,
            cancel_requested=True,
            progress_message=cancelled_message,
            finished_at=timezone.now(),
        )
        or background_work_stop_if_stale(rows=rows, running=running, failed=failed)
        or rows.filter(status=running).update(
            cancel_requested=True, progress_message=cancelling_message
        )
    )

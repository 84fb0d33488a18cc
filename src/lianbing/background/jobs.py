"""The worker side of the background-job protocol: claim, report progress, finish, end.

A worker holds a :class:`Job` for the row of the job it runs. Every write it
makes is conditional on the row still running (decision record 0005): a job
cancelled, or stopped as stale (:func:`lianbing.background.services.job_cancel`),
meanwhile keeps its status, and a worker that was only slow changes nothing.
The final result is claimed by :meth:`Job.finish`, called inside the
transaction that stores the result, so the claim and the result commit or roll
back together.

Typical use, in a kind's ``<entity>_execute`` function::

    job = Job(MatchRun, run_id)
    if not job.claim(progress=5, message=_("读取干部与岗位")):
        return job.status()
    with job.working(cancelled_message=_("已取消"), failure=_failure):
        ...  # job.report(40, _("打分")) between steps; raises JobCancelled
        with transaction.atomic():
            job.finish(message=_("计算完成"))  # raises JobCancelled: rolled back
            ...  # store the result
    return job.status()
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from . import liveness
from .models import BackgroundWork, JobStatus


class JobCancelled(Exception):
    """The job was cancelled or stopped meanwhile: its worker stops and stores nothing."""


@dataclasses.dataclass(frozen=True)
class Failure:
    """How a job that raised ends: its status, the error its page shows and its progress message.

    ``status`` is failed, or rejected for a job whose input has problems the
    user must fix; ``fields`` are the kind's own (an import's problem list).
    """

    error: str = ""
    message: str = ""
    status: JobStatus = JobStatus.FAILED
    fields: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class Job:
    """One background job's row, as its worker sees it.

    ``model`` is the kind's model: a :class:`BackgroundWork` (progress,
    cancel flag, ``started_at``) or a plain job with only ``status`` and
    ``finished_at`` (an export), for which progress is not written.
    """

    def __init__(self, model: type[models.Model], pk: int) -> None:
        self.model = model
        self.pk = pk
        self.tracks_progress = issubclass(model, BackgroundWork)

    @property
    def rows(self) -> QuerySet[Any]:
        return self.model._default_manager.filter(pk=self.pk)

    def _running(self) -> QuerySet[Any]:
        """The row while it runs and nobody asked it to stop."""
        running = self.rows.filter(status=JobStatus.RUNNING)
        return running.filter(cancel_requested=False) if self.tracks_progress else running

    def status(self) -> str:
        """The job's status now ("" when its row is gone)."""
        return str(self.rows.values_list("status", flat=True).first() or "")

    def claim(self, *, progress: int = 0, message: str = "") -> bool:
        """Take the queued job up: running from now; False when it was not queued (leave it alone).

        The claim records this worker process, so that its death is seen (:mod:`.liveness`).
        """
        fields: dict[str, Any] = {"status": JobStatus.RUNNING}
        if self.tracks_progress:
            fields.update(
                started_at=timezone.now(),
                progress=progress,
                progress_message=message[:200],
                worker=liveness.this_worker(),
            )
        return bool(self.rows.filter(status=JobStatus.QUEUED).update(**fields))

    def report(self, progress: int, message: str) -> None:
        """Show progress on the row; raises :class:`JobCancelled` when the job must stop."""
        if not self._running().update(progress=progress, progress_message=message[:200]):
            raise JobCancelled

    def cancel_requested(self) -> bool:
        """Whether the job was asked to stop (for a step that cannot write its row)."""
        return self.rows.filter(cancel_requested=True).exists()

    def finish(
        self, *, message: str = "", status: JobStatus = JobStatus.DONE, **fields: Any
    ) -> None:
        """Claim the result: the job ends as ``status`` with the kind's ``fields``.

        Call it inside the transaction that stores the result, before storing
        it (the row then stays locked until the result is in). Raises
        :class:`JobCancelled` when the job was cancelled or stopped meanwhile,
        which rolls that transaction back.
        """
        fields.update(status=status, finished_at=timezone.now())
        if self.tracks_progress:
            fields.update(progress=100, progress_message=message[:200])
        if not self._running().update(**fields):
            raise JobCancelled

    def end(self, status: JobStatus, **fields: Any) -> bool:
        """End the job as ``status`` unless it already ended; True when it did."""
        return bool(
            self.rows.filter(status=JobStatus.RUNNING).update(
                status=status, finished_at=timezone.now(), **fields
            )
        )

    @contextlib.contextmanager
    def working(
        self, *, failure: Callable[[Exception], Failure], cancelled_message: str = ""
    ) -> Iterator[None]:
        """Run the job's work: a cancel ends it as cancelled, an error as ``failure(error)`` says.

        Neither changes a job that already ended (a stale one stopped meanwhile).
        """
        try:
            yield
        except JobCancelled:
            self.end(JobStatus.CANCELLED, **self._message(cancelled_message))
        except Exception as exc:
            ending = failure(exc)
            self.end(
                ending.status, error=ending.error, **self._message(ending.message), **ending.fields
            )

    def _message(self, message: str) -> dict[str, str]:
        return {"progress_message": message[:200]} if self.tracks_progress else {}

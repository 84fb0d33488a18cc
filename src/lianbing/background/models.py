"""The one status vocabulary of background jobs, and the fields a job shares with its page.

Match runs, re-optimisations, exports and spreadsheet imports all run in the
worker. Each kind keeps its own table but takes its statuses from
:class:`JobStatus`: the same stored values everywhere, so every rule (and the
protocol in :mod:`lianbing.background.jobs`) reads them the same way. A kind
may word a status its own way on its pages (:meth:`JobStatus.choices_for`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import stale


class JobStatus(models.TextChoices):
    """Where a background job is: waiting, on the worker, or ended (and how)."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    #: Ended without doing anything because its input has problems the user must fix (imports).
    REJECTED = "rejected", _("有问题，未执行")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已取消")
    #: Done, and its file was deleted after the retention period (exports).
    EXPIRED = "expired", _("已过期")

    @classmethod
    def choices_for(
        cls, statuses: Iterable[JobStatus], **labels: str | Promise
    ) -> list[tuple[str, str | Promise]]:
        """The field choices of one kind of job: ``statuses`` in order, with its own wording.

        ``labels`` maps a status name in lower case to the kind's label, e.g.
        ``running=_("计算中")``; the others keep the shared label.
        """
        return [(s.value, labels.get(s.name.lower(), s.label)) for s in statuses]


#: Still to finish: the page keeps polling, and the job can be cancelled.
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)

#: The statuses of a job that reports progress and can be cancelled (a run, a re-optimisation).
CANCELLABLE_STATUSES = (
    JobStatus.QUEUED,
    JobStatus.RUNNING,
    JobStatus.DONE,
    JobStatus.FAILED,
    JobStatus.CANCELLED,
)

#: The status every kind of background work has while the worker is on it.
RUNNING = JobStatus.RUNNING.value


def job_constraints(
    table: str, choices: list[tuple[str, Promise | str]], *, progress: bool = True
) -> list[models.CheckConstraint]:
    """The checks every job table carries: a known status and, with progress, at most 100.

    ``table`` prefixes the constraint names (``<table>_status_known``,
    ``<table>_progress_at_most_100``), which existing migrations already use.
    """
    checks = [
        models.CheckConstraint(
            condition=models.Q(status__in=[value for value, _label in choices]),
            name=f"{table}_status_known",
        )
    ]
    if progress:
        checks.append(
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name=f"{table}_progress_at_most_100"
            )
        )
    return checks


class BackgroundWork(models.Model):
    """Progress (0-100 and a short Chinese message), cancel flag, error, task id and worker.

    Each concrete kind declares ``status`` (with :class:`JobStatus` values),
    ``started_at`` and ``finished_at``.
    """

    progress = models.PositiveSmallIntegerField(
        _("进度"), default=0, validators=[MaxValueValidator(100)]
    )
    progress_message = models.CharField(_("进度说明"), max_length=200, blank=True)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    error = models.TextField(_("错误信息"), blank=True)
    task_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)
    #: The worker process that claimed the job (see :mod:`.liveness`), to tell when it died.
    worker = models.CharField(_("后台进程"), max_length=200, blank=True)

    # Declared by each concrete model.
    status: str
    started_at: datetime.datetime | None

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        """Queued or running: the page keeps polling."""
        return self.status in ACTIVE

    @property
    def stale_hint(self) -> str:
        """The hint its progress shows while it has run past the limit (see ``stale``), else ""."""
        minutes = int(settings.LIANBING_STALE_WORK_MINUTES)
        if self.status != RUNNING or not stale.is_stale(self.started_at, timezone.now(), minutes):
            return ""
        return stale.stale_hint(minutes)

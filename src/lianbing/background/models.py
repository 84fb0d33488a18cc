"""The fields a background job shares with the page that polls it.

Match runs, re-optimisations and spreadsheet imports all run in the worker,
report progress, can be cancelled and may fail; each adds its own ``status``
choices (with the same ``running`` value) and its ``started_at``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import stale

#: The status every kind of background work has while the worker is on it.
RUNNING = "running"


class BackgroundWork(models.Model):
    """Progress (0-100 and a short Chinese message), cancel flag, error and task id."""

    progress = models.PositiveSmallIntegerField(
        _("进度"), default=0, validators=[MaxValueValidator(100)]
    )
    progress_message = models.CharField(_("进度说明"), max_length=200, blank=True)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    error = models.TextField(_("错误信息"), blank=True)
    task_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)

    # Declared by each concrete model.
    status: str
    started_at: datetime.datetime | None

    class Meta:
        abstract = True

    @property
    def stale_hint(self) -> str:
        """The hint its progress shows while it has run past the limit (see ``stale``), else ""."""
        minutes = int(settings.LIANBING_STALE_WORK_MINUTES)
        if self.status != RUNNING or not stale.is_stale(self.started_at, timezone.now(), minutes):
            return ""
        return stale.stale_hint(minutes)

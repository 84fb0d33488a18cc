"""The fields a background job shares with the page that polls it.

Match runs and spreadsheet imports both run in the worker, report progress,
can be cancelled and may fail; each adds its own ``status`` choices.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class BackgroundWork(models.Model):
    """Progress (0-100 and a short Chinese message), cancel flag, error and task id."""

    progress = models.PositiveSmallIntegerField(
        _("进度"), default=0, validators=[MaxValueValidator(100)]
    )
    progress_message = models.CharField(_("进度说明"), max_length=200, blank=True)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    error = models.TextField(_("错误信息"), blank=True)
    task_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)

    class Meta:
        abstract = True

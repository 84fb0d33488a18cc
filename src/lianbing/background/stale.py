"""When a running background job is taken to have lost its worker.

There is no heartbeat. A job the worker has been on for longer than
``settings.LIANBING_STALE_WORK_MINUTES`` (counted from ``started_at``) is
*stale*: its worker was most likely killed or its machine restarted, and the
row would otherwise stay "running" for ever. Cancelling a stale job ends it at
once as failed, with :func:`stopped_message`; a fresh one is only asked to stop
at its next step. A worker that was merely slow and comes back later finds the
job no longer running and discards its result.

Pure: the clock and the limit are passed in.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _


def started_before(now: datetime.datetime, minutes: int) -> datetime.datetime:
    """The moment a job must have started before to be stale at ``now``."""
    return now - datetime.timedelta(minutes=minutes)


def is_stale(started_at: datetime.datetime | None, now: datetime.datetime, minutes: int) -> bool:
    """True when a job that started at ``started_at`` has run more than ``minutes`` by ``now``.

    A job that never started (``started_at`` is None) is not stale.
    """
    return started_at is not None and started_at < started_before(now, minutes)


def stopped_message(minutes: int) -> str:
    """What a stale job that was cancelled says, in its error and progress message."""
    return _("后台任务超过 %(minutes)d 分钟未完成，可能已中断，已停止。请重新提交。") % {
        "minutes": minutes
    }


def stale_hint(minutes: int) -> str:
    """What the progress of a stale job says, beside its cancel button."""
    return _("已运行超过 %(minutes)d 分钟，后台可能已中断。可点击“取消”停止它，然后重新提交。") % {
        "minutes": minutes
    }

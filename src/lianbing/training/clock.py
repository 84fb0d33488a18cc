"""The one clock of the training period: every "today" of plans, logs and reminders.

Lateness, "no log for N days" and the month of an assessment all read
:func:`today`. Tests and demonstrations fix it with the ``LIANBING_TODAY``
setting (an ISO date, e.g. ``"2026-05-15"``; also read from the environment
variable of the same name), so one rule gives the same answer everywhere.
"""

from __future__ import annotations

import datetime
import os

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    """The current date in the site's time zone, or the fixed date when one is set."""
    fixed = getattr(settings, "LIANBING_TODAY", None) or os.environ.get("LIANBING_TODAY", "")
    if fixed:
        if isinstance(fixed, datetime.date):
            return fixed
        return datetime.date.fromisoformat(str(fixed))
    return timezone.localdate()


def month_start(day: datetime.date) -> datetime.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole months, clamped to the month's last day (Jan 31 + 1 = Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")

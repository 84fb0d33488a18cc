"""The rules of progress, read against :mod:`lianbing.training.clock`.

- A milestone is *done* once it has a done date, *late* when its due date has
  passed and it is not done, and *on track* otherwise.
- The milestones that count are those of the secondment's approved plan.
- A trainee is *silent* when the last log is older than the program's
  ``log_gap_days`` (or, with no log at all, when the secondment started longer
  ago than that).
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import clock
from .models import Milestone, PlanStatus, Secondment


class MilestoneState(StrEnum):
    ON_TRACK = "on_track"
    LATE = "late"
    DONE = "done"


STATE_LABELS = {
    MilestoneState.ON_TRACK: _("按期推进"),
    MilestoneState.LATE: _("已逾期"),
    MilestoneState.DONE: _("已完成"),
}


def milestone_state(milestone: Milestone, today: datetime.date | None = None) -> MilestoneState:
    """The state of one milestone on ``today`` (the clock's date by default)."""
    if milestone.done_on is not None:
        return MilestoneState.DONE
    if milestone.due_on < (today or clock.today()):
        return MilestoneState.LATE
    return MilestoneState.ON_TRACK


def live_milestones() -> QuerySet[Milestone]:
    """Milestones of approved plans of current secondments."""
    return Milestone.objects.filter(
        plan__status=PlanStatus.APPROVED, plan__secondment__superseded_at__isnull=True
    )


def late_milestones(today: datetime.date | None = None) -> QuerySet[Milestone]:
    """Live milestones past their due date and not done."""
    return live_milestones().filter(done_on__isnull=True, due_on__lt=today or clock.today())


def silent_secondments(
    secondments: QuerySet[Secondment], today: datetime.date | None = None
) -> list[tuple[Secondment, datetime.date | None]]:
    """Secondments with no log for their program's ``log_gap_days``, with the last log date."""
    day = today or clock.today()
    rows = secondments.filter(superseded_at__isnull=True, started_on__lte=day).annotate(
        last_log=Max("logs__on")
    )
    silent: list[tuple[Secondment, datetime.date | None]] = []
    for secondment in rows.select_related("program"):
        last = secondment.last_log
        since = last or secondment.started_on
        if (day - since).days > secondment.program.log_gap_days:
            silent.append((secondment, last))
    return silent


def open_plan_filter() -> Q:
    """Secondments that have no approved plan yet (for ``Secondment`` querysets)."""
    return ~Q(plans__status=PlanStatus.APPROVED)

"""Follow-up (跟踪督办): who is behind, per program and host unit (what is due for each person is in :mod:`.home`).

The rules, every date read from :func:`lianbing.training.clock.today`:

- *silent*: no log for more than the program's ``log_gap_days``
  (:func:`lianbing.training.status.silent_secondments`), while the secondment
  is under way (started, not yet ended);
- *late*: a milestone of the approved plan past its due date and not done
  (:func:`lianbing.training.status.late_milestones`);
- *plan not approved*: no approved version yet; shown with the newest
  version's status (none, draft, submitted, returned);
- *assessment missing*: no monthly assessment for the previous full month,
  for a secondment with a confirmed mentor that was under way on that month's
  first day;
- *mentor not confirmed*: the pairing still awaits the department.

Every read starts from :func:`lianbing.training.access.visible_secondments`,
so a host-unit contact sees the same figures restricted to the own unit. The
query count of each read is constant: annotations and one query a rule, no
query per row.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from lianbing.demand import selectors as demand_selectors
from lianbing.demand.models import Program

from .. import clock, status
from ..access import visible_secondments
from ..models import (
    Milestone,
    MonthlyAssessment,
    PlanStatus,
    Secondment,
    TrainingPlan,
)

#: The status shown for a secondment that has no plan version at all.
NO_PLAN = "none"

#: Logs older than this are never "awaiting a comment" (the largest log gap a program may set).
_LOG_WINDOW_DAYS = 90


# --------------------------------------------------------------------------- dates


def ends_on(secondment: Secondment) -> datetime.date:
    """The last day of a secondment: its start moved by its months, less one day."""
    return clock.add_months(secondment.started_on, secondment.duration_months) - datetime.timedelta(
        days=1
    )


def under_way(secondment: Secondment, day: datetime.date) -> bool:
    """The secondment has started and not ended on ``day``."""
    return secondment.started_on <= day <= ends_on(secondment)


def assessment_month(day: datetime.date) -> datetime.date:
    """The first day of the previous full month: the month whose assessment is due on ``day``."""
    return clock.add_months(clock.month_start(day), -1)


def _plan_status_label(code: str) -> str:
    if code == NO_PLAN:
        return _("未起草")
    return str(PlanStatus(code).label)


def _annotated(
    secondments: QuerySet[Secondment], *, month: datetime.date, this_month: datetime.date
) -> QuerySet[Secondment]:
    """Secondments with their plan state and whether the two latest months are assessed."""
    plans = TrainingPlan.objects.filter(secondment=OuterRef("pk")).order_by("-version")
    assessments = MonthlyAssessment.objects.filter(secondment=OuterRef("pk"))
    return secondments.annotate(
        has_approved=Exists(
            TrainingPlan.objects.filter(secondment=OuterRef("pk"), status=PlanStatus.APPROVED)
        ),
        latest_plan_id=Subquery(plans.values("pk")[:1]),
        latest_status=Subquery(plans.values("status")[:1]),
        latest_version=Subquery(plans.values("version")[:1]),
        assessed_previous=Exists(assessments.filter(month=month)),
        assessed_this=Exists(assessments.filter(month=this_month)),
    )


# --------------------------------------------------------------------------- overview


@dataclass(frozen=True)
class SilentTrainee:
    secondment: Secondment
    last_log_on: datetime.date | None
    days: int


@dataclass(frozen=True)
class LateMilestone:
    milestone: Milestone
    secondment: Secondment
    days_late: int


@dataclass(frozen=True)
class OpenPlan:
    secondment: Secondment
    status: str
    status_label: str
    plan_id: int | None


@dataclass(frozen=True)
class UnitRow:
    unit_id: int | None
    name: str
    trainees: int = 0
    silent: int = 0
    late: int = 0
    open_plans: int = 0
    missing_assessments: int = 0
    unconfirmed: int = 0


@dataclass(frozen=True)
class FollowupOverview:
    program: Program | None
    programs: list[Program]
    today: datetime.date
    gap_days: int
    assessment_month: datetime.date
    units: list[UnitRow] = field(default_factory=list)
    total: UnitRow = field(default_factory=lambda: UnitRow(None, _("合计")))
    silent: list[SilentTrainee] = field(default_factory=list)
    late: list[LateMilestone] = field(default_factory=list)
    open_plans: list[OpenPlan] = field(default_factory=list)
    missing_assessments: list[Secondment] = field(default_factory=list)
    unconfirmed: list[Secondment] = field(default_factory=list)

    @property
    def all_clear(self) -> bool:
        return not (
            self.silent
            or self.late
            or self.open_plans
            or self.missing_assessments
            or self.unconfirmed
        )


def followup_programs(user: Any) -> list[Program]:
    """Programs with current secondments ``user`` may read, newest first."""
    current = visible_secondments(user).filter(superseded_at__isnull=True)
    return list(
        Program.objects.filter(pk__in=current.values("program_id")).order_by("-started_on", "-id")
    )


def _silent(secondments: QuerySet[Secondment], day: datetime.date) -> list[SilentTrainee]:
    return [
        SilentTrainee(s, last, (day - (last or s.started_on)).days)
        for s, last in status.silent_secondments(secondments, day)
        if under_way(s, day)
    ]


def _late(secondments: QuerySet[Secondment], day: datetime.date) -> list[LateMilestone]:
    milestones = (
        status.late_milestones(day)
        .filter(plan__secondment__in=secondments.values("pk"))
        .select_related(
            "plan__secondment__cadre",
            "plan__secondment__post__unit",
            "plan__secondment__mentor",
            "plan__secondment__program",
        )
        .order_by("due_on", "plan__secondment__cadre__name", "pk")
    )
    return [LateMilestone(m, m.plan.secondment, (day - m.due_on).days) for m in milestones]


def _unit_rows(
    rows: list[Secondment],
    *,
    silent: Iterable[Secondment],
    late: Iterable[Secondment],
    open_plans: Iterable[Secondment],
    missing: Iterable[Secondment],
    unconfirmed: Iterable[Secondment],
) -> tuple[list[UnitRow], UnitRow]:
    def by_unit(items: Iterable[Secondment]) -> Counter[int]:
        return Counter(s.post.unit_id for s in items)

    counts = {
        "silent": by_unit(silent),
        "late": by_unit(late),
        "open_plans": by_unit(open_plans),
        "missing_assessments": by_unit(missing),
        "unconfirmed": by_unit(unconfirmed),
    }
    trainees = by_unit(rows)
    names = {s.post.unit_id: s.post.unit.name for s in rows}
    units = [
        UnitRow(
            unit_id=unit_id,
            name=names[unit_id],
            trainees=trainees[unit_id],
            **{key: counter[unit_id] for key, counter in counts.items()},
        )
        for unit_id in sorted(names, key=lambda pk: (names[pk], pk))
    ]
    total = UnitRow(
        unit_id=None,
        name=_("合计"),
        trainees=len(rows),
        **{key: sum(counter.values()) for key, counter in counts.items()},
    )
    return units, total


def followup_overview(
    *, user: Any, program_id: int | None = None, today: datetime.date | None = None
) -> FollowupOverview:
    """The follow-up of one program (by default the current one) as ``user`` may read it.

    ``program_id`` names another program with secondments ``user`` may read;
    any other id is answered as missing (``Http404``). Without it, the current
    program is shown when it has secondments, else the newest that has.
    """
    day = today or clock.today()
    month = assessment_month(day)
    programs = followup_programs(user)
    if program_id is not None:
        program = next((p for p in programs if p.pk == program_id), None)
        if program is None:
            raise Http404
    else:
        current = demand_selectors.current_program()
        program = current if current in programs else (programs[0] if programs else None)
    if program is None:
        return FollowupOverview(
            program=None, programs=programs, today=day, gap_days=0, assessment_month=month
        )

    secondments = visible_secondments(user).filter(program=program, superseded_at__isnull=True)
    rows = list(
        _annotated(secondments, month=month, this_month=clock.month_start(day)).order_by(
            "post__unit__name", "cadre__name", "pk"
        )
    )
    silent = _silent(secondments, day)
    late = _late(secondments, day)
    open_plans = [
        OpenPlan(
            secondment=s,
            status=s.latest_status or NO_PLAN,  # type: ignore[attr-defined]
            status_label=_plan_status_label(s.latest_status or NO_PLAN),  # type: ignore[attr-defined]
            plan_id=s.latest_plan_id,  # type: ignore[attr-defined]
        )
        for s in rows
        if not s.has_approved  # type: ignore[attr-defined]
    ]
    missing = [
        s
        for s in rows
        if s.mentor_confirmed_at is not None
        and not s.assessed_previous  # type: ignore[attr-defined]
        and under_way(s, month)
    ]
    unconfirmed = [s for s in rows if s.mentor_confirmed_at is None]
    units, total = _unit_rows(
        rows,
        silent=(r.secondment for r in silent),
        late=(r.secondment for r in late),
        open_plans=(r.secondment for r in open_plans),
        missing=missing,
        unconfirmed=unconfirmed,
    )
    return FollowupOverview(
        program=program,
        programs=programs,
        today=day,
        gap_days=program.log_gap_days,
        assessment_month=month,
        units=units,
        total=total,
        silent=silent,
        late=late,
        open_plans=open_plans,
        missing_assessments=missing,
        unconfirmed=unconfirmed,
    )

"""The year of one program on one page (全年日程), in date order, each item linking to its page.

Read across the apps of the program's steps: survey deadlines, match runs and
the finalising, placements starting and ending, plan approvals by month,
activities, inspection rounds' windows, the growth index and records. One
query per kind of item (grouped by date where a kind has many rows, as the
placements and the plan approvals), whatever the size of the program.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.accounts.policy import policy_of
from lianbing.activities.models import Activity
from lianbing.background.models import JobStatus
from lianbing.demand.models import Program
from lianbing.evaluation.models import EvaluationRound, RoundStatus
from lianbing.matching.models import MatchRun
from lianbing.survey.models import SurveyRound
from lianbing.training import clock
from lianbing.training.models import PlanStatus, Secondment, TrainingPlan

#: The step of the year each entry belongs to (its ``step``), as the sidebar names them.
STEPS = {
    "program": _("练兵批次"),
    "survey": _("需求调研"),
    "match": _("人岗匹配"),
    "training": _("练兵培养"),
    "inspection": _("一线考察"),
    "activity": _("赋能活动"),
}


@dataclass(frozen=True)
class Entry:
    """One dated item of the year; ``until`` for a window (an inspection round's rating)."""

    on: datetime.date
    step: str
    label: str
    url: str
    until: datetime.date | None = None
    detail: str = ""
    #: Still ahead of today (the page marks what is done and what is to come).
    ahead: bool = False

    @property
    def step_label(self) -> str:
        return str(STEPS[self.step])


@dataclass(frozen=True)
class Month:
    month: datetime.date
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Calendar:
    program: Program
    months: tuple[Month, ...]
    today: datetime.date


def _day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _survey(program: Program) -> list[Entry]:
    return [
        Entry(
            _day(r.deadline_at),
            "survey",
            _("需求调研“%(name)s”填报截止") % {"name": r.name},
            reverse("survey:round_detail", args=[r.pk]),
            detail=_("已提交需求 %(n)d 条") % {"n": r.filed},
        )
        for r in SurveyRound.objects.filter(program=program).annotate(
            filed=Count("demands", filter=~Q(demands__status="draft"))
        )
    ]


def _match(program: Program) -> list[Entry]:
    entries = []
    for run in MatchRun.objects.filter(program=program).only(
        "pk", "title", "status", "created_at", "finalised_at", "filled"
    ):
        name = run.title or _("第 %(n)d 号方案") % {"n": run.pk}
        if run.finalised_at is not None:
            entries.append(
                Entry(
                    _day(run.finalised_at),
                    "match",
                    _("匹配方案“%(name)s”定案") % {"name": name},
                    reverse("matching:balance", args=[run.pk]),
                    detail=_("配置 %(n)d 个名额") % {"n": run.filled or 0},
                )
            )
        entries.append(
            Entry(
                _day(run.created_at),
                "match",
                _("发起匹配方案“%(name)s”") % {"name": name},
                reverse("matching:run_detail", args=[run.pk]),
                detail=str(JobStatus(run.status).label) if run.status in JobStatus.values else "",
            )
        )
    return entries


def _training(program: Program) -> list[Entry]:
    current = Secondment.objects.filter(program=program, superseded_at__isnull=True)
    placements_url = reverse("training:secondment_list")
    entries = [
        Entry(
            row["started_on"],
            "training",
            _("%(n)d 名干部到岗开始练兵") % {"n": row["n"]},
            placements_url,
        )
        for row in current.order_by().values("started_on").annotate(n=Count("pk"))
    ]
    ends: dict[datetime.date, int] = {}
    for row in current.order_by().values("started_on", "duration_months").annotate(n=Count("pk")):
        end = clock.add_months(row["started_on"], row["duration_months"]) - datetime.timedelta(
            days=1
        )
        ends[end] = ends.get(end, 0) + row["n"]
    entries += [
        Entry(end, "training", _("%(n)d 名干部练兵期满") % {"n": n}, placements_url)
        for end, n in ends.items()
    ]
    approved = (
        TrainingPlan.objects.filter(
            secondment__in=current.values("pk"),
            status=PlanStatus.APPROVED,
            decided_at__isnull=False,
        )
        .annotate(month=TruncMonth("decided_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"), last=Max("decided_at"))
    )
    overview = reverse("training:overview")
    entries += [
        Entry(
            _day(row["last"]),
            "training",
            _("%(month)s 批准练兵计划 %(n)d 份")
            % {"month": f"{row['month']:%Y年%-m月}", "n": row["n"]},
            overview,
        )
        for row in approved
    ]
    waiting = TrainingPlan.objects.filter(
        secondment__in=current.values("pk"), status=PlanStatus.SUBMITTED
    ).count()
    if waiting:
        entries.append(
            Entry(
                clock.today(),
                "training",
                _("待审批的练兵计划 %(n)d 份") % {"n": waiting},
                overview,
                ahead=True,
            )
        )
    return entries


def _activities(program: Program) -> list[Entry]:
    return [
        Entry(
            a.held_on,
            "activity",
            a.title
            if a.title.startswith(a.get_kind_display())
            else f"{a.get_kind_display()}：{a.title}",
            reverse("activities:activity_detail", args=[a.pk]),
            detail=f"{a.series.name} · {a.get_status_display()}",
        )
        for a in Activity.objects.filter(series__program=program).select_related("series")
    ]


def _inspection(program: Program) -> list[Entry]:
    entries = []
    rounds = EvaluationRound.objects.filter(program=program).annotate(
        computed_at=Max("computations__created_at")
    )
    for r in rounds:
        url = reverse("evaluation:round_detail", args=[r.pk])
        start = _day(r.opened_at) if r.opened_at else _day(r.created_at)
        entries.append(
            Entry(
                start,
                "inspection",
                _("一线考察“%(name)s”评价") % {"name": r.name},
                url,
                until=r.closes_on,
                detail=str(RoundStatus(r.status).label),
            )
        )
        computed = r.computed_at
        if computed is not None:
            entries.append(
                Entry(
                    _day(computed),
                    "inspection",
                    _("“%(name)s”计算成长指数") % {"name": r.name},
                    reverse("evaluation:index", args=[r.pk]),
                )
            )
        if r.released_at is not None:
            entries.append(
                Entry(
                    _day(r.released_at),
                    "inspection",
                    _("“%(name)s”发布成长档案") % {"name": r.name},
                    url,
                )
            )
    return entries


def _permitted(url: str, user: Any) -> bool:
    try:
        match = resolve(url)
    except Resolver404:
        return False
    policy = policy_of(match.func, match)
    return policy is not None and policy.permits(user)


def program_calendar(*, program: Program, user: Any) -> Calendar:
    """The program's year in date order, grouped by month; links only to pages ``user`` may open."""
    today = clock.today()
    entries = [
        Entry(program.started_on, "program", _("练兵批次开始"), ""),
        Entry(program.ended_on, "program", _("练兵批次结束"), ""),
        *_survey(program),
        *_match(program),
        *_training(program),
        *_activities(program),
        *_inspection(program),
    ]
    allowed: dict[str, bool] = {}
    shown = []
    for e in entries:
        view = e.url.split("?")[0]
        if e.url and view not in allowed:
            allowed[view] = _permitted(view, user)
        shown.append(
            Entry(
                e.on,
                e.step,
                e.label,
                e.url if e.url and allowed[view] else "",
                until=e.until,
                detail=e.detail,
                ahead=e.ahead or e.on > today,
            )
        )
    shown.sort(key=lambda e: (e.on, list(STEPS).index(e.step), e.label))
    months = tuple(
        Month(month, tuple(group))
        for month, group in groupby(shown, key=lambda e: e.on.replace(day=1))
    )
    return Calendar(program=program, months=months, today=today)

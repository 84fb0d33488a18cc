"""Follow-up (跟踪督办): who is behind, per program and host unit, and what is due for each person.

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
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from lianbing.accounts.models import Profile, Role
from lianbing.accounts.roles import roles_of
from lianbing.demand import selectors as demand_selectors
from lianbing.demand.models import Program

from .. import clock, status
from ..access import visible_secondments
from ..models import (
    LogComment,
    Milestone,
    MonthlyAssessment,
    PlanComment,
    PlanStatus,
    Secondment,
    TrainingPlan,
    WorkLog,
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


# --------------------------------------------------------------------------- what is due


class DueKind(StrEnum):
    """The kinds of due items; each has a title on the home page and its own reminder keys."""

    LOG_GAP = "log-gap"
    LATE = "late"
    DUE_THIS_MONTH = "due-month"
    PLAN_READ = "plan-read"
    PLAN_DRAFT = "plan-draft"
    PLAN_RETURN = "plan-return"
    PLAN_SUBMITTED = "plan-submitted"
    LOG_COMMENT = "log-comment"
    ASSESSMENT = "assessment"
    ASSESSMENT_THIS_MONTH = "assessment-month"
    PAIRING = "pairing"


def _titles() -> dict[DueKind, str]:
    return {
        DueKind.LOG_GAP: _("练兵日志超过规定天数未填写"),
        DueKind.LATE: _("已逾期的练兵节点"),
        DueKind.DUE_THIS_MONTH: _("本月到期的练兵节点"),
        DueKind.PLAN_READ: _("待阅看的练兵计划"),
        DueKind.PLAN_DRAFT: _("待起草的练兵计划"),
        DueKind.PLAN_RETURN: _("被退回待修改的练兵计划"),
        DueKind.PLAN_SUBMITTED: _("待审批的练兵计划"),
        DueKind.LOG_COMMENT: _("待点评的练兵日志"),
        DueKind.ASSESSMENT: _("上月月度评价未填写"),
        DueKind.ASSESSMENT_THIS_MONTH: _("本月月度评价待填写"),
        DueKind.PAIRING: _("待确认的导师结对"),
    }


@dataclass(frozen=True)
class Due:
    """One thing due for one person; ``key`` names it for reminders (never mailed twice)."""

    kind: DueKind
    key: str
    label: str
    url: str
    #: Mailed by the daily reminder (things merely coming up show on the home page only).
    mail: bool = True


@dataclass(frozen=True)
class DueItem:
    """A line of the home page's 我的待办: a kind of due thing, how many, where to act."""

    kind: DueKind
    label: str
    count: int
    url: str
    details: tuple[str, ...]


def _detail_url(secondment_id: int) -> str:
    return reverse("training:secondment_detail", args=[secondment_id])


def _plan_url(secondment_id: int) -> str:
    return reverse("training:plan_current", args=[secondment_id])


def _profile(user: Any) -> Profile | None:
    try:
        return user.profile  # type: ignore[no-any-return]
    except (Profile.DoesNotExist, AttributeError):
        return None


def _name(secondment: Secondment) -> str:
    return secondment.cadre.name


def _month_label(month: datetime.date) -> str:
    return _("%(year)d年%(month)d月") % {"year": month.year, "month": month.month}


def _log_gap_dues(secondments: QuerySet[Secondment], day: datetime.date, *, own: bool) -> list[Due]:
    dues = []
    for row in _silent(secondments, day):
        s = row.secondment
        last = row.last_log_on
        since = (
            _("上次日志 %(date)s") % {"date": last.isoformat()} if last else _("开始以来尚无日志")
        )
        values = {"days": row.days, "gap": s.program.log_gap_days, "since": since}
        label = (
            _("已 %(days)d 天未填写练兵日志（%(since)s；每 %(gap)d 天至少一篇）") % values
            if own
            else _("%(name)s：已 %(days)d 天未填写练兵日志（%(since)s）")
            % {**values, "name": _name(s)}
        )
        dues.append(
            Due(
                DueKind.LOG_GAP,
                f"log-gap:{s.pk}:{last.isoformat() if last else 'none'}",
                label,
                _detail_url(s.pk),
            )
        )
    return dues


def _milestone_label(milestone: Milestone, secondment: Secondment, *, own: bool) -> str:
    text = _("%(title)s（%(due)s 到期）") % {
        "title": milestone.title,
        "due": milestone.due_on.isoformat(),
    }
    return text if own else f"{_name(secondment)}：{text}"


def _late_dues(secondments: QuerySet[Secondment], day: datetime.date, *, own: bool) -> list[Due]:
    return [
        Due(
            DueKind.LATE,
            f"late:{row.milestone.pk}",
            _milestone_label(row.milestone, row.secondment, own=own)
            + _("，已逾期 %(days)d 天") % {"days": row.days_late},
            _plan_url(row.secondment.pk),
        )
        for row in _late(secondments, day)
    ]


def _trainee_dues(user: Any, secondments: QuerySet[Secondment], day: datetime.date) -> list[Due]:
    dues = _log_gap_dues(secondments, day, own=True)
    dues += _late_dues(secondments, day, own=True)
    next_month = clock.add_months(clock.month_start(day), 1)
    coming = (
        status.live_milestones()
        .filter(
            plan__secondment__in=secondments.values("pk"),
            done_on__isnull=True,
            due_on__gte=day,
            due_on__lt=next_month,
        )
        .select_related("plan__secondment__cadre")
        .order_by("due_on", "pk")
    )
    dues += [
        Due(
            DueKind.DUE_THIS_MONTH,
            f"due-month:{m.pk}",
            _milestone_label(m, m.plan.secondment, own=True),
            _plan_url(m.plan.secondment_id),
        )
        for m in coming
    ]
    to_read = secondments.annotate(
        latest_plan_id=Subquery(
            TrainingPlan.objects.filter(secondment=OuterRef("pk"), status=PlanStatus.SUBMITTED)
            .order_by("-version")
            .values("pk")[:1]
        ),
        commented=Exists(
            PlanComment.objects.filter(
                plan__secondment=OuterRef("pk"), plan__status=PlanStatus.SUBMITTED, author=user
            )
        ),
    ).filter(latest_plan_id__isnull=False, commented=False)
    dues += [
        Due(
            DueKind.PLAN_READ,
            f"plan-read:{s.latest_plan_id}",
            _("练兵计划已提交审批，请阅看，如有意见可留言"),
            _plan_url(s.pk),
        )
        for s in to_read
    ]
    return dues


def _mentor_dues(secondments: QuerySet[Secondment], day: datetime.date) -> list[Due]:
    month = assessment_month(day)
    this_month = clock.month_start(day)
    rows = list(_annotated(secondments, month=month, this_month=this_month))
    dues: list[Due] = []
    for s in rows:
        latest = s.latest_status  # type: ignore[attr-defined]
        if latest is None:
            dues.append(
                Due(
                    DueKind.PLAN_DRAFT,
                    f"plan-draft:{s.pk}",
                    _("为 %(name)s 起草练兵计划") % {"name": _name(s)},
                    _plan_url(s.pk),
                )
            )
        elif latest == PlanStatus.RETURNED:
            dues.append(
                Due(
                    DueKind.PLAN_RETURN,
                    f"plan-return:{s.latest_plan_id}",  # type: ignore[attr-defined]
                    _("%(name)s 的第 %(version)d 版练兵计划被退回，请修改后重新提交")
                    % {"name": _name(s), "version": s.latest_version},  # type: ignore[attr-defined]
                    _plan_url(s.pk),
                )
            )
        if not s.assessed_previous and under_way(s, month):  # type: ignore[attr-defined]
            dues.append(
                Due(
                    DueKind.ASSESSMENT,
                    f"assessment:{s.pk}:{month:%Y-%m}",
                    _("%(name)s %(month)s 的月度评价未填写")
                    % {"name": _name(s), "month": _month_label(month)},
                    _detail_url(s.pk),
                )
            )
        if not s.assessed_this and under_way(s, this_month):  # type: ignore[attr-defined]
            dues.append(
                Due(
                    DueKind.ASSESSMENT_THIS_MONTH,
                    # The same key as next month's overdue item: the reminder
                    # goes out once, when the month is over.
                    f"assessment:{s.pk}:{this_month:%Y-%m}",
                    _("%(name)s %(month)s 的月度评价（月底前填写）")
                    % {"name": _name(s), "month": _month_label(this_month)},
                    _detail_url(s.pk),
                    mail=False,
                )
            )
    logs = (
        WorkLog.objects.filter(
            secondment__in=secondments.values("pk"),
            on__lte=day,
            on__gte=day - datetime.timedelta(days=_LOG_WINDOW_DAYS),
        )
        .annotate(commented=Exists(LogComment.objects.filter(log=OuterRef("pk"))))
        .filter(commented=False)
        .select_related("secondment__cadre", "secondment__program")
        .order_by("-on", "-pk")
    )
    dues += [
        Due(
            DueKind.LOG_COMMENT,
            f"log-comment:{log.pk}",
            _("%(name)s %(date)s 的练兵日志待点评")
            % {"name": _name(log.secondment), "date": log.on.isoformat()},
            _detail_url(log.secondment_id),
        )
        for log in logs
        if (day - log.on).days <= log.secondment.program.log_gap_days
    ]
    dues += _late_dues(secondments, day, own=False)
    return dues


def _staff_dues(secondments: QuerySet[Secondment], day: datetime.date) -> list[Due]:
    submitted = (
        TrainingPlan.objects.filter(
            secondment__in=secondments.values("pk"), status=PlanStatus.SUBMITTED
        )
        .select_related("secondment__cadre")
        .order_by("submitted_at", "pk")
    )
    dues = [
        Due(
            DueKind.PLAN_SUBMITTED,
            f"plan-submitted:{plan.pk}",
            _("%(name)s 的第 %(version)d 版练兵计划待审批")
            % {"name": _name(plan.secondment), "version": plan.version},
            _plan_url(plan.secondment_id),
        )
        for plan in submitted
    ]
    dues += [
        Due(
            DueKind.PAIRING,
            f"pairing:{s.pk}",
            _("%(name)s 的导师待确认（%(mentor)s）")
            % {"name": _name(s), "mentor": s.mentor.name if s.mentor else _("导师待定")},
            reverse("training:pairing"),
        )
        for s in secondments.filter(mentor_confirmed_at__isnull=True).order_by("cadre__name", "pk")
    ]
    dues += _log_gap_dues(secondments, day, own=False)
    dues += _late_dues(secondments, day, own=False)
    return dues


def due_for(user: Any, today: datetime.date | None = None) -> list[Due]:
    """Everything due for ``user`` on ``today``, one entry per item, in every role they act in.

    - trainee: the log gap, late milestones and those due this month, a
      submitted plan not yet read (commented on);
    - mentor: plans to draft (none) or revise (returned), logs of the last N
      days without a comment, the previous and the current month's assessment,
      late milestones of the own trainees;
    - host-unit contact: the own unit's silent trainees and late milestones;
    - department: plans awaiting approval, pairs awaiting confirmation, silent
      trainees, late milestones.
    """
    day = today or clock.today()
    roles = roles_of(user)
    profile = _profile(user)
    current = visible_secondments(user).filter(superseded_at__isnull=True)
    dues: list[Due] = []
    if Role.STAFF in roles:
        dues += _staff_dues(current, day)
    if Role.HOST_CONTACT in roles and profile is not None and profile.unit_id:
        own_unit = current.filter(post__unit_id=profile.unit_id)
        dues += _log_gap_dues(own_unit, day, own=False)
        dues += _late_dues(own_unit, day, own=False)
    if Role.MENTOR in roles and profile is not None and profile.mentor_id:
        dues += _mentor_dues(
            current.filter(mentor_id=profile.mentor_id, mentor_confirmed_at__isnull=False), day
        )
    if Role.TRAINEE in roles and profile is not None and profile.cadre_id:
        dues += _trainee_dues(user, current.filter(cadre_id=profile.cadre_id), day)
    seen: set[str] = set()
    unique = []
    for due in dues:
        if due.key not in seen:
            seen.add(due.key)
            unique.append(due)
    return unique


#: Where a kind's list lives when there is more than one item.
_LIST_URLS = {
    DueKind.PLAN_SUBMITTED: "training:overview",
    DueKind.PAIRING: "training:pairing",
}

#: How many entries a home-page line names before "等".
MAX_DETAILS = 5


def due_items(user: Any, today: datetime.date | None = None) -> list[DueItem]:
    """What is due for ``user``, one line per kind: the count and where to act.

    A line with one thing links to it; with several, to the page that lists
    them (the follow-up overview for the department, else the first one).
    """
    titles = _titles()
    grouped: dict[DueKind, list[Due]] = {}
    for due in due_for(user, today):
        grouped.setdefault(due.kind, []).append(due)
    can_overview = bool({Role.STAFF, Role.HOST_CONTACT} & roles_of(user))
    items = []
    for kind, dues in grouped.items():
        url = dues[0].url
        if len(dues) > 1:
            if kind in _LIST_URLS:
                url = reverse(_LIST_URLS[kind])
            elif can_overview:
                url = reverse("training:overview")
        items.append(
            DueItem(
                kind=kind,
                label=titles[kind],
                count=len(dues),
                url=url,
                details=tuple(d.label for d in dues[:MAX_DETAILS]),
            )
        )
    return items


@dataclass(frozen=True)
class Placement:
    """A trainee's own secondment as the home page shows it (练兵岗位)."""

    secondment: Secondment
    ends_on: datetime.date
    mentor_name: str
    mentor_confirmed: bool


def my_placements(user: Any) -> list[Placement]:
    """The current secondments of the trainee ``user`` (post, unit, mentor, period)."""
    profile = _profile(user)
    if Role.TRAINEE not in roles_of(user) or profile is None or not profile.cadre_id:
        return []
    secondments = (
        visible_secondments(user)
        .filter(cadre_id=profile.cadre_id, superseded_at__isnull=True)
        .order_by("-started_on", "-pk")
    )
    return [
        Placement(
            secondment=s,
            ends_on=ends_on(s),
            mentor_name=s.mentor.name if s.mentor else "",
            mentor_confirmed=s.mentor_confirmed_at is not None,
        )
        for s in secondments
    ]


#: How many trainees the home page lists before linking to the full list.
HOME_TRAINEES_SHOWN = 12


def my_trainees(user: Any) -> list[Placement]:
    """The current trainees a mentor mentors or a host-unit contact hosts, for the home page.

    Department staff and the auditor have the full 练兵安排 list instead, and a
    trainee sees their own placement (:func:`my_placements`); both get ``[]``.
    """
    roles = roles_of(user)
    if Role.STAFF in roles or Role.AUDITOR in roles:
        return []
    if Role.MENTOR not in roles and Role.HOST_CONTACT not in roles:
        return []
    secondments = (
        visible_secondments(user)
        .filter(superseded_at__isnull=True)
        .order_by("-started_on", "post__unit__name", "cadre__name")[:HOME_TRAINEES_SHOWN]
    )
    return [
        Placement(
            secondment=s,
            ends_on=ends_on(s),
            mentor_name=s.mentor.name if s.mentor else "",
            mentor_confirmed=s.mentor_confirmed_at is not None,
        )
        for s in secondments
    ]

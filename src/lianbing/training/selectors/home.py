"""What is due for each person, for the home page's 我的待办 and the daily reminders.

The same rules as the department's follow-up (:mod:`.followup`), read for one
account: a trainee's own log gap and milestones, a mentor's plans, comments
and assessments, a host-unit contact's unit, the department's approvals and
pairings. Also the trainee's own placement and a mentor's or host contact's
trainees. Every read starts from
:func:`lianbing.training.access.visible_secondments`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from lianbing.accounts.models import Role
from lianbing.accounts.roles import profile_of, roles_of

from .. import clock, status
from ..access import visible_secondments
from ..models import (
    LogComment,
    Milestone,
    PlanComment,
    PlanStatus,
    Secondment,
    TrainingPlan,
    WorkLog,
)
from .followup import (
    _LOG_WINDOW_DAYS,
    _annotated,
    _late,
    _silent,
    assessment_month,
    ends_on,
    under_way,
)


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
    profile = profile_of(user)
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
    profile = profile_of(user)
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

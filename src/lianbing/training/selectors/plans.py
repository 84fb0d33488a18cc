"""Reads of training plans (练兵计划): the plan page, one version, a comparison, the export rows.

A secondment's plan page shows the approved version and, beside it, the open
one (a draft or a submitted version), with every version in its history. Two
versions compare row by row: duties line by line, goals and milestones aligned
by content (:class:`difflib.SequenceMatcher`), so an inserted milestone shows
as one added row rather than every later row as changed.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.demand.models import Post, Program
from lianbing.demand.selectors import current_program, program_by_id
from lianbing.engine import taxonomy
from lianbing.xlsx.training_plans import MilestoneRow, PlanRow

from .. import access, clock
from ..models import Milestone, PlanComment, PlanGoal, PlanStatus, Secondment, TrainingPlan
from ..status import STATE_LABELS, MilestoneState, milestone_state

T = TypeVar("T")

#: Separators between the key tasks of a post as the department writes them.
_TASK_SPLIT = re.compile(r"[；;\n]+")


@dataclass(frozen=True)
class Period:
    """The days of a secondment, first and last included."""

    start: datetime.date
    end: datetime.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.start <= day <= self.end


def secondment_period(secondment: Secondment) -> Period:
    """From the start date for ``duration_months`` whole months (the last day is the eve)."""
    end = clock.add_months(secondment.started_on, secondment.duration_months)
    return Period(secondment.started_on, end - datetime.timedelta(days=1))


def key_tasks(post: Post) -> list[str]:
    """The post's key tasks, one a line or separated by ；."""
    return [t.strip() for t in _TASK_SPLIT.split(post.key_tasks or "") if t.strip()]


# --------------------------------------------------------------------------- pages


def _with_rows(plans: QuerySet[TrainingPlan]) -> QuerySet[TrainingPlan]:
    return plans.select_related("created_by", "decided_by").prefetch_related(
        "goals",
        "milestones",
        Prefetch("comments", queryset=PlanComment.objects.select_related("author")),
    )


@dataclass(frozen=True)
class MilestoneView:
    milestone: Milestone
    state: MilestoneState

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class PlanView:
    """One version with its goals, milestones (and their states) and comments."""

    plan: TrainingPlan
    goals: list[PlanGoal]
    milestones: list[MilestoneView]
    comments: list[PlanComment]
    period: Period

    @property
    def done(self) -> int:
        return sum(1 for m in self.milestones if m.state == MilestoneState.DONE)

    @property
    def late(self) -> int:
        return sum(1 for m in self.milestones if m.state == MilestoneState.LATE)


def _view(plan: TrainingPlan, today: datetime.date) -> PlanView:
    return PlanView(
        plan=plan,
        goals=list(plan.goals.all()),
        milestones=[MilestoneView(m, milestone_state(m, today)) for m in plan.milestones.all()],
        comments=list(plan.comments.all()),
        period=secondment_period(plan.secondment),
    )


def plan_view(plan: TrainingPlan) -> PlanView:
    """One version for its page (``plan`` as returned by ``access.access_plan``)."""
    full = _with_rows(
        TrainingPlan.objects.filter(pk=plan.pk).select_related(
            "secondment__cadre",
            "secondment__cadre__origin_unit",
            "secondment__post__unit",
            "secondment__mentor",
            "secondment__program",
        )
    ).get()
    return _view(full, clock.today())


@dataclass(frozen=True)
class Can:
    """What the reader may do on a plan page (the services check again on every write)."""

    mentor: bool = False
    department: bool = False
    trainee: bool = False

    @property
    def comment(self) -> bool:
        return self.mentor or self.department or self.trainee


def _can(user: Any, secondment: Secondment) -> Can:
    return Can(
        mentor=access.is_mentor_of(user, secondment),
        department=access.is_department(user) and secondment.superseded_at is None,
        trainee=access.is_trainee_of(user, secondment),
    )


@dataclass(frozen=True)
class PlanPage:
    """A secondment's plan page: the approved version, the open one, the history."""

    secondment: Secondment
    period: Period
    approved: PlanView | None
    open: PlanView | None
    versions: list[TrainingPlan]
    can: Can

    @property
    def latest(self) -> TrainingPlan | None:
        return self.versions[0] if self.versions else None

    @property
    def returned(self) -> TrainingPlan | None:
        """The newest version if it was returned and not yet revised."""
        latest = self.latest
        return latest if latest is not None and latest.status == PlanStatus.RETURNED else None

    @property
    def can_compare(self) -> bool:
        return len(self.versions) >= 2

    @property
    def can_start(self) -> bool:
        return self.can.mentor and not self.versions

    @property
    def revisable(self) -> TrainingPlan | None:
        """The version the mentor's 修订 starts from: the returned newest, else the approved one."""
        if not self.can.mentor or self.open is not None:
            return None
        if self.returned is not None:
            return self.returned
        return self.approved.plan if self.approved is not None else None


def plan_page(user: Any, secondment: Secondment) -> PlanPage:
    """Everything the plan page of ``secondment`` shows to ``user``."""
    versions = list(
        TrainingPlan.objects.filter(secondment=secondment)
        .select_related("created_by", "decided_by")
        .order_by("-version")
    )
    wanted = [
        p.pk
        for p in versions
        if p.status in (PlanStatus.APPROVED, PlanStatus.DRAFT, PlanStatus.SUBMITTED)
    ]
    today = clock.today()
    views = {
        p.pk: _view(p, today)
        for p in _with_rows(TrainingPlan.objects.filter(pk__in=wanted).select_related("secondment"))
    }
    approved = next((views[p.pk] for p in versions if p.status == PlanStatus.APPROVED), None)
    opened = next(
        (views[p.pk] for p in versions if p.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED)),
        None,
    )
    return PlanPage(
        secondment=secondment,
        period=secondment_period(secondment),
        approved=approved,
        open=opened,
        versions=versions,
        can=_can(user, secondment),
    )


@dataclass(frozen=True)
class PlanDetail:
    """One version's page: the version, its siblings, and what the reader may do with it."""

    view: PlanView
    versions: list[TrainingPlan]
    can: Can

    @property
    def plan(self) -> TrainingPlan:
        return self.view.plan

    @property
    def has_open(self) -> bool:
        return any(p.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED) for p in self.versions)

    @property
    def can_edit(self) -> bool:
        return self.can.mentor and self.plan.status == PlanStatus.DRAFT

    @property
    def can_decide(self) -> bool:
        return self.can.department and self.plan.status == PlanStatus.SUBMITTED

    @property
    def can_revise(self) -> bool:
        return (
            self.can.mentor
            and self.plan.status in (PlanStatus.RETURNED, PlanStatus.APPROVED)
            and not self.has_open
        )


def plan_detail(user: Any, plan: TrainingPlan) -> PlanDetail:
    """One version (``plan`` as returned by ``access.access_plan``) for ``user``."""
    view = plan_view(plan)
    secondment = view.plan.secondment
    return PlanDetail(
        view=view,
        versions=list(plan_versions(secondment)),
        can=_can(user, secondment),
    )


def plan_versions(secondment: Secondment) -> QuerySet[TrainingPlan]:
    return TrainingPlan.objects.filter(secondment=secondment).order_by("-version")


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side comparison: ``kind`` is same, changed, added or removed.

    ``changed`` names the cells (by index) that differ when the kind is changed.
    """

    kind: str
    left: tuple[str, ...] | None
    right: tuple[str, ...] | None
    changed: frozenset[int] = field(default_factory=frozenset)

    def _parts(self, side: tuple[str, ...] | None) -> list[tuple[str, bool]]:
        if side is None:
            return []
        return [
            (text, self.kind == "changed" and i in self.changed)
            for i, text in enumerate(side)
            if text
        ]

    @property
    def left_parts(self) -> list[tuple[str, bool]]:
        """The left side's non-blank cells, each with whether it differs from the right."""
        return self._parts(self.left)

    @property
    def right_parts(self) -> list[tuple[str, bool]]:
        return self._parts(self.right)


def _align(
    left: Sequence[T], right: Sequence[T], cells: Callable[[T], tuple[str, ...]]
) -> list[DiffRow]:
    a = [cells(x) for x in left]
    b = [cells(x) for x in right]
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow("same", a[i], b[j])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
            continue
        # A replaced block pairs rows one to one; the surplus of either side is added or removed.
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):
            x, y = a[i1 + k], b[j1 + k]
            differs = frozenset(n for n in range(len(x)) if x[n] != y[n])
            rows.append(DiffRow("changed", x, y, differs))
        rows.extend(DiffRow("removed", a[i], None) for i in range(i1 + pairs, i2))
        rows.extend(DiffRow("added", None, b[j]) for j in range(j1 + pairs, j2))
    return rows


def _goal_cells(goal: PlanGoal) -> tuple[str, ...]:
    ability = taxonomy.ability(goal.ability).label if goal.ability else ""
    return (ability, goal.key_task, goal.goal, goal.measure)


def _milestone_cells(milestone: Milestone) -> tuple[str, ...]:
    return (milestone.due_on.isoformat(), milestone.title, milestone.detail)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class PlanComparison:
    left: TrainingPlan
    right: TrainingPlan
    versions: list[TrainingPlan]
    duties: list[DiffRow]
    summary: list[DiffRow]
    goals: list[DiffRow]
    milestones: list[DiffRow]

    @property
    def differences(self) -> int:
        return sum(
            1
            for rows in (self.duties, self.summary, self.goals, self.milestones)
            for row in rows
            if row.kind != "same"
        )


def plan_compare(
    secondment: Secondment, *, left_id: int | None, right_id: int | None
) -> PlanComparison:
    """Two versions of ``secondment``'s plan side by side (default: the last two).

    ``Http404`` when an id names no version of this secondment or there is
    only one version.
    """
    versions = list(_with_rows(plan_versions(secondment)))
    by_id = {p.pk: p for p in versions}
    if len(versions) < 2:
        raise Http404
    left = by_id.get(left_id) if left_id is not None else versions[1]
    right = by_id.get(right_id) if right_id is not None else versions[0]
    if left is None or right is None:
        raise Http404
    if left.version > right.version:
        left, right = right, left
    return PlanComparison(
        left=left,
        right=right,
        versions=versions,
        duties=_align(_lines(left.duties), _lines(right.duties), lambda s: (s,)),
        summary=_align(_lines(left.summary), _lines(right.summary), lambda s: (s,)),
        goals=_align(list(left.goals.all()), list(right.goals.all()), _goal_cells),
        milestones=_align(
            list(left.milestones.all()), list(right.milestones.all()), _milestone_cells
        ),
    )


# --------------------------------------------------------------------------- export


def export_program(program_id: int | None) -> Program | None:
    """The program named by ``program_id`` (``Http404`` if none), else the current one."""
    return program_by_id(program_id) if program_id is not None else current_program()


def _shown_version(plans: list[TrainingPlan]) -> TrainingPlan | None:
    """The approved version, else the newest one."""
    approved = [p for p in plans if p.status == PlanStatus.APPROVED]
    if approved:
        return approved[0]
    return max(plans, key=lambda p: p.version) if plans else None


def plan_export_rows(
    program: Program, *, today: datetime.date | None = None
) -> tuple[list[PlanRow], list[MilestoneRow]]:
    """One row per current secondment of ``program`` and one per milestone of its shown version.

    The shown version is the approved one, else the newest; a secondment without
    a plan still has its row (状态 未制订).
    """
    day = today or clock.today()
    secondments = (
        Secondment.objects.filter(program=program, superseded_at__isnull=True)
        .select_related("cadre__origin_unit", "post__unit", "mentor")
        .prefetch_related(
            Prefetch(
                "plans",
                queryset=TrainingPlan.objects.prefetch_related("milestones", "goals"),
            )
        )
        .order_by("post__unit__name", "post__code", "cadre__name")
    )
    plans: list[PlanRow] = []
    milestones: list[MilestoneRow] = []
    for s in secondments:
        period = secondment_period(s)
        shown = _shown_version(list(s.plans.all()))
        rows = list(shown.milestones.all()) if shown is not None else []
        states = [milestone_state(m, day) for m in rows]
        plans.append(
            PlanRow(
                cadre=s.cadre.name,
                origin_unit=s.cadre.origin_unit.name,
                host_unit=s.post.unit.name,
                post=s.post.name,
                mentor=s.mentor.name if s.mentor is not None else "",
                started_on=period.start,
                ended_on=period.end,
                version=shown.version if shown is not None else None,
                status=shown.get_status_display() if shown is not None else _("未制订"),
                approved_on=(
                    timezone.localdate(shown.decided_at)
                    if shown is not None
                    and shown.status == PlanStatus.APPROVED
                    and shown.decided_at is not None
                    else None
                ),
                goals=len(shown.goals.all()) if shown is not None else 0,
                milestones=len(rows),
                done=states.count(MilestoneState.DONE),
                late=states.count(MilestoneState.LATE),
            )
        )
        for number, (m, state) in enumerate(zip(rows, states, strict=True), start=1):
            assert shown is not None
            milestones.append(
                MilestoneRow(
                    cadre=s.cadre.name,
                    host_unit=s.post.unit.name,
                    post=s.post.name,
                    version=shown.version,
                    number=number,
                    due_on=m.due_on,
                    title=m.title,
                    detail=m.detail,
                    done_on=m.done_on,
                    status=str(STATE_LABELS[state]),
                )
            )
    return plans, milestones

"""Reads of progress: one trainee's record of the training period (练兵档案).

:func:`secondment_record` gathers, in a fixed number of queries whatever the
number of logs, the secondment's header, the milestones of its approved plan
with their state, and one timeline, newest first, of plan versions (submitted,
returned, approved), work logs with attachments and comments, milestone
updates and monthly assessments; and what the reader may write.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from lianbing.engine import taxonomy

from .. import clock
from ..access import is_department, is_mentor_of, is_trainee_of
from ..models import (
    LogComment,
    Milestone,
    MilestoneUpdate,
    MonthlyAssessment,
    PlanStatus,
    Secondment,
    TrainingPlan,
    WorkLog,
)
from ..status import STATE_LABELS, MilestoneState, milestone_state

#: Bootstrap badge of each milestone state.
STATE_BADGES = {
    MilestoneState.ON_TRACK: "text-bg-primary",
    MilestoneState.LATE: "text-bg-danger",
    MilestoneState.DONE: "text-bg-success",
}


@dataclass(frozen=True)
class MilestoneRow:
    milestone: Milestone
    state: MilestoneState
    label: str
    badge: str
    updates: list[MilestoneUpdate]


@dataclass(frozen=True)
class AssessmentRow:
    assessment: MonthlyAssessment
    #: (ability label, score) in the order of the seven abilities.
    scores: list[tuple[str, int | None]]
    scale: int


@dataclass(frozen=True)
class TimelineEntry:
    """One event of the timeline; ``kind`` says which of the optional parts is set."""

    kind: str  # "plan" | "log" | "milestone" | "assessment"
    day: datetime.date
    at: datetime.datetime
    plan: TrainingPlan | None = None
    event: str = ""  # for plans: "submitted" | "returned" | "approved"
    log: WorkLog | None = None
    update: MilestoneUpdate | None = None
    assessment: AssessmentRow | None = None


@dataclass(frozen=True)
class SecondmentRecord:
    secondment: Secondment
    ends_on: datetime.date
    today: datetime.date
    approved_plan: TrainingPlan | None
    latest_plan: TrainingPlan | None
    milestones: list[MilestoneRow]
    timeline: list[TimelineEntry]
    log_count: int
    scale: int
    #: The reader is the secondment's trainee / confirmed mentor.
    is_trainee: bool = False
    is_mentor: bool = False
    can_file_log: bool = False
    can_update_milestones: bool = False
    can_comment: bool = False
    can_assess: bool = False
    #: Milestones of the approved plan not yet done (the update form's choices).
    open_milestones: list[Milestone] = field(default_factory=list)
    #: The assessment of the current month, if already recorded.
    current_assessment: MonthlyAssessment | None = None


def period_end(secondment: Secondment) -> datetime.date:
    """The last day of the training period."""
    return clock.add_months(secondment.started_on, secondment.duration_months) - datetime.timedelta(
        days=1
    )


def assessment_row(assessment: MonthlyAssessment, *, scale: int) -> AssessmentRow:
    scores = assessment.scores if isinstance(assessment.scores, dict) else {}
    return AssessmentRow(
        assessment=assessment,
        scores=[(term.label, scores.get(term.code)) for term in taxonomy.ABILITIES],
        scale=scale,
    )


def _plan_events(plans: list[TrainingPlan]) -> list[TimelineEntry]:
    events: list[TimelineEntry] = []
    for plan in plans:
        if plan.submitted_at is not None:
            events.append(_plan_entry(plan, "submitted", plan.submitted_at))
        if plan.decided_at is None:
            continue
        if plan.status == PlanStatus.RETURNED:
            events.append(_plan_entry(plan, "returned", plan.decided_at))
        elif plan.status in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED):
            events.append(_plan_entry(plan, "approved", plan.decided_at))
    return events


def _plan_entry(plan: TrainingPlan, event: str, at: datetime.datetime) -> TimelineEntry:
    return TimelineEntry(kind="plan", day=timezone.localdate(at), at=at, plan=plan, event=event)


def _assessment_day(month: datetime.date, today: datetime.date) -> datetime.date:
    # An assessment closes its month: it sits after that month's logs.
    return min(clock.add_months(month, 1) - datetime.timedelta(days=1), today)


def secondment_record(*, user: Any, secondment: Secondment) -> SecondmentRecord:
    """Everything the 练兵档案 page shows of ``secondment`` to ``user`` (already admitted to it)."""
    today = clock.today()
    secondment = Secondment.objects.select_related(
        "cadre__origin_unit", "post__unit", "mentor__unit", "program"
    ).get(pk=secondment.pk)
    scale = secondment.program.assessment_scale
    plans = list(TrainingPlan.objects.filter(secondment=secondment).order_by("version"))
    approved = next((p for p in plans if p.status == PlanStatus.APPROVED), None)
    latest = plans[-1] if plans else None

    updates = list(
        MilestoneUpdate.objects.filter(milestone__plan__secondment=secondment)
        .select_related("milestone", "milestone__plan", "author__profile")
        .order_by("on", "pk")
    )
    updates_of: dict[int, list[MilestoneUpdate]] = defaultdict(list)
    for update in updates:
        updates_of[update.milestone_id].append(update)
    milestones: list[MilestoneRow] = []
    if approved is not None:
        for milestone in Milestone.objects.filter(plan=approved).order_by(
            "due_on", "position", "pk"
        ):
            state = milestone_state(milestone, today)
            milestones.append(
                MilestoneRow(
                    milestone=milestone,
                    state=state,
                    label=str(STATE_LABELS[state]),
                    badge=STATE_BADGES[state],
                    updates=updates_of.get(milestone.pk, []),
                )
            )

    logs = list(
        WorkLog.objects.filter(secondment=secondment)
        .select_related("author__profile")
        .prefetch_related(
            "attachments",
            Prefetch(
                "comments",
                queryset=LogComment.objects.select_related("author__profile").order_by(
                    "created_at", "pk"
                ),
            ),
        )
    )
    assessments = list(
        MonthlyAssessment.objects.filter(secondment=secondment)
        .select_related("author__profile")
        .order_by("month")
    )

    timeline = _plan_events(plans)
    timeline += [TimelineEntry(kind="log", day=log.on, at=log.created_at, log=log) for log in logs]
    timeline += [
        TimelineEntry(kind="milestone", day=update.on, at=update.created_at, update=update)
        for update in updates
    ]
    timeline += [
        TimelineEntry(
            kind="assessment",
            day=_assessment_day(assessment.month, today),
            at=assessment.created_at,
            assessment=assessment_row(assessment, scale=scale),
        )
        for assessment in assessments
    ]
    timeline.sort(key=lambda entry: (entry.day, entry.at), reverse=True)

    trainee = is_trainee_of(user, secondment)
    mentor = is_mentor_of(user, secondment)
    month = clock.month_start(today)
    open_milestones = [row.milestone for row in milestones if row.state != MilestoneState.DONE]
    return SecondmentRecord(
        secondment=secondment,
        ends_on=period_end(secondment),
        today=today,
        approved_plan=approved,
        latest_plan=latest,
        milestones=milestones,
        timeline=timeline,
        log_count=len(logs),
        scale=scale,
        is_trainee=trainee,
        is_mentor=mentor,
        can_file_log=trainee,
        can_update_milestones=trainee and bool(open_milestones),
        can_comment=mentor or is_department(user),
        can_assess=mentor and today >= secondment.started_on,
        open_milestones=open_milestones,
        current_assessment=next((a for a in assessments if a.month == month), None),
    )

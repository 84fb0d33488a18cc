"""Writes of training plans (练兵计划): draft, edit, submit, return, approve, revise, comment.

The cycle of one secondment's plan:

- the confirmed mentor starts version 1 as a draft: duties from the post (its
  duties and key tasks), one milestone a month over the secondment;
- only a draft is edited, in place, by the mentor;
- the mentor submits it (at least one goal and one milestone);
- the department returns it with a reason, or approves it; approving
  supersedes the version approved before, in the same transaction;
- the mentor revises a returned or an approved version into a new draft that
  copies its duties, goals and milestones (with their done dates);
- the trainee, the mentor and the department comment on any version.

Versions are never deleted. At most one version is open (a draft or
submitted) and one approved at a time; the database enforces both.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.accounts.text_limits import REASON_MAX, TEXT_MAX
from lianbing.engine import taxonomy

from .. import access, clock
from ..models import Milestone, PlanComment, PlanGoal, PlanStatus, Secondment, TrainingPlan
from ..selectors.plans import key_tasks, secondment_period

#: Versions that are still being worked on; at most one per secondment.
OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED)
#: Versions a mentor may revise into a new draft.
REVISABLE_STATUSES = (PlanStatus.RETURNED, PlanStatus.APPROVED)
#: Field lengths of the models, for messages before the database refuses.
GOAL_TASK_MAX = 200
GOAL_MEASURE_MAX = 200
MILESTONE_TITLE_MAX = 200


class PlanError(Exception):
    """A plan write that breaks a rule; ``messages`` say in Chinese what to do (all of them)."""

    def __init__(self, *messages: str) -> None:
        super().__init__("；".join(messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class GoalInput:
    """A goal as the mentor fills it in: an ability code and/or a key task, the goal, a measure."""

    goal: str
    ability: str = ""
    key_task: str = ""
    measure: str = ""


@dataclass(frozen=True)
class MilestoneInput:
    """A milestone as the mentor fills it in; ``id`` keeps an existing row (and its done date)."""

    title: str
    due_on: datetime.date | None
    detail: str = ""
    id: int | None = None


# --------------------------------------------------------------------------- who may


def _require_mentor(user: Any, secondment: Secondment) -> None:
    if not access.is_mentor_of(user, secondment):
        raise PermissionDenied(_("只有该干部已确认的练兵导师可以起草和修改练兵计划。"))


def _require_department(user: Any, secondment: Secondment) -> None:
    if not access.is_department(user):
        raise PermissionDenied(_("只有组织部干部科可以审批练兵计划。"))
    if secondment.superseded_at is not None:
        raise PlanError(_("该练兵安排已被取代，其练兵计划不再审批。"))


def _locked(plan: TrainingPlan) -> TrainingPlan:
    """The plan row re-read under a lock, so two clicks cannot both change its status."""
    return TrainingPlan.objects.select_for_update().select_related("secondment").get(pk=plan.pk)


# --------------------------------------------------------------------------- defaults


def default_duties(secondment: Secondment) -> str:
    """The post's duties followed by its key tasks, numbered."""
    post = secondment.post
    parts = [post.duties.strip()] if post.duties.strip() else []
    tasks = key_tasks(post)
    if tasks:
        lines = [_("重点任务：")] + [f"{n}. {task}" for n, task in enumerate(tasks, start=1)]
        parts.append("\n".join(lines))
    return "\n".join(parts)


def default_milestones(secondment: Secondment) -> list[MilestoneInput]:
    """One milestone a month, due on the last day of each month of the secondment."""
    start = secondment.started_on
    rows = []
    for month in range(1, secondment.duration_months + 1):
        due = clock.add_months(start, month) - datetime.timedelta(days=1)
        first = clock.add_months(start, month - 1)
        rows.append(
            MilestoneInput(
                title=_("第%(n)d个月（%(y)d年%(m)d月）")
                % {"n": month, "y": first.year, "m": first.month},
                due_on=due,
            )
        )
    return rows


# --------------------------------------------------------------------------- checks


def _check_goals(goals: Sequence[GoalInput]) -> list[str]:
    problems: list[str] = []
    for n, goal in enumerate(goals, start=1):
        if not goal.goal.strip():
            problems.append(_("第 %(n)d 个目标：请填写目标内容。") % {"n": n})
        elif len(goal.goal) > TEXT_MAX:
            problems.append(
                _("第 %(n)d 个目标：目标内容最多 %(max)d 个字。") % {"n": n, "max": TEXT_MAX}
            )
        if goal.ability and goal.ability not in taxonomy.ABILITY_CODES:
            problems.append(
                _("第 %(n)d 个目标：能力须是七种能力之一（%(names)s）。")
                % {"n": n, "names": "、".join(taxonomy.ABILITY_LABELS)}
            )
        if not goal.ability and not goal.key_task.strip():
            problems.append(
                _("第 %(n)d 个目标：请选择对应的能力或岗位重点任务（至少一项）。") % {"n": n}
            )
        if len(goal.key_task) > GOAL_TASK_MAX:
            problems.append(
                _("第 %(n)d 个目标：重点任务最多 %(max)d 个字。") % {"n": n, "max": GOAL_TASK_MAX}
            )
        if len(goal.measure) > GOAL_MEASURE_MAX:
            problems.append(
                _("第 %(n)d 个目标：衡量标准最多 %(max)d 个字。")
                % {"n": n, "max": GOAL_MEASURE_MAX}
            )
    return problems


def _check_milestones(secondment: Secondment, milestones: Sequence[MilestoneInput]) -> list[str]:
    period = secondment_period(secondment)
    problems: list[str] = []
    for n, milestone in enumerate(milestones, start=1):
        if not milestone.title.strip():
            problems.append(_("第 %(n)d 个节点：请填写节点名称。") % {"n": n})
        elif len(milestone.title) > MILESTONE_TITLE_MAX:
            problems.append(
                _("第 %(n)d 个节点：节点名称最多 %(max)d 个字。")
                % {"n": n, "max": MILESTONE_TITLE_MAX}
            )
        if len(milestone.detail) > TEXT_MAX:
            problems.append(
                _("第 %(n)d 个节点：内容最多 %(max)d 个字。") % {"n": n, "max": TEXT_MAX}
            )
        if milestone.due_on is None:
            problems.append(_("第 %(n)d 个节点：请填写完成时限。") % {"n": n})
        elif milestone.due_on not in period:
            problems.append(
                _("第 %(n)d 个节点：完成时限须在练兵期内（%(start)s 至 %(end)s）。")
                % {"n": n, "start": period.start.isoformat(), "end": period.end.isoformat()}
            )
    return problems


def _save(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise PlanError(*[str(m) for m in error.messages]) from error
    instance.save()


def _write_rows(
    plan: TrainingPlan, goals: Sequence[GoalInput], milestones: Sequence[MilestoneInput]
) -> None:
    """Make the plan's goals and milestones exactly these, keeping milestone rows named by id."""
    plan.goals.all().delete()
    for position, goal in enumerate(goals, start=1):
        _save(
            PlanGoal(
                plan=plan,
                ability=goal.ability,
                key_task=goal.key_task.strip(),
                goal=goal.goal.strip(),
                measure=goal.measure.strip(),
                position=position,
            )
        )
    existing = {m.pk: m for m in plan.milestones.all()}
    kept = {m.id for m in milestones if m.id is not None and m.id in existing}
    plan.milestones.exclude(pk__in=kept).delete()
    for position, row in enumerate(milestones, start=1):
        assert row.due_on is not None  # checked before
        milestone = existing[row.id] if row.id in kept else Milestone(plan=plan)
        milestone.title = row.title.strip()
        milestone.detail = row.detail.strip()
        milestone.due_on = row.due_on
        milestone.position = position
        _save(milestone)


# --------------------------------------------------------------------------- the cycle


def _next_version(secondment: Secondment) -> int:
    latest = TrainingPlan.objects.filter(secondment=secondment).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def _open_version(secondment: Secondment) -> TrainingPlan | None:
    return TrainingPlan.objects.filter(secondment=secondment, status__in=OPEN_STATUSES).first()


def _create(plan: TrainingPlan) -> None:
    try:
        with transaction.atomic():
            # The constraints are the database's to enforce here: its refusal
            # (below) is the one that holds when two requests race.
            plan.full_clean(validate_constraints=False)
            plan.save()
    except IntegrityError as error:
        # Two mentors' clicks at once: the constraint on one open version per
        # secondment (or the unique version number) refuses the second.
        raise PlanError(
            _("该干部已有一个未审批的练兵计划版本，请刷新页面后在该版本上修改。")
        ) from error


@transaction.atomic
def plan_start(*, secondment: Secondment, user: Any) -> TrainingPlan:
    """Version 1 as a draft: duties from the post, a milestone a month, no goals yet."""
    _require_mentor(user, secondment)
    Secondment.objects.select_for_update().filter(pk=secondment.pk).first()
    if TrainingPlan.objects.filter(secondment=secondment).exists():
        raise PlanError(_("该干部已有练兵计划，请在计划页上修改或修订现有版本。"))
    plan = TrainingPlan(
        secondment=secondment,
        version=1,
        status=PlanStatus.DRAFT,
        duties=default_duties(secondment),
        created_by=user,
    )
    _create(plan)
    _write_rows(plan, [], default_milestones(secondment))
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: TrainingPlan,
    user: Any,
    duties: str,
    summary: str,
    goals: Sequence[GoalInput],
    milestones: Sequence[MilestoneInput],
) -> TrainingPlan:
    """Replace a draft's duties, summary, goals and milestones; every problem is reported at once."""
    plan = _locked(plan)
    _require_mentor(user, plan.secondment)
    if plan.status != PlanStatus.DRAFT:
        raise PlanError(
            _("第 %(v)d 版已%(status)s，不能再修改；如需调整，请修订为新版本。")
            % {"v": plan.version, "status": plan.get_status_display()}
        )
    problems: list[str] = []
    if len(duties) > TEXT_MAX:
        problems.append(_("岗位职责最多 %(max)d 个字。") % {"max": TEXT_MAX})
    if len(summary) > TEXT_MAX:
        problems.append(_("练兵目标概述最多 %(max)d 个字。") % {"max": TEXT_MAX})
    problems += _check_goals(goals)
    problems += _check_milestones(plan.secondment, milestones)
    if problems:
        raise PlanError(*problems)
    plan.duties = duties.strip()
    plan.summary = summary.strip()
    _save(plan)
    _write_rows(plan, goals, milestones)
    return plan


@transaction.atomic
def plan_submit(*, plan: TrainingPlan, user: Any) -> TrainingPlan:
    """Send a draft to the department; it needs at least one goal and one milestone."""
    plan = _locked(plan)
    _require_mentor(user, plan.secondment)
    if plan.status != PlanStatus.DRAFT:
        raise PlanError(
            _("只有草稿可以提交审批，第 %(v)d 版当前%(status)s。")
            % {"v": plan.version, "status": plan.get_status_display()}
        )
    problems = []
    if not plan.goals.exists():
        problems.append(_("请至少填写一个练兵目标后再提交。"))
    if not plan.milestones.exists():
        problems.append(_("请至少安排一个练兵节点后再提交。"))
    if problems:
        raise PlanError(*problems)
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    _save(plan)
    return plan


def _require_submitted(plan: TrainingPlan) -> None:
    if plan.status != PlanStatus.SUBMITTED:
        raise PlanError(
            _("第 %(v)d 版当前%(status)s，只有待审批的版本可以审批。")
            % {"v": plan.version, "status": plan.get_status_display()}
        )


@transaction.atomic
def plan_return(*, plan: TrainingPlan, user: Any, reason: str) -> TrainingPlan:
    """Return a submitted version to the mentor with the reason (required)."""
    plan = _locked(plan)
    _require_department(user, plan.secondment)
    _require_submitted(plan)
    reason = reason.strip()
    if not reason:
        raise PlanError(_("请填写退回理由，说明需要导师修改什么。"))
    if len(reason) > REASON_MAX:
        raise PlanError(_("退回理由最多 %(max)d 个字，请精简。") % {"max": REASON_MAX})
    plan.status = PlanStatus.RETURNED
    plan.return_reason = reason
    plan.decided_at = timezone.now()
    plan.decided_by = user
    _save(plan)
    return plan


@transaction.atomic
def plan_approve(*, plan: TrainingPlan, user: Any) -> TrainingPlan:
    """Approve a submitted version; the version approved before it is superseded first."""
    plan = _locked(plan)
    _require_department(user, plan.secondment)
    _require_submitted(plan)
    # Before approving: at most one approved version per secondment (a partial unique index).
    for previous in TrainingPlan.objects.select_for_update().filter(
        secondment_id=plan.secondment_id, status=PlanStatus.APPROVED
    ):
        previous.status = PlanStatus.SUPERSEDED
        _save(previous)
    plan.status = PlanStatus.APPROVED
    plan.decided_at = timezone.now()
    plan.decided_by = user
    plan.return_reason = ""
    _save(plan)
    return plan


@transaction.atomic
def plan_revise(*, plan: TrainingPlan, user: Any) -> TrainingPlan:
    """A new draft version copying a returned or approved one (duties, goals, milestones, done dates)."""
    plan = _locked(plan)
    secondment = plan.secondment
    _require_mentor(user, secondment)
    if plan.status not in REVISABLE_STATUSES:
        raise PlanError(
            _("第 %(v)d 版当前%(status)s，只有已退回或已批准的版本可以修订。")
            % {"v": plan.version, "status": plan.get_status_display()}
        )
    Secondment.objects.select_for_update().filter(pk=secondment.pk).first()
    open_version = _open_version(secondment)
    if open_version is not None:
        raise PlanError(
            _("第 %(v)d 版尚未审批完毕，请在该版本上修改。") % {"v": open_version.version}
        )
    draft = TrainingPlan(
        secondment=secondment,
        version=_next_version(secondment),
        status=PlanStatus.DRAFT,
        duties=plan.duties,
        summary=plan.summary,
        created_by=user,
    )
    _create(draft)
    for goal in plan.goals.all():
        _save(
            PlanGoal(
                plan=draft,
                ability=goal.ability,
                key_task=goal.key_task,
                goal=goal.goal,
                measure=goal.measure,
                position=goal.position,
            )
        )
    for milestone in plan.milestones.all():
        _save(
            Milestone(
                plan=draft,
                due_on=milestone.due_on,
                title=milestone.title,
                detail=milestone.detail,
                done_on=milestone.done_on,
                position=milestone.position,
            )
        )
    return draft


@transaction.atomic
def plan_comment_add(*, plan: TrainingPlan, user: Any, text: str) -> PlanComment:
    """A comment by the trainee, the mentor or the department on a version."""
    secondment = plan.secondment
    if not (
        access.is_trainee_of(user, secondment)
        or access.is_mentor_of(user, secondment)
        or access.is_department(user)
    ):
        raise PermissionDenied(_("只有练兵干部本人、练兵导师和组织部干部科可以发表意见。"))
    text = text.strip()
    if not text:
        raise PlanError(_("请填写意见内容。"))
    if len(text) > TEXT_MAX:
        raise PlanError(_("意见最多 %(max)d 个字，请精简。") % {"max": TEXT_MAX})
    comment = PlanComment(plan=plan, author=user, text=text)
    _save(comment)
    return comment

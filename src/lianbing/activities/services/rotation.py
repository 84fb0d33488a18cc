"""The rotation of organisers over a series (轮流组织): the generated plan, applying it, saving an edit.

The fairness rule is the engine's (:mod:`lianbing.engine.rotation`): every
selected member organises once before anyone organises twice, and the turns
are balanced across host units. Activities in date order take the plan's turns.
Activities that are no longer 筹备中 keep their organiser: the plan is fitted
around them. An edited plan is checked against the rule before anything is
saved; a plan the rule refuses is not saved at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction
from lianbing.engine import rotation
from lianbing.training.models import Secondment

from ..models import Activity, ActivitySeries, ActivityStatus
from .series import ActivityError, require_department


class UnfairPlan(ActivityError):
    """An edited plan the fairness rule refuses; ``problems`` are the engine's messages."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(_("轮值安排不符合轮流组织规则，未保存：") + "".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Rotation:
    """What the rotation rule works on: the series' organisers and its activities in date order."""

    members: list[Secondment]
    activities: list[Activity]

    @property
    def units(self) -> list[str | None]:
        # The host unit balances the turns: towns take turns as the members do.
        return [str(m.post.unit_id) for m in self.members]

    @property
    def labels(self) -> list[str]:
        return [m.cadre.name for m in self.members]

    def index_of(self, secondment_id: int | None) -> int | None:
        for k, m in enumerate(self.members):
            if m.pk == secondment_id:
                return k
        return None

    @property
    def fixed(self) -> dict[int, int]:
        """Turns already taken: activity position -> member index, for activities past 筹备中."""
        held: dict[int, int] = {}
        for position, activity in enumerate(self.activities):
            index = self.index_of(activity.organiser_id)
            if activity.status != ActivityStatus.PLANNED and index is not None:
                held[position] = index
        return held


def rotation_of(series: ActivitySeries) -> Rotation:
    members = list(
        series.organisers.select_related("cadre", "post", "post__unit").order_by(
            "post__unit__name", "cadre__name", "pk"
        )
    )
    activities = list(
        series.activities.select_related("organiser", "organiser__cadre").order_by("held_on", "pk")
    )
    return Rotation(members=members, activities=activities)


def generated_plan(plan: Rotation, *, seed: int = 0) -> list[Secondment]:
    """The organiser of each activity of ``plan`` (in date order) by the engine's rotation."""
    if not plan.members or not plan.activities:
        return []
    fixed = plan.fixed
    try:
        turns = rotation.organisers(
            plan.members,
            plan.units,
            len(plan.activities),
            seed=seed,
            fixed=fixed or None,
            labels=plan.labels,
        )
    except rotation.RotationError as error:
        raise ActivityError(str(error)) from error
    # Turns already taken are facts, whatever the plan would have said.
    return [plan.members[fixed.get(position, k)] for position, k in enumerate(turns)]


def plan_problems(plan: Rotation, organisers: Sequence[Secondment | None]) -> list[str]:
    """The fairness rule's complaints about ``organisers`` (one per activity of ``plan``)."""
    if any(o is None for o in organisers):
        return [_("还有活动没有安排组织者。")]
    sequence = [plan.index_of(o.pk) for o in organisers if o is not None]
    if any(k is None for k in sequence):
        return [_("组织者必须是本系列的轮流组织成员。")]
    return list(
        rotation.check_organisers(
            [k for k in sequence if k is not None], plan.members, plan.units, labels=plan.labels
        )
    )


def current_problems(series: ActivitySeries) -> list[str]:
    """The fairness rule's complaints about the organisers the series' activities have now."""
    plan = rotation_of(series)
    if not plan.activities or not plan.members:
        return []
    return plan_problems(plan, [a.organiser for a in plan.activities])


def _lock(series: ActivitySeries) -> ActivitySeries:
    return ActivitySeries.objects.select_for_update().get(pk=series.pk)


def _save(plan: Rotation, organisers: Sequence[Secondment], by: Any, series: ActivitySeries) -> int:
    changed = 0
    lines = []
    for activity, organiser in zip(plan.activities, organisers, strict=True):
        lines.append(f"{activity.held_on:%m-%d} {organiser.cadre.name}")
        if activity.organiser_id == organiser.pk or activity.status != ActivityStatus.PLANNED:
            continue
        activity.organiser = organiser
        activity.save(update_fields=["organiser"])
        changed += 1
    audit.record(
        action=AuditAction.UPDATE,
        obj=series,
        detail=_("轮值安排：") + "；".join(lines),
        user=by,
    )
    return changed


@transaction.atomic
def organiser_plan_apply(*, series: ActivitySeries, by: Any, seed: int = 0) -> list[Activity]:
    """Give each activity of ``series`` the organiser of the generated plan; the activities."""
    require_department(by)
    series = _lock(series)
    plan = rotation_of(series)
    if not plan.members:
        raise ActivityError(_("本系列还没有轮流组织成员，请先在“编辑系列”中选定。"))
    if not plan.activities:
        raise ActivityError(_("本系列还没有活动，请先新建活动。"))
    organisers = generated_plan(plan, seed=seed)
    _save(plan, organisers, by, series)
    return plan.activities


@transaction.atomic
def organiser_plan_save(
    *, series: ActivitySeries, organisers: Mapping[int, int | None], by: Any
) -> list[Activity]:
    """Save an edited plan: ``organisers`` maps each activity id to a secondment id.

    Refused with :class:`UnfairPlan` (nothing saved) when the fairness rule
    finds fault; an activity past 筹备中 keeps the organiser it had.
    """
    require_department(by)
    series = _lock(series)
    plan = rotation_of(series)
    if not plan.activities:
        raise ActivityError(_("本系列还没有活动，请先新建活动。"))
    by_id = {m.pk: m for m in plan.members}
    chosen: list[Secondment | None] = []
    for activity in plan.activities:
        if activity.status != ActivityStatus.PLANNED:
            chosen.append(activity.organiser)
            continue
        wanted = organisers.get(activity.pk)
        if wanted is not None and wanted not in by_id:
            raise ActivityError(
                _("“%(title)s”的组织者必须是本系列的轮流组织成员。") % {"title": activity.title}
            )
        chosen.append(by_id.get(wanted) if wanted is not None else None)
    problems = plan_problems(plan, chosen)
    if problems:
        raise UnfairPlan(problems)
    _save(plan, [c for c in chosen if c is not None], by, series)
    return plan.activities

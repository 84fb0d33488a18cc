"""A rated round for the growth-index tests, built on ``inspected``.

The first team gets three more trainees (five trainees in the round), a third
team rater (王强, host-unit cadre with an account) who straight-lines: every
item of a trainee gets the same score. 李俊 and 陈明 rate every trainee of the
first team with varied, mostly agreeing scores; the two public representatives
rate 孙杰 and 赵磊; the second team rates 王楠楠. Two trainees have an approved
plan with milestones and two have monthly assessments.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from lianbing.accounts.models import Role
from lianbing.engine import taxonomy
from lianbing.evaluation.models import FormItem, RaterKind, Rating, TeamMember
from lianbing.training.models import (
    Milestone,
    MonthlyAssessment,
    PlanStatus,
    Secondment,
    TrainingPlan,
)
from tests import factories
from tests.functional.evaluation.conftest import Inspected
from tests.functional.training.conftest import second

#: Quality of each trainee of the first team on the 1-5 form (the honest raters' centre).
QUALITY = {"孙杰": 4.0, "赵磊": 3.0, "钱芳": 2.0, "吴涛": 3.5}
#: What the straight-lining rater gives every item of each trainee.
STRAIGHT = {"孙杰": 5, "赵磊": 4, "钱芳": 3, "吴涛": 4}


@dataclass
class Rated:
    inspected: Inspected
    trainees: list[Secondment]
    straight_liner: TeamMember


def _scores(items: list[FormItem], centre: float, tilt: int) -> dict[str, int]:
    """Scores around ``centre``: items alternate a point up and down, shifted by ``tilt``."""
    out = {}
    for k, item in enumerate(items):
        value = round(centre + ((k + tilt) % 3 - 1) * 0.6)
        out[item.code] = max(item.scale_min, min(item.scale_max, value))
    return out


def rated_round(inspected: Inspected) -> Rated:
    round_ = inspected.round
    placed = inspected.placed
    items = list(FormItem.objects.filter(round=round_))
    extra = [
        second(placed.run, cadre_name=name, town=town, mentor_name=None)
        for name, town in (("赵磊", "沈荡镇"), ("钱芳", "百步镇"), ("吴涛", "于城镇"))
    ]
    team_trainees = [placed.secondment, *extra]
    inspected.team.secondments.add(*extra)
    straight = TeamMember.objects.create(
        team=inspected.team,
        kind=RaterKind.HOST_CADRE,
        name="王强",
        unit="新仓镇",
        user=factories.account(Role.INSPECTOR, username="kaocha3"),
    )
    for s in team_trainees:
        name = s.cadre.name
        Rating.objects.create(
            round=round_,
            secondment=s,
            member=inspected.mentor_member,
            scores=_scores(items, QUALITY[name], 0),
        )
        Rating.objects.create(
            round=round_,
            secondment=s,
            member=inspected.host_member,
            scores=_scores(items, QUALITY[name], 1),
        )
        Rating.objects.create(
            round=round_,
            secondment=s,
            member=straight,
            scores={item.code: STRAIGHT[name] for item in items},
        )
    for member, tilt in zip(inspected.public_members, (0, 2), strict=True):
        for s in team_trainees[:2]:
            Rating.objects.create(
                round=round_,
                secondment=s,
                member=member,
                scores=_scores(items, QUALITY[s.cadre.name], tilt),
            )
    for member in inspected.other_team.members.all():
        Rating.objects.create(
            round=round_, secondment=placed.other, member=member, scores=_scores(items, 3.0, 2)
        )
    _plan(placed.secondment, done=2, due=2)
    _plan(extra[0], done=1, due=2)
    _assess(placed.secondment, placed.mentor, (4, 5))
    _assess(placed.other, placed.other_mentor, (3, 3))
    return Rated(
        inspected=inspected, trainees=[*team_trainees, placed.other], straight_liner=straight
    )


def _plan(secondment: Secondment, *, done: int, due: int) -> None:
    plan = TrainingPlan.objects.create(secondment=secondment, version=1, status=PlanStatus.APPROVED)
    for k in range(due):
        Milestone.objects.create(
            plan=plan,
            due_on=datetime.date(2026, 5 + k, 28),
            title=f"节点{k + 1}",
            done_on=datetime.date(2026, 5 + k, 20) if k < done else None,
            position=k,
        )
    # A milestone due after the round closes does not count.
    Milestone.objects.create(
        plan=plan, due_on=datetime.date(2026, 12, 28), title="年末节点", position=due
    )


def _assess(secondment: Secondment, author: object, values: tuple[int, ...]) -> None:
    for k, value in enumerate(values):
        MonthlyAssessment.objects.create(
            secondment=secondment,
            month=datetime.date(2026, 4 + k, 1),
            scores=dict.fromkeys(taxonomy.ABILITY_CODES, value),
            remark="按计划推进",
            author=author,
        )

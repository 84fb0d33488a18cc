"""A round with a team around the placed pair of the training tests.

``inspected`` extends ``placed`` (tests/functional/training/conftest.py): an
open 中期考察 round of the program with the default form, one team covering
孙杰 with his mentor 李俊 (account), a host-unit cadre (inspector account) and
two public representatives; another team covers 王楠楠 with her mentor.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client

from lianbing.accounts.models import Role
from lianbing.engine import taxonomy
from lianbing.evaluation.models import (
    EvaluationRound,
    FormItem,
    InspectionTeam,
    ItemKind,
    RaterKind,
    RoundStatus,
    TeamMember,
)
from tests import factories
from tests.functional.training.conftest import Placed, placed  # noqa: F401  (fixture)


@dataclass
class Inspected:
    placed: Placed
    round: EvaluationRound
    team: InspectionTeam
    other_team: InspectionTeam
    mentor_member: TeamMember
    host_member: TeamMember
    public_members: list[TeamMember]
    inspector: User
    other_inspector: User

    def client(self, who: str) -> Client:
        client = Client()
        user = getattr(self, who, None) or getattr(self.placed, who)
        client.force_login(user)
        return client


def default_items(round_: EvaluationRound) -> list[FormItem]:
    """The seven abilities, 现实表现 and 岗位适应 on 1-5 with anchors."""
    items = [
        FormItem(
            round=round_,
            code=term.code,
            label=term.label,
            kind=ItemKind.ABILITY,
            anchors={"1": "明显不足", "3": "基本胜任", "5": "突出，可为表率"},
            position=k,
        )
        for k, term in enumerate(taxonomy.ABILITIES)
    ]
    items.append(
        FormItem(
            round=round_,
            code="performance",
            label="现实表现",
            kind=ItemKind.PERFORMANCE,
            anchors={"1": "较差", "3": "良好", "5": "优秀"},
            position=7,
        )
    )
    items.append(
        FormItem(
            round=round_,
            code="adaptation",
            label="岗位适应",
            kind=ItemKind.ADAPTATION,
            anchors={"1": "不适应", "3": "基本适应", "5": "完全适应"},
            position=8,
        )
    )
    return FormItem.objects.bulk_create(items)


@pytest.fixture
def inspected(placed: Placed) -> Inspected:  # noqa: F811
    round_ = EvaluationRound.objects.create(
        program=placed.secondment.program,
        name="中期考察",
        status=RoundStatus.OPEN,
        closes_on=datetime.date(2026, 9, 30),
        created_by=placed.staff,
    )
    default_items(round_)
    team = InspectionTeam.objects.create(round=round_, name="第一考察组")
    team.secondments.add(placed.secondment)
    other_team = InspectionTeam.objects.create(round=round_, name="第二考察组")
    other_team.secondments.add(placed.other)
    inspector = factories.account(Role.INSPECTOR, username="kaocha1")
    other_inspector = factories.account(Role.INSPECTOR, username="kaocha2")
    mentor_member = TeamMember.objects.create(
        team=team, kind=RaterKind.MENTOR, name="李俊", unit="新仓镇", user=placed.mentor
    )
    host_member = TeamMember.objects.create(
        team=team, kind=RaterKind.HOST_CADRE, name="陈明", unit="新仓镇", user=inspector
    )
    public = [
        TeamMember.objects.create(team=team, kind=RaterKind.PUBLIC, name=name, unit="新仓村")
        for name in ("村民代表甲", "村民代表乙")
    ]
    TeamMember.objects.create(
        team=other_team,
        kind=RaterKind.MENTOR,
        name="张敏",
        unit="曹桥街道",
        user=placed.other_mentor,
    )
    TeamMember.objects.create(
        team=other_team,
        kind=RaterKind.HOST_CADRE,
        name="周亮",
        unit="曹桥街道",
        user=other_inspector,
    )
    return Inspected(
        placed=placed,
        round=round_,
        team=team,
        other_team=other_team,
        mentor_member=mentor_member,
        host_member=host_member,
        public_members=public,
        inspector=inspector,
        other_inspector=other_inspector,
    )

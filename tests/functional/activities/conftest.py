"""A series of empowerment activities around the placed pair of the training tests.

``activities`` extends ``placed`` (tests/functional/training/conftest.py):
twelve trainees of the program in all (孙杰 and 王楠楠 among them) on posts of
four towns, from three origin departments, with varied categories and
abilities; a series 青鸢赋能计划 with four of them selected to organise; one
planned 无领导小组讨论 testing three abilities with every trainee taking part
(groups of 4) and three assessors: the department (staff), 孙杰's mentor 李俊
and an inspection-team member.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client

from lianbing.accounts.models import Role
from lianbing.activities.models import Activity, ActivityKind, ActivitySeries
from lianbing.engine import taxonomy
from lianbing.matching.models import MatchRun
from lianbing.training import secondments
from lianbing.training.models import Secondment
from tests import factories
from tests.functional.training.conftest import Placed, placed  # noqa: F401  (fixture)

#: (name, town, origin department, category, abilities) of the ten other trainees.
OTHERS: tuple[tuple[str, str, str, str, tuple[float, ...]], ...] = (
    ("陈晨", "新仓镇", "市发改委", "economy", (82, 76, 79, 70, 61, 66, 84)),
    ("李阳", "新仓镇", "市财政局", "social", (71, 68, 66, 75, 80, 83, 72)),
    ("周婷", "曹桥街道", "市发改委", "party", (88, 81, 74, 68, 58, 77, 79)),
    ("吴昊", "曹桥街道", "市住建局", "economy", (64, 72, 85, 81, 70, 60, 75)),
    ("郑磊", "当湖街道", "市财政局", "social", (76, 59, 62, 73, 86, 82, 70)),
    ("王芳", "当湖街道", "市住建局", "party", (90, 84, 80, 66, 64, 71, 88)),
    ("冯超", "广陈镇", "市发改委", "economy", (69, 74, 71, 84, 77, 63, 66)),
    ("褚静", "广陈镇", "市财政局", "social", (73, 80, 69, 62, 71, 87, 74)),
    ("蒋涛", "广陈镇", "市住建局", "party", (67, 65, 83, 79, 83, 69, 61)),
    ("沈悦", "当湖街道", "市发改委", "economy", (85, 70, 77, 72, 66, 74, 81)),
)

#: The abilities the fixture's discussion tests.
TESTED = ("decision", "reform", "mass_work")


@dataclass
class Activities:
    placed: Placed
    trainees: list[Secondment]
    series: ActivitySeries
    activity: Activity
    inspector: User

    def client(self, who: str) -> Client:
        client = Client()
        user = getattr(self, who, None) or getattr(self.placed, who)
        client.force_login(user)
        return client


def trainee(
    run: MatchRun,
    *,
    name: str,
    town: str,
    origin: str,
    category: str,
    abilities: tuple[float, ...],
) -> Secondment:
    """A secondment of a new cadre (from ``origin``) on a new post at ``town``, mentor to be found."""
    host = factories.unit(town, kind="town")
    post = factories.post(program_=run.program, host=host)
    cadre = factories.cadre(
        name=name, origin=factories.unit(origin), category=category, abilities=abilities
    )
    return secondments.secondment_create(
        cadre=cadre,
        post=post,
        source_run_id=run.pk,
        mentor=None,
        started_on=datetime.date(2026, 3, 1),
        duration_months=12,
    )


def activity(
    series: ActivitySeries,
    *,
    participants: list[Secondment],
    assessors: list[User],
    kind: str = ActivityKind.DISCUSSION,
    title: str = "无领导小组讨论：强村富民",
    held_on: datetime.date = datetime.date(2026, 7, 10),
    abilities: tuple[str, ...] = TESTED,
    group_size: int = 4,
) -> Activity:
    made = Activity(
        series=series,
        kind=kind,
        title=title,
        topic="如何发展村级集体经济、带动农民增收？",
        held_on=held_on,
        place="市委党校 301 教室",
        abilities=list(abilities),
        group_size=group_size,
        anchors={"1": "明显不足", "3": "基本胜任", "5": "突出，可为表率"},
    )
    made.full_clean()
    made.save()
    made.participants.set(participants)
    made.assessors.set(assessors)
    return made


@pytest.fixture
def activities(placed: Placed) -> Activities:  # noqa: F811  (fixture)
    assert all(code in taxonomy.ABILITY_CODES for code in TESTED)
    others = [
        trainee(placed.run, name=n, town=t, origin=o, category=c, abilities=a)
        for n, t, o, c, a in OTHERS
    ]
    trainees = [placed.secondment, placed.other, *others]
    series = ActivitySeries.objects.create(
        program=placed.run.program, name="青鸢赋能计划 第一期", created_by=placed.staff
    )
    series.organisers.set(trainees[:4])
    inspector = factories.account(Role.INSPECTOR, username="kaocha_hd")
    made = activity(
        series, participants=trainees, assessors=[placed.staff, placed.mentor, inspector]
    )
    return Activities(
        placed=placed, trainees=trainees, series=series, activity=made, inspector=inspector
    )

"""The groups pages per role: the department manages, everyone else who may open the activity reads."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianbing.accounts.models import Role
from lianbing.activities.models import (
    Activity,
    ActivityGroup,
    ActivityStatus,
    GroupMember,
    PairRule,
)
from lianbing.activities.models import PairRuleKind as Kind
from lianbing.activities.services import grouping as services
from tests import factories

from .conftest import Activities, activity, trainee

pytestmark = pytest.mark.django_db

QUICK = 2.0


def _url(name: str, a: Activities, *args: int) -> str:
    return reverse(f"activities:{name}", args=[a.activity.pk, *args])


def _grouped(a: Activities) -> None:
    services.groups_generate(activity=a.activity, by=a.placed.staff, time_limit=QUICK)


def _group_of(a: Activities) -> dict[int, int]:
    return dict(
        GroupMember.objects.filter(activity=a.activity).values_list(
            "secondment_id", "group__number"
        )
    )


def test_staff_generate_groups_and_see_their_balance_beside_random_splits(
    activities: Activities,
) -> None:
    client = activities.client("staff")
    empty = client.get(_url("groups", activities))

    response = client.post(_url("groups", activities), follow=True)

    assert 'data-testid="no-groups"' in empty.content.decode()
    page = response.content.decode()
    assert page.count('data-testid="group"') == 3
    assert "优于随机分组" in page
    assert 'data-testid="percentile"' in page
    assert 'data-chart="random-spreads"' in page
    assert "已分为 3 组" in page
    assert 'data-testid="cost-percentile"' in page
    assert "按综合目标优于随机分组" in page


def test_the_balance_card_shows_both_percentiles_and_says_how_they_differ(
    activities: Activities,
) -> None:
    _grouped(activities)
    stored = Activity.objects.get(pk=activities.activity.pk).grouping

    page = activities.client("staff").get(_url("groups", activities)).content.decode()

    cost_cell = page.split('data-testid="cost-percentile">', 1)[1].split("</dd>", 1)[0]
    assert cost_cell == f"{stored['cost_percentile']:.1f}%"
    excess_cell = page.split('data-testid="random-excess">', 1)[1].split("</dd>", 1)[0]
    assert excess_cell == f"{stored['random']['excess_mean']:.1f} 人"
    assert "只比较能力均衡（极差）" in page
    assert "随机分组不顾及混合" in page
    # The fixture's case: the spread alone undersells a well-mixed split.
    assert stored["cost_percentile"] > stored["percentile"]


def test_a_grouping_stored_before_the_cost_percentile_still_renders_with_dashes(
    activities: Activities,
) -> None:
    _grouped(activities)
    activity = Activity.objects.get(pk=activities.activity.pk)
    old = dict(activity.grouping)
    del old["cost_percentile"], old["cost"]
    old["random"] = {
        k: v for k, v in old["random"].items() if k not in ("excess_mean", "cost_mean")
    }
    Activity.objects.filter(pk=activity.pk).update(grouping=old)

    response = activities.client("staff").get(_url("groups", activities))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="cost-percentile">—</dd>' in page
    assert 'data-testid="random-excess">—</dd>' in page
    assert 'data-testid="percentile"' in page


def test_generating_again_asks_for_confirmation_before_replacing(activities: Activities) -> None:
    _grouped(activities)
    ActivityGroup.objects.filter(activity=activities.activity, number=1).update(task="入户走访")
    client = activities.client("staff")

    asked = client.post(_url("groups", activities))

    assert 'data-testid="consequence"' in asked.content.decode()
    assert ActivityGroup.objects.get(activity=activities.activity, number=1).task == "入户走访"

    client.post(_url("groups", activities), {"confirm": "1"})

    assert ActivityGroup.objects.get(activity=activities.activity, number=1).task == ""


def test_a_move_against_a_pair_rule_is_refused_with_the_rule_named(
    activities: Activities,
) -> None:
    sun, wang = activities.trainees[0], activities.trainees[1]
    PairRule.objects.create(series=activities.series, kind=Kind.SEPARATE, first=sun, second=wang)
    _grouped(activities)
    before = _group_of(activities)

    response = activities.client("staff").post(
        _url("groups_move", activities),
        {"action": "move", "secondment": sun.pk, "to": before[wang.pk]},
        follow=True,
    )

    assert "孙杰与王楠楠不得同组" in response.content.decode()
    assert _group_of(activities) == before


def test_staff_swap_two_members_and_see_the_recomputed_spread(activities: Activities) -> None:
    _grouped(activities)
    before = _group_of(activities)
    one = next(pk for pk, n in before.items() if n == 1)
    other = next(pk for pk, n in before.items() if n == 3)

    response = activities.client("staff").post(
        _url("groups_move", activities),
        {"action": "swap", "secondment": one, "other": other},
        follow=True,
    )

    after = _group_of(activities)
    assert (after[one], after[other]) == (3, 1)
    assert "调整后极差" in response.content.decode()
    assert "综合目标优于" in response.content.decode()


def test_staff_set_a_groups_leader_task_and_outcome(activities: Activities) -> None:
    _grouped(activities)
    leader = next(pk for pk, n in _group_of(activities).items() if n == 2)
    client = activities.client("staff")
    form = client.get(_url("group_edit", activities, 2))

    client.post(
        _url("group_edit", activities, 2),
        {"leader": leader, "task": "起草强村富民方案", "outcome": "方案一份"},
    )

    assert 'data-testid="group-form"' in form.content.decode()
    group = ActivityGroup.objects.get(activity=activities.activity, number=2)
    assert (group.leader_id, group.task, group.outcome) == (leader, "起草强村富民方案", "方案一份")
    assert group.outcome_recorded_at is not None


def test_the_printable_sheet_shows_topic_groups_leaders_and_tasks(activities: Activities) -> None:
    _grouped(activities)
    group = ActivityGroup.objects.get(activity=activities.activity, number=1)
    group.leader = group.members.first().secondment  # type: ignore[union-attr]
    group.task = "梳理集体经济台账"
    group.save()

    response = activities.client("trainee").get(_url("groups_print", activities))

    page = response.content.decode()
    assert response.status_code == 200
    assert "activities/groups_print.css" in page
    assert page.count('data-testid="print-group"') == 3
    assert "如何发展村级集体经济" in page
    assert "梳理集体经济台账" in page
    assert f"组长：{group.leader.cadre.name}" in page  # type: ignore[union-attr]


@pytest.mark.parametrize("who", ["auditor", "trainee", "mentor", "inspector", "host"])
def test_readers_see_the_groups_without_managing_them(activities: Activities, who: str) -> None:
    _grouped(activities)
    client = activities.client(who)

    page = client.get(_url("groups", activities))
    generate = client.post(_url("groups", activities), {"confirm": "1"})

    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('data-testid="group"') == 3
    assert 'data-testid="generate-form"' not in text
    assert 'data-testid="move-form"' not in text
    assert generate.status_code == 403


@pytest.mark.parametrize("who", ["auditor", "trainee", "mentor"])
def test_only_the_department_edits_a_group_or_moves_members(
    activities: Activities, who: str
) -> None:
    _grouped(activities)
    client = activities.client(who)

    assert client.get(_url("group_edit", activities, 1)).status_code == 403
    assert client.post(_url("groups_move", activities), {}).status_code == 403
    assert client.post(_url("groups_leaders", activities)).status_code == 403


@pytest.mark.parametrize("who", ["other_trainee", "other_mentor"])
def test_outsiders_of_an_activity_are_answered_as_missing(activities: Activities, who: str) -> None:
    placed = activities.placed
    without = activity(
        activities.series,
        participants=[t for t in activities.trainees if t.pk != placed.other.pk],
        assessors=[placed.staff],
        title="破难比拼赛",
        held_on=datetime.date(2026, 8, 1),
    )
    client = activities.client(who)

    for name in ("groups", "groups_print"):
        response = client.get(reverse(f"activities:{name}", args=[without.pk]))
        assert response.status_code == 404


def test_an_inspector_who_is_no_assessor_is_answered_as_missing(activities: Activities) -> None:
    stranger = factories.account(Role.INSPECTOR, username="kaocha_other")
    client = activities.client("staff")
    client.force_login(stranger)

    response = client.get(_url("groups", activities))

    assert response.status_code == 404


def test_a_finished_activitys_groups_are_read_only_even_for_staff(activities: Activities) -> None:
    _grouped(activities)
    activities.activity.status = ActivityStatus.FINISHED
    activities.activity.save()
    before = _group_of(activities)
    client = activities.client("staff")

    page = client.get(_url("groups", activities)).content.decode()
    moved = client.post(
        _url("groups_move", activities),
        {"action": "move", "secondment": activities.trainees[0].pk, "to": 3},
        follow=True,
    )

    assert 'data-testid="groups-locked"' in page
    assert 'data-testid="move-form"' not in page
    assert "活动已结束" in moved.content.decode()
    assert _group_of(activities) == before


def test_staff_have_leaders_proposed_and_see_them_on_the_page(activities: Activities) -> None:
    _grouped(activities)
    client = activities.client("staff")

    response = client.post(_url("groups_leaders", activities), follow=True)

    page = response.content.decode()
    assert page.count('data-testid="leader"') == 3
    assert "已按轮流担任的原则" in page
    assert not ActivityGroup.objects.filter(
        activity=activities.activity, leader__isnull=True
    ).exists()


@pytest.mark.parametrize("who", ["trainee", "mentor", "inspector", "host"])
def test_the_cadres_ability_scores_and_the_balance_stay_with_department_and_auditor(
    activities: Activities, who: str
) -> None:
    _grouped(activities)

    theirs = activities.client(who).get(_url("groups", activities)).content.decode()
    auditor = activities.client("auditor").get(_url("groups", activities)).content.decode()

    assert 'data-testid="group-means"' in auditor
    assert 'data-testid="balance"' in auditor
    assert 'data-testid="group-means"' not in theirs
    assert 'data-testid="balance"' not in theirs
    assert "科学决策能力" not in theirs


def test_the_groups_page_takes_the_same_queries_however_many_groups(
    activities: Activities,
) -> None:
    staff = activities.placed.staff
    _grouped(activities)
    services.groups_leaders_propose(activity=activities.activity, by=staff)
    client = activities.client("staff")
    client.get(_url("groups", activities))
    with CaptureQueriesContext(connection) as few:
        client.get(_url("groups", activities))
    more = [
        trainee(
            activities.placed.run,
            name=f"新成员{i}",
            town="新仓镇",
            origin="市财政局",
            category="social",
            abilities=(70, 71, 72, 73, 74, 75, 76),
        )
        for i in range(5)
    ]
    activities.activity.participants.add(*more)
    services.groups_generate(activity=activities.activity, by=staff, replace=True, time_limit=QUICK)
    services.groups_leaders_propose(activity=activities.activity, by=staff)

    with CaptureQueriesContext(connection) as many:
        client.get(_url("groups", activities))

    assert len(many) == len(few)

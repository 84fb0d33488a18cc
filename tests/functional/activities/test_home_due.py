"""The home page's 我的待办 lists what the activities ask: scores to give, activities ahead."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from lianbing.activities.models import ActivityStatus
from lianbing.activities.services import activity as activity_services
from lianbing.activities.services import grouping as grouping_services

from .conftest import TESTED, Activities
from .scores_fixtures import score

pytestmark = pytest.mark.django_db

#: Before the fixture's discussion (2026-07-10).
BEFORE = "2026-07-01"


def _due(activities: Activities, who: str) -> list[Any]:
    page = activities.client(who).get(reverse("web:dashboard"))
    assert page.status_code == 200
    return [i for i in page.context["due_items"] if i.kind.startswith("activity")]


def test_an_assessor_sees_the_participants_left_to_score_until_none_is_left(
    activities: Activities, settings: Any
) -> None:
    settings.LIANBING_TODAY = BEFORE
    activity = activities.activity
    placed = activities.placed
    activity_services.activity_status_set(
        activity=activity, to=ActivityStatus.SCORING, by=placed.staff
    )
    for s in activities.trainees[:10]:
        score(activity, placed.mentor, s, (3,) * len(TESTED))

    lines = _due(activities, "mentor")

    assert [(line.kind, line.count) for line in lines] == [("activity-score", 2)]
    assert lines[0].url == reverse("activities:score", args=[activity.pk])
    for s in activities.trainees[10:]:
        score(activity, placed.mentor, s, (3,) * len(TESTED))
    assert _due(activities, "mentor") == []
    assert [line.count for line in _due(activities, "inspector")] == [12]


def test_a_trainee_sees_the_activity_ahead_with_the_group_and_its_task(
    activities: Activities, settings: Any
) -> None:
    settings.LIANBING_TODAY = BEFORE
    activity = activities.activity
    staff = activities.placed.staff
    grouping_services.groups_generate(activity=activity, by=staff)
    grouping_services.groups_leaders_propose(activity=activity, by=staff)
    mine = activity.group_members.get(secondment=activities.placed.secondment).group
    grouping_services.group_update(
        group=mine, by=staff, leader=mine.leader, task="走访五个村", outcome=""
    )

    lines = _due(activities, "trainee")

    assert [(line.kind, line.count) for line in lines] == [("activity-ahead", 1)]
    (detail,) = lines[0].details
    assert activity.title in detail
    assert f"第 {mine.number} 组" in detail
    assert "包干任务：走访五个村" in detail
    settings.LIANBING_TODAY = "2026-07-11"
    assert _due(activities, "trainee") == []

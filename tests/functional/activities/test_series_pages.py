"""The series pages: the list with its calendar, creating and editing a series, pair rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse

from lianbing.accounts.models import AuditAction, AuditEvent, Role
from lianbing.activities.models import ActivitySeries, PairRule, PairRuleKind
from lianbing.activities.services import series as services
from tests import factories

from .conftest import Activities, activity

pytestmark = pytest.mark.django_db


def _list(activities: Activities, who: str, **params: str) -> Any:
    return activities.client(who).get(reverse("activities:series_list"), params)


def test_the_department_sees_the_series_and_the_month_of_its_activity(
    activities: Activities,
) -> None:
    response = _list(activities, "staff", month="2026-07")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="series-row"' in html
    assert "青鸢赋能计划 第一期" in html
    assert html.count('data-testid="calendar-activity"') == 1
    assert reverse("activities:activity_detail", args=[activities.activity.pk]) in html
    assert 'data-testid="series-create"' in html


def test_the_list_opens_on_the_month_of_the_next_activity_when_this_month_has_none(
    activities: Activities, settings: Any
) -> None:
    settings.LIANBING_TODAY = "2026-05-15"

    response = _list(activities, "staff")

    assert 'data-month="2026-07"' in response.content.decode()


def test_the_calendar_moves_a_month_back_and_forth(activities: Activities) -> None:
    response = _list(activities, "staff", month="2026-01")

    html = response.content.decode()
    assert 'data-month="2026-01"' in html
    assert "month=2025-12" in html
    assert "month=2026-02" in html
    assert 'data-testid="calendar-activity"' not in html


def test_a_nonsense_month_shows_the_default_month(activities: Activities) -> None:
    response = _list(activities, "staff", month="2026-13")

    assert response.status_code == 200
    assert 'data-month="2026-07"' in response.content.decode()


def test_a_trainee_sees_their_series_in_a_phone_friendly_list_without_the_create_button(
    activities: Activities,
) -> None:
    response = _list(activities, "trainee", month="2026-07")

    html = response.content.decode()
    assert response.status_code == 200
    assert "青鸢赋能计划 第一期" in html
    assert 'data-testid="month-list"' in html
    assert "无领导小组讨论：强村富民" in html
    assert 'data-testid="series-create"' not in html


def test_a_trainee_outside_every_activity_sees_no_series(activities: Activities) -> None:
    outsider = factories.account(Role.TRAINEE, cadre_=factories.cadre(name="外人"))
    client = activities.client("staff")
    client.force_login(outsider)

    response = client.get(reverse("activities:series_list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "青鸢赋能计划" not in html
    assert 'data-testid="no-series"' in html


def _more(activities: Activities, count: int) -> None:
    staff = activities.placed.staff
    for k in range(count):
        series = services.series_create(
            program=activities.series.program,
            name=f"系列{k}",
            organisers=activities.trainees[k : k + 2],
            by=staff,
        )
        for day in (3, 17):
            activity(
                series,
                participants=activities.trainees,
                assessors=[staff],
                title=f"活动{k}-{day}",
                held_on=datetime.date(2026, 7, day),
            )


@pytest.mark.parametrize("extra", [0, 4])
def test_the_list_takes_the_same_queries_however_many_series_and_activities(
    activities: Activities, extra: int, django_assert_max_num_queries: Any
) -> None:
    _more(activities, extra)
    client = activities.client("staff")

    with django_assert_max_num_queries(12):
        response = client.get(reverse("activities:series_list"), {"month": "2026-07"})

    html = response.content.decode()
    assert html.count('data-testid="series-row"') == 1 + extra
    assert html.count('data-testid="calendar-activity"') == 1 + 2 * extra


@pytest.mark.parametrize("extra", [0, 4])
def test_the_series_page_takes_the_same_queries_however_many_activities(
    activities: Activities, extra: int, django_assert_max_num_queries: Any
) -> None:
    for k in range(extra):
        activity(
            activities.series,
            participants=activities.trainees,
            assessors=[activities.placed.staff],
            title=f"活动{k}",
            held_on=datetime.date(2026, 8, k + 1),
        )
    client = activities.client("staff")
    url = reverse("activities:series_detail", args=[activities.series.pk])

    with django_assert_max_num_queries(16):
        response = client.get(url)

    assert response.content.decode().count('data-testid="activity-row"') == 1 + extra


def test_the_department_creates_a_series_with_its_organisers(activities: Activities) -> None:
    client = activities.client("staff")
    chosen = activities.trainees[4:7]

    response = client.post(
        reverse("activities:series_create"),
        {
            "program": activities.series.program_id,
            "name": "青鸢赋能计划 第二期",
            "description": "下半年专项赋能",
            "organisers": [s.pk for s in chosen],
        },
    )

    made = ActivitySeries.objects.get(name="青鸢赋能计划 第二期")
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:series_detail", args=[made.pk])
    assert set(made.organisers.all()) == set(chosen)
    assert made.created_by == activities.placed.staff
    trail = AuditEvent.objects.filter(
        object_type="activities.ActivitySeries", object_id=str(made.pk)
    )
    assert trail.filter(action=AuditAction.CREATE).exists()
    assert trail.filter(action=AuditAction.UPDATE, detail__startswith="加入轮流组织成员").exists()


def test_a_second_series_of_the_same_name_is_refused(activities: Activities) -> None:
    client = activities.client("staff")

    response = client.post(
        reverse("activities:series_create"),
        {"program": activities.series.program_id, "name": "青鸢赋能计划 第一期"},
    )

    assert response.status_code == 200
    assert "本批次已有名为“青鸢赋能计划 第一期”的活动系列" in response.content.decode()
    assert ActivitySeries.objects.count() == 1


def test_a_trainee_can_neither_create_nor_edit_a_series(activities: Activities) -> None:
    client = activities.client("trainee")
    edit = reverse("activities:series_edit", args=[activities.series.pk])

    create = client.post(
        reverse("activities:series_create"),
        {"program": activities.series.program_id, "name": "自建系列"},
    )
    edited = client.post(edit, {"name": "改名"})

    assert create.status_code == 403
    assert edited.status_code == 403
    assert not ActivitySeries.objects.filter(name__in=["自建系列", "改名"]).exists()


def test_an_outsider_gets_404_on_the_series(activities: Activities) -> None:
    outsider = factories.account(Role.TRAINEE, cadre_=factories.cadre(name="外人"))
    client = activities.client("staff")
    client.force_login(outsider)

    response = client.get(reverse("activities:series_detail", args=[activities.series.pk]))

    assert response.status_code == 404


def test_a_trainee_sees_the_series_without_its_pair_rules(activities: Activities) -> None:
    services.pair_rule_add(
        series=activities.series,
        kind=PairRuleKind.SEPARATE,
        first=activities.trainees[0],
        second=activities.trainees[1],
        note="同一科室",
        by=activities.placed.staff,
    )

    response = activities.client("trainee").get(
        reverse("activities:series_detail", args=[activities.series.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="activity-row"' in html
    assert 'data-testid="organiser"' in html
    assert "同一科室" not in html
    assert 'data-testid="rule-add"' not in html


def test_the_department_edits_the_organisers(activities: Activities) -> None:
    client = activities.client("staff")
    url = reverse("activities:series_edit", args=[activities.series.pk])
    kept = activities.trainees[:2]

    page = client.get(url)
    response = client.post(url, {"name": "青鸢赋能计划 第一期", "organisers": [s.pk for s in kept]})

    assert page.status_code == 200
    assert response.status_code == 302
    assert set(activities.series.organisers.all()) == set(kept)
    assert AuditEvent.objects.filter(
        object_type="activities.ActivitySeries", detail__startswith="移出轮流组织成员"
    ).exists()


def test_an_organiser_with_an_activity_stays_until_the_rotation_moves_it(
    activities: Activities,
) -> None:
    organiser = activities.trainees[3]
    activities.activity.organiser = organiser
    activities.activity.save()
    client = activities.client("staff")

    response = client.post(
        reverse("activities:series_edit", args=[activities.series.pk]),
        {"name": "青鸢赋能计划 第一期", "organisers": [s.pk for s in activities.trainees[:3]]},
    )

    assert response.status_code == 200
    assert "李阳已被安排组织“无领导小组讨论：强村富民”" in response.content.decode()
    assert activities.series.organisers.filter(pk=organiser.pk).exists()


def test_a_pair_rule_is_added_and_the_same_pair_cannot_get_a_second_rule(
    activities: Activities,
) -> None:
    client = activities.client("staff")
    url = reverse("activities:pair_rule_add", args=[activities.series.pk])
    a, b = activities.trainees[2], activities.trainees[3]

    first = client.post(
        url, {"kind": "separate", "first": a.pk, "second": b.pk, "note": "同一科室"}
    )
    second = client.post(url, {"kind": "together", "first": b.pk, "second": a.pk}, follow=True)

    assert first.status_code == 302
    assert PairRule.objects.filter(series=activities.series).count() == 1
    assert "陈晨和李阳已有分组规则“不得同组”" in second.content.decode() or (
        "李阳和陈晨已有分组规则“不得同组”" in second.content.decode()
    )


def test_a_pair_rule_of_one_person_is_refused(activities: Activities) -> None:
    client = activities.client("staff")
    a = activities.trainees[2]

    response = client.post(
        reverse("activities:pair_rule_add", args=[activities.series.pk]),
        {"kind": "separate", "first": a.pk, "second": a.pk},
        follow=True,
    )

    assert "分组规则要选两名不同的成员" in response.content.decode()
    assert not PairRule.objects.exists()


def test_deleting_a_pair_rule_asks_first_and_is_recorded(activities: Activities) -> None:
    rule = services.pair_rule_add(
        series=activities.series,
        kind=PairRuleKind.TOGETHER,
        first=activities.trainees[4],
        second=activities.trainees[5],
        by=activities.placed.staff,
    )
    client = activities.client("staff")
    url = reverse("activities:pair_rule_delete", args=[activities.series.pk, rule.pk])

    asked = client.post(url)
    still_there = PairRule.objects.filter(pk=rule.pk).exists()
    done = client.post(url, {"confirm": "1"})

    assert asked.status_code == 200
    assert 'data-testid="consequence"' in asked.content.decode()
    assert still_there
    assert done.status_code == 302
    assert not PairRule.objects.filter(pk=rule.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="activities.PairRule", object_id=str(rule.pk), action=AuditAction.DELETE
    ).exists()


def test_the_sidebar_shows_the_activities_to_a_trainee(activities: Activities) -> None:
    response = _list(activities, "trainee")

    html = response.content.decode()
    assert "六、赋能活动" in html
    assert reverse("activities:series_list") in html

"""The rotation of organisers: the generated plan, applying it, and saving an edited plan
only when the fairness rule accepts it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.activities.models import Activity, ActivityKind, ActivityStatus
from lianbing.activities.services import activity as activity_services
from lianbing.activities.services import rotation
from lianbing.training.models import Secondment

from .conftest import Activities, activity

pytestmark = pytest.mark.django_db

KINDS = (ActivityKind.FORUM, ActivityKind.CONTEST, ActivityKind.DISCUSSION, ActivityKind.FORUM)


@pytest.fixture
def five(activities: Activities) -> list[Activity]:
    """The series with five activities in all, from July to November."""
    for k, kind in enumerate(KINDS):
        activity(
            activities.series,
            participants=activities.trainees,
            assessors=[activities.placed.staff],
            kind=kind,
            title=f"第{k + 2}场",
            held_on=datetime.date(2026, 8 + k, 5),
        )
    return list(activities.series.activities.order_by("held_on", "pk"))


def _url(activities: Activities) -> str:
    return reverse("activities:series_rotation", args=[activities.series.pk])


def _organisers(activities: Activities) -> list[int | None]:
    return list(
        activities.series.activities.order_by("held_on", "pk").values_list(
            "organiser_id", flat=True
        )
    )


def test_the_page_shows_the_generated_plan_beside_each_activity(
    activities: Activities, five: list[Activity]
) -> None:
    response = activities.client("staff").get(_url(activities))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="rotation-row"') == 5
    assert html.count('data-testid="generated"') == 5
    assert 'data-testid="apply"' in html


def test_applying_the_generated_plan_gives_every_organiser_a_turn_fairly(
    activities: Activities, five: list[Activity]
) -> None:
    client = activities.client("staff")

    response = client.post(_url(activities), {"action": "apply"})

    chosen = _organisers(activities)
    organisers = {s.pk for s in activities.series.organisers.all()}
    assert response.status_code == 302
    assert None not in chosen
    # Four organisers, five activities: the first four turns go to four different members.
    assert set(chosen[:4]) == organisers
    assert rotation.current_problems(activities.series) == []
    assert AuditEvent.objects.filter(
        object_type="activities.ActivitySeries",
        action=AuditAction.UPDATE,
        detail__startswith="轮值安排",
    ).exists()


def test_an_unfair_edited_plan_is_refused_with_the_rules_message_and_nothing_is_saved(
    activities: Activities, five: list[Activity]
) -> None:
    client = activities.client("staff")
    client.post(_url(activities), {"action": "apply"})
    before = _organisers(activities)
    trail = AuditEvent.objects.count()
    sunjie = activities.placed.secondment
    # 孙杰 organises twice before the others have had a turn.
    edited = {f"organiser-{a.pk}": sunjie.pk for a in five}
    plan = rotation.rotation_of(activities.series)
    expected = rotation.plan_problems(plan, [sunjie] * 5)

    response = client.post(_url(activities), {"action": "save", **edited})

    html = response.content.decode()
    assert response.status_code == 200
    assert expected
    assert 'data-testid="plan-refused"' in html
    for message in expected:
        assert message in html
    assert _organisers(activities) == before
    assert AuditEvent.objects.count() == trail


def test_a_fair_edited_plan_is_saved(activities: Activities, five: list[Activity]) -> None:
    client = activities.client("staff")
    members = rotation.rotation_of(activities.series).members
    order = [members[k] for k in (3, 2, 1, 0, 3)]
    if rotation.plan_problems(rotation.rotation_of(activities.series), order):
        order = rotation.generated_plan(rotation.rotation_of(activities.series), seed=1)
    edited = {f"organiser-{a.pk}": s.pk for a, s in zip(five, order, strict=True)}

    response = client.post(_url(activities), {"action": "save", **edited})

    assert response.status_code == 302
    assert _organisers(activities) == [s.pk for s in order]


def test_a_plan_with_an_activity_left_without_organiser_is_refused(
    activities: Activities, five: list[Activity]
) -> None:
    client = activities.client("staff")

    response = client.post(_url(activities), {"action": "save"})

    assert "还有活动没有安排组织者" in response.content.decode()
    assert _organisers(activities) == [None] * 5


def test_an_activity_already_scoring_keeps_its_organiser(
    activities: Activities, five: list[Activity]
) -> None:
    staff = activities.placed.staff
    wang = activities.placed.other
    first = five[0]
    first.organiser = wang
    first.save()
    activity_services.activity_status_set(activity=first, to=ActivityStatus.SCORING, by=staff)

    activities.client("staff").post(_url(activities), {"action": "apply"})

    first.refresh_from_db()
    assert first.organiser == wang
    assert rotation.current_problems(activities.series) == []


def test_the_auditor_reads_the_plan_but_cannot_change_it(
    activities: Activities, five: list[Activity]
) -> None:
    client = activities.client("auditor")

    page = client.get(_url(activities))
    response = client.post(_url(activities), {"action": "apply"})

    assert page.status_code == 200
    assert 'data-testid="apply"' not in page.content.decode()
    assert response.status_code == 403
    assert _organisers(activities) == [None] * 5


def test_a_trainee_cannot_open_the_rotation(activities: Activities, five: list[Activity]) -> None:
    response = activities.client("trainee").post(_url(activities), {"action": "apply"})

    assert response.status_code == 403
    assert _organisers(activities) == [None] * 5


def test_a_series_without_organisers_says_to_choose_them(activities: Activities) -> None:
    activities.series.organisers.clear()

    response = activities.client("staff").get(_url(activities))

    assert 'data-testid="no-organisers"' in response.content.decode()


def test_the_series_page_reports_the_rotation_check(
    activities: Activities, five: list[Activity]
) -> None:
    sunjie: Secondment = activities.placed.secondment
    Activity.objects.filter(series=activities.series).update(organiser=sunjie)
    client = activities.client("staff")

    response = client.get(reverse("activities:series_detail", args=[activities.series.pk]))

    assert 'data-testid="rotation-problems"' in response.content.decode()


@pytest.mark.parametrize("count", [2, 4, 7, 9])
def test_the_applied_plan_passes_the_fairness_check_for_any_length_around_a_held_turn(
    activities: Activities, count: int
) -> None:
    staff = activities.placed.staff
    for k in range(count - 1):
        activity(
            activities.series,
            participants=activities.trainees,
            assessors=[staff],
            title=f"第{k + 2}场",
            held_on=datetime.date(2026, 8, 1) + datetime.timedelta(days=10 * k),
        )
    held = activities.activity
    held.organiser = activities.trainees[3]
    held.save()
    activity_services.activity_status_set(activity=held, to=ActivityStatus.SCORING, by=staff)

    activities.client("staff").post(_url(activities), {"action": "apply"})

    chosen = _organisers(activities)
    assert chosen[0] == activities.trainees[3].pk
    assert None not in chosen
    assert rotation.current_problems(activities.series) == []

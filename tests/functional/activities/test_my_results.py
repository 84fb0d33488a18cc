"""The activities page links each trainee, mentor and host contact to the results they may read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import Activities

pytestmark = pytest.mark.django_db


def _links(activities: Activities, who: str) -> list[str]:
    page = activities.client(who).get(reverse("activities:series_list"))
    assert page.status_code == 200
    return [reverse("activities:person", args=[s.pk]) for s in page.context["followed"]]


def test_a_trainee_finds_their_own_results_and_a_mentor_their_trainees(
    activities: Activities,
) -> None:
    placed = activities.placed

    trainee = _links(activities, "trainee")
    mentor = _links(activities, "mentor")

    mine = reverse("activities:person", args=[placed.secondment.pk])
    assert trainee == [mine]
    assert mentor == [mine]
    assert activities.client("trainee").get(mine).status_code == 200


def test_the_department_reads_results_from_each_activity_not_from_a_list_of_names(
    activities: Activities,
) -> None:
    assert _links(activities, "staff") == []

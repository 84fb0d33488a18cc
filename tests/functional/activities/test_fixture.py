"""The activities fixture is what the pages' tests assume."""

from __future__ import annotations

import pytest

from lianbing.accounts.models import Role
from lianbing.activities import access
from tests import factories

from .conftest import Activities

pytestmark = pytest.mark.django_db


def test_the_fixture_has_twelve_trainees_in_one_discussion(activities: Activities) -> None:
    activity = activities.activity

    assert activity.participants.count() == 12
    assert activity.assessors.count() == 3
    assert activities.series.organisers.count() == 4


def test_a_trainee_sees_the_activity_and_an_outsider_does_not(activities: Activities) -> None:
    placed = activities.placed
    outsider = factories.account(Role.TRAINEE, cadre_=factories.cadre(name="外人"))

    assert access.visible_activities(placed.trainee).filter(pk=activities.activity.pk).exists()
    assert not access.visible_activities(outsider).exists()

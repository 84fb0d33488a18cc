"""The demo program in the database: loaded once, with its survey."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from lianbing.demand.models import Post, Program
from lianbing.demand.selectors import current_program
from lianbing.demodata.loader import demo_program_load
from lianbing.people.models import AbilityAssessment, Cadre
from lianbing.survey.models import Demand, DemandStatus, SurveyRound
from lianbing.training.models import Secondment, WorkLog

pytestmark = pytest.mark.django_db


def test_the_demo_program_has_110_cadres_100_posts_and_the_survey_they_came_from() -> None:
    result = demo_program_load()

    posts = Post.objects.filter(program=result.program)
    open_needs = Demand.objects.filter(post__isnull=True)
    assert result.created
    assert result.program.cadres.count() == 110
    assert posts.count() == 100
    assert Cadre.objects.filter(assessments__isnull=True).count() == 0
    assert not posts.filter(source_demand__isnull=True).exists()
    assert set(open_needs.values_list("status", flat=True)) == {
        DemandStatus.SUBMITTED,
        DemandStatus.RETURNED,
        DemandStatus.DRAFT,
    }
    assert open_needs.get(status=DemandStatus.RETURNED).return_comment


def test_loading_the_demo_again_changes_nothing() -> None:
    demo_program_load()
    counts = (Program.objects.count(), Cadre.objects.count(), Post.objects.count())

    again = demo_program_load()

    assert not again.created
    assert (Program.objects.count(), Cadre.objects.count(), Post.objects.count()) == counts
    assert Demand.objects.count() == 105
    assert again.program == current_program()


def test_the_demo_is_found_again_whatever_day_it_is_loaded_again(settings: Any) -> None:
    settings.LIANBING_TODAY = "2026-05-15"
    first = demo_program_load()
    counts = (Secondment.objects.count(), WorkLog.objects.count(), User.objects.count())
    settings.LIANBING_TODAY = "2027-04-01"

    again = demo_program_load()

    assert not again.created
    assert again.program == first.program
    assert Program.objects.count() == 2
    assert (Secondment.objects.count(), WorkLog.objects.count(), User.objects.count()) == counts


def test_the_program_being_matched_is_the_newest_with_its_survey_over() -> None:
    result = demo_program_load()

    survey = SurveyRound.objects.exclude(name__contains="补充").get()
    today = timezone.localdate()
    assert current_program() == result.program
    assert Program.objects.count() == 2
    assert result.program.started_on > today
    assert survey.deadline_at < timezone.now()
    assert not AbilityAssessment.objects.filter(assessed_on__gt=today).exists()
    assert result.program.cadres.count() == 110
    assert Cadre.objects.count() == 110


def test_loading_on_another_day_dates_the_earlier_program_from_that_day(settings: Any) -> None:
    settings.LIANBING_TODAY = "2026-12-01"

    result = demo_program_load()

    earlier = Program.objects.exclude(pk=result.program.pk).get()
    assert earlier.started_on == datetime.date(2026, 8, 1)
    assert result.program.started_on == datetime.date(2027, 3, 1)
    assert current_program() == result.program

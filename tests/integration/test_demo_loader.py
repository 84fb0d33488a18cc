"""The demo program in the database: loaded once, with its survey."""

from __future__ import annotations

import pytest

from lianbing.demand.models import Post, Program
from lianbing.demodata.loader import demo_program_load
from lianbing.people.models import Cadre
from lianbing.survey.models import Demand, DemandStatus

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

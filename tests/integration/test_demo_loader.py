"""The demo program in the database: loaded once, with its survey."""

from __future__ import annotations

import pytest

from lianbing.demand.models import Post, Program
from lianbing.demodata.loader import demo_program_load
from lianbing.people.models import Cadre
from lianbing.survey.models import Demand, DemandStatus

pytestmark = pytest.mark.django_db


def test_the_demo_program_has_110_cadres_and_100_posts() -> None:
    result = demo_program_load()

    assert result.created
    assert result.program.cadres.count() == 110
    assert Post.objects.filter(program=result.program).count() == 100
    assert Cadre.objects.filter(assessments__isnull=True).count() == 0


def test_loading_the_demo_again_changes_nothing() -> None:
    demo_program_load()
    counts = (Program.objects.count(), Cadre.objects.count(), Post.objects.count())

    again = demo_program_load()

    assert not again.created
    assert (Program.objects.count(), Cadre.objects.count(), Post.objects.count()) == counts
    assert Demand.objects.count() == 105


def test_every_demo_post_shows_the_demand_it_came_from_and_some_needs_stay_open() -> None:
    result = demo_program_load()

    posts = Post.objects.filter(program=result.program)
    open_needs = Demand.objects.filter(post__isnull=True)

    assert not posts.filter(source_demand__isnull=True).exists()
    assert set(open_needs.values_list("status", flat=True)) == {
        DemandStatus.SUBMITTED,
        DemandStatus.RETURNED,
        DemandStatus.DRAFT,
    }
    assert open_needs.get(status=DemandStatus.RETURNED).return_comment

"""The demo's earlier program has a finished, released mid-term inspection with its growth index."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.demand.models import Program
from lianbing.demodata.accounts import demo_accounts_ensure
from lianbing.demodata.loader import DemoLoadResult
from lianbing.evaluation.access import memberships
from lianbing.evaluation.models import (
    EvaluationRound,
    GrowthComputation,
    RaterKind,
    Rating,
    RoundStatus,
    TeamMember,
    WeightMethod,
)
from lianbing.training.models import Secondment

pytestmark = pytest.mark.django_db

TODAY = "2026-05-15"
#: The day ``module_demo`` loads the demo on, once for the module's tests.
DEMO_DAY = TODAY


@pytest.fixture
def midterm(module_demo: DemoLoadResult, settings: Any) -> EvaluationRound:
    """The demo loaded on 2026-05-15; the earlier program's mid-term round."""
    settings.LIANBING_TODAY = TODAY
    program = Program.objects.get(name="2026年度百岗大练兵")
    return EvaluationRound.objects.get(program=program)


def test_the_midterm_round_closed_a_week_ago_and_is_released(midterm: EvaluationRound) -> None:
    assert midterm.name == "2026年度百岗大练兵中期考察"
    assert midterm.status == RoundStatus.RELEASED
    assert midterm.closes_on == datetime.date(2026, 5, 8)
    assert midterm.opened_at is not None
    assert midterm.released_at is not None
    assert midterm.opened_at.date() < midterm.closes_on < midterm.released_at.date()
    assert midterm.items.count() == 9


def test_four_teams_cover_every_trainee_by_host_unit(midterm: EvaluationRound) -> None:
    teams = list(midterm.teams.prefetch_related("secondments__post__unit"))
    covered = [s for t in teams for s in t.secondments.all()]
    trainees = Secondment.objects.filter(program=midterm.program, superseded_at__isnull=True)

    assert len(teams) == 4
    assert sorted(s.pk for s in covered) == sorted(trainees.values_list("pk", flat=True))
    units = [{s.post.unit_id for s in t.secondments.all()} for t in teams]
    for k, mine in enumerate(units):
        assert not mine & set().union(*(u for j, u in enumerate(units) if j != k))


def test_every_team_has_ratings_from_mentors_host_cadres_and_the_public(
    midterm: EvaluationRound,
) -> None:
    for team in midterm.teams.all():
        trainees = set(team.secondments.values_list("pk", flat=True))
        kinds = {
            kind: set(
                Rating.objects.filter(member__team=team, member__kind=kind).values_list(
                    "secondment", flat=True
                )
            )
            for kind in RaterKind.values
        }
        assert kinds == dict.fromkeys(RaterKind.values, trainees), team.name
        assert team.members.filter(kind=RaterKind.PUBLIC).count() == 3
        assert team.members.filter(kind=RaterKind.HOST_CADRE, user__isnull=False).count() == 1
    public = Rating.objects.filter(round=midterm, member__kind=RaterKind.PUBLIC)
    assert not public.filter(token__isnull=True).exists()
    assert all(r.token.member_id == r.member_id for r in public.select_related("token"))
    assert all(len(r.token.token_hash) == 64 for r in public.select_related("token"))
    assert (
        not Rating.objects.filter(round=midterm, token__isnull=False)
        .exclude(member__kind=RaterKind.PUBLIC)
        .exists()
    )
    comments = " ".join(public.values_list("comment", flat=True))
    assert "走访" in comments
    assert "实事" in comments
    assert all(1 <= v <= 5 for r in Rating.objects.filter(round=midterm) for v in r.scores.values())


def test_the_index_is_computed_with_consistent_ahp_and_shows_the_interesting_cases(
    midterm: EvaluationRound,
) -> None:
    computation = GrowthComputation.objects.get(round=midterm)
    scores = computation.scores.select_related("secondment__cadre")
    n = Secondment.objects.filter(program=midterm.program, superseded_at__isnull=True).count()

    assert computation.method == WeightMethod.AHP
    assert computation.consistency_ratio is not None
    assert computation.consistency_ratio < 0.10
    assert scores.count() == n
    assert sorted(s.rank for s in scores) == list(range(1, n + 1))
    flagged = [f for f in computation.rater_flags if f["kind"] == "uniform"]
    assert len(flagged) == 1
    assert flagged[0]["member_kind"] == RaterKind.PUBLIC
    assert scores.filter(unstable=True).exists()
    assert "孙杰" in {s.secondment.cadre.name for s in scores}


def test_sun_jie_reads_his_growth_record_and_kaocha_inspects_a_team(
    midterm: EvaluationRound,
) -> None:
    demo_accounts_ensure()
    trainee = User.objects.get(username="xueyuan")
    sun = Secondment.objects.get(program=midterm.program, cadre__name="孙杰")
    score = GrowthComputation.objects.get(round=midterm).scores.get(secondment=sun)
    client = Client()
    client.force_login(trainee)

    response = client.get(reverse("evaluation:record", args=[midterm.pk, sun.pk]))

    assert response.status_code == 200
    assert f"{score.index:.1f}" in response.content.decode()
    kaocha = User.objects.get(username="kaocha")
    assert TeamMember.objects.filter(
        team__round=midterm, user=kaocha, kind=RaterKind.HOST_CADRE
    ).exists()
    assert kaocha.profile.role == "inspector"
    assert memberships(kaocha, midterm).exists()
    mentor = User.objects.get(username="daoshi")
    assert TeamMember.objects.filter(team__round=midterm, user=mentor).exists()

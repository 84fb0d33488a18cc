"""The demo's earlier program has a finished empowerment series whose scores feed the mid-term index."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.activities.models import (
    Activity,
    ActivityKind,
    ActivityScore,
    ActivitySeries,
    ActivityStatus,
)
from lianbing.demand.models import Program
from lianbing.demodata.accounts import demo_accounts_ensure
from lianbing.demodata.loader import DemoLoadResult
from lianbing.engine import rotation
from lianbing.evaluation.models import EvaluationRound, GrowthComputation
from lianbing.people.models import AbilityAssessment

pytestmark = pytest.mark.django_db

TODAY = "2026-05-15"
#: The day ``module_demo`` loads the demo on, once for the module's tests.
DEMO_DAY = TODAY
RANDOM_SPLITS = 1000


@pytest.fixture
def series(module_demo: DemoLoadResult, settings: Any) -> ActivitySeries:
    """The demo loaded on 2026-05-15; the earlier program's series."""
    settings.LIANBING_TODAY = TODAY
    program = Program.objects.get(name="2026年度百岗大练兵")
    return ActivitySeries.objects.get(program=program)


def _spread(groups: list[list[int]], totals: np.ndarray) -> float:
    means = [totals[g].mean() for g in groups]
    return float(max(means) - min(means))


def _random_split_spreads(sizes: list[int], totals: np.ndarray, seed: int) -> np.ndarray:
    """Spreads of uniformly random splits into groups of ``sizes`` (an oracle of its own)."""
    rng = np.random.default_rng(seed)
    bounds = np.cumsum([0, *sizes])
    out = np.empty(RANDOM_SPLITS)
    for k in range(RANDOM_SPLITS):
        order = rng.permutation(len(totals))
        groups = [order[bounds[i] : bounds[i + 1]].tolist() for i in range(len(sizes))]
        out[k] = _spread(groups, totals)
    return out


def test_the_series_has_one_finished_activity_of_each_kind_before_the_midterm_closed(
    series: ActivitySeries,
) -> None:
    activities = list(series.activities.all())
    midterm = EvaluationRound.objects.get(program=series.program)

    assert sorted(a.kind for a in activities) == sorted(ActivityKind.values)
    assert all(a.status == ActivityStatus.FINISHED for a in activities)
    assert all(a.held_on <= midterm.closes_on for a in activities)
    trainees = series.program.secondments.filter(superseded_at__isnull=True).count()
    for activity in activities:
        assert activity.participants.count() == trainees
        assert activity.scores.count() == trainees * activity.assessors.count()
        assert activity.assessors.count() == 3
        groups = list(activity.groups.prefetch_related("members"))
        assert all(g.leader is not None and g.task and g.outcome for g in groups)
        assert all(g.leader_id in {m.secondment_id for m in g.members.all()} for g in groups)


def test_every_demo_split_beats_99_percent_of_random_splits(series: ActivitySeries) -> None:
    for activity in series.activities.prefetch_related("groups__members"):
        members = [
            [m.secondment for m in g.members.all()] for g in activity.groups.order_by("number")
        ]
        people = [s for group in members for s in group]
        index = {s.pk: k for k, s in enumerate(people)}
        latest = {}
        for a in AbilityAssessment.objects.filter(cadre__in=[s.cadre_id for s in people]).order_by(
            "cadre", "-assessed_on", "-id"
        ):
            latest.setdefault(a.cadre_id, a)
        totals = np.array(
            [sum(getattr(latest[s.cadre_id], code) for code in activity.abilities) for s in people],
            dtype=float,
        )
        groups = [[index[s.pk] for s in group] for group in members]

        chosen = _spread(groups, totals)
        randoms = _random_split_spreads([len(g) for g in groups], totals, seed=activity.pk)

        assert (randoms > chosen).mean() >= 0.99, activity.title
        assert activity.grouping["spread"] == pytest.approx(chosen, abs=0.05)


def test_organisers_rotate_fairly_and_the_index_weighs_the_activities(
    series: ActivitySeries,
) -> None:
    organisers = list(series.organisers.order_by("pk"))
    sequence = [organisers.index(a.organiser) for a in series.activities.order_by("held_on", "pk")]
    computation = GrowthComputation.objects.get(round__program=series.program)

    assert len(set(sequence)) == len(sequence)
    assert rotation.check_organisers(sequence, list(range(len(organisers))), None) == []
    assert computation.weights["activities"] > 0
    scored = computation.scores.exclude(indicators__activities=None)
    assert scored.count() == computation.scores.count()


def test_daoshi_scored_the_activities_and_xueyuan_reads_his_results(
    series: ActivitySeries,
) -> None:
    demo_accounts_ensure()
    daoshi = User.objects.get(username="daoshi")
    xueyuan = User.objects.get(username="xueyuan")
    activity = series.activities.order_by("held_on").first()
    assert isinstance(activity, Activity)
    mine = xueyuan.profile.cadre.secondments.get(program=series.program)
    client = Client()
    client.force_login(xueyuan)

    page = client.get(reverse("activities:person", args=[mine.pk]))

    assert ActivityScore.objects.filter(assessor=daoshi).count() > 0
    assert page.status_code == 200
    for title in series.activities.values_list("title", flat=True):
        assert title in page.content.decode()

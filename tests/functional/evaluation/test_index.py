"""The growth-index page: computing with AHP, entropy or equal weights, and what it shows."""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from django.urls import reverse

from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.evaluation import adapters
from lianbing.evaluation.models import GrowthComputation, GrowthScore, WeightMethod
from lianbing.evaluation.services import index as services
from tests.functional.evaluation._index import Rated, rated_round
from tests.functional.evaluation.conftest import Inspected

pytestmark = pytest.mark.django_db

ABILITY, PERFORMANCE, ADAPTATION, PUBLIC, PLAN, MENTOR, ACTIVITIES = adapters.INDICATORS
#: Queries of the page, whatever the number of trainees: session, user and roles, the round,
#: the audit trail of the opening (on PostgreSQL one more: the advisory lock of the audit chain),
#: the computations and the scores with their cadres and units.
QUERIES = 12


@pytest.fixture
def rated(inspected: Inspected) -> Rated:
    return rated_round(inspected)


def _url(rated: Rated) -> str:
    return reverse("evaluation:index", args=[rated.inspected.round.pk])


def _ahp_post(values: dict[tuple[str, str], str]) -> dict[str, str]:
    data = {"method": WeightMethod.AHP}
    for a, row in enumerate(adapters.INDICATORS):
        for column in adapters.INDICATORS[a + 1 :]:
            data[services.judgement_field(row, column)] = values.get((row, column), "1")
    return data


def test_an_ahp_computation_stores_its_method_weights_and_scores(rated: Rated) -> None:
    client = rated.inspected.placed.client("staff")
    ability_first = {(ABILITY, other): "3" for other in adapters.INDICATORS[1:]}

    response = client.post(_url(rated), _ahp_post(ability_first))

    assert response.status_code == 302
    computation = GrowthComputation.objects.get()
    assert AuditEvent.objects.filter(
        object_type="evaluation.GrowthComputation", object_id=str(computation.pk)
    ).exists()
    assert computation.method == WeightMethod.AHP
    assert computation.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    # Ability three times as important as each of the six others, consistently: 3/9 and 1/9.
    assert computation.weights[ABILITY] == pytest.approx(3 / 9)
    assert computation.weights[PERFORMANCE] == pytest.approx(1 / 9)
    assert [ABILITY, PERFORMANCE, "3"] in computation.judgements
    assert GrowthScore.objects.filter(computation=computation).count() == 5
    page = client.get(_url(rated)).content.decode()
    assert "层次分析法" in page
    assert "0.333" in page
    assert page.count('data-testid="rank-row"') == 5


def test_an_inconsistent_ahp_matrix_is_refused_with_the_judgements_to_review(
    rated: Rated,
) -> None:
    client = rated.inspected.placed.client("staff")
    circular = {
        (ABILITY, PERFORMANCE): "9",
        (PERFORMANCE, ADAPTATION): "9",
        (ABILITY, ADAPTATION): "1/9",
    }

    response = client.post(_url(rated), _ahp_post(circular))

    assert response.status_code == 400
    assert not GrowthComputation.objects.exists()
    page = response.content.decode()
    assert "一致性不足" in page
    assert "「能力提升」对「岗位适应」判断为 1/9" in page
    # The refused judgements are shown back for correction.
    assert 'value="1/9" selected' in page


def test_entropy_and_equal_weights_work_and_are_kept_in_the_history(rated: Rated) -> None:
    client = rated.inspected.placed.client("staff")

    assert client.post(_url(rated), {"method": WeightMethod.ENTROPY}).status_code == 302
    assert client.post(_url(rated), {"method": WeightMethod.EQUAL}).status_code == 302

    entropy, equal = GrowthComputation.objects.order_by("pk")
    assert entropy.method == WeightMethod.ENTROPY
    assert sum(w for w in entropy.weights.values()) == pytest.approx(1.0)
    assert entropy.consistency_ratio is None
    assert list(equal.weights.values()) == pytest.approx([1 / 7] * 7)
    page = client.get(_url(rated)).content.decode()
    assert page.count('data-testid="history-row"') == 1
    assert "熵权法" in page


def test_ranks_follow_the_indices_and_contributions_sum_to_the_index(rated: Rated) -> None:
    computation = services.growth_compute(
        rated.inspected.round, method=WeightMethod.EQUAL, by=rated.inspected.placed.staff
    )

    scores = list(computation.scores.order_by("rank"))

    assert scores[0].rank == 1
    for better, worse in itertools.pairwise(scores):
        assert better.index >= worse.index
        assert (better.rank < worse.rank) == (better.index > worse.index + 1e-6)
    for s in scores:
        assert sum(s.contributions.values()) == pytest.approx(s.index)
        assert 0 <= s.index <= 100
        assert s.rank_min <= s.rank <= s.rank_max
    by_name = {s.secondment.cadre.name: s for s in scores}
    assert by_name["孙杰"].rank < by_name["钱芳"].rank
    assert by_name["孙杰"].indicators[PLAN] == pytest.approx(100.0)
    assert by_name["赵磊"].indicators[PLAN] == pytest.approx(50.0)
    assert by_name["孙杰"].indicators[MENTOR] == pytest.approx(87.5)
    assert by_name["钱芳"].indicators[PUBLIC] is None
    # No empowerment activity in this program: the indicator is missing for everyone.
    assert all(score.indicators[ACTIVITIES] is None for score in by_name.values())
    assert by_name["孙杰"].raters == 5
    assert by_name["王楠楠"].raters == 2


def test_a_straight_lining_rater_is_flagged_with_name_and_kind(rated: Rated) -> None:
    client = rated.inspected.placed.client("staff")

    client.post(_url(rated), {"method": WeightMethod.EQUAL})

    flags = GrowthComputation.objects.get().rater_flags
    mine = [f for f in flags if f["member_id"] == rated.straight_liner.pk]
    assert [f["kind"] for f in mine] == ["straight_line"]
    assert mine[0]["name"] == "王强"
    assert mine[0]["member_kind_label"] == "单位干部"
    page = client.get(_url(rated)).content.decode()
    assert "逐项无区分" in page
    assert "王强" in page


def test_reliability_is_reported_per_item_with_its_raters(rated: Rated) -> None:
    computation = services.growth_compute(
        rated.inspected.round, method=WeightMethod.EQUAL, by=rated.inspected.placed.staff
    )

    items = computation.reliability["items"]

    assert len(items) == 9
    performance = next(i for i in items if i["code"] == "performance")
    # The first team's four trainees, rated by 李俊, 陈明 and 王强.
    assert performance["n_targets"] == 4
    assert performance["n_raters"] == 3
    assert performance["team"] == "第一考察组"
    assert performance["icc2_k"] is None or not math.isnan(performance["icc2_k"])
    assert performance["band"] in {"差", "一般", "良好", "优秀", "无法计算"}


def test_the_auditor_reads_the_page_but_cannot_compute(rated: Rated) -> None:
    services.growth_compute(
        rated.inspected.round, method=WeightMethod.EQUAL, by=rated.inspected.placed.staff
    )
    client = rated.inspected.placed.client("auditor")

    page = client.get(_url(rated))
    refused = client.post(_url(rated), {"method": WeightMethod.EQUAL})

    assert page.status_code == 200
    assert 'data-testid="compute-form"' not in page.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="evaluation.EvaluationRound",
        object_id=str(rated.inspected.round.pk),
        username="shenji",
    ).exists()
    assert refused.status_code == 403
    assert GrowthComputation.objects.count() == 1


@pytest.mark.parametrize("who", ["mentor", "trainee", "inspector", "host"])
def test_raters_trainees_and_hosts_are_refused_the_index_page(rated: Rated, who: str) -> None:
    client = rated.inspected.client(who)

    assert client.get(_url(rated)).status_code == 403
    assert client.post(_url(rated), {"method": WeightMethod.EQUAL}).status_code == 403
    assert not GrowthComputation.objects.exists()


def test_the_page_before_any_computation_says_so(inspected: Inspected) -> None:
    client = inspected.placed.client("staff")

    page = client.get(reverse("evaluation:index", args=[inspected.round.pk])).content.decode()

    assert 'data-testid="index-empty"' in page
    # One select per pair of the seven indicators above the diagonal: 7 x 6 / 2.
    assert page.count("<select") == 21


def test_a_rank_that_moves_under_other_weights_is_marked_unstable(rated: Rated) -> None:
    client = rated.inspected.placed.client("staff")
    computation = services.growth_compute(
        rated.inspected.round,
        method=WeightMethod.EQUAL,
        by=rated.inspected.placed.staff,
        unstable_threshold=0,
    )

    moved = [s for s in computation.scores.all() if s.rank_min != s.rank_max]

    assert moved
    assert all(s.unstable for s in moved)
    assert not any(s.unstable for s in computation.scores.all() if s not in moved)
    page = client.get(_url(rated)).content.decode()
    assert page.count('data-testid="unstable"') == len(moved)


def test_the_page_reads_a_computation_in_a_fixed_number_of_queries(
    rated: Rated, django_assert_max_num_queries: Any
) -> None:
    services.growth_compute(
        rated.inspected.round, method=WeightMethod.EQUAL, by=rated.inspected.placed.staff
    )
    client = rated.inspected.placed.client("staff")

    with django_assert_max_num_queries(QUERIES):
        response = client.get(_url(rated))

    assert response.content.decode().count('data-testid="rank-row"') == 5


def test_the_unstable_threshold_is_entered_on_the_page_and_checked(rated: Rated) -> None:
    client = rated.inspected.placed.client("staff")

    refused = client.post(_url(rated), {"method": WeightMethod.EQUAL, "unstable_threshold": "x"})
    done = client.post(_url(rated), {"method": WeightMethod.EQUAL, "unstable_threshold": "1"})

    assert refused.status_code == 400
    assert "名次变动阈值应为 0 到 50 之间的整数" in refused.content.decode()
    assert done.status_code == 302
    assert GrowthComputation.objects.get().unstable_threshold == 1


def test_a_round_without_ratings_gets_no_index_and_is_told_what_to_do(
    inspected: Inspected,
) -> None:
    client = inspected.placed.client("staff")

    response = client.post(
        reverse("evaluation:index", args=[inspected.round.pk]), {"method": WeightMethod.EQUAL}
    )

    assert response.status_code == 400
    assert "请先补齐评价、计划或月度评价数据" in response.content.decode()
    assert not GrowthComputation.objects.exists()

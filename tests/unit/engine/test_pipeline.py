"""The matching pipeline: score, assign under side constraints, shortlist."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from lianbing.demodata.generator import generate
from lianbing.engine import scoring, taxonomy
from lianbing.engine.pipeline import MatchParams, run
from lianbing.engine.profiles import CadreProfile
from tests.article_cases import (
    article_cadres,
    article_placements,
    article_posts,
)


def _oracle_total(total: np.ndarray, allowed: np.ndarray, seats: np.ndarray) -> tuple[int, float]:
    """Most seats filled, then best total: scipy on the seat-expanded matrix with big-M."""
    columns = np.repeat(np.arange(total.shape[1]), seats)
    value = total[:, columns].astype(np.float64)
    big = 1e6
    gain = np.where(allowed[:, columns], value + big, 0.0)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    keep = allowed[rows, columns[cols]]
    return int(keep.sum()), float(value[rows[keep], cols[keep]].sum())


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), n_cadres=st.integers(6, 18), n_posts=st.integers(3, 10))
def test_the_placement_is_optimal_and_every_post_lists_its_placed_cadres(
    seed: int, n_cadres: int, n_posts: int
) -> None:
    program = generate(seed=seed, n_cadres=n_cadres, n_posts=n_posts)

    result = run(program.cadres, program.posts)

    scores = result.scores
    placed = result.placed()
    assert all(scores.allowed[i, j] for i, j in placed)
    assert len({i for i, _ in placed}) == len(placed)
    assert np.all(result.open_seats() >= 0)
    filled, best = _oracle_total(scores.total, scores.allowed, result.seats)
    assert len(placed) == filled
    assert sum(float(scores.total[i, j]) for i, j in placed) == pytest.approx(best, abs=1e-3)
    for i, j in placed:
        assert i in result.shortlist.candidates[j]
    for j, candidates in enumerate(result.shortlist.candidates):
        assert all(scores.allowed[i, j] for i in candidates)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_no_cadre_appears_on_more_lists_than_the_cap(seed: int) -> None:
    program = generate(seed=seed, n_cadres=20, n_posts=12)

    result = run(program.cadres, program.posts, MatchParams(per_post=3, max_per_cadre=2))

    appearances = Counter(i for c in result.shortlist.candidates for i in c)
    assert max(appearances.values()) <= 2


def test_each_post_gets_two_candidates_when_the_pool_allows_it() -> None:
    program = generate(seed=7, n_cadres=60, n_posts=20)

    result = run(program.cadres, program.posts)

    allowed_per_post = result.scores.allowed.sum(axis=0)
    for j, candidates in enumerate(result.shortlist.candidates):
        if allowed_per_post[j] >= 2 * result.seats[j]:
            assert len(candidates) >= 2


def test_no_more_cadres_than_the_limit_come_from_one_origin_unit() -> None:
    program = generate(seed=11, n_cadres=30, n_posts=20)

    result = run(program.cadres, program.posts, MatchParams(max_per_origin_unit=1))

    units = Counter(result.cadres[i].origin_unit for i, _ in result.placed())
    assert result.feasible
    assert max(units.values()) == 1


def test_a_category_minimum_is_met_when_it_can_be() -> None:
    program = generate(seed=5, n_cadres=30, n_posts=12)
    pool = Counter(scoring.derive_category(c) for c in program.cadres)
    category, available = pool.most_common()[-1]
    wanted = min(3, available)

    result = run(program.cadres, program.posts, MatchParams(min_per_category={category: wanted}))

    placed_categories = Counter(result.categories[i] for i, _ in result.placed())
    assert result.feasible
    assert placed_categories[category] >= wanted


def test_a_blank_category_is_derived_and_a_given_one_kept() -> None:
    cadres = [
        CadreProfile("A", "甲", "市经信局", (60.0,) * 7, category=None, expertise="招商引资"),
        CadreProfile("B", "乙", "市经信局", (60.0,) * 7, category="livelihood"),
    ]
    posts = article_posts()[:2]

    result = run(cadres, posts)

    assert result.categories[0] in taxonomy.CATEGORY_CODES
    assert result.categories[1] == "livelihood"


def test_the_article_cadres_go_where_the_department_sent_them() -> None:
    result = run(article_cadres(), article_posts())

    placements = {result.cadres[i].id: result.posts[j].id for i, j in result.placed()}
    assert placements == article_placements()
    assert result.assignment.optimal


def test_the_progress_callback_hears_each_step() -> None:
    heard: list[str] = []

    run(article_cadres(), article_posts(), progress=heard.append)

    assert [line[:2] for line in heard] == ["评分", "配置", "平衡"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"per_post": 0}, "候选人数至少为 1"),
        ({"max_per_cadre": 0}, "上限至少为 1"),
        ({"max_per_origin_unit": -1}, "不能为负数"),
        ({"min_per_category": {"经济": 1}}, "未知的类别"),
        ({"fit_floor": 120.0}, "下限"),
    ],
)
def test_bad_parameters_are_refused_in_chinese(params: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MatchParams(**params)  # type: ignore[arg-type]


def test_category_minimums_accept_labels_and_store_codes() -> None:
    label = taxonomy.category("economy").label

    params = MatchParams(min_per_category={label: 2})

    assert dict(params.min_per_category) == {"economy": 2}

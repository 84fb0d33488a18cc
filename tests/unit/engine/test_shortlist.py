"""Balance-table shortlist: checked against brute force and a HiGHS linear program."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from lianbing.engine.assignment import flow
from lianbing.engine.shortlist import ShortlistInputError, build

# ------------------------------------------------------------------ oracles


def brute_force(scores, per_post, max_per_cadre, allowed, seats, must_include=()):
    """Best (entries, total) over every choice of lists, by enumeration."""
    n, m = scores.shape
    targets = per_post * np.asarray(seats)
    forced = set(must_include)
    options = []
    for post in range(m):
        fixed = [c for c, p in forced if p == post]
        free = [c for c in range(n) if allowed[c, post] and c not in fixed]
        room = max(0, targets[post] - len(fixed))
        lists = []
        for size in range(min(room, len(free)) + 1):
            lists.extend(tuple(fixed) + combo for combo in itertools.combinations(free, size))
        options.append(lists)
    best = None
    for lists in itertools.product(*options):
        counts = np.bincount([c for lst in lists for c in lst], minlength=n)
        if max_per_cadre is not None and counts.max(initial=0) > max_per_cadre:
            continue
        entries = sum(len(lst) for lst in lists)
        total = sum(scores[c, p] for p, lst in enumerate(lists) for c in lst)
        if best is None or (entries, total) > (best[0], best[1] + 1e-12):
            best = (entries, total)
    return best


def lp_oracle(scores, per_post, max_per_cadre, allowed):
    """(entries, total) from the b-matching linear program (integral: bipartite, TU)."""
    n, m = scores.shape
    pairs = np.argwhere(allowed)
    big = 10.0 * (np.abs(scores).max() + 1) * (len(pairs) + 1)
    c = -(scores[pairs[:, 0], pairs[:, 1]] + big)
    a = np.zeros((n + m, len(pairs)))
    a[pairs[:, 0], np.arange(len(pairs))] = 1
    a[n + pairs[:, 1], np.arange(len(pairs))] = 1
    b = np.r_[np.full(n, max_per_cadre), np.full(m, per_post)]
    res = linprog(c, A_ub=a, b_ub=b, bounds=(0, 1), method="highs")
    x = np.round(res.x).astype(bool)
    return int(x.sum()), float(scores[pairs[x, 0], pairs[x, 1]].sum())


def check_valid(result, scores, per_post, max_per_cadre, allowed, seats, must_include=()):
    m = scores.shape[1]
    assert len(result.candidates) == m
    for post, lst in enumerate(result.candidates):
        assert len(set(lst)) == len(lst)
        assert all(allowed[c, post] for c in lst)
        values = [scores[c, post] for c in lst]
        assert values == sorted(values, reverse=True)
        forced = [c for c, p in must_include if p == post]
        assert set(forced) <= set(lst)
        assert len(lst) <= max(per_post * seats[post], len(set(forced)))
    counts = np.bincount([c for lst in result.candidates for c in lst], minlength=scores.shape[0])
    if max_per_cadre is not None:
        assert counts.max(initial=0) <= max_per_cadre
    listed = sum(scores[c, p] for p, lst in enumerate(result.candidates) for c in lst)
    assert result.total == pytest.approx(listed, abs=1e-9)


# ------------------------------------------------------------------ tests


def test_without_a_per_cadre_limit_each_post_lists_its_best_candidates():
    rng = np.random.default_rng(0)
    scores = rng.random((40, 7))
    seats = np.array([1, 2, 1, 3, 1, 1, 2])

    result = build(scores, per_post=2, seats=seats)

    for post in range(7):
        expected = np.argsort(-scores[:, post], kind="stable")[: 2 * seats[post]].tolist()
        assert result.candidates[post] == expected
    assert result.shortfall == {}


@pytest.mark.parametrize("seed", range(15))
def test_the_limited_shortlist_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    n, m = 4, 3
    scores = rng.random((n, m)) + rng.random(n)[:, None]
    allowed = rng.random((n, m)) > 0.2
    seats = rng.integers(1, 3, size=m)
    pairs = np.argwhere(allowed)
    must = [tuple(int(x) for x in pairs[rng.integers(len(pairs))])] if len(pairs) else []

    result = build(
        scores,
        per_post=1,
        max_per_cadre=1 + seed % 2,
        allowed=allowed,
        seats=seats,
        must_include=must,
    )

    entries, total = brute_force(scores, 1, 1 + seed % 2, allowed, seats, must)
    assert sum(len(lst) for lst in result.candidates) == entries
    assert result.total == pytest.approx(total, abs=1e-6)
    check_valid(result, scores, 1, 1 + seed % 2, allowed, seats, must)


@pytest.mark.parametrize("prune", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_the_limited_shortlist_matches_the_linear_program(monkeypatch, prune, seed):
    if prune:
        monkeypatch.setattr(flow, "_FULL_GRAPH_MAX_PAIRS", 0)
        monkeypatch.setattr(flow, "_ROW_BLOCK", 32)
    rng = np.random.default_rng(50 + seed)
    n, m = 120, 40
    scores = 0.3 * rng.random((n, m)) + rng.random(n)[:, None]
    allowed = rng.random((n, m)) > 0.3

    result = build(scores, per_post=2, max_per_cadre=1, allowed=allowed)

    entries, total = lp_oracle(scores, 2, 1, allowed)
    assert result.optimal
    assert sum(len(lst) for lst in result.candidates) == entries
    assert result.total == pytest.approx(total, abs=1e-6)
    check_valid(result, scores, 2, 1, allowed, np.ones(m, dtype=int))


def test_a_star_cadre_is_not_listed_beyond_the_limit():
    scores = np.array([[9.0, 9.0, 9.0], [1.0, 2.0, 3.0], [3.0, 2.0, 1.0], [2.0, 3.0, 1.0]])

    result = build(scores, per_post=2, max_per_cadre=2)

    assert sum(0 in lst for lst in result.candidates) == 2
    assert all(len(lst) == 2 for lst in result.candidates)


def test_must_include_pairs_are_listed_even_when_they_score_low():
    scores = np.array([[9.0], [8.0], [0.1]])

    result = build(scores, per_post=2, must_include=[(2, 0)])

    assert result.candidates == [[0, 2]]


def test_a_post_with_too_few_allowed_candidates_is_reported():
    scores = np.ones((3, 2))
    allowed = np.array([[True, True], [False, True], [False, True]])

    result = build(scores, per_post=2, allowed=allowed)

    assert result.candidates[0] == [0]
    assert "只有 1 名" in result.shortfall[0]
    assert 1 not in result.shortfall


def test_a_post_starved_by_the_per_cadre_limit_is_reported():
    scores = np.ones((2, 2))

    result = build(scores, per_post=2, max_per_cadre=1)

    assert sum(len(lst) for lst in result.candidates) == 2
    assert result.shortfall
    assert all("上限" in reason for reason in result.shortfall.values())


def test_a_forbidden_must_include_pair_is_rejected():
    with pytest.raises(ShortlistInputError, match="禁止"):
        build(np.ones((2, 2)), allowed=np.eye(2, dtype=bool), must_include=[(0, 1)])


def test_must_include_beyond_the_per_cadre_limit_is_rejected():
    with pytest.raises(ShortlistInputError, match="上限"):
        build(np.ones((2, 2)), max_per_cadre=1, must_include=[(0, 0), (0, 1)])


def test_a_non_finite_score_on_an_allowed_pair_is_rejected():
    with pytest.raises(ShortlistInputError):
        build(np.array([[np.nan, 1.0]]))


def test_a_wrong_shape_is_rejected():
    with pytest.raises(ShortlistInputError):
        build(np.ones((2, 2)), allowed=np.ones((2, 3), dtype=bool))


def test_a_fractional_seat_count_is_rejected_not_truncated():
    with pytest.raises(ShortlistInputError, match="名额必须是整数"):
        build(np.ones((3, 2)), seats=[1.5, 1])


def test_an_out_of_range_must_include_pair_is_rejected_with_its_indices():
    with pytest.raises(ShortlistInputError, match="必选配对（干部 5，岗位 0）超出范围"):
        build(np.ones((2, 2)), must_include=[(5, 0)])


# ------------------------------------------------------------- properties


@st.composite
def instances(draw):
    n = draw(st.integers(0, 12))
    m = draw(st.integers(0, 6))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scores = rng.normal(size=(n, m))
    allowed = rng.random((n, m)) > draw(st.floats(0, 0.8))
    seats = rng.integers(0, 3, size=m)
    limit = draw(st.one_of(st.none(), st.integers(1, 3)))
    must = []
    if n and m:
        used = np.zeros(n, dtype=int)
        for cadre, post in np.argwhere(allowed)[: draw(st.integers(0, 3))]:
            if limit is None or used[cadre] < limit:
                must.append((int(cadre), int(post)))
                used[cadre] += 1
    return scores, allowed, seats, limit, must


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(1, 3))
def test_every_shortlist_respects_forbidden_pairs_must_includes_and_limits(instance, per_post):
    scores, allowed, seats, limit, must = instance

    result = build(
        scores,
        per_post=per_post,
        max_per_cadre=limit,
        allowed=allowed,
        must_include=must,
        seats=seats,
    )

    check_valid(result, scores, per_post, limit, allowed, seats, must)
    for post, reason in result.shortfall.items():
        assert len(result.candidates[post]) < per_post * seats[post]
        assert reason

"""Blocking pairs and the stable placement, checked against brute force on small cases."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lianbing.engine import assignment, stability


@st.composite
def small_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = draw(st.integers(1, 4))
    m = draw(st.integers(1, 3))
    # Distinct scores: with ties several stable placements may exist.
    values = draw(st.permutations(list(range(1, n * m + 1))))
    scores = np.array(values, dtype=np.float32).reshape(n, m)
    allowed = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)))
    seats = np.array(draw(st.lists(st.integers(0, 2), min_size=m, max_size=m)), dtype=np.int64)
    return scores, allowed.reshape(n, m), seats


def _placements(allowed: np.ndarray, seats: np.ndarray) -> list[np.ndarray]:
    n, m = allowed.shape
    options = [[-1, *[j for j in range(m) if allowed[i, j]]] for i in range(n)]
    out = []
    for choice in itertools.product(*options):
        post_of = np.array(choice, dtype=np.int64)
        if np.all(np.bincount(post_of[post_of >= 0], minlength=m) <= seats):
            out.append(post_of)
    return out


def _brute_blocking(
    scores: np.ndarray, allowed: np.ndarray, seats: np.ndarray, post_of: np.ndarray
) -> set[tuple[int, int]]:
    n, m = scores.shape
    pairs = set()
    for i in range(n):
        for j in range(m):
            if not allowed[i, j] or post_of[i] == j:
                continue
            cadre_wants = post_of[i] < 0 or scores[i, j] > scores[i, post_of[i]]
            holders = [k for k in range(n) if post_of[k] == j]
            post_wants = len(holders) < seats[j] or any(
                scores[i, j] > scores[k, j] for k in holders
            )
            if cadre_wants and post_wants:
                pairs.add((i, j))
    return pairs


def _total(scores: np.ndarray, post_of: np.ndarray) -> float:
    placed = np.flatnonzero(post_of >= 0)
    return float(scores[placed, post_of[placed]].sum())


@settings(max_examples=150, deadline=None)
@given(small_cases(), st.data())
def test_blocking_pairs_are_exactly_those_brute_force_finds(
    case: tuple[np.ndarray, np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    scores, allowed, seats = case
    post_of = data.draw(st.sampled_from(_placements(allowed, seats)))

    mask = stability.blocking_mask(scores, seats, allowed, post_of)

    assert set(zip(*np.nonzero(mask), strict=True)) == _brute_blocking(
        scores, allowed, seats, post_of
    )


@settings(max_examples=150, deadline=None)
@given(small_cases())
def test_the_stable_placement_has_no_blocking_pair_and_the_best_total_among_stable_ones(
    case: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    scores, allowed, seats = case

    post_of = stability.stable_placement(scores, seats, allowed)

    assert not _brute_blocking(scores, allowed, seats, post_of)
    stable_totals = [
        _total(scores, p)
        for p in _placements(allowed, seats)
        if not _brute_blocking(scores, allowed, seats, p)
    ]
    assert _total(scores, post_of) == max(stable_totals)


def test_keeping_a_blocking_pair_together_costs_what_the_pinned_optimum_loses() -> None:
    # Cadre 0 and post 0 are each other's best (10), but the optimum sends
    # cadre 0 to post 1 so that cadre 1 can take post 0: 9 + 9 > 10 + 1.
    scores = np.array([[10.0, 9.0], [9.0, 1.0]], dtype=np.float32)
    seats = np.ones(2, dtype=np.int64)
    allowed = np.ones((2, 2), dtype=np.bool_)
    optimum = assignment.solve(scores, seats=seats, allowed=allowed)

    pairs = stability.blocking_pairs(scores, seats, allowed, optimum.post_of, optimum=optimum.total)

    assert [(p.cadre, p.post) for p in pairs] == [(0, 0)]
    assert pairs[0].cost == 7.0
    assert list(stability.stable_placement(scores, seats, allowed)) == [0, 1]

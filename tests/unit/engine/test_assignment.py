"""Optimal assignment: checked against scipy's linear_sum_assignment and brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from lianbing.engine.assignment import (
    AssignmentInputError,
    Constraints,
    GroupLimit,
    Minimum,
    SolverStatus,
    b_matching,
    constrained,
    flow,
    solve,
    solving,
)

# ------------------------------------------------------------------ oracles


def lsa_oracle(scores, seats=None, allowed=None):
    """(filled, total) from seat expansion and a big-M maximisation in scipy."""
    n, m = scores.shape
    seats = np.ones(m, dtype=int) if seats is None else np.asarray(seats)
    allowed = np.ones((n, m), dtype=bool) if allowed is None else allowed
    seat_post = np.repeat(np.arange(m), seats)
    if n == 0 or seat_post.size == 0:
        return 0, 0.0
    big = 10.0 * (np.abs(scores).max() + 1) * (min(n, seat_post.size) + 1)
    weight = np.where(allowed, scores + big, 0.0)[:, seat_post]
    rows, cols = linear_sum_assignment(weight, maximize=True)
    ok = allowed[rows, seat_post[cols]]
    return int(ok.sum()), float(scores[rows[ok], seat_post[cols[ok]]].sum())


def brute_force(scores, seats, allowed, pinned=(), group_limits=(), minimums=()):
    """Best (filled, total) over every way of giving each cadre a post or none."""
    n, m = scores.shape
    best = None
    for choice in itertools.product(range(-1, m), repeat=n):
        post_of = np.array(choice)
        if any(post_of[c] != p for c, p in pinned):
            continue
        placed = post_of >= 0
        if np.any(np.bincount(post_of[placed], minlength=m) > seats):
            continue
        if not all(allowed[i, post_of[i]] for i in np.flatnonzero(placed)):
            continue
        if any(
            np.any(np.bincount(np.asarray(g)[placed & (np.asarray(g) >= 0)]) > limit)
            for g, limit in group_limits
        ):
            continue
        if any(
            int(np.sum(placed & cmask & pmask[np.maximum(post_of, 0)])) < count
            for count, cmask, pmask in minimums
        ):
            continue
        key = (int(placed.sum()), float(scores[placed, post_of[placed]].sum()))
        if best is None or key[0] > best[0] or (key[0] == best[0] and key[1] > best[1] + 1e-12):
            best = key
    return best


def random_instance(rng, n, m, forbid=0.3, max_seats=2):
    scores = rng.random((n, m)) * 10
    allowed = rng.random((n, m)) > forbid
    seats = rng.integers(1, max_seats + 1, size=m)
    return scores, seats, allowed


def check_valid(result, scores, seats, allowed, pinned=()):
    placed = np.flatnonzero(result.post_of >= 0)
    posts = result.post_of[placed]
    assert np.all(np.bincount(posts, minlength=scores.shape[1]) <= seats)
    assert np.all(allowed[placed, posts])
    for cadre, post in pinned:
        assert result.post_of[cadre] == post
    assert result.filled == placed.size
    assert result.total == pytest.approx(float(scores[placed, posts].sum()), abs=1e-9)


# ------------------------------------------------------------- plain solver


@pytest.mark.parametrize(
    ("n", "m", "max_seats", "forbid"),
    [(8, 8, 1, 0.0), (12, 5, 2, 0.3), (4, 9, 1, 0.2), (15, 6, 3, 0.5), (30, 30, 1, 0.8)],
)
@pytest.mark.parametrize("seed", range(4))
def test_the_plain_solver_matches_linear_sum_assignment(n, m, max_seats, forbid, seed):
    rng = np.random.default_rng(seed)
    scores, seats, allowed = random_instance(rng, n, m, forbid, max_seats)

    result = solve(scores, seats=seats, allowed=allowed)

    filled, total = lsa_oracle(scores, seats, allowed)
    assert result.status == "optimal"
    assert result.optimal
    assert result.filled == filled
    assert result.total == pytest.approx(total, abs=1e-6)
    check_valid(result, scores, seats, allowed)


@pytest.mark.parametrize("shape", [(300, 60), (50, 200), (400, 120)])
@pytest.mark.parametrize("correlated", [False, True])
def test_the_certified_flow_solver_matches_linear_sum_assignment(monkeypatch, shape, correlated):
    monkeypatch.setattr(solving, "_LSA_MAX_ENTRIES", 0)
    monkeypatch.setattr(flow, "_FULL_GRAPH_MAX_PAIRS", 0)
    monkeypatch.setattr(flow, "_ROW_BLOCK", 64)
    rng = np.random.default_rng(sum(shape) + correlated)
    n, m = shape
    scores = rng.random((n, m))
    if correlated:
        scores = scores * 0.3 + rng.random(n)[:, None]
    allowed = rng.random((n, m)) > 0.2
    seats = rng.integers(1, 3, size=m)

    result = solve(scores, seats=seats, allowed=allowed)

    filled, total = lsa_oracle(scores, seats, allowed)
    assert result.optimal
    assert result.filled == filled
    assert result.total == pytest.approx(total, abs=1e-6)
    check_valid(result, scores, seats, allowed)


def test_the_certified_flow_solver_handles_an_unrestricted_matrix(monkeypatch):
    monkeypatch.setattr(solving, "_LSA_MAX_ENTRIES", 0)
    monkeypatch.setattr(solving, "_DIRECT_LSA_MAX_ENTRIES", 0)
    monkeypatch.setattr(flow, "_FULL_GRAPH_MAX_PAIRS", 0)
    rng = np.random.default_rng(7)
    scores = rng.random((500, 80)) + rng.random(500)[:, None]

    result = solve(scores)

    filled, total = lsa_oracle(scores)
    assert result.optimal
    assert (result.filled, result.total) == (filled, pytest.approx(total, abs=1e-6))


@pytest.mark.parametrize("shape", [(300, 60), (60, 300), (120, 120)])
def test_one_seat_a_post_with_every_pair_allowed_matches_linear_sum_assignment(monkeypatch, shape):
    monkeypatch.setattr(solving, "_LSA_MAX_ENTRIES", 0)
    rng = np.random.default_rng(sum(shape))
    scores = rng.random(shape) + rng.random(shape[0])[:, None]

    result = solve(scores, allowed=np.ones(shape, dtype=bool))

    filled, total = lsa_oracle(scores)
    assert result.status == SolverStatus.OPTIMAL
    assert result.optimal
    assert (result.filled, result.total) == (filled, pytest.approx(total, abs=1e-9))
    assert result.greedy_total == pytest.approx(
        _greedy_reference(scores, [1] * shape[1], scores > -1)
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    n=st.integers(1, 30),
    m=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
    plain=st.booleans(),
    ties=st.booleans(),
)
def test_the_plain_path_and_the_certified_flow_give_the_same_total(
    monkeypatch, n, m, seed, plain, ties
):
    # One seat a post with every pair allowed goes to scipy on the matrix itself,
    # anything else to seat expansion; the flow is forced onto a pruned candidate
    # graph, so its certificate is exercised.
    monkeypatch.setattr(solving, "_LSA_MAX_ENTRIES", 0 if plain else 1_000_000)
    monkeypatch.setattr(flow, "_FULL_GRAPH_MAX_PAIRS", 0)
    monkeypatch.setattr(flow, "_ROW_BLOCK", 8)
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 4, size=(n, m)).astype(float) if ties else rng.normal(size=(n, m))
    seats = np.ones(m, dtype=np.int64) if plain else rng.integers(0, 3, size=m)
    allowed = np.ones((n, m), dtype=bool) if plain else rng.random((n, m)) > 0.3

    result = solve(scores, seats=seats, allowed=allowed)
    matching = b_matching(
        scores, allowed=allowed, cadre_cap=np.ones(n, dtype=np.int64), post_cap=seats
    )

    span = float(np.ptp(scores)) or 1.0
    assert matching.optimal
    assert result.optimal
    assert result.filled == matching.rows.size
    flow_total = float(scores[matching.rows, matching.cols].sum())
    assert result.total == pytest.approx(flow_total, abs=1e-6 * span * max(1, result.filled))


def test_filling_more_seats_beats_a_higher_score():
    scores = np.array([[100.0, 1.0], [99.0, 0.0]])
    allowed = np.array([[True, True], [True, False]])

    result = solve(scores, allowed=allowed)

    assert result.filled == 2
    assert result.post_of.tolist() == [1, 0]


def test_a_forbidden_pair_is_never_assigned():
    scores = np.array([[10.0, 0.0], [0.0, 0.0]])
    allowed = np.array([[False, True], [True, True]])

    result = solve(scores, allowed=allowed)

    assert result.post_of[0] != 0
    assert result.filled == 2


def test_a_post_with_several_seats_takes_several_cadres():
    scores = np.array([[5.0, 1.0], [4.0, 1.0], [3.0, 1.0]])

    result = solve(scores, seats=[2, 1])

    assert sorted(result.post_of.tolist()) == [0, 0, 1]
    assert result.total == pytest.approx(5 + 4 + 1)


def test_more_seats_than_cadres_leaves_seats_empty():
    scores = np.array([[1.0, 2.0, 3.0]])

    result = solve(scores, seats=[2, 2, 2])

    assert result.post_of.tolist() == [2]
    assert result.filled == 1


def test_an_empty_pool_gives_an_empty_assignment():
    result = solve(np.zeros((0, 3)))

    assert result.filled == 0
    assert result.status == "optimal"


def test_the_greedy_baseline_takes_the_best_remaining_cadre_post_by_post():
    scores = np.array([[10.0, 9.0], [8.0, 1.0]])

    result = solve(scores)

    assert result.greedy_total == pytest.approx(10 + 1)
    assert result.total == pytest.approx(9 + 8)


# ------------------------------------------------------------------- pins


@pytest.mark.parametrize("seed", range(12))
def test_pinned_pairs_are_kept_and_the_rest_is_optimal(seed):
    rng = np.random.default_rng(100 + seed)
    scores, seats, allowed = random_instance(rng, 5, 3, forbid=0.2)
    cadre, post = int(rng.integers(5)), int(rng.integers(3))
    allowed[cadre, post] = True
    pinned = [(cadre, post)]

    result = solve(scores, seats=seats, allowed=allowed, pinned=pinned)

    filled, total = brute_force(scores, seats, allowed, pinned=pinned)
    assert result.status == "optimal"
    assert (result.filled, result.total) == (filled, pytest.approx(total, abs=1e-9))
    check_valid(result, scores, seats, allowed, pinned)


def test_a_pin_on_a_forbidden_pair_is_infeasible():
    allowed = np.array([[False, True], [True, True]])

    result = solve(np.ones((2, 2)), allowed=allowed, pinned=[(0, 0)])

    assert result.status == "infeasible"
    assert "禁止" in result.reason


def test_a_cadre_pinned_twice_is_infeasible():
    result = solve(np.ones((2, 2)), pinned=[(0, 0), (0, 1)])

    assert result.status == "infeasible"
    assert "干部 0" in result.reason


def test_more_pins_than_seats_is_infeasible():
    result = solve(np.ones((3, 2)), seats=[1, 1], pinned=[(0, 0), (1, 0)])

    assert result.status == "infeasible"
    assert "名额" in result.reason


# ------------------------------------------------------------- constraints


@pytest.mark.parametrize("seed", range(10))
def test_side_constraints_match_brute_force(seed):
    rng = np.random.default_rng(200 + seed)
    scores, seats, allowed = random_instance(rng, 5, 3, forbid=0.2, max_seats=2)
    group = rng.integers(-1, 2, size=5)
    cadre_mask = rng.random(5) > 0.5
    post_mask = rng.random(3) > 0.3
    count = int(rng.integers(0, 3))
    constraints = Constraints(
        group_limits=(GroupLimit(group, 1, "同一派出单位"),),
        minimums=(Minimum(count, cadre_mask, post_mask, "重点类别至少若干人"),),
    )

    result = solve(scores, seats=seats, allowed=allowed, constraints=constraints)

    expected = brute_force(
        scores,
        seats,
        allowed,
        group_limits=[(group, 1)],
        minimums=[(count, cadre_mask, post_mask)],
    )
    if expected is None:
        assert result.status == "infeasible"
        assert result.reason
    else:
        assert result.status == "optimal"
        assert result.filled == expected[0]
        assert result.total == pytest.approx(expected[1], abs=1e-5)
        check_valid(result, scores, seats, allowed)
        placed = result.post_of >= 0
        assert np.all(np.bincount(group[placed & (group >= 0)], minlength=2) <= 1)


def test_side_constraints_keep_pins():
    scores = np.array([[1.0, 5.0], [5.0, 1.0], [4.0, 4.0]])
    constraints = Constraints(group_limits=(GroupLimit([0, 0, 1], 1),))

    result = solve(scores, pinned=[(0, 0)], constraints=constraints)

    assert result.post_of[0] == 0
    assert result.post_of.tolist() == [0, -1, 1]


def test_an_unreachable_minimum_is_infeasible_and_named():
    scores = np.ones((4, 2))
    economy = np.array([True, False, False, False])
    constraints = Constraints(minimums=(Minimum(2, economy, None, "类别“经济管理”至少 2 人"),))

    result = solve(scores, constraints=constraints)

    assert result.status == "infeasible"
    assert "经济管理" in result.reason


def test_a_group_limit_broken_by_pins_is_infeasible():
    constraints = Constraints(group_limits=(GroupLimit([0, 0, 1], 1, "同一派出单位"),))

    result = solve(np.ones((3, 2)), pinned=[(0, 0), (1, 1)], constraints=constraints)

    assert result.status == "infeasible"
    assert "同一派出单位" in result.reason


def test_pruned_side_constraint_models_are_never_called_optimal(monkeypatch):
    monkeypatch.setattr(constrained, "_CP_SAT_MAX_PAIRS", 10)
    monkeypatch.setattr(constrained, "_CP_SAT_TOP_K", 3)
    rng = np.random.default_rng(5)
    scores = rng.random((12, 4))
    constraints = Constraints(group_limits=(GroupLimit(np.arange(12) % 3, 2),))

    result = solve(scores, constraints=constraints)

    assert result.status == "feasible"
    assert not result.optimal
    assert result.filled == 4


# ---------------------------------------------------------- bad input


def test_a_non_finite_score_on_an_allowed_pair_is_infeasible():
    scores = np.array([[np.nan, 1.0], [1.0, 1.0]])

    result = solve(scores)

    assert result.status == "infeasible"
    assert "评分" in result.reason


def test_a_non_finite_score_on_a_forbidden_pair_is_ignored():
    scores = np.array([[np.nan, 1.0], [1.0, 1.0]])
    allowed = np.array([[False, True], [True, True]])

    result = solve(scores, allowed=allowed)

    assert result.status == "optimal"
    assert result.post_of.tolist() == [1, 0]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scores": np.ones(3)},
        {"scores": np.ones((2, 2)), "seats": [1, 1, 1]},
        {"scores": np.ones((2, 2)), "seats": [1, -1]},
        {"scores": np.ones((2, 2)), "allowed": np.ones((3, 2), dtype=bool)},
        {"scores": np.ones((2, 2)), "pinned": [(5, 0)]},
        {
            "scores": np.ones((2, 2)),
            "constraints": Constraints(group_limits=(GroupLimit([0], 1),)),
        },
    ],
)
def test_malformed_input_raises_an_assignment_input_error(kwargs):
    scores = kwargs.pop("scores")

    with pytest.raises(AssignmentInputError):
        solve(scores, **kwargs)


def test_a_fractional_seat_count_is_rejected_not_truncated():
    with pytest.raises(AssignmentInputError, match="名额必须是整数"):
        solve(np.ones((3, 2)), seats=[1.5, 1])


def test_the_status_is_a_solver_status_that_still_reads_as_its_word():
    solved = solve(np.ones((2, 2)))
    refused = solve(np.ones((2, 2)), pinned=[(0, 0), (0, 1)])

    assert solved.status is SolverStatus.OPTIMAL
    assert solved.status == "optimal"
    assert solved.status.has_solution
    assert refused.status is SolverStatus.INFEASIBLE
    assert not refused.status.has_solution


# ------------------------------------------------------------- properties


@st.composite
def instances(draw):
    n = draw(st.integers(0, 7))
    m = draw(st.integers(0, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(n, m))
    allowed = rng.random((n, m)) > draw(st.floats(0, 0.9))
    seats = rng.integers(0, 3, size=m)
    pinned = []
    if n and m and draw(st.booleans()):
        free = np.argwhere(allowed & (seats > 0)[None, :])
        if free.size:
            cadre, post = free[rng.integers(len(free))]
            pinned = [(int(cadre), int(post))]
    return scores, seats, allowed, pinned


@settings(max_examples=60, deadline=None)
@given(instances())
def test_every_assignment_respects_seats_cadres_forbidden_pairs_and_pins(instance):
    scores, seats, allowed, pinned = instance

    result = solve(scores, seats=seats, allowed=allowed, pinned=pinned)

    assert result.status == "optimal"
    check_valid(result, scores, seats, allowed, pinned)


def _greedy_reference(scores, seats, allowed):
    """Post by post, each seat takes the best remaining allowed cadre (plain Python)."""
    n, m = scores.shape
    taken: set[int] = set()
    total = 0.0
    for post in range(m):
        for _ in range(int(seats[post])):
            options = [c for c in range(n) if c not in taken and allowed[c, post]]
            if not options:
                break
            best = max(options, key=lambda c: (scores[c, post], -c))
            taken.add(best)
            total += scores[best, post]
    return total


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 9), m=st.integers(1, 7), seed=st.integers(0, 10_000))
@example(n=9, m=5, seed=4)  # ties on a two-seat post
def test_the_greedy_baseline_equals_a_plain_python_greedy(n: int, m: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 6, size=(n, m)).astype(float)  # ties on purpose
    seats = rng.integers(1, 3, size=m)
    allowed = rng.random((n, m)) > 0.25

    result = solve(scores, seats=seats, allowed=allowed)

    assert result.greedy_total == pytest.approx(_greedy_reference(scores, seats, allowed))

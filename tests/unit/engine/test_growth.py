"""The growth index against hand-computed cases, an independent oracle and its invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lianbing.engine import growth
from lianbing.engine.growth import Indicator

NAN = math.nan

# Four trainees, three indicators (the worked example of docs/growth-index.md).
#   现实表现   70   90   80   50   -> min 50, max 90:  50  100   75    0
#   计划完成率 1.0  0.5  0.75  -    -> min .5, max 1:   100   0   50    -
#   群众评议   4    3    5    5    -> min 3, max 5:    50    0  100  100
# weights 0.5 / 0.25 / 0.25 (given as 2 / 1 / 1):
#   t0 = .5*50 + .25*100 + .25*50 = 62.5
#   t1 = .5*100 + .25*0 + .25*0   = 50
#   t2 = .5*75 + .25*50 + .25*100 = 75
#   t3 has no plan completion: coverage .75, weights re-scaled to 2/3 and 1/3:
#   t3 = 2/3*0 + 1/3*100 = 33.33
#   ranks 2, 3, 1, 4; percentiles (others not above / 3): 66.7, 33.3, 100, 0
EXAMPLE: dict[str, list[float]] = {
    Indicator.PERFORMANCE: [70.0, 90.0, 80.0, 50.0],
    Indicator.PLAN_COMPLETION: [1.0, 0.5, 0.75, NAN],
    Indicator.PUBLIC_RATING: [4.0, 3.0, 5.0, 5.0],
}
EXAMPLE_WEIGHTS: dict[str, float] = {
    Indicator.PERFORMANCE: 2.0,
    Indicator.PLAN_COMPLETION: 1.0,
    Indicator.PUBLIC_RATING: 1.0,
}


def test_the_worked_example_gives_the_hand_computed_index_ranks_and_percentiles() -> None:
    result = growth.compute(EXAMPLE, EXAMPLE_WEIGHTS, method_label="AHP")

    assert result.index == pytest.approx([62.5, 50.0, 75.0, 100 / 3])
    assert result.rank.tolist() == [2, 3, 1, 4]
    assert result.percentile == pytest.approx([200 / 3, 100 / 3, 100.0, 0.0])
    assert result.coverage == pytest.approx([1.0, 1.0, 1.0, 0.75])
    assert result.weights == pytest.approx([0.5, 0.25, 0.25])
    assert result.method_label == "AHP"


def test_contributions_show_the_points_each_indicator_adds() -> None:
    result = growth.compute(EXAMPLE, EXAMPLE_WEIGHTS, method_label="AHP")

    assert result.contributions[0] == pytest.approx([25.0, 25.0, 12.5])
    assert result.contributions[3] == pytest.approx([0.0, 0.0, 100 / 3])
    assert result.contributions.sum(axis=1) == pytest.approx(result.index)


def test_bounds_tell_which_raw_values_map_to_0_and_100() -> None:
    result = growth.compute(EXAMPLE, EXAMPLE_WEIGHTS, method_label="AHP")

    assert result.bounds.tolist() == [[50.0, 90.0], [0.5, 1.0], [3.0, 5.0]]
    assert result.normalised[:, 0] == pytest.approx([50.0, 100.0, 75.0, 0.0])
    assert math.isnan(result.normalised[3, 1])


def test_a_trainee_below_the_minimum_coverage_gets_no_index_and_no_rank() -> None:
    result = growth.compute(EXAMPLE, EXAMPLE_WEIGHTS, method_label="AHP", min_coverage=0.8)

    assert math.isnan(result.index[3])
    assert result.rank.tolist() == [2, 3, 1, 0]
    assert math.isnan(result.percentile[3])
    assert np.isnan(result.contributions[3]).all()


def test_activities_absent_entirely_leave_the_index_as_without_their_weight() -> None:
    with_activities = {**EXAMPLE_WEIGHTS, Indicator.ACTIVITIES: 3.0}

    result = growth.compute(EXAMPLE, with_activities, method_label="AHP")
    as_nan = growth.compute(
        {**EXAMPLE, Indicator.ACTIVITIES: [NAN] * 4}, with_activities, method_label="AHP"
    )

    assert result.index == pytest.approx([62.5, 50.0, 75.0, 100 / 3])
    assert result.absent == (Indicator.ACTIVITIES,)
    assert result.coverage == pytest.approx([1.0, 1.0, 1.0, 0.75])
    assert as_nan.index == pytest.approx(result.index)


def test_an_indicator_without_spread_is_left_out_and_its_weight_goes_to_the_others() -> None:
    indicators = {**EXAMPLE, Indicator.ADAPTATION: [80.0] * 4}
    weights = {**EXAMPLE_WEIGHTS, Indicator.ADAPTATION: 4.0}

    result = growth.compute(indicators, weights, method_label="AHP")

    assert result.constant == (Indicator.ADAPTATION,)
    assert result.coverage == pytest.approx([1.0, 1.0, 1.0, 7 / 8])
    assert result.index == pytest.approx([62.5, 50.0, 75.0, 100 / 3])


def test_ties_share_the_best_rank() -> None:
    rank, percentile = growth.ranks([50.0, 80.0, 80.0, 20.0, NAN])

    assert rank.tolist() == [3, 1, 1, 4, 0]
    assert percentile[:4] == pytest.approx([100 / 3, 100.0, 100.0, 0.0])


def test_ability_growth_is_the_mean_change_over_the_abilities_both_rounds_have() -> None:
    # Round scores on a 1-5 form: 4 -> 75, 5 -> 100, 3 -> 50 on 0-100.
    current = [[4.0, 5.0], [3.0, NAN], [NAN, NAN]]
    baseline = [[70.0, 90.0], [40.0, 60.0], [50.0, 50.0]]

    change = growth.ability_growth(current, baseline, scale=(1.0, 5.0))

    assert change[:2] == pytest.approx([7.5, 10.0])
    assert math.isnan(change[2])


def test_trend_is_the_change_between_consecutive_rounds_and_nan_where_one_is_missing() -> None:
    rounds = [[50.0, NAN, 70.0], [60.0, 40.0, NAN], [55.0, 45.0, 80.0]]

    change = growth.trend(rounds)

    np.testing.assert_array_equal(change, [[10.0, NAN, NAN], [-5.0, 5.0, NAN]])


@pytest.mark.parametrize(
    ("indicators", "weights"),
    [
        (EXAMPLE, {Indicator.PERFORMANCE: 1.0, Indicator.PUBLIC_RATING: 1.0}),
        (EXAMPLE, {**EXAMPLE_WEIGHTS, Indicator.PERFORMANCE: -1.0}),
        (EXAMPLE, dict.fromkeys(EXAMPLE_WEIGHTS, 0.0)),
        ({"a": [1.0, 2.0], "b": [1.0]}, {"a": 1.0, "b": 1.0}),
        ({}, {"a": 1.0}),
    ],
)
def test_bad_indicators_or_weights_are_refused_with_a_message(
    indicators: dict[str, list[float]], weights: dict[str, float]
) -> None:
    with pytest.raises(growth.GrowthInputError):
        growth.compute(indicators, weights, method_label="AHP")


# --- an independent oracle -------------------------------------------------------------


def oracle_index(
    columns: list[list[float]], weights: list[float], min_coverage: float
) -> list[float]:
    """The index written from the definitions, one trainee and one indicator at a time."""
    n = len(columns[0])
    scaled: list[list[float | None]] = []
    measured: list[bool] = []
    for column in columns:
        seen = [x for x in column if not math.isnan(x)]
        measured.append(bool(seen))
        if not seen or max(seen) == min(seen):
            scaled.append([None] * n)
            continue
        lo, hi = min(seen), max(seen)
        scaled.append([None if math.isnan(x) else 100 * (x - lo) / (hi - lo) for x in column])
    out = []
    for t in range(n):
        measured_weight = sum(w for w, m in zip(weights, measured, strict=True) if m)
        has = sum(w for w, c in zip(weights, columns, strict=True) if not math.isnan(c[t]))
        usable = [(w, s[t]) for w, s in zip(weights, scaled, strict=True) if s[t] is not None]
        total = sum(w for w, _ in usable)
        coverage = has / measured_weight if measured_weight else 0.0
        if coverage < min_coverage - 1e-12 or total <= 0:
            out.append(NAN)
        else:
            out.append(sum(w * v for w, v in usable if v is not None) / total)
    return out


values = st.one_of(st.just(NAN), st.floats(0, 100, allow_nan=False))


@st.composite
def cohorts(draw: st.DrawFn) -> tuple[dict[str, list[float]], dict[str, float]]:
    n = draw(st.integers(2, 8))
    k = draw(st.integers(1, 4))
    keys = [f"i{j}" for j in range(k)]
    indicators = {key: draw(st.lists(values, min_size=n, max_size=n)) for key in keys}
    weights = {key: draw(st.floats(0.01, 10)) for key in keys}
    return indicators, weights


@settings(max_examples=200, deadline=None)
@given(cohort=cohorts(), min_coverage=st.sampled_from([0.0, 0.5, 1.0]))
def test_the_index_matches_an_oracle_written_from_the_definitions(
    cohort: tuple[dict[str, list[float]], dict[str, float]], min_coverage: float
) -> None:
    indicators, weights = cohort

    result = growth.compute(indicators, weights, method_label="t", min_coverage=min_coverage)

    expected = oracle_index(list(indicators.values()), list(weights.values()), min_coverage)
    np.testing.assert_allclose(result.index, expected, rtol=0, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(cohort=cohorts())
def test_the_index_lies_in_0_100_and_the_contributions_sum_to_it(
    cohort: tuple[dict[str, list[float]], dict[str, float]],
) -> None:
    indicators, weights = cohort

    result = growth.compute(indicators, weights, method_label="t", min_coverage=0.0)

    scored = ~np.isnan(result.index)
    assert ((result.index[scored] >= 0) & (result.index[scored] <= 100)).all()
    np.testing.assert_allclose(
        result.contributions[scored].sum(axis=1), result.index[scored], atol=1e-9
    )
    assert (result.rank[scored] >= 1).all()
    assert (result.rank[~scored] == 0).all()


@settings(max_examples=150, deadline=None)
@given(cohort=cohorts(), data=st.data(), raise_by=st.floats(0.001, 50))
def test_raising_a_value_never_lowers_that_trainees_index_or_rank(
    cohort: tuple[dict[str, list[float]], dict[str, float]],
    data: st.DataObject,
    raise_by: float,
) -> None:
    indicators, weights = cohort
    key = data.draw(st.sampled_from(sorted(indicators)))
    column = indicators[key]
    present = [t for t, x in enumerate(column) if not math.isnan(x)]
    assume(present)
    t = data.draw(st.sampled_from(present))
    raised = {**indicators, key: [x + raise_by if s == t else x for s, x in enumerate(column)]}

    before = growth.compute(indicators, weights, method_label="t", min_coverage=0.0)
    after = growth.compute(raised, weights, method_label="t", min_coverage=0.0)

    if math.isnan(before.index[t]):
        return
    if math.isnan(after.index[t]):
        # Only when the raise left no indicator able to tell anyone apart.
        assert set(after.constant) | set(after.absent) == set(after.keys)
        return
    assert after.index[t] >= before.index[t] - 1e-9
    assert after.rank[t] <= before.rank[t]


@settings(max_examples=200, deadline=None)
@given(cohort=cohorts(), factor=st.floats(0.01, 100))
def test_weights_scaled_by_a_constant_give_the_same_result(
    cohort: tuple[dict[str, list[float]], dict[str, float]], factor: float
) -> None:
    indicators, weights = cohort

    base = growth.compute(indicators, weights, method_label="t")
    scaled = growth.compute(
        indicators, {k: w * factor for k, w in weights.items()}, method_label="t"
    )

    np.testing.assert_allclose(scaled.index, base.index, atol=1e-9)
    assert scaled.rank.tolist() == base.rank.tolist()


@settings(max_examples=100, deadline=None)
@given(n=st.integers(2, 8), data=st.data())
def test_equal_indices_always_share_a_rank(n: int, data: st.DataObject) -> None:
    column = data.draw(st.lists(st.sampled_from([10.0, 20.0, 30.0]), min_size=n, max_size=n))
    assume(len(set(column)) > 1)

    result = growth.compute({"a": column, "b": column}, {"a": 1.0, "b": 2.0}, method_label="t")

    for s in range(n):
        for t in range(n):
            if column[s] == column[t]:
                assert result.rank[s] == result.rank[t]
            elif column[s] > column[t]:
                assert result.rank[s] < result.rank[t]


# --- sensitivity -----------------------------------------------------------------------


def test_the_scenarios_are_equal_weights_each_weight_moved_each_indicator_dropped() -> None:
    tried = growth.scenarios(EXAMPLE_WEIGHTS, alternatives={"熵权法": {"x": 1.0}})

    names = [s.name for s in tried]
    assert names[0] == "equal"
    assert names[1:3] == ["performance-20%", "performance+20%"]
    assert "without:plan_completion" in names
    assert names[-1] == "熵权法"
    assert len(tried) == 1 + 2 * 3 + 3 + 1
    assert tried[1].weights[Indicator.PERFORMANCE] == pytest.approx(1.6)
    assert tried[1].label == "现实表现权重-20%"


def test_a_rank_that_moves_more_than_the_threshold_is_marked_unstable() -> None:
    # a and b order the four trainees oppositely; weights .55/.45 give indices
    # 45, 48.3, 51.7, 55 -> ranks 4, 3, 2, 1. Dropping a ranks on b alone:
    # 1, 2, 3, 4, so t0 and t3 move 3 places; with equal weights all tie at 50
    # (rank 1), so t1 moves 2 and t2 1.
    indicators = {"a": [0.0, 1.0, 2.0, 3.0], "b": [3.0, 2.0, 1.0, 0.0]}

    result = growth.sensitivity(indicators, {"a": 0.55, "b": 0.45}, threshold=2)

    assert result.base.tolist() == [4, 3, 2, 1]
    assert result.largest_move.tolist() == [3, 2, 1, 3]
    assert result.unstable.tolist() == [True, False, False, True]
    assert result.status == ("不稳定", "稳定", "稳定", "不稳定")
    assert result.best.tolist() == [1, 1, 1, 1]
    assert result.worst.tolist() == [4, 3, 3, 4]


def test_alternative_weights_identical_to_the_given_ones_move_no_one() -> None:
    result = growth.sensitivity(
        EXAMPLE, EXAMPLE_WEIGHTS, alternatives={"same": dict(EXAMPLE_WEIGHTS)}
    )

    assert result.scenarios[-1].name == "same"
    assert result.ranks[-1].tolist() == result.base.tolist()


def test_a_single_indicator_leaves_every_rank_in_place() -> None:
    result = growth.sensitivity({"a": [3.0, 1.0, 2.0, 2.0]}, {"a": 1.0}, threshold=0)

    assert (result.ranks == result.base).all()
    assert not result.unstable.any()


@settings(max_examples=100, deadline=None)
@given(
    column=st.lists(values, min_size=2, max_size=8),
    weights=st.lists(st.floats(0.01, 10), min_size=1, max_size=4),
)
def test_indicators_that_agree_give_the_same_ranks_under_any_weights(
    column: list[float], weights: list[float]
) -> None:
    indicators = {f"i{j}": column for j in range(len(weights))}

    result = growth.sensitivity(
        indicators, {f"i{j}": w for j, w in enumerate(weights)}, threshold=0, min_coverage=0.0
    )

    assert not result.largest_move.any()
    assert not result.unstable.any()

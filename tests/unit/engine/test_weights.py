"""AHP and entropy weights, checked against published examples and independent oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lianbing.engine import weights

# Saaty (1990), "How to make a decision: the analytic hierarchy process",
# European Journal of Operational Research 48: 9-26 (also Saaty 1980): the
# criteria for buying a house, compared pairwise by the family.
HOUSE_CRITERIA = (
    "房屋大小",
    "交通",
    "邻里环境",
    "房龄",
    "院落",
    "现代设施",
    "总体状况",
    "贷款条件",
)
SAATY_1990_HOUSE = [
    [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
    [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
    [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
    [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
    [4, 7, 5, 8, 6, 6, 2, 1],
]
# The published priority vector and consistency: lambda_max 9.669, C.I. 0.238, C.R. 0.169.
SAATY_1990_HOUSE_WEIGHTS = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]

# Saaty (2008), "Decision making with the analytic hierarchy process",
# International Journal of Services Sciences 1(1): 83-98: which drink is
# consumed more in the US (coffee, wine, tea, beer, sodas, milk, water).
SAATY_2008_DRINKS = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]
SAATY_2008_DRINKS_WEIGHTS = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]

# Xu (2004), "A note on the subjective and objective integrated approach to
# determine attribute weights", European Journal of Operational Research
# 156(2): 530-532: four alternatives, four attributes, entropy weights
# 0.4630, 0.3992, 0.1378, 0.0000.
XU_2004 = [[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]]
XU_2004_WEIGHTS = [0.4630, 0.3992, 0.1378, 0.0000]

# Zavadskas & Podvezko (2016), "Integrated determination of objective criteria
# weights in MCDM", International Journal of Information Technology & Decision
# Making 15(2): 267-283: entropy weights 0.1146, 0.1981, 0.4185, 0.2689.
ZAVADSKAS_PODVEZKO_2016 = [[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]]
ZAVADSKAS_PODVEZKO_2016_WEIGHTS = [0.1146, 0.1981, 0.4185, 0.2689]

SAATY_SCALE = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9]


def consistent_matrix(w: np.ndarray) -> np.ndarray:
    return np.asarray(w[:, None] / w[None, :], dtype=np.float64)


def power_iteration(a: np.ndarray) -> np.ndarray:
    """Oracle: the Perron vector by repeated multiplication (Saaty's own procedure)."""
    v = np.ones(a.shape[0]) / a.shape[0]
    for _ in range(10_000):
        nxt = a @ v
        nxt /= nxt.sum()
        if np.max(np.abs(nxt - v)) < 1e-14:
            break
        v = nxt
    return nxt


@st.composite
def reciprocal_matrices(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(1, 9))
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] = draw(st.sampled_from(SAATY_SCALE))
            a[j, i] = 1 / a[i, j]
    return a


positive_weights = st.integers(2, 10).flatmap(
    lambda n: arrays(np.float64, n, elements=st.floats(0.05, 1.0))
)


# AHP


def test_saatys_random_index_table_for_one_to_fifteen_items() -> None:
    assert weights.RANDOM_INDEX == (
        0,
        0,
        0.58,
        0.90,
        1.12,
        1.24,
        1.32,
        1.41,
        1.45,
        1.49,
        1.51,
        1.48,
        1.56,
        1.57,
        1.59,
    )


def test_saaty_1990_house_example_weights_lambda_max_ci_and_cr_are_reproduced() -> None:
    result = weights.ahp(SAATY_1990_HOUSE, labels=HOUSE_CRITERIA)

    assert np.round(result.weights, 3).tolist() == SAATY_1990_HOUSE_WEIGHTS
    assert round(result.lambda_max, 3) == 9.669
    assert round(result.ci, 3) == 0.238
    assert round(result.cr, 3) == 0.169
    assert not result.consistent


def test_the_house_examples_inconsistency_is_traced_to_neighbourhood_against_condition() -> None:
    result = weights.ahp(SAATY_1990_HOUSE, labels=HOUSE_CRITERIA)

    worst = result.inconsistent[0]
    assert (worst.i, worst.j, worst.given) == (2, 6, 6.0)
    assert worst.implied == pytest.approx(result.weights[2] / result.weights[6])
    deviations = [g.deviation for g in result.inconsistent]
    assert deviations == sorted(deviations, reverse=True)
    assert "CR = 0.169" in result.message
    assert "「邻里环境」对「总体状况」判断为 6，按权重约为 1.13" in result.message


def test_saaty_2008_drink_consumption_example_weights_are_reproduced() -> None:
    result = weights.ahp(SAATY_2008_DRINKS)

    assert np.round(result.weights, 3).tolist() == SAATY_2008_DRINKS_WEIGHTS
    assert result.consistent
    assert result.message == ""


@settings(deadline=None)
@given(positive_weights)
def test_a_consistent_matrix_gives_back_its_weights_with_cr_zero(w: np.ndarray) -> None:
    result = weights.ahp(consistent_matrix(w))

    assert result.weights == pytest.approx(w / w.sum(), abs=1e-9)
    assert result.lambda_max == pytest.approx(len(w), abs=1e-9)
    assert result.cr == pytest.approx(0, abs=1e-9)
    assert result.consistent
    assert result.inconsistent == ()


def test_a_reversed_judgement_is_flagged_and_named() -> None:
    a = consistent_matrix(np.array([0.35, 0.25, 0.20, 0.12, 0.08]))
    a[0, 4], a[4, 0] = 1 / 9, 9.0

    result = weights.ahp(a)

    assert not result.consistent
    worst = result.inconsistent[0]
    assert (worst.i, worst.j) == (0, 4)
    assert worst.given == pytest.approx(1 / 9)
    assert "第 1 项对第 5 项判断为 1/9" in result.message
    assert "请先复核" in result.message


@settings(deadline=None)
@given(reciprocal_matrices())
def test_ahp_weights_are_positive_sum_to_one_and_match_power_iteration(a: np.ndarray) -> None:
    result = weights.ahp(a)

    assert np.all(result.weights > 0)
    assert result.weights.sum() == pytest.approx(1.0)
    assert result.weights == pytest.approx(power_iteration(a), abs=1e-6)
    assert result.lambda_max >= len(a) - 1e-9
    assert result.cr >= 0
    assert result.consistent == (result.cr < 0.10)
    assert len(result.inconsistent) <= weights.MAX_LISTED
    assert (result.message == "") == result.consistent


@settings(deadline=None)
@given(reciprocal_matrices(), st.data())
def test_renumbering_the_items_renumbers_the_weights(a: np.ndarray, data: st.DataObject) -> None:
    order = np.array(data.draw(st.permutations(range(len(a)))), dtype=np.int64)

    before = weights.ahp(a)
    after = weights.ahp(a[np.ix_(order, order)])

    assert after.weights == pytest.approx(before.weights[order], abs=1e-9)
    assert after.cr == pytest.approx(before.cr, abs=1e-9)


def test_one_and_two_items_are_always_consistent() -> None:
    one = weights.ahp([[1.0]])
    two = weights.ahp([[1, 3], [1 / 3, 1]])

    assert one.weights.tolist() == [1.0]
    assert (one.cr, one.consistent) == (0.0, True)
    assert two.weights == pytest.approx([0.75, 0.25])
    assert two.cr == pytest.approx(0.0, abs=1e-12)
    assert two.consistent


def test_reciprocals_typed_to_three_decimals_are_accepted() -> None:
    result = weights.ahp([[1, 3, 5], [0.333, 1, 2], [0.2, 0.5, 1]])

    assert result.weights.sum() == pytest.approx(1.0)


@settings(deadline=None)
@given(reciprocal_matrices(), st.data())
def test_a_non_reciprocal_matrix_is_refused(a: np.ndarray, data: st.DataObject) -> None:
    n = len(a)
    assume(n >= 2)
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, n - 1).filter(lambda v: v != i))
    broken = a.copy()
    broken[i, j] *= data.draw(st.sampled_from([0.5, 2.0, 3.0]))

    with pytest.raises(ValueError, match="不互反"):
        weights.ahp(broken)


@pytest.mark.parametrize(
    ("matrix", "fragment"),
    [
        ([[1, 2, 3], [1 / 2, 1, 1]], "方阵"),
        ([[1, 0], [0, 1]], "须为正数"),
        ([[1, -2], [-0.5, 1]], "须为正数"),
        ([[1, math.nan], [1, 1]], "须为正数"),
        ([[2, 1], [1, 1]], "与自身比较应为 1"),
        ([[1, 3], [3, 1]], "第 1 行第 2 列为 3，第 2 行第 1 列应为其倒数 1/3，现为 3"),
        (np.ones((16, 16)).tolist(), "至多比较 15 项"),
    ],
)
def test_a_malformed_judgement_matrix_is_refused_with_a_plain_message(
    matrix: list[list[float]], fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        weights.ahp(matrix)


def test_labels_must_match_the_items() -> None:
    with pytest.raises(ValueError, match="名称有 2 个"):
        weights.ahp(np.ones((3, 3)), labels=["甲", "乙"])


def test_pairwise_builds_the_reciprocal_matrix_from_the_judgements_given() -> None:
    a = weights.pairwise(3, {(0, 1): 3, (2, 0): 1 / 5})

    assert a == pytest.approx(np.array([[1, 3, 5], [1 / 3, 1, 1], [1 / 5, 1, 1]]))


@pytest.mark.parametrize(
    ("judgements", "fragment"),
    [
        ({(0, 3): 2.0}, "不在 3 项之间"),
        ({(1, 1): 2.0}, "不在 3 项之间"),
        ({(0, 1): 0.0}, "须为正数"),
        ({(0, 1): 2.0, (1, 0): 0.5}, "给了两次"),
    ],
)
def test_pairwise_refuses_a_bad_judgement(
    judgements: dict[tuple[int, int], float], fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        weights.pairwise(3, judgements)


# Entropy


def entropy_by_loops(matrix: list[list[float]]) -> list[float]:
    """Oracle: the textbook steps written out cell by cell, 0 ln 0 = 0."""
    n, m = len(matrix), len(matrix[0])
    divergence = []
    for j in range(m):
        column = [matrix[i][j] for i in range(n)]
        total = sum(column)
        h = 0.0
        for value in column:
            p = value / total if total > 0 else 0.0
            if p > 0:
                h -= p * math.log(p)
        e = h / math.log(n) if len(set(column)) > 1 else 1.0
        divergence.append(1.0 - e)
    s = sum(divergence)
    return [d / s for d in divergence]


def test_xu_2004_entropy_example_is_reproduced() -> None:
    w = weights.entropy(XU_2004)

    assert np.round(w, 4).tolist() == XU_2004_WEIGHTS


def test_zavadskas_and_podvezko_2016_entropy_example_is_reproduced() -> None:
    w = weights.entropy(ZAVADSKAS_PODVEZKO_2016)

    assert np.round(w, 4).tolist() == ZAVADSKAS_PODVEZKO_2016_WEIGHTS


def test_a_small_case_computed_by_hand() -> None:
    # Two objects. Column 1 (1, 1) is constant: weight 0. Column 2 (0, 1):
    # p = (0, 1), e = 0 (0 ln 0 = 0), d = 1. Column 3 (1, 3): p = (1/4, 3/4),
    # e = -(1/4 ln 1/4 + 3/4 ln 3/4) / ln 2 = 0.811278, d = 0.188722.
    d3 = 1 + (0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(2)

    w = weights.entropy([[1, 0, 1], [1, 1, 3]])

    assert d3 == pytest.approx(0.188722, abs=1e-6)
    assert w.tolist() == pytest.approx([0.0, 1 / (1 + d3), d3 / (1 + d3)])
    assert w[0] == 0.0


matrices = st.tuples(st.integers(2, 8), st.integers(1, 6)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=st.integers(0, 100).map(float))
)


@settings(deadline=None)
@given(matrices)
def test_entropy_weights_match_the_loop_oracle_and_sum_to_one(x: np.ndarray) -> None:
    assume(np.any(np.ptp(x, axis=0) > 0))

    w = weights.entropy(x)

    assert w.tolist() == pytest.approx(entropy_by_loops(x.tolist()), abs=1e-9)
    assert w.sum() == pytest.approx(1.0)
    assert np.all(w >= 0)


@settings(deadline=None)
@given(matrices, st.data())
def test_a_constant_column_gets_weight_zero(x: np.ndarray, data: st.DataObject) -> None:
    assume(np.any(np.ptp(x, axis=0) > 0))
    value = data.draw(st.floats(0, 100))
    with_constant = np.column_stack([x, np.full(len(x), value)])

    w = weights.entropy(with_constant)

    assert w[-1] == 0.0
    assert w[:-1].tolist() == pytest.approx(weights.entropy(x).tolist(), abs=1e-12)


@settings(deadline=None)
@given(matrices, st.data())
def test_multiplying_an_indicator_by_a_positive_number_leaves_the_weights(
    x: np.ndarray, data: st.DataObject
) -> None:
    assume(np.any(np.ptp(x, axis=0) > 0))
    column = data.draw(st.integers(0, x.shape[1] - 1))
    factor = data.draw(st.floats(0.01, 100))
    scaled = x.copy()
    scaled[:, column] *= factor

    assert weights.entropy(scaled) == pytest.approx(weights.entropy(x), abs=1e-9)


@pytest.mark.parametrize(
    ("matrix", "fragment"),
    [
        ([[1, -2], [3, 4]], "要求非负数值"),
        ([[1, math.nan], [3, 4]], "第 1 名对象的第 2 项指标"),
        ([[1, 2]], "至少需要 2 名对象"),
        ([1, 2, 3], "二维"),
        ([[5, 0], [5, 0], [5, 0]], "请改用层次分析法"),
    ],
)
def test_entropy_refuses_data_it_cannot_weight(matrix: list[list[float]], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        weights.entropy(matrix)

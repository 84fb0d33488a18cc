"""Intraclass correlations, checked against Shrout & Fleiss (1979) and independent oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from lianbing.engine import reliability

# Shrout & Fleiss (1979), Psychological Bulletin 86(2): 420-428, Table 2:
# six targets rated by four judges.
SHROUT_FLEISS_TABLE_2 = np.array(
    [
        [9, 2, 5, 8],
        [6, 1, 3, 2],
        [8, 4, 6, 8],
        [7, 1, 2, 6],
        [10, 5, 6, 9],
        [6, 2, 4, 7],
    ],
    dtype=np.float64,
)

# Table 4 of the paper: ICC(1,1) .17, ICC(2,1) .29, ICC(3,1) .71,
# ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91.
SHROUT_FLEISS_TABLE_4 = {
    "ICC1": 0.17,
    "ICC2": 0.29,
    "ICC3": 0.71,
    "ICC1k": 0.44,
    "ICC2k": 0.62,
    "ICC3k": 0.91,
}


@st.composite
def ratings(draw: st.DrawFn) -> np.ndarray:
    """Complete matrices of scores on a 0-100 scale in which the targets differ."""
    n = draw(st.integers(2, 8))
    k = draw(st.integers(2, 6))
    x = draw(arrays(np.float64, (n, k), elements=st.integers(0, 100).map(float)))
    assume(np.ptp(x.mean(axis=1)) > 1.0)
    return x


def test_shrout_and_fleiss_1979_table_4_is_reproduced_from_their_table_2_data() -> None:
    forms = reliability.icc(SHROUT_FLEISS_TABLE_2)

    assert {name: round(value, 2) for name, value in forms.items()} == SHROUT_FLEISS_TABLE_4


def test_shrout_and_fleiss_1979_mean_squares_are_reproduced() -> None:
    # The paper's analysis of variance of Table 2: BMS 11.24, WMS 6.26, JMS 32.49, EMS 1.02.
    ms = reliability.mean_squares(SHROUT_FLEISS_TABLE_2)

    assert (ms.n_targets, ms.n_raters) == (6, 4)
    assert [round(v, 2) for v in (ms.bms, ms.wms, ms.jms, ms.ems)] == [11.24, 6.26, 32.49, 1.02]


def test_the_summary_of_the_shrout_and_fleiss_example_gives_icc2_and_its_bands() -> None:
    result = reliability.summary(SHROUT_FLEISS_TABLE_2.tolist())

    assert (result.n_targets, result.n_raters) == (6, 4)
    assert round(result.icc2_1, 2) == 0.29
    assert round(result.icc2_k, 2) == 0.62
    assert result.band == "一般"
    assert result.band_single == "差"
    assert "ICC(2,4) = 0.62（一般）" in result.text
    assert "ICC(2,1) = 0.29（差）" in result.text


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (-0.2, "差"),
        (0.49, "差"),
        (0.5, "一般"),
        (0.74, "一般"),
        (0.75, "良好"),
        (0.9, "良好"),
        (0.91, "优秀"),
        (1.0, "优秀"),
        (math.nan, "无法计算"),
    ],
)
def test_the_koo_and_li_2016_bands(value: float, label: str) -> None:
    assert reliability.band(value) == label


@settings(deadline=None)
@given(ratings())
def test_icc1_agrees_with_scipys_one_way_anova(x: np.ndarray) -> None:
    # Oracle: F = BMS / WMS of the one-way ANOVA with the targets as groups;
    # ICC(1,1) = (F - 1) / (F + k - 1) and ICC(1,k) = 1 - 1 / F.
    assume(np.any(np.ptp(x, axis=1) > 0))  # some disagreement, else F is infinite
    k = x.shape[1]
    f = stats.f_oneway(*x).statistic

    forms = reliability.icc(x)

    assert forms["ICC1"] == pytest.approx((f - 1) / (f + k - 1), abs=1e-9)
    assert forms["ICC1k"] == pytest.approx(1 - 1 / f, abs=1e-9)


@settings(deadline=None)
@given(ratings())
def test_icc3k_is_cronbachs_alpha(x: np.ndarray) -> None:
    # Oracle: Cronbach's alpha from the raters' variances and that of the totals.
    k = x.shape[1]
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / x.sum(axis=1).var(ddof=1))

    assert reliability.icc(x)["ICC3k"] == pytest.approx(alpha, abs=1e-9)


@settings(deadline=None)
@given(ratings())
def test_each_average_form_is_the_spearman_brown_step_up_of_its_single_form(
    x: np.ndarray,
) -> None:
    k = x.shape[1]

    forms = reliability.icc(x)

    for single, average in (("ICC1", "ICC1k"), ("ICC2", "ICC2k"), ("ICC3", "ICC3k")):
        r = forms[single]
        step = 1 + (k - 1) * r
        assume(abs(step) > 1e-6)
        if step > 0:
            assert forms[average] == pytest.approx(k * r / step, rel=1e-6, abs=1e-9)
        else:
            # Raters disagree far more than the targets differ: no reliability of a mean.
            assert math.isnan(forms[average])


@settings(deadline=None)
@given(ratings(), st.floats(-1000, 1000))
def test_adding_a_constant_to_every_rating_changes_no_icc(x: np.ndarray, c: float) -> None:
    before = reliability.icc(x)

    after = reliability.icc(x + c)

    assert after == pytest.approx(before, abs=1e-9, nan_ok=True)


@settings(deadline=None)
@given(ratings(), st.floats(0.01, 100))
def test_changing_the_scale_of_every_rating_changes_no_icc(x: np.ndarray, s: float) -> None:
    before = reliability.icc(x)

    after = reliability.icc(x * s)

    assert after == pytest.approx(before, abs=1e-9, nan_ok=True)


@settings(deadline=None)
@given(
    arrays(np.float64, st.integers(2, 10), elements=st.integers(0, 100).map(float)),
    st.integers(2, 6),
)
def test_perfect_agreement_gives_one_for_every_form(targets: np.ndarray, k: int) -> None:
    assume(np.ptp(targets) > 0)
    x = np.repeat(targets[:, None], k, axis=1)

    forms = reliability.icc(x)

    assert forms == pytest.approx(dict.fromkeys(reliability.FORMS, 1.0), abs=1e-12)


@settings(deadline=None)
@given(ratings(), st.data())
def test_icc3_ignores_a_raters_constant_offset(x: np.ndarray, data: st.DataObject) -> None:
    rater = data.draw(st.integers(0, x.shape[1] - 1))
    offset = data.draw(st.floats(-50, 50))
    shifted = x.copy()
    shifted[:, rater] += offset

    before, after = reliability.icc(x), reliability.icc(shifted)

    assert after["ICC3"] == pytest.approx(before["ICC3"], abs=1e-9, nan_ok=True)
    assert after["ICC3k"] == pytest.approx(before["ICC3k"], abs=1e-9, nan_ok=True)


def test_a_lenient_rater_lowers_absolute_agreement_but_not_consistency() -> None:
    x = SHROUT_FLEISS_TABLE_2.copy()
    x[:, 0] += 5

    before, after = reliability.icc(SHROUT_FLEISS_TABLE_2), reliability.icc(x)

    assert after["ICC2"] < before["ICC2"]
    assert after["ICC3"] == pytest.approx(before["ICC3"])


def test_identical_ratings_everywhere_leave_every_form_undefined() -> None:
    x = np.full((5, 3), 3.1)

    forms = reliability.icc(x)

    assert all(math.isnan(v) for v in forms.values())
    assert reliability.summary(x).band == "无法计算"
    assert "ICC(2,3) = —（无法计算）" in reliability.summary(x).text


@pytest.mark.parametrize(
    ("ratings_matrix", "fragment"),
    [
        ([[1.0, 2.0], [3.0, math.nan]], "第 2 名对象、第 2 位评价人"),
        ([[1.0, 2.0, 3.0]], "至少需要 2 名被评对象"),
        ([[1.0], [2.0], [3.0]], "至少需要 2 位评价人"),
        ([1.0, 2.0, 3.0], "二维"),
        ([[1.0, math.inf], [3.0, 4.0]], "缺失或无效"),
    ],
)
def test_an_incomplete_or_too_small_matrix_is_refused_with_a_plain_message(
    ratings_matrix: list[list[float]] | list[float], fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        reliability.icc(ratings_matrix)

"""Suspicious-rater flags on a built round, and the within-rater leniency correction."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.typing import NDArray

from lianbing.engine import raters

NAN = math.nan

# Six trainees x nine form items on a 1-5 scale: what an attentive rater sees.
TRUTH = np.array(
    [
        [5, 4, 4, 5, 4, 5, 5, 2, 2],
        [3, 3, 5, 5, 2, 3, 5, 2, 5],
        [2, 3, 5, 3, 3, 3, 4, 3, 5],
        [3, 3, 4, 4, 4, 4, 5, 5, 5],
        [4, 4, 3, 5, 3, 2, 5, 2, 5],
        [4, 2, 2, 3, 2, 2, 4, 5, 3],
    ],
    dtype=np.float64,
)


def honest(k: int) -> NDArray[np.float64]:
    """The truth with half the ratings one point off, differently for each rater."""
    t, i = np.indices(TRUTH.shape)
    step = (t * 9 + i + k) % 4
    noise = np.select([step == 0, step == 1], [1.0, -1.0], 0.0)
    return np.asarray(np.clip(TRUTH + noise, 1, 5), dtype=np.float64)


UNIFORM_RATER = np.full(TRUTH.shape, 4.0)
# One value per trainee (the rounded mean of the truth) on every item.
STRAIGHT_LINER = np.repeat(np.round(TRUTH.mean(axis=1))[:, None], TRUTH.shape[1], axis=1)
# Rates everything upside down.
OUTLIER_RATER = 6 - TRUTH
ROUND = np.stack(
    [honest(0), honest(1), honest(2), honest(3), UNIFORM_RATER, STRAIGHT_LINER, OUTLIER_RATER]
)


def test_the_uniform_rater_the_straight_liner_and_the_outlier_are_flagged_and_no_honest_rater() -> (
    None
):
    found = raters.flags(ROUND, scale=(1.0, 5.0))

    assert [(f.rater, f.kind) for f in found] == [
        (4, raters.UNIFORM),
        (5, raters.STRAIGHT_LINE),
        (6, raters.OUTLIER),
    ]


def test_each_flag_gives_a_reason_in_chinese_and_the_numbers_behind_it() -> None:
    uniform, straight, outlier = raters.flags(ROUND)

    assert uniform.label == "所有评分相同"
    assert uniform.numbers["ratings"] == 54
    assert uniform.numbers["sd"] == 0.0
    assert "54 项评分" in uniform.reason
    assert straight.numbers == {"targets": 6, "straight": 6, "share": 1.0}
    assert "6 名（100%）" in straight.reason
    assert outlier.numbers["z"] > raters.OUTLIER_Z
    assert "同组其他 6 名评分人" in outlier.reason


def test_distance_to_the_leave_one_out_consensus_by_hand() -> None:
    # One trainee, three items. r0 and r1 give 3, 4, 5; r2 gives 5, 5, 5.
    # r0's consensus = mean(r1, r2) = 4, 4.5, 5 -> |dev| 1, .5, 0 -> d = 0.5 (r1 alike);
    # r2's consensus = mean(r0, r1) = 3, 4, 5 -> |dev| 2, 1, 0 -> d = 1.0.
    # r2's z: others' mean .5, SD 0, floored at .25 x .5 = .125 -> (1.0 - .5) / .125 = 4.
    ratings = np.array([[[3, 4, 5]], [[3, 4, 5]], [[5, 5, 5]]], dtype=np.float64)

    distance, cells = raters.consensus_distance(ratings)
    found = raters.flags(ratings)

    assert distance == pytest.approx([0.5, 0.5, 1.0])
    assert cells.tolist() == [3, 3, 3]
    assert [(f.rater, f.kind) for f in found] == [(2, raters.OUTLIER)]
    assert found[0].numbers["z"] == pytest.approx(4.0)


def test_two_raters_are_too_few_to_say_which_one_is_far() -> None:
    ratings = np.stack([honest(0), OUTLIER_RATER])

    found = raters.flags(ratings, scale=(1.0, 5.0))

    assert [f for f in found if f.kind == raters.OUTLIER] == []


def test_consensus_is_taken_within_each_team() -> None:
    # Team A rates trainees 0-2 honestly; team B rates 3-5, one of them upside down.
    a = np.full((4, *TRUTH.shape), NAN)
    b = np.full((4, *TRUTH.shape), NAN)
    for k in range(4):
        a[k, :3] = honest(k)[:3]
        b[k, 3:] = honest(k)[3:]
    b[3, 3:] = OUTLIER_RATER[3:]
    ratings = np.concatenate([a, b])

    found = raters.flags(ratings, team=["A"] * 4 + ["B"] * 4)

    assert [(f.rater, f.kind) for f in found] == [(7, raters.OUTLIER)]
    assert found[0].numbers["raters"] == 4


def test_one_public_representative_rating_one_trainee_all_top_is_not_flagged_uniform() -> None:
    ratings = np.full((1, 3, 9), NAN)
    ratings[0, 1] = 5.0

    assert raters.flags(ratings) == []


def test_a_team_label_per_rater_is_required() -> None:
    with pytest.raises(raters.RatingsError):
        raters.flags(ROUND, team=["A", "B"])


# --- leniency correction ---------------------------------------------------------------


def test_standardisation_by_hand() -> None:
    # A: 60, 80 (mean 70, SD 10); B: 70, 90 (mean 80, SD 10). Grand mean 75, pooled SD 10.
    # z = -1, 1 for both -> 65, 85 for both.
    ratings = np.array([[[60.0, 80.0]], [[70.0, 90.0]]])

    corrected = raters.standardise_within_rater(ratings, 0, 100)

    np.testing.assert_allclose(corrected[:, 0, :], [[65.0, 85.0], [65.0, 85.0]])


def test_a_constant_leniency_offset_disappears() -> None:
    strict = np.array([[40.0, 55.0, NAN], [60.0, 50.0, 45.0]])
    ratings = np.stack([strict, strict + 15.0, strict - 5.0])

    corrected = raters.standardise_within_rater(ratings, 0, 100)

    np.testing.assert_allclose(corrected[1], corrected[0])
    np.testing.assert_allclose(corrected[2], corrected[0])
    assert math.isnan(corrected[0, 0, 2])


def test_a_rater_without_variance_gets_the_pooled_mean() -> None:
    # The mean of all six ratings: (60 + 80 + 70 + 90 + 50 + 50) / 6 = 66.67.
    ratings = np.array([[[60.0, 80.0]], [[70.0, 90.0]], [[50.0, 50.0]]])

    corrected = raters.standardise_within_rater(ratings, 0, 100)

    assert corrected[2, 0] == pytest.approx([200 / 3, 200 / 3])


ratings_arrays = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 5)),
    elements=st.one_of(st.just(NAN), st.integers(1, 5).map(float)),
)


@settings(max_examples=200, deadline=None)
@given(ratings=ratings_arrays)
def test_standardisation_keeps_each_raters_order_nan_and_the_scale(ratings: np.ndarray) -> None:
    corrected = raters.standardise_within_rater(ratings, 1, 5)

    np.testing.assert_array_equal(np.isnan(corrected), np.isnan(ratings))
    seen = corrected[~np.isnan(corrected)]
    assert ((seen >= 1) & (seen <= 5)).all()
    for r in range(ratings.shape[0]):
        raw = ratings[r][~np.isnan(ratings[r])]
        out = corrected[r][~np.isnan(corrected[r])]
        order = np.argsort(raw, kind="stable")
        assert (np.diff(out[order]) >= -1e-9).all()


@settings(max_examples=100, deadline=None)
@given(ratings=ratings_arrays)
def test_flags_never_fail_and_name_only_existing_raters(ratings: np.ndarray) -> None:
    found = raters.flags(ratings, scale=(1.0, 5.0))

    assert all(0 <= f.rater < ratings.shape[0] for f in found)
    assert all(f.kind in raters.KIND_LABEL for f in found)

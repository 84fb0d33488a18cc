"""Mentor pairing: checked by hand, against scipy's linear_sum_assignment and brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from lianbing.engine import taxonomy
from lianbing.engine.pairing import (
    EXPERTISE_WEIGHT,
    STRENGTHS_WEIGHT,
    TIER_NAMED,
    TIER_OTHER,
    TIER_SAME_UNIT,
    MentorSide,
    PairingInputError,
    TraineeSide,
    propose,
    score,
    weakest,
)

# ------------------------------------------------------------------ the worked example
# The example of docs/mentor-pairing.md. Texts are either identical or share no
# term, so the expertise overlap is 1 or 0 and every number can be checked by hand.
# Ability order: 政治 调研 决策 改革 应急 群众 落实.

WANG = MentorSide("wang", "瓶窑镇", "招商引资", ("群众工作能力",))
LI = MentorSide("li", "瓶窑镇", "防汛抢险", ("emergency",))
ZHANG = MentorSide("zhang", "未来科技城", "招商引资", ("改革攻坚能力",), capacity=2)
JIA = TraineeSide("jia", "瓶窑镇", "", "招商引资", "群众工作经验不足", (80, 75, 80, 80, 70, 85, 80))
YI = TraineeSide("yi", "瓶窑镇", "", "防汛抢险", "", (85, 80, 80, 80, 65, 70, 85))
BING = TraineeSide(
    "bing", "未来科技城", "zhang", "招商引资", "改革攻坚能力有待提高", (80, 80, 72, 70, 80, 80, 85)
)
DING = TraineeSide("ding", "良渚街道", "", "招商引资", "群众工作能力较弱", ())

EXAMPLE_MENTORS = (WANG, LI, ZHANG)
EXAMPLE_TRAINEES = (JIA, YI, BING, DING)


def test_the_worked_example_scores_as_computed_by_hand():
    scores = score(EXAMPLE_MENTORS, EXAMPLE_TRAINEES)

    assert scores.tier.tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 2], [0, 0, 0]]
    assert scores.expertise == pytest.approx(
        np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1], [1, 0, 1]]), abs=1e-6
    )
    # 甲 needs 群众 (短板), 应急 and 调研 (two lowest); 乙 应急, 群众; 丙 改革 (短板
    # and lowest), 决策; 丁 群众 (短板, no scores).
    assert scores.strengths == pytest.approx(
        np.array([[1 / 3, 1 / 3, 0], [1 / 2, 1 / 2, 0], [0, 0, 1 / 2], [1, 0, 0]])
    )
    assert scores.within[0] == pytest.approx([0.6 + 0.4 / 3, 0.4 / 3, 0.6], abs=1e-6)
    assert scores.tier_base == 5.0  # four places for four trainees: B = 4 + 1
    assert scores.total[2, 2] == pytest.approx(25 + 0.6 + 0.2, abs=1e-6)
    assert scores.total[1, 1] == pytest.approx(5 + 0.6 + 0.2, abs=1e-6)


def test_the_worked_example_pairs_by_tier_before_fit():
    pairing = propose(EXAMPLE_MENTORS, EXAMPLE_TRAINEES)

    # 丁's best fit is 王 (within 1.0), but 王 is 甲's same-unit mentor; 丁 takes
    # 张's second place. 丙 keeps the named mentor 张.
    assert pairing.scores.within[3].argmax() == 0
    assert pairing.mentor_of == (0, 1, 2, 2)
    assert pairing.total == pytest.approx(5.7333333 + 5.8 + 25.8 + 0.6, abs=1e-5)
    assert pairing.optimal
    assert pairing.paired == 4


def test_explain_names_the_tier_the_shared_terms_and_the_covered_needs():
    scores = score(EXAMPLE_MENTORS, EXAMPLE_TRAINEES)

    assert scores.explain(2, 2)[:2] == ["岗位指定导师", "同一用人单位"]
    assert "所长补短板：改革攻坚能力" in scores.explain(2, 2)
    jia_wang = scores.explain(0, 0)
    assert jia_wang[0] == "同一用人单位"
    assert jia_wang[1].startswith("专长契合：招商引资")
    assert jia_wang[2] == "所长补短板：群众工作能力"
    assert scores.explain(0, 1) == ["同一用人单位", "所长补弱项：应急处突能力"]
    assert scores.explain(1, 2) == []


# ------------------------------------------------------------------ tiers


def _fit(unit: str, ident: str, named: str = "") -> tuple[MentorSide, TraineeSide]:
    """A mentor and a trainee whose within-tier score together is exactly 1."""
    return (
        MentorSide(ident, unit, "招商引资", ("群众工作能力",)),
        TraineeSide(f"t-{ident}", unit, named, "招商引资", "群众工作能力较弱"),
    )


def test_the_named_mentor_beats_a_perfect_fit_elsewhere():
    named = MentorSide("named", "其他单位", "防汛抢险")
    perfect = MentorSide("perfect", "", "招商引资", ("群众工作能力",))
    trainee = TraineeSide("t", "瓶窑镇", "named", "招商引资", "群众工作能力较弱")

    pairing = propose([perfect, named], [trainee])

    assert pairing.scores.within[0].tolist() == pytest.approx([1.0, 0.0], abs=1e-6)
    assert pairing.scores.tier[0].tolist() == [TIER_OTHER, TIER_NAMED]
    assert pairing.mentor_of == (1,)


def test_a_named_pair_is_kept_even_when_two_same_unit_pairs_would_fit_better():
    # 甲 names m1 but fits m2 perfectly; 乙 works at m1's unit and fits it
    # perfectly. Giving 甲 to m2 and 乙 to m1 makes two same-unit pairs with the
    # best fit, yet 甲 keeps the mentor the post names.
    m1 = MentorSide("m1", "瓶窑镇", "防汛抢险", ("political", "emergency"))
    m2 = MentorSide("m2", "良渚街道", "招商引资", ("群众工作能力",))
    jia = TraineeSide("jia", "良渚街道", "m1", "招商引资", "群众工作能力较弱")
    yi = TraineeSide("yi", "瓶窑镇", "", "防汛抢险", "", (50, 90, 90, 90, 50, 90, 90))

    pairing = propose([m1, m2], [jia, yi])

    scores = pairing.scores
    assert scores.tier.tolist() == [[TIER_NAMED, TIER_SAME_UNIT], [TIER_SAME_UNIT, TIER_OTHER]]
    assert scores.within[0, 1] + scores.within[1, 0] == pytest.approx(2.0, abs=1e-6)
    assert pairing.mentor_of == (0, 1)


def test_a_same_unit_mentor_beats_better_fits_at_other_units():
    # Three trainees at 瓶窑镇, three mentors there who fit nobody, and three
    # perfect mentors elsewhere: every trainee stays in the unit.
    local = [MentorSide(f"local{k}", "瓶窑镇", "档案管理") for k in range(3)]
    away = [_fit("良渚街道", f"away{k}")[0] for k in range(3)]
    trainees = [_fit("瓶窑镇", f"x{k}")[1] for k in range(3)]

    pairing = propose([*away, *local], trainees)

    assert sorted(pairing.mentor_of) == [3, 4, 5]


def test_a_blank_unit_is_never_the_same_unit():
    scores = score([MentorSide("m", " ")], [TraineeSide("t", " ")])

    assert scores.tier.tolist() == [[TIER_OTHER]]


def test_a_named_mentor_who_is_not_in_the_pool_names_nobody():
    scores = score([MentorSide("m", "瓶窑镇")], [TraineeSide("t", "良渚街道", "absent")])

    assert scores.tier.tolist() == [[TIER_OTHER]]


# ------------------------------------------------------------------ needs


def test_tied_weakest_abilities_share_the_places_they_take():
    abilities = np.array(
        [[60, 70, 70, 70, 80, 90, 95], [80] * 7, [90, 50, 60, 70, 80, 90, 95], [0] * 7],
        dtype=float,
    )
    known = np.array([True, True, True, False])

    weights = weakest(abilities, known)

    assert weights[0] == pytest.approx([1, 1 / 3, 1 / 3, 1 / 3, 0, 0, 0])
    assert weights[1] == pytest.approx([2 / 7] * 7)
    assert weights[2] == pytest.approx([0, 1, 1, 0, 0, 0, 0])
    assert weights[3].tolist() == [0.0] * 7


def test_a_trainee_with_no_need_has_no_strengths_score():
    scores = score([MentorSide("m", "u", "", ("political",))], [TraineeSide("t", "u")])

    assert scores.strengths.tolist() == [[0.0]]


# ------------------------------------------------------------------ capacity, pins, mask


def test_trainees_beyond_the_total_capacity_are_left_without_a_mentor():
    mentors = [MentorSide("a", "u"), MentorSide("b", "u", capacity=2)]
    trainees = [TraineeSide(f"t{i}", "u") for i in range(5)]

    pairing = propose(mentors, trainees)

    assert pairing.paired == 3
    assert pairing.mentor_of.count(-1) == 2
    assert pairing.mentor_of.count(1) == 2


def test_no_mentors_or_no_trainees_give_an_empty_pairing():
    assert propose([], [TraineeSide("t", "u")]).mentor_of == (-1,)
    assert propose([MentorSide("m", "u")], []).mentor_of == ()


def test_a_pinned_pair_is_kept_against_the_tiers():
    pairing = propose(EXAMPLE_MENTORS, EXAMPLE_TRAINEES, pinned=[(3, 0)])

    assert pairing.mentor_of[3] == 0
    assert pairing.mentor_of[2] == 2  # 丙 still has the named mentor
    assert pairing.mentor_of[0] == 2  # 甲 takes 张's free place, 乙 keeps 李
    assert pairing.mentor_of[1] == 1


def test_a_forbidden_pair_is_never_made():
    allowed = np.ones((4, 3), dtype=bool)
    allowed[2, 2] = False

    pairing = propose(EXAMPLE_MENTORS, EXAMPLE_TRAINEES, allowed=allowed)

    assert pairing.mentor_of[2] != 2
    assert -1 not in pairing.mentor_of


# ------------------------------------------------------------------ input errors


@pytest.mark.parametrize(
    ("mentors", "trainees", "message"),
    [
        ([MentorSide("m", "u", capacity=0)], [], "可带人数"),
        ([MentorSide("m", "u", capacity=1.5)], [], "可带人数"),
        ([MentorSide("m", "u", capacity=True)], [], "可带人数"),
        ([MentorSide("m", "u"), MentorSide("m", "v")], [], "重复"),
        ([MentorSide("", "u")], [], "没有编号"),
        ([], [TraineeSide("t", "u"), TraineeSide("t", "u")], "重复"),
        ([MentorSide("m", "u", strengths=("口才",))], [], "不是七项能力之一"),
        ([MentorSide("m", "u", strengths="政治能力")], [], "能力列表"),
        ([], [TraineeSide("t", "u", abilities=(80.0,) * 6)], "应有 7 项"),
        ([], [TraineeSide("t", "u", abilities=(80.0,) * 6 + (101.0,))], "0–100"),
        ([], [TraineeSide("t", "u", abilities=(80.0,) * 6 + (float("nan"),))], "0–100"),
    ],
)
def test_malformed_mentors_and_trainees_are_refused_with_a_reason(mentors, trainees, message):
    with pytest.raises(PairingInputError, match=message):
        score(mentors, trainees)


@pytest.mark.parametrize(
    ("allowed", "pinned", "message"),
    [
        (np.ones((3, 4), dtype=bool), (), "形状"),
        (np.ones((4, 3)), (), "真/假"),
        (None, [(4, 0)], "超出范围"),
        (None, [(0, -1)], "超出范围"),
        (None, [("a", 0)], "学员序号"),
        (None, [(0, 0), (0, 1)], "只能有一位导师"),
        (None, [(0, 0), (1, 0)], "只能带 1 名"),
        (np.eye(4, 3, dtype=bool), [(0, 1)], "不允许"),
    ],
)
def test_a_bad_mask_or_pin_is_refused_with_a_reason(allowed, pinned, message):
    with pytest.raises(PairingInputError, match=message):
        propose(EXAMPLE_MENTORS, EXAMPLE_TRAINEES, allowed=allowed, pinned=pinned)


def test_the_same_pin_twice_is_one_pin():
    pairing = propose(EXAMPLE_MENTORS, EXAMPLE_TRAINEES, pinned=[(3, 0), (3, 0)])

    assert pairing.mentor_of[3] == 0


# ------------------------------------------------------------------ oracles

UNITS = ("瓶窑镇", "良渚街道", "未来科技城", "")
EXPERTISE = ("招商引资", "防汛抢险", "社区治理，信访调解", "项目建设和工程管理", "")
SHORTCOMINGS = (
    "",
    "群众工作经验不足",
    "应急处突能力较弱",
    "缺乏基层工作经历",
    "改革攻坚能力有待提高",
)


@st.composite
def instances(draw, max_mentors=3, max_trainees=5, max_capacity=2, masked=True):
    n_mentors = draw(st.integers(0, max_mentors))
    n_trainees = draw(st.integers(0, max_trainees))
    mentors = [
        MentorSide(
            f"m{j}",
            draw(st.sampled_from(UNITS)),
            draw(st.sampled_from(EXPERTISE)),
            tuple(sorted(draw(st.sets(st.sampled_from(taxonomy.ABILITY_CODES), max_size=3)))),
            capacity=draw(st.integers(1, max_capacity)),
        )
        for j in range(n_mentors)
    ]
    names = ["", "nobody", *(m.id for m in mentors)]
    abilities = st.one_of(
        st.just(()), st.tuples(*[st.sampled_from((55.0, 70.0, 85.0))] * len(taxonomy.ABILITIES))
    )
    trainees = [
        TraineeSide(
            f"t{i}",
            draw(st.sampled_from(UNITS)),
            draw(st.sampled_from(names)),
            draw(st.sampled_from(EXPERTISE)),
            draw(st.sampled_from(SHORTCOMINGS)),
            draw(abilities),
        )
        for i in range(n_trainees)
    ]
    allowed = None
    pinned: list[tuple[int, int]] = []
    if masked and n_mentors and n_trainees:
        cells = st.booleans() if draw(st.booleans()) else st.just(True)
        allowed = np.array(
            [[draw(cells) for _ in range(n_mentors)] for _ in range(n_trainees)], dtype=bool
        )
        left = [m.capacity for m in mentors]
        for i, j in draw(
            st.lists(
                st.tuples(st.integers(0, n_trainees - 1), st.integers(0, n_mentors - 1)),
                max_size=2,
            )
        ):
            if allowed[i, j] and left[j] and all(i != p for p, _ in pinned):
                pinned.append((i, j))
                left[j] -= 1
    return mentors, trainees, allowed, pinned


def lsa_oracle(total, capacity):
    """Best total with mentor columns repeated per capacity (every pair allowed)."""
    columns = np.repeat(np.arange(len(capacity)), capacity)
    if total.shape[0] == 0 or columns.size == 0:
        return 0, 0.0
    rows, cols = linear_sum_assignment(total[:, columns], maximize=True)
    return rows.size, float(total[rows, columns[cols]].sum())


def brute_force(n_trainees, n_mentors, capacity, allowed, pinned, key):
    """The best key(mentor_of) over every pairing obeying capacity, mask and pins."""
    best = None
    for choice in itertools.product(range(-1, n_mentors), repeat=n_trainees):
        mentor_of = np.array(choice, dtype=int)
        if any(mentor_of[i] != j for i, j in pinned):
            continue
        placed = np.flatnonzero(mentor_of >= 0)
        if np.any(np.bincount(mentor_of[placed], minlength=n_mentors) > capacity):
            continue
        if allowed is not None and not allowed[placed, mentor_of[placed]].all():
            continue
        candidate = key(mentor_of)
        if best is None or candidate > best:
            best = candidate
    return best


def check_valid(pairing, capacity, allowed=None, pinned=()):
    mentor_of = np.array(pairing.mentor_of, dtype=int)
    placed = np.flatnonzero(mentor_of >= 0)
    assert np.all(np.bincount(mentor_of[placed], minlength=len(capacity)) <= capacity)
    if allowed is not None:
        assert allowed[placed, mentor_of[placed]].all()
    for i, j in pinned:
        assert mentor_of[i] == j
    chosen = pairing.scores.total[placed, mentor_of[placed]].sum()
    assert pairing.total == pytest.approx(float(chosen), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(instances(max_mentors=5, max_trainees=8, max_capacity=3, masked=False))
def test_the_pairing_total_equals_linear_sum_assignment_on_repeated_mentor_columns(instance):
    mentors, trainees, _, _ = instance
    capacity = np.array([m.capacity for m in mentors], dtype=int)

    pairing = propose(mentors, trainees)

    paired, total = lsa_oracle(pairing.scores.total, capacity)
    assert pairing.optimal
    assert pairing.paired == paired == min(len(trainees), int(capacity.sum()))
    assert pairing.total == pytest.approx(total, abs=1e-9)
    check_valid(pairing, capacity)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_the_pairing_is_lexicographically_best_by_brute_force(instance):
    # The oracle ranks pairings by (paired, named pairs, same-unit pairs,
    # within-tier sum) directly, without the tier weights of the total.
    mentors, trainees, allowed, pinned = instance
    capacity = np.array([m.capacity for m in mentors], dtype=int)

    pairing = propose(mentors, trainees, allowed=allowed, pinned=pinned)

    scores = pairing.scores

    def key(mentor_of):
        placed = np.flatnonzero(mentor_of >= 0)
        tiers = scores.tier[placed, mentor_of[placed]]
        within = float(scores.within[placed, mentor_of[placed]].sum())
        return (
            placed.size,
            int(np.sum(tiers == TIER_NAMED)),
            int(np.sum(tiers == TIER_SAME_UNIT)),
            round(within, 9),
        )

    best = brute_force(len(trainees), len(mentors), capacity, allowed, pinned, key)
    got = key(np.array(pairing.mentor_of, dtype=int))
    assert got[:3] == best[:3]
    assert got[3] == pytest.approx(best[3], abs=1e-6)
    check_valid(pairing, capacity, allowed, pinned)


@settings(max_examples=40, deadline=None)
@given(instances(max_mentors=5, max_trainees=7, max_capacity=1))
def test_with_capacity_one_every_mentor_has_at_most_one_trainee(instance):
    mentors, trainees, allowed, pinned = instance

    pairing = propose(mentors, trainees, allowed=allowed, pinned=pinned)

    chosen = [j for j in pairing.mentor_of if j >= 0]
    assert len(chosen) == len(set(chosen))


@settings(max_examples=40, deadline=None)
@given(instances(max_mentors=4, max_trainees=6, masked=False))
def test_scores_stay_within_their_bounds(instance):
    mentors, trainees, _, _ = instance

    scores = score(mentors, trainees)

    for component in (scores.expertise, scores.strengths, scores.within):
        assert np.all((component >= 0.0) & (component <= 1.0 + 1e-9))
    assert scores.within == pytest.approx(
        EXPERTISE_WEIGHT * scores.expertise + STRENGTHS_WEIGHT * scores.strengths
    )
    base = scores.tier_base
    tier_value = np.select(
        [scores.tier == TIER_NAMED, scores.tier == TIER_SAME_UNIT], [base**2, base], 0.0
    )
    assert scores.total == pytest.approx(tier_value + scores.within)
    assert base == min(len(trainees), sum(m.capacity for m in mentors)) + 1

"""Balanced groups: constraints always honoured, the optimum checked by brute force."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianbing.engine.grouping import (
    METHOD_HEURISTIC,
    METHOD_OPTIMAL,
    GroupingInputError,
    balanced,
    cost_of,
    mixing,
    percentile,
    random_costs,
    random_spreads,
    sizes_for,
)

# ------------------------------------------------------------------ an independent oracle


def _splits(n: int, sizes: list[int]) -> list[list[list[int]]]:
    """Every split of people 0..n-1 into unordered groups of the given sizes."""
    out: list[list[list[int]]] = []

    def extend(left: list[int], sizes_left: list[int], made: list[list[int]]) -> None:
        if not left:
            out.append(made)
            return
        first, rest = left[0], left[1:]
        size = sizes_left[0]
        for others in itertools.combinations(rest, size - 1):
            group = [first, *others]
            remaining = [i for i in rest if i not in others]
            # Groups of one size are unordered: the group holding the first free person
            # takes the first size of its kind; trying each distinct size once covers all.
            extend(remaining, sizes_left[1:], [*made, group])

    def orders(sizes_left: list[int]) -> set[tuple[int, ...]]:
        return set(itertools.permutations(sizes_left))

    for order in sorted(orders(sizes)):
        extend(list(range(n)), list(order), [])
    unique = {tuple(sorted(tuple(g) for g in split)) for split in out}
    return [[list(g) for g in split] for split in sorted(unique)]


def _cost(profiles: np.ndarray, groups: list[list[int]], labels: list[list[str]]) -> float:
    """The cost of docs/grouping.md, computed from its definition."""
    means = np.array(
        [[np.mean([profiles[i][a] for i in g]) for a in range(profiles.shape[1])] for g in groups]
    )
    totals = [sum(row) for row in means]
    ability_spreads = [max(means[:, a]) - min(means[:, a]) for a in range(profiles.shape[1])]
    excess = 0
    for kind in labels:
        for label in set(kind):
            share = math.ceil(kind.count(label) / len(groups))
            excess += sum(max(0, [kind[i] for i in g].count(label) - share) for g in groups)
    return max(totals) - min(totals) + 0.5 * float(np.mean(ability_spreads)) + 5 * excess


def _honours(
    groups: list[list[int]], separate: list[tuple[int, int]], together: list[tuple[int, int]]
) -> bool:
    where = {i: k for k, g in enumerate(groups) for i in g}
    return all(where[i] != where[j] for i, j in separate) and all(
        where[i] == where[j] for i, j in together
    )


def test_the_oracle_counts_splits_as_the_formula_does() -> None:
    # 6 people in two groups of 3: C(6,3)/2 = 10; 7 people into 4+3: C(7,4) = 35.

    assert len(_splits(6, [3, 3])) == 10
    assert len(_splits(7, [4, 3])) == 35
    assert len(_splits(8, [3, 3, 2])) == math.comb(8, 2) * math.comb(6, 3) // 2


# ------------------------------------------------------------------ the worked example
# docs/grouping.md: six people, one score, two groups of three; 甲 and 丙 apart; 甲 and 乙
# share a host unit. Every spread is worked out by hand in the document.

EXAMPLE = np.array([[90.0], [85.0], [80.0], [76.0], [70.0], [60.0]])
EXAMPLE_UNITS = ["瓶窑镇", "瓶窑镇", "良渚街道", "仁和街道", "闲林街道", "崇贤街道"]


def test_the_worked_example_keeps_jia_and_bing_apart_and_mixes_the_town() -> None:

    result = balanced(EXAMPLE, group_size=3, units=EXAMPLE_UNITS, separate=[(0, 2)])

    assert result.groups == [[0, 3, 5], [1, 2, 4]]
    assert result.spread == pytest.approx(3.0)
    assert result.cost == pytest.approx(4.5)
    assert result.optimal


def test_without_requirements_the_worked_example_splits_within_a_third_of_a_point() -> None:

    result = balanced(EXAMPLE, group_size=3)

    assert result.groups == [[0, 2, 5], [1, 3, 4]]
    assert result.spread == pytest.approx(1 / 3)


def test_the_worked_example_beats_seven_of_the_ten_splits() -> None:
    every_split = [
        16 + 1 / 3, 13 + 2 / 3, 9 + 2 / 3, 3.0, 10 + 1 / 3, 6 + 1 / 3, 1 / 3, 3 + 2 / 3, 3.0, 7.0,
    ]  # fmt: skip

    assert percentile(3.0, every_split) == pytest.approx(70.0)


# ------------------------------------------------------------------ hard constraints

pairs = st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=3)


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(2, 9),
    group_size=st.integers(2, 5),
    seed=st.integers(0, 3),
    separate=pairs,
    together=pairs,
    data=st.data(),
)
def test_a_split_honours_sizes_and_pairs_or_no_split_can(
    n: int,
    group_size: int,
    seed: int,
    separate: list[tuple[int, int]],
    together: list[tuple[int, int]],
    data: st.DataObject,
) -> None:
    separate = [(i, j) for i, j in separate if i < n and j < n and i != j]
    together = [(i, j) for i, j in together if i < n and j < n and i != j]
    profiles = np.array(
        data.draw(
            st.lists(st.lists(st.integers(50, 100), min_size=2, max_size=2), min_size=n, max_size=n)
        ),
        dtype=float,
    )
    sizes = sizes_for(n, group_size)
    possible = any(_honours(s, separate, together) for s in _splits(n, sizes))

    try:
        result = balanced(
            profiles,
            group_size=group_size,
            separate=separate,
            together=together,
            seed=seed,
            time_limit=1.0,
        )
    except GroupingInputError:
        result = None

    assert (result is not None) == possible
    if result is not None:
        assert sorted(i for g in result.groups for i in g) == list(range(n))
        assert sorted(len(g) for g in result.groups) == sorted(sizes)
        assert len(result.groups) == math.ceil(n / group_size)
        assert max(map(len, result.groups)) - min(map(len, result.groups)) <= 1
        assert max(map(len, result.groups)) <= group_size
        assert _honours(result.groups, separate, together)


@settings(max_examples=6, deadline=None)
@given(
    n=st.integers(25, 45),
    group_size=st.integers(4, 8),
    seed=st.integers(0, 5),
    separate=st.lists(st.tuples(st.integers(0, 44), st.integers(0, 44)), max_size=6),
    together=st.lists(st.tuples(st.integers(0, 44), st.integers(0, 44)), max_size=4),
)
def test_the_heuristic_honours_sizes_and_pairs_on_larger_pools(
    n: int,
    group_size: int,
    seed: int,
    separate: list[tuple[int, int]],
    together: list[tuple[int, int]],
) -> None:
    separate = [(i, j) for i, j in separate if i < n and j < n and i != j]
    together = [(i, j) for i, j in together if i < n and j < n and i != j]
    profiles = np.random.default_rng(seed).integers(55, 96, size=(n, 3)).astype(float)
    units = [f"单位{i % 5}" for i in range(n)]

    try:
        result = balanced(
            profiles,
            group_size=group_size,
            units=units,
            separate=separate,
            together=together,
            seed=seed,
            time_limit=1.0,
        )
    except GroupingInputError:
        return  # e.g. a together-chain longer than a group, or a separate pair inside one

    assert sorted(i for g in result.groups for i in g) == list(range(n))
    assert sorted(len(g) for g in result.groups) == sorted(sizes_for(n, group_size))
    assert _honours(result.groups, separate, together)


# ------------------------------------------------------------------ optimality


@settings(max_examples=10, deadline=None)
@given(
    n=st.integers(3, 8),
    group_size=st.integers(2, 4),
    abilities=st.integers(1, 3),
    data=st.data(),
)
def test_a_proven_optimum_costs_what_brute_force_finds_least(
    n: int, group_size: int, abilities: int, data: st.DataObject
) -> None:
    profiles = np.array(
        data.draw(
            st.lists(
                st.lists(st.integers(55, 95), min_size=abilities, max_size=abilities),
                min_size=n,
                max_size=n,
            )
        ),
        dtype=float,
    )
    units = data.draw(st.lists(st.sampled_from(["甲", "乙", "丙"]), min_size=n, max_size=n))
    separate = [(0, 1)]
    best = (
        min(
            _cost(profiles, s, [units])
            for s in _splits(n, sizes_for(n, group_size))
            if _honours(s, separate, [])
        )
        if len(sizes_for(n, group_size)) > 1
        else None
    )

    if best is None:
        with pytest.raises(GroupingInputError):
            balanced(
                profiles, group_size=group_size, units=units, separate=separate, time_limit=5.0
            )
        return
    result = balanced(
        profiles, group_size=group_size, units=units, separate=separate, time_limit=5.0
    )

    assert result.optimal
    assert result.method == METHOD_OPTIMAL
    assert result.cost == pytest.approx(best, abs=1e-6)
    assert _cost(profiles, result.groups, [units]) == pytest.approx(best, abs=1e-6)


def test_the_chosen_split_beats_99_percent_of_random_splits_on_a_realistic_pool() -> None:
    rng = np.random.default_rng(2026)
    profiles = rng.integers(55, 96, size=(40, 7)).astype(float)
    categories = [("专业技术", "综合管理", "行政执法")[i % 3] for i in range(40)]
    units = [f"镇街{i % 9}" for i in range(40)]

    result = balanced(
        profiles,
        group_size=6,
        categories=categories,
        units=units,
        separate=[(0, 1)],
        together=[(2, 3)],
        seed=0,
        time_limit=4.0,
    )
    spreads = random_spreads(profiles, group_size=6, count=1000, seed=0)

    assert percentile(result.spread, spreads) >= 99.0
    assert result.excess == {"类别": 0, "所在单位": 0}


def test_the_same_seed_gives_the_same_split() -> None:
    profiles = np.random.default_rng(7).integers(55, 96, size=(30, 7)).astype(float)
    units = [f"单位{i % 4}" for i in range(30)]

    first = balanced(profiles, group_size=5, units=units, seed=3, time_limit=4.0)
    second = balanced(profiles, group_size=5, units=units, seed=3, time_limit=4.0)

    assert first.method == METHOD_HEURISTIC
    assert first.groups == second.groups


def test_groups_differ_by_at_most_one_person() -> None:

    assert sizes_for(9, 8) == [5, 4]
    assert sizes_for(100, 7) == [7] * 10 + [6] * 5
    assert sizes_for(12, 4) == [4, 4, 4]


# ------------------------------------------------------------------ refusals


def test_a_together_chain_longer_than_a_group_is_refused() -> None:
    profiles = np.full((6, 2), 70.0)

    with pytest.raises(GroupingInputError, match="必须同组，共 3 人"):
        balanced(profiles, group_size=2, together=[(0, 1), (1, 2)])


def test_a_separate_pair_inside_a_together_chain_is_refused() -> None:
    profiles = np.full((6, 2), 70.0)

    with pytest.raises(GroupingInputError, match="既要求同组"):
        balanced(
            profiles,
            group_size=3,
            together=[(0, 1), (1, 2)],
            separate=[(0, 2)],
            names=list("甲乙丙丁戊己"),
        )


def test_three_people_kept_apart_cannot_fit_two_groups() -> None:
    profiles = np.full((6, 2), 70.0)

    with pytest.raises(GroupingInputError, match="无法同时满足"):
        balanced(profiles, group_size=3, separate=[(0, 1), (1, 2), (0, 2)], time_limit=2.0)


@pytest.mark.parametrize(
    ("n", "group_size", "message"), [(1, 3, "至少需要 2 人"), (6, 1, "每组人数至少为 2")]
)
def test_too_few_people_or_too_small_groups_are_refused(
    n: int, group_size: int, message: str
) -> None:
    with pytest.raises(GroupingInputError, match=message):
        balanced(np.full((n, 2), 70.0), group_size=group_size)


def test_labels_must_give_one_label_a_person() -> None:
    with pytest.raises(GroupingInputError, match="每人一项"):
        balanced(np.full((4, 2), 70.0), group_size=2, units=["甲"])


# ------------------------------------------------------------------ mixing and random splits


def test_mixing_counts_each_label_and_the_people_beyond_its_even_share() -> None:
    labels = ["甲", "甲", "甲", "乙", "", "乙"]

    result = mixing([[0, 1, 2], [3, 4, 5]], labels)

    assert result.counts == [{"甲": 3}, {"乙": 2}]
    assert result.share == {"甲": 2, "乙": 1}
    assert result.excess == [1, 1]
    assert result.total == 2


def test_random_splits_of_four_people_in_pairs_take_only_the_three_possible_spreads() -> None:
    profiles = np.array([[10.0], [20.0], [30.0], [60.0]])
    # {10,20}{30,60}: 15 vs 45 -> 30; {10,30}{20,60}: 20 vs 40 -> 20; {10,60}{20,30}: 35 vs 25 -> 10.

    spreads = random_spreads(profiles, group_size=2, count=300, seed=1)

    assert set(np.round(spreads, 9)) == {10.0, 20.0, 30.0}


def test_random_splits_with_pairs_keep_them() -> None:
    profiles = np.array([[10.0], [20.0], [30.0], [60.0]])

    spreads = random_spreads(
        profiles, group_size=2, count=50, seed=1, together=[(0, 3)], separate=[(1, 0)]
    )

    assert set(np.round(spreads, 9)) == {10.0}


def test_the_percentile_counts_random_splits_strictly_worse() -> None:

    assert percentile(2.0, [1.0, 2.0, 3.0, 4.0]) == 50.0
    assert percentile(0.5, [1.0, 2.0]) == 100.0


# ------------------------------------------------------------------ random splits on the whole cost

FOUR = np.array([[10.0], [20.0], [30.0], [60.0]])
FOUR_CATEGORIES = ["甲", "甲", "乙", "乙"]


def _pairing(groups: list[list[int]]) -> frozenset[frozenset[int]]:
    return frozenset(frozenset(g) for g in groups)


def test_random_splits_of_four_people_cost_what_the_hand_computed_table_says() -> None:
    # Cost = spread + 1/2 * ability spread + 5 * excess; 甲 and 乙 have two people each,
    # even share ceil(2 / 2) = 1, so a pair of one category is one person beyond it, twice.
    # {10,20}{30,60}: 15 vs 45 -> 30 + 15 + 5 * 2 = 55
    # {10,30}{20,60}: 20 vs 40 -> 20 + 10 + 0 = 30
    # {10,60}{20,30}: 35 vs 25 -> 10 + 5 + 0 = 15
    by_hand = {
        _pairing([[0, 1], [2, 3]]): (55.0, 2),
        _pairing([[0, 2], [1, 3]]): (30.0, 0),
        _pairing([[0, 3], [1, 2]]): (15.0, 0),
    }

    result = random_costs(FOUR, group_size=2, count=60, seed=1, categories=FOUR_CATEGORIES)

    seen = set()
    for s in range(60):
        pairing = _pairing(result.groups(s))
        seen.add(pairing)
        assert result.costs[s] == pytest.approx(by_hand[pairing][0])
        assert result.excess[s] == by_hand[pairing][1]
    assert seen == set(by_hand)


def test_the_cost_of_random_splits_averages_the_abilities_and_skips_blank_labels() -> None:
    profiles = np.array([[10.0, 0.0], [0.0, 10.0], [20.0, 20.0], [30.0, 10.0]])
    units = ["东", "东", "西", None]
    # {0,1}{2,3}: means (5,5) | (25,15): totals 10 vs 40 -> 30; abilities 20 and 10 -> mean 15,
    #   half is 7.5; 东 twice in one group (share 1) -> excess 1 -> 5. Cost 42.5.
    # {0,2}{1,3}: (15,10) | (15,10): 0; 0; no excess. Cost 0.
    # {0,3}{1,2}: (20,5) | (10,15): totals 25 vs 25 -> 0; abilities 10 and 10 -> 5. Cost 5.
    by_hand = {
        _pairing([[0, 1], [2, 3]]): 42.5,
        _pairing([[0, 2], [1, 3]]): 0.0,
        _pairing([[0, 3], [1, 2]]): 5.0,
    }

    result = random_costs(profiles, group_size=2, count=60, seed=4, units=units)

    for s in range(60):
        assert result.costs[s] == pytest.approx(by_hand[_pairing(result.groups(s))], abs=1e-9)
    assert {round(float(c), 9) for c in result.costs} == {42.5, 0.0, 5.0}


def test_random_splits_with_pairs_are_costed_as_the_one_split_they_allow() -> None:
    # 0 with 3 and 1 apart from 0 leave {10,60}{20,30}: 10 + 5, no excess.

    result = random_costs(
        FOUR,
        group_size=2,
        count=30,
        seed=1,
        together=[(0, 3)],
        separate=[(1, 0)],
        categories=FOUR_CATEGORIES,
    )

    assert np.allclose(result.costs, 15.0)
    assert not result.excess.any()


def test_on_the_whole_cost_the_worked_example_beats_eight_of_the_ten_splits() -> None:
    # docs/grouping.md: one ability, so cost = 1.5 * spread + 5 * excess; the ten splits in
    # the document's order (甲 with 乙丙, 乙丁, 乙戊, 乙己, 丙丁, 丙戊, 丙己, 丁戊, 丁己, 戊己).
    by_hand = [29.5, 25.5, 19.5, 9.5, 15.5, 9.5, 0.5, 5.5, 4.5, 10.5]
    splits = [
        [[0, *others], [i for i in range(1, 6) if i not in others]]
        for others in itertools.combinations(range(1, 6), 2)
    ]

    costs = [cost_of(EXAMPLE, split, units=EXAMPLE_UNITS) for split in splits]

    assert costs == pytest.approx(by_hand)
    assert percentile(4.5, costs) == pytest.approx(80.0)


def test_the_cost_of_a_split_is_the_worked_examples_four_and_a_half_points() -> None:
    # docs/grouping.md: spread 3 plus half the one ability's spread, 瓶窑镇 split: 3 + 1.5.

    cost = cost_of(EXAMPLE, [[0, 3, 5], [1, 2, 4]], units=EXAMPLE_UNITS)

    assert cost == pytest.approx(4.5)


labels = st.sampled_from(["甲", "乙", "丙"])


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(4, 9),
    group_size=st.integers(2, 4),
    seed=st.integers(0, 50),
    data=st.data(),
)
def test_random_splits_cost_what_the_definition_says_and_keep_random_spreads_draws(
    n: int, group_size: int, seed: int, data: st.DataObject
) -> None:
    profiles = np.array(
        data.draw(
            st.lists(st.lists(st.integers(40, 100), min_size=2, max_size=2), min_size=n, max_size=n)
        ),
        dtype=float,
    )
    categories = data.draw(st.lists(labels, min_size=n, max_size=n))
    units = data.draw(st.lists(labels, min_size=n, max_size=n))

    result = random_costs(
        profiles, group_size=group_size, count=20, seed=seed, categories=categories, units=units
    )

    for s in range(20):
        groups = result.groups(s)
        assert result.costs[s] == pytest.approx(_cost(profiles, groups, [categories, units]))
    spreads = random_spreads(profiles, group_size=group_size, count=20, seed=seed)
    assert result.spreads == pytest.approx(spreads, abs=1e-9)


def test_the_chosen_split_beats_99_percent_of_random_splits_on_the_whole_cost() -> None:
    rng = np.random.default_rng(2026)
    profiles = rng.integers(55, 96, size=(40, 7)).astype(float)
    categories = [("专业技术", "综合管理", "行政执法")[i % 3] for i in range(40)]
    units = [f"镇街{i % 9}" for i in range(40)]
    pairs = {"separate": [(0, 1)], "together": [(2, 3)]}
    result = balanced(
        profiles,
        group_size=6,
        categories=categories,
        units=units,
        seed=0,
        time_limit=4.0,
        **pairs,
    )

    randoms = random_costs(
        profiles, group_size=6, count=1000, seed=0, categories=categories, units=units, **pairs
    )

    assert percentile(result.cost, randoms.costs) >= 99.0
    assert randoms.excess.mean() > 0
    assert randoms.spreads == pytest.approx(
        random_spreads(profiles, group_size=6, count=1000, seed=0, **pairs), abs=1e-9
    )

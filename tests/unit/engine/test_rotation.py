"""Rotation of organisers and group leaders: generated plans are fair, breaches are named."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianbing.engine.rotation import (
    RotationError,
    check_leaders,
    check_organisers,
    leaders,
    organisers,
)

units_strategy = st.lists(
    st.sampled_from(["瓶窑镇", "良渚街道", "仁和街道", "", "闲林街道"]), min_size=1, max_size=12
)


def _round_could_avoid_neighbours(units: list[str]) -> bool:
    """Independent oracle: some order of the round has no two equal non-blank neighbours."""
    return any(
        all(not (a and a == b) for a, b in itertools.pairwise(order))
        for order in set(itertools.permutations(units))
    )


# ------------------------------------------------------------------ organisers


@settings(max_examples=80, deadline=None)
@given(units=units_strategy, n_activities=st.integers(0, 40), seed=st.integers(0, 10))
def test_a_generated_organiser_plan_passes_the_fairness_check(
    units: list[str], n_activities: int, seed: int
) -> None:
    members = list(range(len(units)))

    plan = organisers(members, units, n_activities, seed=seed)

    assert len(plan) == n_activities
    assert check_organisers(plan, members, units) == []


@settings(max_examples=60, deadline=None)
@given(units=units_strategy.filter(lambda u: len(u) <= 8), seed=st.integers(0, 10))
def test_within_a_round_no_two_neighbours_share_a_unit_when_some_order_avoids_it(
    units: list[str], seed: int
) -> None:
    members = list(range(len(units)))

    plan = organisers(members, units, 3 * len(units), seed=seed)

    for start in range(0, len(plan), len(units)):
        round_units = [units[i] for i in plan[start : start + len(units)]]
        if _round_could_avoid_neighbours(round_units):
            assert all(not (a and a == b) for a, b in itertools.pairwise(round_units))


@settings(max_examples=60, deadline=None)
@given(
    units=units_strategy, n_activities=st.integers(1, 30), seed=st.integers(0, 10), data=st.data()
)
def test_fixed_positions_taken_from_a_fair_plan_are_kept_and_the_plan_stays_fair(
    units: list[str], n_activities: int, seed: int, data: st.DataObject
) -> None:
    members = list(range(len(units)))
    other = organisers(members, units, n_activities, seed=seed + 1)
    positions = data.draw(st.sets(st.integers(0, n_activities - 1), max_size=n_activities))
    fixed = {p: other[p] for p in positions}

    plan = organisers(members, units, n_activities, seed=seed, fixed=fixed)

    assert all(plan[p] == who for p, who in fixed.items())
    assert check_organisers(plan, members) == []


@settings(max_examples=60, deadline=None)
@given(units=units_strategy.filter(lambda u: len(u) >= 2), seed=st.integers(0, 10), data=st.data())
def test_the_check_catches_a_member_organising_twice_before_everyone_once(
    units: list[str], seed: int, data: st.DataObject
) -> None:
    members = list(range(len(units)))
    plan = organisers(members, units, 2 * len(units), seed=seed)
    later = data.draw(st.integers(1, len(units) - 1))
    earlier = data.draw(st.integers(0, later - 1))
    edited = list(plan)
    edited[later] = plan[earlier]  # a second turn inside the first round

    messages = check_organisers(edited, members, labels=[f"人{i}" for i in members])

    assert any(f"人{plan[earlier]}第二次组织（第 {later + 1} 场）时" in m for m in messages)


def test_the_fairness_message_names_who_has_not_organised_yet() -> None:
    members = ["张三", "李四", "王五"]

    messages = check_organisers([0, 2, 0, 1], members, labels=members)

    assert messages == ["张三第二次组织（第 3 场）时，李四尚未组织过。"]


def test_the_worked_example_of_the_document_gets_both_messages() -> None:
    members = ["张三", "李四", "王五", "赵六", "钱七"]
    units = ["瓶窑镇", "瓶窑镇", "良渚街道", "良渚街道", "仁和街道"]

    messages = check_organisers([0, 2, 3, 4, 2, 1, 0], members, units, labels=members)

    assert messages == [
        "王五第二次组织（第 5 场）时，李四尚未组织过。",
        "第 2、3 场的组织者王五、赵六同属良渚街道；本轮可以把同一单位的成员错开。",
    ]


def test_the_unit_check_names_neighbours_from_one_unit_when_the_round_could_avoid_it() -> None:
    members = ["张三", "李四", "王五"]
    units = ["瓶窑镇", "瓶窑镇", "良渚街道"]

    messages = check_organisers([0, 1, 2], members, units, labels=members)

    assert messages == ["第 1、2 场的组织者张三、李四同属瓶窑镇；本轮可以把同一单位的成员错开。"]


def test_two_members_of_one_unit_in_a_round_of_two_cannot_be_spread_and_are_not_flagged() -> None:

    assert check_organisers([0, 1], ["甲", "乙"], ["瓶窑镇", "瓶窑镇"]) == []


def test_a_member_fixed_twice_in_one_round_is_refused() -> None:
    with pytest.raises(RotationError, match="组织了两次"):
        organisers(
            ["甲", "乙", "丙"], ["", "", ""], 3, fixed={0: 1, 2: 1}, labels=["甲", "乙", "丙"]
        )


def test_an_empty_member_list_is_refused() -> None:
    with pytest.raises(RotationError, match="名单为空"):
        organisers([], [], 3)


def test_the_same_seed_gives_the_same_plan() -> None:
    units = ["甲", "甲", "乙", "丙", "丙", "丁"]

    assert organisers(range(6), units, 12, seed=4) == organisers(range(6), units, 12, seed=4)


# ------------------------------------------------------------------ leaders

people = st.lists(st.integers(100, 130), min_size=2, max_size=30, unique=True)


@st.composite
def series(draw: st.DrawFn) -> list[list[list[int]]]:
    """Activities whose participants (ids) are split into disjoint groups, changing each time."""
    out = []
    for _ in range(draw(st.integers(1, 8))):
        who = draw(people)
        cuts = sorted(draw(st.sets(st.integers(1, len(who) - 1), max_size=4)))
        bounds = [0, *cuts, len(who)]
        out.append([who[a:b] for a, b in itertools.pairwise(bounds)])
    return out


@settings(max_examples=80, deadline=None)
@given(plan=series(), seed=st.integers(0, 10))
def test_generated_leaders_pass_the_leaders_check(plan: list[list[list[int]]], seed: int) -> None:

    chosen = leaders(plan, seed=seed)

    assert [len(row) for row in chosen] == [len(groups) for groups in plan]
    assert all(
        leader in group
        for groups, row in zip(plan, chosen, strict=True)
        for group, leader in zip(groups, row, strict=True)
    )
    assert check_leaders(plan, chosen) == []


def test_in_a_fixed_group_everyone_leads_once_before_anyone_leads_twice() -> None:
    plan = [[[1, 2, 3], [4, 5]]] * 6

    chosen = leaders(plan, seed=2)

    assert sorted(row[0] for row in chosen[:3]) == [1, 2, 3]
    assert sorted(row[0] for row in chosen[3:]) == [1, 2, 3]
    assert sorted(row[1] for row in chosen[:2]) == [4, 5]


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10), size=st.integers(2, 6))
def test_the_check_catches_a_leader_leading_again_before_a_groupmate(seed: int, size: int) -> None:
    group = list(range(10, 10 + size))
    plan = [[group], [group]]
    chosen = leaders(plan, seed=seed)
    edited = [chosen[0], chosen[0]]

    messages = check_leaders(plan, edited, labels={i: f"人{i}" for i in group})

    assert len(messages) == 1
    assert messages[0].startswith(f"人{chosen[0][0]}第二次担任组长（第 2 场第 1 组）时，同组的")


def test_the_leaders_message_reads_as_a_sentence() -> None:
    plan = [[[1, 2], [3, 4]], [[1, 2], [3, 4]]]

    messages = check_leaders(
        plan, [[1, 3], [1, 5]], labels={1: "张三", 2: "李四", 3: "王五", 5: "赵六"}
    )

    assert messages == [
        "张三第二次担任组长（第 2 场第 1 组）时，同组的李四尚未担任过。",
        "第 2 场第 2 组的组长赵六不在该组中。",
    ]


def test_a_fixed_leader_outside_the_group_is_refused() -> None:
    with pytest.raises(RotationError, match="不在该组中"):
        leaders([[[1, 2]]], fixed={(0, 0): 3})

"""The grouping service: pair rules, confirmation before replacing, the stored balance."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianbing.activities.models import (
    Activity,
    ActivityGroup,
    ActivityStatus,
    GroupMember,
    PairRule,
    PairRuleKind,
)
from lianbing.activities.services import grouping as services
from lianbing.engine import grouping as engine
from lianbing.people.models import AbilityAssessment
from lianbing.training.models import Secondment
from tests.functional.activities.conftest import TESTED, Activities, activity

pytestmark = pytest.mark.django_db

#: A short search keeps the tests quick; the rules hold whatever the time limit.
QUICK = 2.0


def _generate(a: Activities, **kwargs: object) -> Activity:
    return services.groups_generate(
        activity=a.activity, by=a.placed.staff, time_limit=QUICK, **kwargs
    )


def _groups(activity: Activity) -> dict[int, set[int]]:
    """Secondment pks by group number, read straight from the tables."""
    groups: dict[int, set[int]] = {}
    for number, secondment_id in GroupMember.objects.filter(activity=activity).values_list(
        "group__number", "secondment_id"
    ):
        groups.setdefault(number, set()).add(secondment_id)
    return groups


def _rule(a: Activities, kind: str, i: int, j: int) -> PairRule:
    return PairRule.objects.create(
        series=a.series, kind=kind, first=a.trainees[i], second=a.trainees[j], note="测试"
    )


def _profile(secondment_id: int) -> list[float]:
    # The oracle reads the tested abilities off the newest assessment row itself.
    row = (
        AbilityAssessment.objects.filter(cadre__secondments__pk=secondment_id)
        .order_by("-assessed_on", "-id")
        .first()
    )
    assert row is not None
    return [float(getattr(row, code)) for code in TESTED]


def test_generated_groups_hold_every_participant_once_in_sizes_differing_by_at_most_one(
    activities: Activities,
) -> None:
    activity = _generate(activities)

    groups = _groups(activity)
    members = [pk for group in groups.values() for pk in group]
    assert sorted(members) == sorted(s.pk for s in activities.trainees)
    assert sorted(len(g) for g in groups.values()) == [4, 4, 4]
    assert activity.grouping["sizes"] == [4, 4, 4]


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rules=st.lists(
        st.tuples(
            st.sampled_from([PairRuleKind.SEPARATE, PairRuleKind.TOGETHER]),
            st.integers(0, 11),
            st.integers(0, 11),
        ).filter(lambda r: r[1] != r[2]),
        max_size=4,
        unique_by=lambda r: frozenset(r[1:]),
    )
)
def test_the_series_pair_rules_are_always_honoured(
    activities: Activities, rules: list[tuple[str, int, int]]
) -> None:
    PairRule.objects.filter(series=activities.series).delete()
    made = [_rule(activities, kind, i, j) for kind, i, j in rules]

    try:
        activity = _generate(activities, replace=True)
    except services.GroupingError:
        # Rules no split can meet (e.g. together and apart at once) are refused, never broken.
        return

    group_of = {pk: n for n, group in _groups(activity).items() for pk in group}
    for rule in made:
        together = group_of[rule.first_id] == group_of[rule.second_id]
        assert together == (rule.kind == PairRuleKind.TOGETHER), rule


def test_existing_groups_are_replaced_only_on_confirmation(activities: Activities) -> None:
    first = _generate(activities)
    ActivityGroup.objects.filter(activity=first, number=1).update(task="走访十户农户")
    before = _groups(first)

    with pytest.raises(services.ReplaceNeedsConfirmation):
        _generate(activities, seed=7)

    assert _groups(first) == before
    assert ActivityGroup.objects.get(activity=first, number=1).task == "走访十户农户"

    _generate(activities, seed=7, replace=True)

    assert ActivityGroup.objects.get(activity=first, number=1).task == ""


def test_the_stored_spread_and_percentile_agree_with_the_engines_random_splits(
    activities: Activities,
) -> None:
    _rule(activities, PairRuleKind.SEPARATE, 0, 1)
    _rule(activities, PairRuleKind.TOGETHER, 2, 3)

    activity = _generate(activities, seed=3)

    stored = activity.grouping
    groups = _groups(activity)
    means = [np.mean([sum(_profile(pk)) for pk in group]) for group in groups.values()]
    spread = max(means) - min(means)
    assert stored["spread"] == pytest.approx(spread, abs=1e-6)
    # The same people, in the service's order (by pk), with the same rules and seed.
    order = sorted(s.pk for s in activities.trainees)
    index = {pk: i for i, pk in enumerate(order)}
    t = activities.trainees
    randoms = engine.random_spreads(
        np.array([_profile(pk) for pk in order]),
        group_size=4,
        count=1000,
        seed=3,
        separate=[(index[t[0].pk], index[t[1].pk])],
        together=[(index[t[2].pk], index[t[3].pk])],
    )
    beaten = 100.0 * np.count_nonzero(randoms > stored["spread"]) / randoms.size
    assert stored["percentile"] == pytest.approx(beaten)
    assert stored["random"]["count"] == 1000
    assert stored["random"]["quantiles"]["p50"] == pytest.approx(np.median(randoms), abs=1e-4)


def _labels(secondment_ids: list[int]) -> list[list[str]]:
    """Category, host unit and origin unit of each person, read off the tables."""
    rows = {
        s.pk: s
        for s in Secondment.objects.filter(pk__in=secondment_ids).select_related(
            "cadre__origin_unit", "post__unit"
        )
    }
    return [
        [rows[pk].cadre.category for pk in secondment_ids],
        [rows[pk].post.unit.name for pk in secondment_ids],
        [rows[pk].cadre.origin_unit.name for pk in secondment_ids],
    ]


def _excess(groups: list[list[int]], labels: list[list[str]]) -> int:
    """People beyond each label's even share ceil(count / groups), over every kind and group."""
    excess = 0
    for kind in labels:
        for label in set(kind):
            share = math.ceil(kind.count(label) / len(groups))
            excess += sum(max(0, [kind[i] for i in g].count(label) - share) for g in groups)
    return excess


def _cost(profiles: np.ndarray, groups: list[list[int]], labels: list[list[str]]) -> float:
    """The cost of docs/grouping.md from its definition: spreads in points, 5 a person beyond."""
    means = np.array([profiles[g].mean(axis=0) for g in groups])
    totals = means.sum(axis=1)
    ability_spread = float(np.mean(means.max(axis=0) - means.min(axis=0)))
    return float(totals.max() - totals.min()) + 0.5 * ability_spread + 5 * _excess(groups, labels)


def _recomputed_cost_percentile(
    a: Activities, activity: Activity, seed: int, pairs: dict[str, list[tuple[int, int]]]
) -> tuple[float, float]:
    """(cost percentile, mean random excess) with the engine's draws, costed by :func:`_cost`."""
    order = sorted(s.pk for s in a.trainees)
    index = {pk: i for i, pk in enumerate(order)}
    profiles = np.array([_profile(pk) for pk in order])
    labels = _labels(order)
    chosen = _cost(
        profiles, [sorted(index[pk] for pk in g) for g in _groups(activity).values()], labels
    )
    draws = engine.random_costs(profiles, group_size=4, count=1000, seed=seed, **pairs)
    splits = [draws.groups(s) for s in range(1000)]
    costs = np.array([_cost(profiles, groups, labels) for groups in splits])
    excess = float(np.mean([_excess(groups, labels) for groups in splits]))
    return 100.0 * np.count_nonzero(costs > chosen) / costs.size, excess


def test_the_stored_cost_percentile_agrees_with_an_independent_costing_of_the_random_splits(
    activities: Activities,
) -> None:
    _rule(activities, PairRuleKind.SEPARATE, 0, 1)
    _rule(activities, PairRuleKind.TOGETHER, 2, 3)
    order = sorted(s.pk for s in activities.trainees)
    t = activities.trainees
    pairs = {
        "separate": [(order.index(t[0].pk), order.index(t[1].pk))],
        "together": [(order.index(t[2].pk), order.index(t[3].pk))],
    }

    activity = _generate(activities, seed=3)

    percentile, excess = _recomputed_cost_percentile(activities, activity, 3, pairs)
    stored = activity.grouping
    assert stored["cost_percentile"] == pytest.approx(percentile)
    assert stored["random"]["excess_mean"] == pytest.approx(excess, abs=1e-3)
    # Random splits ignore the labels: on the whole cost the mixed split beats more of them.
    assert stored["cost_percentile"] >= stored["percentile"]


def test_a_swap_recomputes_the_cost_percentile_against_the_same_random_splits(
    activities: Activities,
) -> None:
    activity = _generate(activities, seed=5)
    groups = _groups(activity)
    people = {s.pk: s for s in activities.trainees}
    one, other = min(groups[1]), min(groups[3])

    services.groups_swap(
        activity=activity, first=people[one], second=people[other], by=activities.placed.staff
    )

    activity.refresh_from_db()
    percentile, excess = _recomputed_cost_percentile(activities, activity, 5, {})
    assert activity.grouping["cost_percentile"] == pytest.approx(percentile)
    assert activity.grouping["random"]["excess_mean"] == pytest.approx(excess, abs=1e-3)
    assert activity.grouping["moves"] == 1


def test_a_move_breaking_a_pair_rule_is_refused_naming_the_rule_and_changes_nothing(
    activities: Activities,
) -> None:
    _rule(activities, PairRuleKind.SEPARATE, 0, 1)
    activity = _generate(activities)
    groups = _groups(activity)
    first, second = activities.trainees[0], activities.trainees[1]
    target = next(n for n, g in groups.items() if second.pk in g)

    with pytest.raises(services.GroupingError) as refused:
        services.groups_move(
            activity=activity, secondment=first, to_number=target, by=activities.placed.staff
        )

    assert "孙杰与王楠楠不得同组" in refused.value.message
    assert _groups(activity) == groups


def test_a_swap_keeps_the_sizes_and_stores_the_new_spread(activities: Activities) -> None:
    activity = _generate(activities)
    groups = _groups(activity)
    one = next(iter(groups[1]))
    other = next(iter(groups[2]))
    people = {s.pk: s for s in activities.trainees}

    warnings = services.groups_swap(
        activity=activity, first=people[one], second=people[other], by=activities.placed.staff
    )

    after = _groups(activity)
    assert other in after[1]
    assert one in after[2]
    assert warnings == []
    activity.refresh_from_db()
    means = [np.mean([sum(_profile(pk)) for pk in g]) for g in after.values()]
    assert activity.grouping["spread"] == pytest.approx(max(means) - min(means), abs=1e-6)
    assert activity.grouping["moves"] == 1


def test_a_move_leaving_sizes_uneven_warns_and_a_moved_leader_stops_leading(
    activities: Activities,
) -> None:
    activity = _generate(activities)
    groups = _groups(activity)
    people = {s.pk: s for s in activities.trainees}
    leader = people[min(groups[1])]
    group = ActivityGroup.objects.get(activity=activity, number=1)
    group.leader = leader
    group.save()

    warnings = services.groups_move(
        activity=activity, secondment=leader, to_number=2, by=activities.placed.staff
    )

    assert any("原为第 1 组组长" in w for w in warnings)
    assert any("相差超过 1 人" in w for w in warnings)
    group.refresh_from_db()
    assert group.leader is None


def test_a_finished_activity_keeps_its_groups(activities: Activities) -> None:
    activity = _generate(activities)
    Activity.objects.filter(pk=activity.pk).update(status=ActivityStatus.FINISHED)

    with pytest.raises(services.GroupingError, match="已结束"):
        _generate(activities, replace=True)


def test_participants_never_assessed_are_named(activities: Activities) -> None:
    AbilityAssessment.objects.filter(cadre=activities.trainees[5].cadre).delete()

    with pytest.raises(services.GroupingError, match="吴昊"):
        _generate(activities)

    assert not ActivityGroup.objects.filter(activity=activities.activity).exists()


def test_recording_an_outcome_stamps_it_and_a_leader_must_be_in_the_group(
    activities: Activities,
) -> None:
    activity = _generate(activities)
    groups = _groups(activity)
    group = ActivityGroup.objects.get(activity=activity, number=1)
    outsider = next(s for s in activities.trainees if s.pk in groups[2])

    with pytest.raises(services.GroupingError, match="不是第 1 组成员"):
        services.group_update(
            group=group, by=activities.placed.staff, leader=outsider, task="", outcome=""
        )

    services.group_update(
        group=group, by=activities.placed.staff, leader=None, task="调研", outcome="形成报告一份"
    )

    group.refresh_from_db()
    assert group.outcome == "形成报告一份"
    assert group.outcome_recorded_at is not None


def _second_activity(a: Activities) -> Activity:
    later = activity(
        a.series,
        participants=a.trainees,
        assessors=[a.placed.staff],
        title="破难比拼赛：垃圾分类",
        held_on=datetime.date(2026, 8, 20),
    )
    services.groups_generate(activity=later, by=a.placed.staff, time_limit=QUICK)
    return later


def test_proposed_leaders_are_the_least_practised_of_their_groups(
    activities: Activities,
) -> None:
    staff = activities.placed.staff
    first = _generate(activities)
    services.groups_leaders_propose(activity=first, by=staff)
    later = _second_activity(activities)

    warnings = services.groups_leaders_propose(activity=later, by=staff)

    assert warnings == []
    led_before = set(
        ActivityGroup.objects.filter(activity=first).values_list("leader_id", flat=True)
    )
    for number, members in _groups(later).items():
        leader = ActivityGroup.objects.get(activity=later, number=number).leader_id
        # Someone in the group who never led must lead before anyone leads twice.
        assert leader in members
        if members - led_before:
            assert leader not in led_before


def test_a_leader_chosen_by_hand_against_the_rotation_is_refused(
    activities: Activities,
) -> None:
    staff = activities.placed.staff
    first = _generate(activities)
    services.groups_leaders_propose(activity=first, by=staff)
    led_before = set(
        ActivityGroup.objects.filter(activity=first).values_list("leader_id", flat=True)
    )
    later = _second_activity(activities)
    number, veteran = next(
        (n, pk)
        for n, g in _groups(later).items()
        for pk in g
        if pk in led_before and g - led_before
    )
    group = ActivityGroup.objects.get(activity=later, number=number)
    people = {s.pk: s for s in activities.trainees}

    with pytest.raises(services.GroupingError, match="担任组长"):
        services.group_update(group=group, by=staff, leader=people[veteran], task="", outcome="")

    group.refresh_from_db()
    assert group.leader_id is None


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.booleans(), st.integers(0, 11), st.integers(0, 11)), min_size=1, max_size=6
    )
)
def test_no_sequence_of_moves_and_swaps_breaks_a_pair_rule(
    activities: Activities, steps: list[tuple[bool, int, int]]
) -> None:
    PairRule.objects.filter(series=activities.series).delete()
    rules = [
        _rule(activities, PairRuleKind.SEPARATE, 0, 1),
        _rule(activities, PairRuleKind.TOGETHER, 2, 3),
        _rule(activities, PairRuleKind.SEPARATE, 4, 5),
    ]
    activity = _generate(activities, replace=True)
    people = activities.trainees
    staff = activities.placed.staff

    for swap, i, j in steps:
        try:
            if swap:
                services.groups_swap(activity=activity, first=people[i], second=people[j], by=staff)
            else:
                services.groups_move(
                    activity=activity, secondment=people[i], to_number=j % 3 + 1, by=staff
                )
        except services.GroupingError:
            pass

    group_of = {pk: n for n, group in _groups(activity).items() for pk in group}
    assert sorted(group_of) == sorted(s.pk for s in people)
    for rule in rules:
        together = group_of[rule.first_id] == group_of[rule.second_id]
        assert together == (rule.kind == PairRuleKind.TOGETHER), rule

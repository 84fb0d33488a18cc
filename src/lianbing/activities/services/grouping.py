"""Writes of an activity's groups: balanced generation, moves and swaps, leaders, tasks and outcomes.

Rules:

- Only the department writes groups, and only while the activity is 筹备中 or
  评分中; a finished activity keeps its groups.
- :func:`groups_generate` splits the participants with
  ``engine.grouping.balanced`` on their ability profiles (the tested
  abilities of each cadre's latest assessment), mixing categories, host units
  and origin units, and honouring the series' pair rules. Existing groups are
  replaced only when the caller confirms (``replace=True``); leaders, tasks
  and outcomes go with them.
- The balance is stored in ``Activity.grouping``: the spread (max - min over
  groups of the mean total of the tested abilities), its percentile among
  :data:`RANDOM_SPLITS` random splits drawn by ``engine.grouping.random_costs``
  (the draws of ``random_spreads``) with the same pair rules and a stored
  seed (so anyone can redraw the same splits), a summary of those random
  spreads, and the mixing excess. Beside it, the split's cost (the weighted
  objective the split minimises) and its percentile among the same random
  splits' costs (``cost_percentile``), with the random splits' mean mixing
  excess (``random.excess_mean``): random splits ignore categories and units,
  so a well-mixed split may give up a little spread and beat fewer of them on
  the spread alone. Groupings stored before these keys existed lack them.
- A move or a swap is refused when it would break a pair rule (the message
  names the rule); the balance is recomputed against the same random splits
  (drawn again from the stored seed; they keep the sizes of a generated
  split, so after uneven moves the percentile compares unlike sizes).
  Group sizes may then differ by more than one person: allowed, with a
  warning. A group is never emptied. A leader moved out of their group stops
  leading it.
- Leaders rotate (轮流担任组长): :func:`groups_leaders_propose` sets every
  group's leader by ``engine.rotation.leaders``, the leaders of the series'
  earlier activities kept as they are. The rule (a leader has led no more
  often than any other member of the group) can always be met, so a leader
  chosen by hand that adds a breach at this activity is refused, with
  ``engine.rotation.check_leaders``' Chinese message; clearing a leader is
  always allowed. Breaches that remain (e.g. after members were moved, or in
  an earlier activity) are returned as warnings and shown on the groups page.
- Every write is recorded in the audit trail (the activities' models are not
  audited automatically).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction
from lianbing.engine import grouping as engine
from lianbing.engine import rotation
from lianbing.training.models import Secondment

from ..access import is_department
from ..group_adapters import GroupingInput, MissingAbilitiesError, grouping_input, secondments_of
from ..models import (
    Activity,
    ActivityGroup,
    ActivityStatus,
    GroupMember,
    PairRule,
    PairRuleKind,
)

#: How many random splits the chosen split is compared with.
RANDOM_SPLITS = 1000
#: Quantiles of the random spreads kept for the page.
QUANTILES = (0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
#: Bars of the random spreads' histogram.
HISTOGRAM_BINS = 20


class GroupingError(Exception):
    """A request the rules refuse; ``message`` says what to do, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ReplaceNeedsConfirmation(GroupingError):
    """The activity has groups already; generating again needs ``replace=True``."""


def _require_department(by: Any) -> None:
    if not is_department(by):
        raise PermissionDenied


def _lock(activity: Activity) -> Activity:
    locked = Activity.objects.select_for_update().select_related("series").get(pk=activity.pk)
    if locked.status == ActivityStatus.FINISHED:
        raise GroupingError(_("活动已结束，分组不能再调整。"))
    return locked


def _input(activity: Activity, secondments: Sequence[Secondment] | None = None) -> GroupingInput:
    try:
        return grouping_input(activity, secondments)
    except MissingAbilitiesError as error:
        raise GroupingError(str(error)) from error


def random_splits(data: GroupingInput, *, group_size: int, seed: int) -> engine.RandomSplits:
    """The random splits the stored percentiles are measured against (spreads and costs)."""
    return engine.random_costs(
        data.profiles,
        group_size=group_size,
        count=RANDOM_SPLITS,
        seed=seed,
        together=data.together,
        separate=data.separate,
        categories=data.categories,
        units=data.units,
        origins=data.origins,
    )


def _random_summary(randoms: engine.RandomSplits, seed: int) -> dict[str, Any]:
    spreads = randoms.spreads
    counts, edges = np.histogram(spreads, bins=HISTOGRAM_BINS)
    return {
        "count": int(spreads.size),
        "seed": seed,
        "mean": round(float(spreads.mean()), 4),
        "cost_mean": round(float(randoms.costs.mean()), 4),
        "excess_mean": round(float(randoms.excess.mean()), 3),
        "quantiles": {
            f"p{round(q * 100)}": round(float(np.quantile(spreads, q)), 4) for q in QUANTILES
        },
        "histogram": {
            "counts": [int(c) for c in counts],
            "edges": [round(float(e), 4) for e in edges],
        },
    }


def balance_of(
    data: GroupingInput, groups: Sequence[Sequence[int]], randoms: engine.RandomSplits
) -> dict[str, Any]:
    """Spread, cost, their percentiles, group means and mixing of ``groups`` (indices of ``data``)."""
    profiles = data.profiles
    spread = engine.spread_of(profiles, groups)
    cost = engine.cost_of(
        profiles, groups, categories=data.categories, units=data.units, origins=data.origins
    )
    means = [float(profiles[list(g)].sum(axis=1).mean()) for g in groups]
    excess = {
        kind: engine.mixing(groups, labels).total
        for kind, labels in zip(
            engine.LABEL_KINDS, (data.categories, data.units, data.origins), strict=True
        )
    }
    sizes = [len(g) for g in groups]
    return {
        "abilities": list(data.abilities),
        "spread": round(spread, 6),
        "percentile": engine.percentile(spread, randoms.spreads),
        "cost": round(cost, 6),
        "cost_percentile": engine.percentile(cost, randoms.costs),
        "weakest": round(min(means), 4),
        "strongest": round(max(means), 4),
        "excess": excess,
        "sizes": sizes,
        "rules": len(data.rules),
    }


def _write_groups(activity: Activity, data: GroupingInput, groups: list[list[int]]) -> None:
    activity.groups.all().delete()  # members go with their groups (cascade)
    for number, members in enumerate(groups, start=1):
        group = ActivityGroup(activity=activity, number=number)
        group.full_clean()
        group.save()
        for i in members:
            member = GroupMember(
                activity=activity, group=group, secondment=data.people[i].secondment
            )
            member.full_clean(validate_unique=False)
            member.save()


@transaction.atomic
def groups_generate(
    *,
    activity: Activity,
    by: Any,
    replace: bool = False,
    seed: int = 0,
    time_limit: float = engine.DEFAULT_TIME_LIMIT,
) -> Activity:
    """Split the participants into balanced groups and store them with their balance.

    Raises :class:`ReplaceNeedsConfirmation` when groups exist and ``replace``
    is False, :class:`GroupingError` (Chinese message) when the participants
    or the pair rules allow no split.
    """
    _require_department(by)
    activity = _lock(activity)
    if activity.groups.exists() and not replace:
        raise ReplaceNeedsConfirmation(
            _("本活动已有分组；重新分组会替换现有分组及其组长、包干任务和成果，请确认。")
        )
    data = _input(activity)
    if len(data.people) < 2:
        raise GroupingError(_("参加成员不足 2 人，无法分组。请先选择参加成员。"))
    try:
        result = engine.balanced(
            data.profiles,
            group_size=activity.group_size,
            categories=data.categories,
            units=data.units,
            origins=data.origins,
            separate=data.separate,
            together=data.together,
            seed=seed,
            time_limit=time_limit,
            names=data.names,
        )
        randoms = random_splits(data, group_size=activity.group_size, seed=seed)
    except engine.GroupingInputError as error:
        raise GroupingError(str(error)) from error
    _write_groups(activity, data, result.groups)
    activity.grouping = {
        **balance_of(data, result.groups, randoms),
        "method": result.method,
        "optimal": result.optimal,
        "status": result.status,
        "bound": result.bound,
        "seconds": round(result.seconds, 3),
        "group_size": activity.group_size,
        "random": _random_summary(randoms, seed),
        "generated_at": timezone.now().isoformat(),
        "generated_by": by.get_username(),
        "moves": 0,
    }
    activity.save(update_fields=["grouping"])
    audit.record(
        action=AuditAction.UPDATE,
        obj=activity,
        detail=_(
            "生成分组：%(groups)d 组，%(method)s，极差 %(spread).2f，优于 %(pct).1f%% 的随机分组，"
            "按综合目标优于 %(cost_pct).1f%%"
        )
        % {
            "groups": len(result.groups),
            "method": result.method,
            "spread": result.spread,
            "pct": activity.grouping["percentile"],
            "cost_pct": activity.grouping["cost_percentile"],
        },
        user=by,
    )
    return activity


# ---------------------------------------------------------------- moves


def _rule_text(rule: PairRule) -> str:
    text = _("“%(first)s与%(second)s%(kind)s”") % {
        "first": rule.first.cadre.name,
        "second": rule.second.cadre.name,
        "kind": rule.get_kind_display(),
    }
    if rule.note:
        text += _("（%(note)s）") % {"note": rule.note}
    return text


def _check_rules(rules: Sequence[PairRule], group_of: Mapping[int, int]) -> None:
    for rule in rules:
        first, second = group_of.get(rule.first_id), group_of.get(rule.second_id)
        if first is None or second is None:
            continue
        if (rule.kind == PairRuleKind.SEPARATE) == (first == second):
            raise GroupingError(
                _("不能这样调整：违反分组规则%(rule)s。") % {"rule": _rule_text(rule)}
            )


def _current(activity: Activity) -> tuple[list[ActivityGroup], dict[int, int]]:
    """The groups (numbered) and each member's group number, by secondment pk."""
    groups = list(activity.groups.prefetch_related("members"))
    if not groups:
        raise GroupingError(_("本活动还没有分组，请先生成分组。"))
    group_of = {m.secondment_id: g.number for g in groups for m in g.members.all()}
    return groups, group_of


def _member(activity: Activity, secondment: Secondment) -> GroupMember:
    member = (
        GroupMember.objects.select_related("group", "secondment__cadre")
        .filter(activity=activity, secondment=secondment)
        .first()
    )
    if member is None:
        raise GroupingError(_("%(name)s不在本活动的分组中。") % {"name": secondment.cadre.name})
    return member


def _rebalance(activity: Activity, group_of: Mapping[int, int], by: Any, detail: str) -> list[str]:
    """Store the balance of the groups as they now are; warnings about their sizes."""
    numbers = sorted(set(group_of.values()))
    members: dict[int, list[int]] = {n: [] for n in numbers}
    for secondment_id, number in group_of.items():
        members[number].append(secondment_id)
    data = _input(activity, secondments_of(group_of))
    groups = [sorted(data.index_of(s) for s in members[n]) for n in numbers]
    summary = dict(activity.grouping or {})
    seed = int(summary.get("random", {}).get("seed", 0))
    try:
        randoms = random_splits(data, group_size=activity.group_size, seed=seed)
    except engine.GroupingInputError as error:
        raise GroupingError(str(error)) from error
    summary.update(balance_of(data, groups, randoms))
    summary["random"] = _random_summary(randoms, seed)
    summary["moves"] = int(summary.get("moves", 0)) + 1
    summary["edited_at"] = timezone.now().isoformat()
    activity.grouping = summary
    activity.save(update_fields=["grouping"])
    audit.record(action=AuditAction.UPDATE, obj=activity, detail=detail, user=by)
    warnings: list[str] = []
    sizes = {n: len(members[n]) for n in numbers}
    if max(sizes.values()) - min(sizes.values()) > 1:
        warnings.append(
            _("各组人数相差超过 1 人：%(sizes)s。")
            % {
                "sizes": "，".join(
                    _("第 %(n)d 组 %(k)d 人") % {"n": n, "k": k} for n, k in sizes.items()
                )
            }
        )
    return warnings


def _unlead(group: ActivityGroup, secondment: Secondment, warnings: list[str]) -> None:
    if group.leader_id == secondment.pk:
        group.leader = None
        group.save(update_fields=["leader"])
        warnings.append(
            _("%(name)s原为第 %(n)d 组组长，已移出该组，请重新指定组长。")
            % {"name": secondment.cadre.name, "n": group.number}
        )


@transaction.atomic
def groups_move(
    *, activity: Activity, secondment: Secondment, to_number: int, by: Any
) -> list[str]:
    """Move ``secondment`` into group ``to_number``; returns warnings.

    Refused (:class:`GroupingError`) when it would break a pair rule or empty a group.
    """
    _require_department(by)
    activity = _lock(activity)
    groups, group_of = _current(activity)
    member = _member(activity, secondment)
    target = next((g for g in groups if g.number == to_number), None)
    if target is None:
        raise GroupingError(_("没有第 %(n)d 组。") % {"n": to_number})
    source = member.group
    if target.pk == source.pk:
        raise GroupingError(
            _("%(name)s已在第 %(n)d 组。") % {"name": secondment.cadre.name, "n": to_number}
        )
    if sum(1 for n in group_of.values() if n == source.number) == 1:
        raise GroupingError(
            _("第 %(n)d 组只有%(name)s一人，不能移出；可改为与他组成员互换。")
            % {"n": source.number, "name": secondment.cadre.name}
        )
    group_of[secondment.pk] = to_number
    _check_rules(_rules(activity), group_of)
    member.group = target
    member.save(update_fields=["group"])
    warnings: list[str] = []
    _unlead(source, secondment, warnings)
    detail = _("调整分组：%(name)s 由第 %(a)d 组调至第 %(b)d 组") % {
        "name": secondment.cadre.name,
        "a": source.number,
        "b": to_number,
    }
    return warnings + _rebalance(activity, group_of, by, detail)


@transaction.atomic
def groups_swap(*, activity: Activity, first: Secondment, second: Secondment, by: Any) -> list[str]:
    """Swap two members of different groups; returns warnings. Refused when it breaks a pair rule."""
    _require_department(by)
    activity = _lock(activity)
    group_of = _current(activity)[1]
    one, other = _member(activity, first), _member(activity, second)
    if one.group_id == other.group_id:
        raise GroupingError(
            _("%(a)s与%(b)s同在第 %(n)d 组，无需互换。")
            % {"a": first.cadre.name, "b": second.cadre.name, "n": one.group.number}
        )
    group_of[first.pk], group_of[second.pk] = other.group.number, one.group.number
    _check_rules(_rules(activity), group_of)
    one_group, other_group = one.group, other.group
    one.group, other.group = other_group, one_group
    one.save(update_fields=["group"])
    other.save(update_fields=["group"])
    warnings: list[str] = []
    _unlead(one_group, first, warnings)
    _unlead(other_group, second, warnings)
    detail = _("调整分组：%(a)s（第 %(x)d 组）与%(b)s（第 %(y)d 组）互换") % {
        "a": first.cadre.name,
        "x": one_group.number,
        "b": second.cadre.name,
        "y": other_group.number,
    }
    return warnings + _rebalance(activity, group_of, by, detail)


def _rules(activity: Activity) -> list[PairRule]:
    return list(
        PairRule.objects.filter(series_id=activity.series_id).select_related(
            "first__cadre", "second__cadre"
        )
    )


# ---------------------------------------------------------------- leader, task, outcome


@transaction.atomic
def group_update(
    *,
    group: ActivityGroup,
    by: Any,
    leader: Secondment | None,
    task: str,
    outcome: str,
) -> list[str]:
    """Save a group's leader, task (包干任务) and outcome (任务成果); returns remaining breaches.

    The leader must be a member of the group and must not break the rotation
    rule (module docstring). Recording or changing the
    outcome stamps ``outcome_recorded_at``; clearing it clears the stamp.
    """
    _require_department(by)
    _lock(group.activity)
    group = ActivityGroup.objects.select_for_update().get(pk=group.pk)
    if leader is not None and not group.members.filter(secondment=leader).exists():
        raise GroupingError(
            _("%(name)s不是第 %(n)d 组成员，不能担任组长。")
            % {"name": leader.cadre.name, "n": group.number}
        )
    outcome = outcome.strip()
    if group.leader_id != (leader.pk if leader else None):
        _check_leader_edit(group, leader)
    if outcome != group.outcome:
        group.outcome_recorded_at = timezone.now() if outcome else None
    group.leader = leader
    group.task = task.strip()
    group.outcome = outcome
    group.full_clean()
    group.save()
    audit.record(
        action=AuditAction.UPDATE,
        obj=group.activity,
        detail=_("第 %(n)d 组：组长 %(leader)s；包干任务 %(task)s；成果%(outcome)s")
        % {
            "n": group.number,
            "leader": leader.cadre.name if leader else "—",
            "task": group.task[:60] or "—",
            "outcome": _("已记录") if outcome else _("未记录"),
        },
        user=by,
    )
    return leader_warnings(group.activity)


def outcome_recorded_on(group: ActivityGroup) -> datetime.date | None:
    stamp = group.outcome_recorded_at
    return timezone.localdate(stamp) if stamp else None


# ---------------------------------------------------------------- rotating leaders


@dataclass(frozen=True)
class _Rotation:
    """The series up to an activity, as ``engine.rotation`` reads it.

    ``rows[a]`` lists the groups (secondment pks) of the a-th activity of the
    series, ``chosen[a]`` their leaders. Earlier activities contribute only
    their groups that have a leader (a group without one has no turn to
    count); the last row is the activity itself, all its groups.
    """

    rows: list[list[list[int]]]
    chosen: list[list[int | None]]
    groups: list[ActivityGroup]
    labels: dict[int, str]

    def history(self) -> tuple[list[list[list[int]]], list[list[int]]]:
        return self.rows[:-1], [[x for x in row if x is not None] for row in self.chosen[:-1]]

    def check(self, current: list[int | None]) -> list[str]:
        """Breaches with ``current`` as this activity's leaders (groups without one left out)."""
        rows, chosen = self.history()
        led = [(g, x) for g, x in zip(self.rows[-1], current, strict=True) if x is not None]
        return rotation.check_leaders(
            [*rows, [g for g, _x in led]],
            [*chosen, [x for _g, x in led]],
            labels=self.labels,
        )


def _rotation(activity: Activity) -> _Rotation:
    earlier = [
        a.pk
        for a in Activity.objects.filter(series_id=activity.series_id).order_by("held_on", "pk")
        if (a.held_on, a.pk) < (activity.held_on, activity.pk)
    ]
    past = ActivityGroup.objects.filter(activity_id__in=earlier, leader__isnull=False)
    by_activity: dict[int, list[ActivityGroup]] = {pk: [] for pk in earlier}
    for group in past.prefetch_related("members").order_by("number"):
        by_activity[group.activity_id].append(group)
    current = list(activity.groups.prefetch_related("members").order_by("number"))
    rows = [[[m.secondment_id for m in g.members.all()] for g in by_activity[pk]] for pk in earlier]
    chosen: list[list[int | None]] = [[g.leader_id for g in by_activity[pk]] for pk in earlier]
    rows.append([[m.secondment_id for m in g.members.all()] for g in current])
    chosen.append([g.leader_id for g in current])
    people = {pk for row in rows for group in row for pk in group}
    labels = dict(Secondment.objects.filter(pk__in=people).values_list("pk", "cadre__name"))
    return _Rotation(rows=rows, chosen=chosen, groups=current, labels=labels)


def leader_warnings(activity: Activity) -> list[str]:
    """Breaches of the leaders' rule (``engine.rotation.check_leaders``) in the series up to ``activity``."""
    state = _rotation(activity)
    if not state.groups:
        return []
    return state.check(state.chosen[-1])


def _check_leader_edit(group: ActivityGroup, leader: Secondment | None) -> None:
    """Refuse a leader who adds a breach of the rotation rule at this activity."""
    state = _rotation(group.activity)
    before = set(state.check(state.chosen[-1]))
    current = [
        (leader.pk if leader else None) if g.pk == group.pk else g.leader_id for g in state.groups
    ]
    added = [m for m in state.check(current) if m not in before]
    if added:
        raise GroupingError(_("组长轮流担任：同组中担任组长次数更少的成员优先。") + " ".join(added))


@transaction.atomic
def groups_leaders_propose(*, activity: Activity, by: Any, seed: int = 0) -> list[str]:
    """Set each group's leader by ``engine.rotation.leaders``; returns the series' remaining breaches.

    The leaders of the series' earlier activities are kept as they are
    (``fixed``); every group of this activity gets its least-practised member,
    whoever led longest ago first.
    """
    _require_department(by)
    activity = _lock(activity)
    state = _rotation(activity)
    if not state.groups:
        raise GroupingError(_("本活动还没有分组，请先生成分组。"))
    rows, chosen = state.history()
    fixed = {(a, g): leader for a, row in enumerate(chosen) for g, leader in enumerate(row)}
    proposal = rotation.leaders([*rows, state.rows[-1]], seed=seed, fixed=fixed)[-1]
    for group, leader_id in zip(state.groups, proposal, strict=True):
        group.leader_id = leader_id
        group.full_clean()
        group.save(update_fields=["leader"])
    audit.record(
        action=AuditAction.UPDATE,
        obj=activity,
        detail=_("轮流指定组长：%(leaders)s")
        % {
            "leaders": "；".join(
                _("第 %(n)d 组 %(name)s") % {"n": g.number, "name": state.labels[x]}
                for g, x in zip(state.groups, proposal, strict=True)
            )
        },
        user=by,
    )
    return leader_warnings(activity)

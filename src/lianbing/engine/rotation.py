"""Rotation (轮流组织) of organisers over a series, and rotating group leaders (组长轮值).

Organisers
----------
A series of activities is organised by its selected members in turn. The
**fairness rule**: nobody organises a ``k+1``-th time while another member
has organised fewer than ``k`` + 1 times, i.e. at every activity the organiser
is among the members who have organised least so far. For ``m`` members this
is the same as cutting the series into *rounds* (轮) of ``m`` activities
(the last round may be shorter) in which nobody organises twice.

Within a round, :func:`organisers` spreads the host units: each position goes
to the host unit with the most members still to organise in this round,
other than the previous organiser's unit (ties broken by the seed), which is
the classic way to order a multiset with no two equal neighbours whenever
that is possible (the largest unit holds at most half the round, rounded up).
At the start of a round it also avoids the previous round's last unit, when
that still leaves the round an order without equal neighbours. Positions the
department fixes (an edited plan) are kept and the rest is filled around them.

Group leaders
-------------
Each activity's participants are split into groups; every group has a leader
(组长) who owns the group's task (包干). The **rule**: a group's leader has, before
this activity, led no more often than any other member of the same group. It
can always be met, whatever the groups, because each group is free to pick
its least-practised member. Among those, :func:`leaders` takes whoever led
longest ago (never before first), then draws by the seed.

:func:`check_organisers` and :func:`check_leaders` re-check an edited plan on
save and name each breach in Chinese; an empty list means the plan is fair.
The rules are written for department readers in ``docs/grouping.md``.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Final

Labels = Mapping[int, str] | Sequence[str]

_DIGITS: Final[str] = "零一二三四五六七八九十"
#: How many people a message names before "等 N 人".
NAMED_AT_MOST: Final[int] = 3


class RotationError(ValueError):
    """A rotation that cannot be planned as asked (Chinese message)."""


def _times(k: int) -> str:
    """第二次, 第十次, 第 11 次."""
    return f"第{_DIGITS[k]}次" if 0 < k <= 10 else f"第 {k} 次"


def _count(k: int) -> str:
    return f"{_DIGITS[k]}次" if 0 < k <= 10 else f"{k} 次"


def _name(i: int, labels: Labels | None, *, first: int = 1) -> str:
    """A person's label, else "成员 N" (N = position + ``first``)."""
    if labels is not None:
        try:
            return str(labels[i])
        except (IndexError, KeyError):
            pass
    return f"成员 {i + first}"


def _names(people: Sequence[int], labels: Labels | None, *, first: int = 1) -> str:
    shown = "、".join(_name(i, labels, first=first) for i in people[:NAMED_AT_MOST])
    return shown + (f"等 {len(people)} 人" if len(people) > NAMED_AT_MOST else "")


def _unit_keys(units: Sequence[str | None], n: int) -> list[str]:
    """One key per member; a blank unit is a unit of its own (never "the same unit")."""
    if len(units) != n:
        raise RotationError(f"所在单位应为每名成员一项：共 {n} 人，给出了 {len(units)} 项。")
    return [
        u.strip() if isinstance(u, str) and u.strip() else f"\x00{i}" for i, u in enumerate(units)
    ]


def _orderable(counts: Counter[str], first_not: str | None) -> bool:
    """Whether ``counts`` can be ordered with no equal neighbours, not starting with ``first_not``."""
    total = sum(counts.values())
    if total == 0:
        return True
    top = max(counts.values())
    if top > math.ceil(total / 2):
        return False
    return not (first_not is not None and total % 2 == 1 and counts[first_not] == (total + 1) // 2)


def organisers(
    members: Sequence[object],
    units: Sequence[str | None],
    n_activities: int,
    *,
    seed: int = 0,
    fixed: Mapping[int, int] | None = None,
    labels: Labels | None = None,
) -> list[int]:
    """Who organises each activity of a series, as positions in ``members`` (rules above).

    ``units`` gives each member's host unit (blank = none); ``fixed`` maps an
    activity's position (0-based) to the member who must organise it, as
    decided by the department. Raises :class:`RotationError` when a fixed
    member is out of range or fixed twice within one round, which the
    fairness rule forbids; ``labels`` (by member position) words that error.
    """
    m = len(members)
    if m == 0:
        raise RotationError("轮流组织的成员名单为空，请先选定成员。")
    if n_activities < 0:
        raise RotationError("活动场数不能为负数。")
    keys = _unit_keys(units, m)
    fixed = dict(fixed or {})
    for position, who in fixed.items():
        if not 0 <= position < n_activities:
            raise RotationError(f"指定的第 {position + 1} 场不在本系列的 {n_activities} 场之内。")
        if not 0 <= who < m:
            raise RotationError(f"第 {position + 1} 场指定的组织者不在成员名单中。")
    rng = random.Random(seed)
    plan: list[int] = [-1] * n_activities
    for start in range(0, n_activities, m):
        stop = min(start + m, n_activities)
        pinned = {p: fixed[p] for p in range(start, stop) if p in fixed}
        twice = [who for who, c in Counter(pinned.values()).items() if c > 1]
        if twice:
            raise RotationError(
                f"第 {start // m + 1} 轮（第 {start + 1}–{stop} 场）中指定{_names(twice, labels)}"
                "组织了两次；每名成员都组织过一次之后才能再次组织。"
            )
        for p, who in pinned.items():
            plan[p] = who
        free_members = [i for i in range(m) if i not in pinned.values()]
        rng.shuffle(free_members)
        pool: dict[str, list[int]] = {}
        for i in free_members:
            pool.setdefault(keys[i], []).append(i)
        tie = {u: rng.random() for u in pool}
        for p in range(start, stop):
            if p in pinned:
                continue
            before = keys[plan[p - 1]] if p > 0 else None
            after = keys[fixed[p + 1]] if p + 1 in fixed and p + 1 < stop else None
            counts = Counter({u: len(v) for u, v in pool.items() if v})
            ranked = sorted(counts, key=lambda u: (-counts[u], tie[u]))

            def after_pick(u: str, counts: Counter[str] = counts) -> bool:
                rest = counts.copy()
                rest[u] -= 1
                return _orderable(+rest, u)

            within = before if p > start else None  # a neighbour inside this round
            choices = [
                [u for u in ranked if u != before and u != after and after_pick(u)],
                [u for u in ranked if u != within and u != after and after_pick(u)],
                [u for u in ranked if u != within and after_pick(u)],
                [u for u in ranked if u != within],
                ranked,
            ]
            unit = next(c[0] for c in choices if c)
            queue = pool[unit]
            previous = plan[p - 1] if p > 0 else -1
            pick = next((i for i in queue if i != previous), queue[0])
            queue.remove(pick)
            plan[p] = pick
    return plan


def check_organisers(
    sequence: Sequence[int],
    members: Sequence[object],
    units: Sequence[str | None] | None = None,
    *,
    labels: Labels | None = None,
) -> list[str]:
    """Breaches of the organisers' fairness rule in ``sequence``, in Chinese; [] when fair.

    ``sequence`` holds, per activity in order, the organiser's position in
    ``members``. Checked: every organiser is a member; nobody organises a
    ``k+1``-th time while someone has organised fewer than ``k`` + 1 times;
    and, when ``units`` are given, no two neighbours within a round (see the
    module docstring) come from the same host unit when the round's organisers
    could be ordered without it. ``labels`` (by member position) names people.
    """
    m = len(members)
    messages: list[str] = []
    done = [0] * m
    for p, who in enumerate(sequence):
        if not 0 <= who < m:
            messages.append(f"第 {p + 1} 场的组织者不在成员名单中。")
            continue
        least = min(done) if m else 0
        if done[who] > least:
            behind = [i for i in range(m) if done[i] == least]
            state = "尚未组织过" if least == 0 else f"只组织过{_count(least)}"
            messages.append(
                f"{_name(who, labels)}{_times(done[who] + 1)}组织（第 {p + 1} 场）时，"
                f"{_names(behind, labels)}{state}。"
            )
        done[who] += 1
    if units is None or m == 0:
        return messages
    keys = _unit_keys(units, m)
    for start in range(0, len(sequence), m):
        window = [w for w in sequence[start : start + m] if 0 <= w < m]
        if len(window) < len(sequence[start : start + m]):
            continue
        if not _orderable(Counter(keys[w] for w in window), None):
            continue
        for k in range(1, len(window)):
            a, b = window[k - 1], window[k]
            if keys[a] == keys[b]:
                messages.append(
                    f"第 {start + k}、{start + k + 1} 场的组织者{_name(a, labels)}、{_name(b, labels)}"
                    f"同属{keys[a]}；本轮可以把同一单位的成员错开。"
                )
    return messages


def leaders(
    groups_per_activity: Sequence[Sequence[Sequence[int]]],
    *,
    seed: int = 0,
    fixed: Mapping[tuple[int, int], int] | None = None,
) -> list[list[int]]:
    """One leader per group of every activity, rotating by the rule in the module docstring.

    ``groups_per_activity[a][g]`` lists the people (any integer ids) of group
    ``g`` at activity ``a``. Returns ``leaders[a][g]``, a member of that group.
    ``fixed`` maps (activity, group) to a leader the department chose; it is
    kept (and counted) even where it breaks the rule, which
    :func:`check_leaders` then reports. An empty group is refused.
    """
    fixed = dict(fixed or {})
    rng = random.Random(seed)
    led: Counter[int] = Counter()
    last: dict[int, int] = {}
    out: list[list[int]] = []
    for a, groups in enumerate(groups_per_activity):
        row: list[int] = []
        for g, group in enumerate(groups):
            if not group:
                raise RotationError(f"第 {a + 1} 场第 {g + 1} 组没有成员。")
            if (a, g) in fixed:
                if fixed[(a, g)] not in group:
                    raise RotationError(f"第 {a + 1} 场第 {g + 1} 组指定的组长不在该组中。")
                row.append(fixed[(a, g)])
                continue
            tie = {i: rng.random() for i in group}
            row.append(min(group, key=lambda i: (led[i], last.get(i, -1), tie[i])))
        for leader in row:
            led[leader] += 1
            last[leader] = a
        out.append(row)
    return out


def check_leaders(
    groups_per_activity: Sequence[Sequence[Sequence[int]]],
    chosen: Sequence[Sequence[int]],
    *,
    labels: Labels | None = None,
) -> list[str]:
    """Breaches of the leaders' rule in ``chosen`` (as :func:`leaders` returns), in Chinese.

    Checked: one leader per group, each a member of the group; and no leader
    has, before the activity, led more often than another member of the same
    group. ``labels`` maps a person id to a name. [] when fair.
    """
    messages: list[str] = []
    led: Counter[int] = Counter()
    if len(chosen) != len(groups_per_activity):
        return [
            f"组长安排应为每场一行：共 {len(groups_per_activity)} 场，给出了 {len(chosen)} 行。"
        ]
    for a, (groups, row) in enumerate(zip(groups_per_activity, chosen, strict=True)):
        if len(row) != len(groups):
            messages.append(f"第 {a + 1} 场有 {len(groups)} 个组，却安排了 {len(row)} 名组长。")
            continue
        for g, (group, leader) in enumerate(zip(groups, row, strict=True)):
            where = f"第 {a + 1} 场第 {g + 1} 组"
            if leader not in group:
                messages.append(f"{where}的组长{_name(leader, labels, first=0)}不在该组中。")
                continue
            least = min(led[i] for i in group)
            if led[leader] > least:
                behind = [i for i in group if led[i] == least]
                state = "尚未担任过" if least == 0 else f"只担任过{_count(least)}"
                messages.append(
                    f"{_name(leader, labels, first=0)}{_times(led[leader] + 1)}担任组长（{where}）时，"
                    f"同组的{_names(behind, labels, first=0)}{state}。"
                )
        led.update(leader for leader in row)
    return messages

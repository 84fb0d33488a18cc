"""Balanced groups (均衡分组) for the empowerment activities (青鸢赋能计划).

:func:`balanced` splits ``n`` participants into ``ceil(n / group_size)``
groups whose sizes differ by at most one person (none above ``group_size``)
so that the groups are as even as possible in ability and mix categories,
host units and origin units. "Must be together" and "must be apart" pairs are
hard constraints: they always hold, or the call raises
:class:`GroupingInputError` with a Chinese message. The rules are written
for department readers, with a worked example, in ``docs/grouping.md``.

The measure and the cost
------------------------
A person's *total ability* is the sum of their ability scores (a row of
``profiles``); a group's *mean total* is the mean of its members' totals. The
**spread** of a split is ``max - min`` over groups of the mean total, in
ability points. It is the headline measure: the page shows it and compares it
with random splits (:func:`random_spreads`, :func:`percentile`).

CATME's team-maker and gruepr maximise the weakest team. With groups of equal
size the mean of the group means is fixed (it is everyone's mean), so lifting
the weakest group and narrowing the spread pull the same way; but
maximising the weakest alone leaves the strongest group free to pull ahead,
and with groups of two sizes the group means no longer average to a constant.
Minimising the spread bounds both ends at once, and it is the quantity the
random-split comparison reports, so it is the one optimised. The weakest
group's mean is reported beside it (:attr:`Grouping.weakest`).

The split minimises the weighted cost (every term in ability points)::

    cost = spread + ABILITY_WEIGHT * mean over abilities of that ability's spread
                  + MIXING_WEIGHT * excess

where an ability's spread is ``max - min`` over groups of the group mean of
that ability, and ``excess`` counts, for each label kind (category, host
unit, origin unit) and each label, the people of a group beyond the label's
even share ``ceil(count / n_groups)``. With :data:`MIXING_WEIGHT` = 5 points
one person beyond the even share costs more than any spread a good split has
(a fraction of a point at 40 people), so mixing is in practice honoured first
whenever the hard constraints allow it, and the ability balance is optimised
among well-mixed splits; :data:`ABILITY_WEIGHT` = 1/2 keeps the per-ability
evenness a secondary term.

The method
----------
1. **Heuristic** (always): people tied by "must be together" pairs form
   blocks. Blocks are dealt largest first, then by mean total ability, to the
   groups in snake order (0, 1, ..., G-1, G-1, ..., 0, ...), each to the first
   group in that order with room, no "must be apart" conflict and the least
   added mixing excess (seeded random orders if that runs into a dead end).
   A local search then gives each block, in a seeded order, its best swap
   with a block of equal size in another group, or its best move (one person
   from a larger to a smaller group), whenever that lowers the cost, or keeps
   it and lowers the sum of squared deviations of the group mean totals (a
   tie-break that lets the search walk along plateaus of equal spread).
   Iterated local search repeats this from the best split so far perturbed
   by :data:`KICK_SWAPS` random swaps, ``KICK_BUDGET // blocks`` times
   (within [:data:`KICKS_MIN`, :data:`KICKS_MAX`]).
2. **CP-SAT** (OR-Tools), for up to :data:`EXACT_MAX_PEOPLE` people (or
   when the heuristic finds no split that honours the pairs), warm-started
   with the heuristic's split: an exact model of the cost above on scores
   rounded to 0.01 point, the groups of one size ordered by their first
   member (which removes symmetric copies without cutting off any split).
   It stops when it proves its split optimal (``.optimal``; optimal for the
   rounded scores) or at the time limit with the best split found and a
   proven lower bound on the cost (``.bound``). Beyond a few dozen people
   CP-SAT neither improves the heuristic's split within seconds nor proves a
   useful bound, so it is not run.

The heuristic's split is kept when CP-SAT finds nothing better. The reported
spread and cost are computed from the given floats. One search worker, a
seeded random order and a deterministic limit besides the wall-clock one make
the result depend only on the input and ``seed``, unless the wall-clock limit
(``time_limit``: the heuristic's rounds, then CP-SAT) strikes first on a
loaded machine.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from ortools.sat.python import cp_model

FloatArray = NDArray[np.float64]
Pair = tuple[int, int]

#: Weight of the mean per-ability spread beside the spread of the mean total.
ABILITY_WEIGHT: Final[Fraction] = Fraction(1, 2)
#: Cost, in ability points of spread, of one person beyond a label's even share.
MIXING_WEIGHT: Final[Fraction] = Fraction(5)
#: Scores are rounded to 1 / SCALE point for CP-SAT.
SCALE: Final[int] = 100
#: Upper bound on the heuristic's local-search passes.
MAX_PASSES: Final[int] = 30
#: Iterated local search: rounds = KICK_BUDGET // blocks, within [KICKS_MIN, KICKS_MAX].
KICK_BUDGET: Final[int] = 600
KICKS_MIN: Final[int] = 10
KICKS_MAX: Final[int] = 100
#: Random swaps that perturb the best split at the start of each round.
KICK_SWAPS: Final[int] = 3
#: Up to this many people CP-SAT runs after the heuristic (beyond, the heuristic alone).
EXACT_MAX_PEOPLE: Final[int] = 16
#: Share of ``time_limit`` the heuristic may use before CP-SAT starts.
HEURISTIC_SHARE: Final[float] = 0.5
#: Default wall-clock limit of :func:`balanced`, in seconds.
DEFAULT_TIME_LIMIT: Final[float] = 8.0

METHOD_OPTIMAL: Final[str] = "CP-SAT（已证明最优）"
METHOD_FEASIBLE: Final[str] = "CP-SAT（时限内最好解）"
METHOD_HEURISTIC: Final[str] = "启发式（蛇形分配＋交换改进）"

LABEL_KINDS: Final[tuple[str, ...]] = ("类别", "所在单位", "原单位")


class GroupingInputError(ValueError):
    """Input :func:`balanced` cannot take, or constraints no split can meet (Chinese message)."""


@dataclass(frozen=True)
class Grouping:
    """A split into groups and how balanced it is.

    ``groups`` lists each group's person indices (ascending; groups in
    descending size, then by first member). ``means`` is each group's mean
    total ability and ``ability_means[g][a]`` its mean of ability ``a``;
    ``spread`` is ``max(means) - min(means)`` and ``ability_spreads[a]`` the
    same for ability ``a``. ``excess`` maps each label kind (类别 / 所在单位 /
    原单位) to the people beyond even shares (see :func:`mixing`); ``cost`` is
    the cost the split minimises (module docstring) and ``bound`` a proven
    lower bound on it (None when CP-SAT did not run or proved nothing).
    ``optimal`` is True when CP-SAT proved no split costs less; ``method`` says
    in Chinese how the split was found and ``status`` is CP-SAT's status name
    ("OPTIMAL", "FEASIBLE", "UNKNOWN") or "HEURISTIC" when it did not run.
    """

    groups: list[list[int]]
    spread: float
    means: tuple[float, ...]
    ability_means: tuple[tuple[float, ...], ...]
    ability_spreads: tuple[float, ...]
    excess: dict[str, int]
    cost: float
    bound: float | None
    optimal: bool
    method: str
    status: str
    seconds: float

    @property
    def weakest(self) -> float:
        """The lowest group mean total ability."""
        return min(self.means)


@dataclass(frozen=True)
class Mixing:
    """How one kind of label spreads over groups (see :func:`mixing`).

    ``counts[g]`` maps each label to its number of people in group ``g``;
    ``share[label]`` is the even share ``ceil(count / n_groups)``;
    ``excess[g]`` the people of group ``g`` beyond their label's share, and
    ``total`` their sum.
    """

    counts: list[dict[str, int]]
    share: dict[str, int]
    excess: list[int]

    @property
    def total(self) -> int:
        return sum(self.excess)


def mixing(groups: Sequence[Sequence[int]], labels: Sequence[str | None]) -> Mixing:
    """Count each label in each group, and the people beyond the label's even share.

    ``labels`` gives one label per person (blank or None = no label, not
    counted). A label held by ``c`` people has the even share
    ``ceil(c / len(groups))``: the fewest a split can hold in its fullest group.
    """
    n_groups = len(groups)
    totals = Counter(label for label in labels if label)
    share = {label: math.ceil(c / n_groups) for label, c in sorted(totals.items())}
    counts = [dict(sorted(_present(labels, g).items())) for g in groups]
    excess = [sum(max(0, c - share[label]) for label, c in row.items()) for row in counts]
    return Mixing(counts=counts, share=share, excess=excess)


def _present(labels: Sequence[str | None], members: Sequence[int]) -> Counter[str]:
    """How many of ``members`` hold each label (blank labels left out)."""
    return Counter(x for x in (labels[i] for i in members) if x)


def sizes_for(n: int, group_size: int) -> list[int]:
    """Group sizes for ``n`` people: ``ceil(n / group_size)`` groups, larger ones first."""
    n_groups = math.ceil(n / group_size)
    base, extra = divmod(n, n_groups)
    return [base + 1] * extra + [base] * (n_groups - extra)


def spread_of(profiles: ArrayLike, groups: Sequence[Sequence[int]]) -> float:
    """``max - min`` over groups of the mean total ability (the measure of :func:`balanced`)."""
    totals = np.asarray(profiles, dtype=np.float64).sum(axis=1)
    means = [float(totals[list(g)].mean()) for g in groups]
    return max(means) - min(means)


# ---------------------------------------------------------------- input checks


def _who(i: int, names: Sequence[str] | None) -> str:
    return names[i] if names is not None else f"第 {i + 1} 人"


def _check_labels(
    labels: Sequence[str | None] | None, n: int, noun: str
) -> list[str | None] | None:
    if labels is None:
        return None
    if len(labels) != n:
        raise GroupingInputError(f"{noun}应为每人一项：共 {n} 人，给出了 {len(labels)} 项。")
    return [str(x).strip() if x is not None and str(x).strip() else None for x in labels]


def _check_pairs(
    pairs: Sequence[Pair], n: int, noun: str, names: Sequence[str] | None
) -> list[Pair]:
    checked: list[Pair] = []
    for pair in pairs:
        i, j = (int(pair[0]), int(pair[1]))
        if not (0 <= i < n and 0 <= j < n):
            raise GroupingInputError(f"“{noun}”中的人员编号超出范围（共 {n} 人）。")
        if i == j:
            raise GroupingInputError(f"“{noun}”中{_who(i, names)}与自己成对，请删除这一项。")
        checked.append((min(i, j), max(i, j)))
    return sorted(set(checked))


def _blocks(n: int, together: list[Pair]) -> list[list[int]]:
    """People joined by "must be together" pairs (connected components), by first member."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in together:
        a, b = root(i), root(j)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    return sorted(members.values(), key=lambda b: b[0])


# ---------------------------------------------------------------- the problem


@dataclass(frozen=True, eq=False)
class _Problem:
    """Everything the heuristic and CP-SAT share, per block of people kept together."""

    profiles: FloatArray  # (n, k)
    sizes: list[int]  # per group index, larger first
    blocks: list[list[int]]
    block_of: list[int]  # per person
    conflicts: list[set[int]]  # per block, blocks it must be apart from
    label_kinds: list[tuple[str, list[str | None]]]

    @property
    def n_groups(self) -> int:
        return len(self.sizes)


def _cost_parts(
    problem: _Problem, groups: Sequence[Sequence[int]]
) -> tuple[float, FloatArray, FloatArray, dict[str, int], float]:
    """Spread, group means of each ability (G, k), ability spreads, excess and the cost."""
    ability_means = np.array([problem.profiles[list(g)].mean(axis=0) for g in groups])
    totals = ability_means.sum(axis=1)
    spread = float(totals.max() - totals.min())
    ability_spreads = ability_means.max(axis=0) - ability_means.min(axis=0)
    excess = {kind: mixing(groups, labels).total for kind, labels in problem.label_kinds}
    cost = (
        spread
        + float(ABILITY_WEIGHT) * float(ability_spreads.mean())
        + float(MIXING_WEIGHT) * sum(excess.values())
    )
    return spread, ability_means, ability_spreads, excess, cost


class _State:
    """A split of blocks over groups with the running sums the local search needs."""

    def __init__(self, problem: _Problem, group_of: list[int]) -> None:
        self.p = problem
        n_groups = problem.n_groups
        self.group_of = np.asarray(group_of, dtype=np.int64)  # per block
        self.block_sums = np.array([problem.profiles[b].sum(axis=0) for b in problem.blocks])
        self.block_size = np.array([len(b) for b in problem.blocks], dtype=np.float64)
        # One column per (kind, label): the excess is summed over kinds anyway.
        columns: list[FloatArray] = [np.zeros((len(problem.blocks), 0))]
        for _, labels in problem.label_kinds:
            names = sorted({x for x in labels if x})
            column = {x: c for c, x in enumerate(names)}
            counts = np.zeros((len(problem.blocks), len(names)))
            for b, block in enumerate(problem.blocks):
                for label, c in _present(labels, block).items():
                    counts[b, column[label]] += c
            columns.append(counts)
        self.block_labels = np.hstack(columns)
        self.shares = np.ceil(self.block_labels.sum(axis=0) / n_groups)
        self.has_conflict = np.array([bool(c) for c in problem.conflicts])
        self._recount()

    def _recount(self) -> None:
        n_groups = self.p.n_groups
        onehot = np.zeros((len(self.group_of), n_groups))
        onehot[np.arange(len(self.group_of)), self.group_of] = 1.0
        self.sums = onehot.T @ self.block_sums
        self.size = onehot.T @ self.block_size
        self.counts = onehot.T @ self.block_labels

    def _excess(self, counts: FloatArray) -> FloatArray:
        """People beyond even shares, per row of label counts."""
        return np.asarray(np.maximum(0.0, counts - self.shares).sum(axis=-1), dtype=np.float64)

    def score(self) -> tuple[float, float]:
        """(cost, spread of group mean totals as a sum of squares) of the current split."""
        means = self.sums / self.size[:, None]
        table = np.column_stack([means.sum(axis=1), means])
        span = table.max(axis=0) - table.min(axis=0)
        excess = float(self._excess(self.counts).sum())
        cost = span[0] + float(ABILITY_WEIGHT) * span[1:].mean() + float(MIXING_WEIGHT) * excess
        totals = table[:, 0]
        return float(cost), float(((totals - totals.mean()) ** 2).sum())

    def best_change(self, a: int) -> tuple[float, float, int, int] | None:
        """The best swap of block ``a`` with a block of equal size elsewhere, or move of ``a``.

        Returns (cost, sum of squares, other block or -1 for a move, target group).
        """
        g = int(self.group_of[a])
        n_groups = self.p.n_groups
        others = np.flatnonzero((self.group_of != g) & (self.block_size == self.block_size[a]))
        moves = np.flatnonzero(self.size == self.size[g] - 1)
        if self.block_size[a] != 1:
            moves = moves[:0]
        targets = np.concatenate([self.group_of[others], moves])
        if targets.size == 0:
            return None
        partner = np.concatenate([others, np.full(len(moves), -1, dtype=np.int64)])
        swap = partner >= 0
        incoming = np.where(swap[:, None], self.block_sums[np.maximum(partner, 0)], 0.0)
        size_g = self.size[g] - np.where(swap, 0.0, 1.0)
        size_h = self.size[targets] + np.where(swap, 0.0, 1.0)
        sums_g = self.sums[g] - self.block_sums[a] + incoming
        sums_h = self.sums[targets] - incoming + self.block_sums[a]
        means_g = sums_g / size_g[:, None]
        means_h = sums_h / size_h[:, None]
        new_g = np.column_stack([means_g.sum(axis=1), means_g])
        new_h = np.column_stack([means_h.sum(axis=1), means_h])

        means = self.sums / self.size[:, None]
        table = np.column_stack([means.sum(axis=1), means])  # (G, 1 + k)
        if n_groups > 2:
            # Max and min over the groups other than g and each target: the first of the
            # three largest (smallest) per column that is neither.
            hi = _extreme_without(table, g, targets, largest=True)
            lo = _extreme_without(table, g, targets, largest=False)
            hi = np.maximum(hi, np.maximum(new_g, new_h))
            lo = np.minimum(lo, np.minimum(new_g, new_h))
        else:
            hi, lo = np.maximum(new_g, new_h), np.minimum(new_g, new_h)
        span = hi - lo
        cost = span[:, 0] + float(ABILITY_WEIGHT) * span[:, 1:].mean(axis=1)
        if self.block_labels.shape[1]:
            labels = self.block_labels
            base = self._excess(self.counts).sum()
            incoming_labels = np.where(swap[:, None], labels[np.maximum(partner, 0)], 0.0)
            counts_g = self.counts[g] - labels[a] + incoming_labels
            counts_h = self.counts[targets] - incoming_labels + labels[a]
            old = self._excess(self.counts[g]) + self._excess(self.counts[targets])
            excess = base - old + self._excess(counts_g) + self._excess(counts_h)
            cost = cost + float(MIXING_WEIGHT) * excess
        totals = table[:, 0]
        sum_t = totals.sum() - totals[g] - totals[targets] + new_g[:, 0] + new_h[:, 0]
        sumsq = (
            (totals**2).sum()
            - totals[g] ** 2
            - totals[targets] ** 2
            + new_g[:, 0] ** 2
            + new_h[:, 0] ** 2
        )
        squares = sumsq - sum_t**2 / n_groups

        ok = np.ones(len(targets), dtype=bool)
        if self.has_conflict[a]:
            rivals = np.fromiter(self.p.conflicts[a], dtype=np.int64)
            in_group = np.bincount(self.group_of[rivals], minlength=n_groups)[targets]
            ok &= in_group - np.isin(partner, rivals) == 0
        for c in np.flatnonzero(swap & self.has_conflict[np.maximum(partner, 0)]):
            ok[c] = ok[c] and self._fits(int(partner[c]), g, leaving=a)
        if not ok.any():
            return None
        order = np.lexsort((squares, np.round(cost, 9)))
        best = int(order[np.flatnonzero(ok[order])[0]])
        return float(cost[best]), float(squares[best]), int(partner[best]), int(targets[best])

    def _fits(self, b: int, g: int, leaving: int) -> bool:
        """Whether block ``b`` may join group ``g`` once block ``leaving`` (-1: none) left it."""
        return not any(
            int(self.group_of[other]) == g and other != leaving for other in self.p.conflicts[b]
        )

    def apply(self, a: int, partner: int, target: int) -> None:
        g = int(self.group_of[a])
        self._shift(a, g, target)
        if partner >= 0:
            self._shift(partner, target, g)

    def _shift(self, b: int, source: int, target: int) -> None:
        self.group_of[b] = target
        for a_group, sign in ((source, -1.0), (target, 1.0)):
            self.sums[a_group] += sign * self.block_sums[b]
            self.size[a_group] += sign * self.block_size[b]
            self.counts[a_group] += sign * self.block_labels[b]

    def groups(self) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in range(self.p.n_groups)]
        for b, g in enumerate(self.group_of):
            out[int(g)].extend(self.p.blocks[b])
        return _canonical(out)


def _extreme_without(
    table: FloatArray, g: int, targets: NDArray[np.int64], *, largest: bool
) -> FloatArray:
    """Per target ``h`` and column, the max (min) of ``table`` over rows other than g and h."""
    order = np.argsort(-table if largest else table, axis=0, kind="stable")[:3]  # (3, C)
    values = np.take_along_axis(table, order, axis=0)  # (3, C)
    out = np.broadcast_to(values[2], (len(targets), table.shape[1])).copy()
    for rank in (1, 0):
        usable = (order[rank] != g)[None, :] & (order[rank][None, :] != targets[:, None])
        out = np.where(usable, values[rank][None, :], out)
    return out


def _canonical(groups: list[list[int]]) -> list[list[int]]:
    """Members ascending; groups by descending size, then by first member."""
    return sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))


def _deal(problem: _Problem, rng: random.Random, shuffle: bool) -> list[int] | None:
    """Snake draft of blocks to groups, or None at a dead end (see the module docstring)."""
    n_groups = problem.n_groups
    totals = problem.profiles.sum(axis=1)
    order = list(range(len(problem.blocks)))
    if shuffle:
        rng.shuffle(order)
    else:
        order.sort(
            key=lambda b: (-len(problem.blocks[b]), -float(totals[problem.blocks[b]].mean()), b)
        )
    room = list(problem.sizes)
    snake = [*range(n_groups), *reversed(range(n_groups))]
    placed: list[set[int]] = [set() for _ in range(n_groups)]
    counts: list[list[Counter[str]]] = [
        [Counter() for _ in range(n_groups)] for _ in problem.label_kinds
    ]
    shares = []
    for _, labels in problem.label_kinds:
        t = Counter(x for x in labels if x)
        shares.append({x: math.ceil(c / n_groups) for x, c in t.items()})
    group_of = [-1] * len(problem.blocks)
    turn = 0
    for b in order:
        block = problem.blocks[b]
        best: tuple[int, int] | None = None
        for step in range(len(snake)):
            g = snake[(turn + step) % len(snake)]
            if room[g] < len(block) or problem.conflicts[b] & placed[g]:
                continue
            added = 0
            for kind, (_, labels) in enumerate(problem.label_kinds):
                extra = _present(labels, block)
                for label, c in extra.items():
                    now = counts[kind][g][label]
                    cap = shares[kind][label]
                    added += max(0, now + c - cap) - max(0, now - cap)
            if best is None or added < best[0]:
                best = (added, step)
            if added == 0:
                break
        if best is None:
            return None
        g = snake[(turn + best[1]) % len(snake)]
        turn = (turn + best[1] + 1) % len(snake)
        group_of[b] = g
        room[g] -= len(block)
        placed[g].add(b)
        for kind, (_, labels) in enumerate(problem.label_kinds):
            counts[kind][g].update(_present(labels, block))
    return group_of


def _improve(state: _State, rng: random.Random) -> None:
    """Apply each block's best swap or move while (cost, sum of squares) strictly falls.

    The sum of squared deviations of the group mean totals breaks ties of the
    cost, so the search can walk along a plateau of equal spread towards
    splits where the extreme groups are easier to pull in. Blocks are visited
    in an order drawn from the seed; each pass stops early when nothing
    improves, and there are at most :data:`MAX_PASSES` passes.
    """
    order = list(range(len(state.p.blocks)))
    rng.shuffle(order)
    current = state.score()
    for _ in range(MAX_PASSES):
        improved = False
        for a in order:
            change = state.best_change(a)
            if change is None:
                continue
            cost, squares, partner, target = change
            if cost < current[0] - 1e-9 or (
                cost < current[0] + 1e-9 and squares < current[1] - 1e-9
            ):
                state.apply(a, partner, target)
                current = state.score()
                improved = True
        if not improved:
            return


def _kick(state: _State, rng: random.Random, swaps: int) -> None:
    """Swap a few random pairs of equal-size blocks across groups (keeping every constraint)."""
    n_blocks = len(state.p.blocks)
    for _ in range(swaps * 10):
        if swaps == 0:
            return
        a, b = rng.randrange(n_blocks), rng.randrange(n_blocks)
        g, h = int(state.group_of[a]), int(state.group_of[b])
        if g == h or state.block_size[a] != state.block_size[b]:
            continue
        if state._fits(a, h, leaving=b) and state._fits(b, g, leaving=a):
            state.apply(a, b, h)
            swaps -= 1


def _heuristic(problem: _Problem, seed: int, deadline: float = math.inf) -> list[list[int]] | None:
    """Snake draft, local search, then :func:`_kicks` rounds of iterated local search.

    Each round perturbs the best split so far by :data:`KICK_SWAPS` random
    swaps, descends again and keeps the result when its (cost, sum of
    squares) is lower. The number of rounds depends only on the size, so the
    outcome depends only on the input and the seed, unless the rounds are cut
    short at ``deadline`` (a ``time.perf_counter()`` value) on a slow machine.
    """
    rng = random.Random(seed)
    group_of = _deal(problem, rng, shuffle=False)
    tries = 0
    while group_of is None and tries < 200:
        group_of = _deal(problem, rng, shuffle=True)
        tries += 1
    if group_of is None:
        return None
    state = _State(problem, group_of)
    _improve(state, rng)
    best, best_score = state.group_of.copy(), state.score()
    for _ in range(_kicks(len(problem.blocks))):
        if time.perf_counter() > deadline:
            break
        state.group_of = best.copy()
        state._recount()
        _kick(state, rng, KICK_SWAPS)
        _improve(state, rng)
        score = state.score()
        if score[0] < best_score[0] - 1e-9 or (
            score[0] < best_score[0] + 1e-9 and score[1] < best_score[1] - 1e-9
        ):
            best, best_score = state.group_of.copy(), score
    state.group_of = best
    state._recount()
    return state.groups()


def _kicks(n_blocks: int) -> int:
    return max(KICKS_MIN, min(KICKS_MAX, KICK_BUDGET // max(n_blocks, 1)))


def _cp_sat(
    problem: _Problem, hint: list[list[int]] | None, seed: int, time_limit: float
) -> tuple[list[list[int]] | None, str, float | None]:
    """Solve the model of the module docstring; the split, the status name and the cost bound."""
    sizes = problem.sizes
    n_groups, k = problem.n_groups, problem.profiles.shape[1]
    blocks = problem.blocks
    points = np.rint(problem.profiles * SCALE).astype(np.int64)
    block_points = [points[b].sum(axis=0) for b in blocks]
    lcm = math.lcm(*set(sizes))
    factor = [lcm // s for s in sizes]  # scaled mean = group sum * factor

    model = cp_model.CpModel()
    y = [[model.new_bool_var(f"y{b}_{g}") for g in range(n_groups)] for b in range(len(blocks))]
    for b in range(len(blocks)):
        model.add_exactly_one(y[b])
    for g in range(n_groups):
        model.add(sum(len(blocks[b]) * y[b][g] for b in range(len(blocks))) == sizes[g])
    for b in range(len(blocks)):
        for other in problem.conflicts[b]:
            if other > b:
                for g in range(n_groups):
                    model.add_bool_or([y[b][g].Not(), y[other][g].Not()])
    # Groups of one size in the order of their first block: y[b][g+1] needs an earlier block in g.
    for g in range(n_groups - 1):
        if sizes[g] == sizes[g + 1]:
            for b in range(len(blocks)):
                model.add(sum(y[j][g] for j in range(b)) >= y[b][g + 1])

    top = int(np.abs(points).sum(axis=1).max()) * max(sizes) * max(factor) + 1
    sums = [
        [sum(int(block_points[b][a]) * y[b][g] for b in range(len(blocks))) for a in range(k)]
        for g in range(n_groups)
    ]

    def spread_var(values: list[cp_model.LinearExprT], name: str) -> cp_model.IntVar:
        hi = model.new_int_var(-top * k, top * k, f"hi_{name}")
        lo = model.new_int_var(-top * k, top * k, f"lo_{name}")
        for v in values:
            model.add(hi >= v)
            model.add(lo <= v)
        spread = model.new_int_var(0, 2 * top * k, f"spread_{name}")
        model.add(spread == hi - lo)
        return spread

    total_spread = spread_var(
        [factor[g] * sum(sums[g][a] for a in range(k)) for g in range(n_groups)], "total"
    )
    ability_spreads = [
        spread_var([factor[g] * sums[g][a] for g in range(n_groups)], f"a{a}") for a in range(k)
    ]
    excess_terms: list[cp_model.IntVar] = []
    for kind, (_, labels) in enumerate(problem.label_kinds):
        per_block = [_present(labels, block) for block in blocks]
        totals = Counter(x for x in labels if x)
        for label, count in sorted(totals.items()):
            share = math.ceil(count / n_groups)
            holders = [(b, c[label]) for b, c in enumerate(per_block) if c[label]]
            if sum(c for _, c in holders) <= share:
                continue
            for g in range(n_groups):
                ex = model.new_int_var(0, count, f"ex{kind}_{label}_{g}")
                model.add(ex >= sum(c * y[b][g] for b, c in holders) - share)
                excess_terms.append(ex)

    # cost in points = spread / (SCALE * lcm) + ...; integer weights over a common denominator.
    w_total = Fraction(1, SCALE * lcm)
    w_ability = ABILITY_WEIGHT / k / (SCALE * lcm)
    w_mix = MIXING_WEIGHT
    denominator = math.lcm(w_total.denominator, w_ability.denominator, w_mix.denominator)
    model.minimize(
        int(w_total * denominator) * total_spread
        + int(w_ability * denominator) * sum(ability_spreads)
        + int(w_mix * denominator) * sum(excess_terms)
    )

    if hint is not None:
        by_group = _hint_order(hint, sizes, problem.block_of)
        for g, members in enumerate(by_group):
            inside = {problem.block_of[i] for i in members}
            for b in range(len(blocks)):
                model.add_hint(y[b][g], b in inside)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.max_deterministic_time = max(0.1, time_limit)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, name, None
    groups: list[list[int]] = [[] for _ in range(n_groups)]
    for b in range(len(blocks)):
        for g in range(n_groups):
            if solver.boolean_value(y[b][g]):
                groups[g].extend(blocks[b])
    bound = solver.best_objective_bound / denominator
    return _canonical(groups), name, float(bound)


def _hint_order(groups: list[list[int]], sizes: list[int], block_of: list[int]) -> list[list[int]]:
    """Put a split's groups on the model's indices: by size as ``sizes``, then by first block."""
    ordered = sorted(groups, key=lambda g: (-len(g), min(block_of[i] for i in g)))
    assert [len(g) for g in ordered] == sizes
    return ordered


def balanced(
    profiles: ArrayLike,
    *,
    group_size: int,
    categories: Sequence[str | None] | None = None,
    units: Sequence[str | None] | None = None,
    separate: Sequence[Pair] = (),
    together: Sequence[Pair] = (),
    seed: int = 0,
    origins: Sequence[str | None] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    names: Sequence[str] | None = None,
) -> Grouping:
    """Split people into balanced, well-mixed groups (rules in the module docstring).

    ``profiles`` is a float array (n_people, n_abilities); ``group_size`` the
    largest group. There are ``ceil(n / group_size)`` groups whose sizes differ
    by at most one. ``categories``, ``units`` (host units) and ``origins``
    (origin units) give one label per person to mix across groups;
    ``separate`` and ``together`` are person-index pairs that must be in
    different groups / the same group, always honoured. ``time_limit`` caps
    the search in seconds; ``names`` (one per person) only words the errors.

    Raises :class:`GroupingInputError` (Chinese message) for malformed input or
    constraints no split can meet.
    """
    started = time.perf_counter()
    matrix = np.asarray(profiles, dtype=np.float64)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise GroupingInputError("能力分应为每人一行、每项能力一列的表。")
    if not np.all(np.isfinite(matrix)):
        raise GroupingInputError("能力分中有空值或非数字，请补全后再分组。")
    n = matrix.shape[0]
    if n < 2:
        raise GroupingInputError("至少需要 2 人才能分组。")
    if group_size < 2:
        raise GroupingInputError("每组人数至少为 2。")
    if names is not None and len(names) != n:
        raise GroupingInputError(f"姓名应为每人一项：共 {n} 人，给出了 {len(names)} 项。")
    kinds = [
        (kind, checked)
        for kind, labels in zip(LABEL_KINDS, (categories, units, origins), strict=True)
        if (checked := _check_labels(labels, n, kind)) is not None
    ]
    apart = _check_pairs(separate, n, "必须分开", names)
    with_ = _check_pairs(together, n, "必须同组", names)

    sizes = sizes_for(n, group_size)
    blocks = _blocks(n, with_)
    block_of = [0] * n
    for b, block in enumerate(blocks):
        for i in block:
            block_of[i] = b
    for block in blocks:
        if len(block) > sizes[0]:
            who = "、".join(_who(i, names) for i in block)
            raise GroupingInputError(
                f"{who}必须同组，共 {len(block)} 人，超过每组最多 {sizes[0]} 人；请减少“必须同组”的要求。"
            )
    conflicts: list[set[int]] = [set() for _ in blocks]
    for i, j in apart:
        if block_of[i] == block_of[j]:
            raise GroupingInputError(
                f"{_who(i, names)}与{_who(j, names)}既要求同组（直接或经他人）又要求分开，请删去其中一项。"
            )
        conflicts[block_of[i]].add(block_of[j])
        conflicts[block_of[j]].add(block_of[i])
    problem = _Problem(matrix, sizes, blocks, block_of, conflicts, kinds)

    exact = n <= EXACT_MAX_PEOPLE
    share = HEURISTIC_SHARE if exact else 1.0
    heuristic = _heuristic(problem, seed, deadline=started + share * time_limit)
    found: list[list[int]] | None = None
    status, bound = "HEURISTIC", None
    if exact or heuristic is None:
        remaining = time_limit - (time.perf_counter() - started)
        found, status, bound = _cp_sat(problem, heuristic, seed, remaining)
    if found is None and heuristic is None:
        if status == "INFEASIBLE":
            raise GroupingInputError(
                f"分成 {len(sizes)} 组（每组 {min(sizes)}–{max(sizes)} 人）时，无法同时满足全部"
                "“必须同组”“必须分开”的要求；请减少要求或调整每组人数。"
            )
        raise GroupingInputError(
            f"在 {time_limit:g} 秒内未找到满足“必须同组”“必须分开”要求的分组；请延长时间或减少要求。"
        )

    chosen, method, optimal = heuristic, METHOD_HEURISTIC, False
    if found is not None:
        heuristic_cost = _cost_parts(problem, heuristic)[4] if heuristic is not None else math.inf
        if status == "OPTIMAL" or _cost_parts(problem, found)[4] <= heuristic_cost + 1e-9:
            chosen = found
            optimal = status == "OPTIMAL"
            method = METHOD_OPTIMAL if optimal else METHOD_FEASIBLE
    assert chosen is not None
    spread, ability_means, ability_spreads, excess, cost = _cost_parts(problem, chosen)
    totals = ability_means.sum(axis=1)
    return Grouping(
        groups=chosen,
        spread=spread,
        means=tuple(float(x) for x in totals),
        ability_means=tuple(tuple(float(x) for x in row) for row in ability_means),
        ability_spreads=tuple(float(x) for x in ability_spreads),
        excess=excess,
        cost=cost,
        bound=bound,
        optimal=optimal,
        method=method,
        status=status,
        seconds=time.perf_counter() - started,
    )


# ---------------------------------------------------------------- random splits


def random_spreads(
    profiles: ArrayLike,
    *,
    group_size: int,
    count: int = 1000,
    seed: int = 0,
    together: Sequence[Pair] = (),
    separate: Sequence[Pair] = (),
) -> FloatArray:
    """Spreads (as :func:`spread_of`) of ``count`` random splits with the sizes of :func:`balanced`.

    Without pairs each split is a uniformly random permutation of the people
    cut into the groups' sizes. With pairs, people tied by "must be together"
    pairs move as one block: the blocks are taken in a random order and each
    goes to a uniformly random group that still has room for it and holds no
    one it must be apart from; a draw that runs into a dead end is drawn
    again (up to 100 times per split). Such splits honour every hard
    constraint but are not exactly uniform over the splits that do.
    """
    matrix = np.asarray(profiles, dtype=np.float64)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    n = matrix.shape[0]
    if n < 2 or group_size < 2:
        raise GroupingInputError("至少需要 2 人、每组至少 2 人才能分组。")
    totals = matrix.sum(axis=1)
    sizes = sizes_for(n, group_size)
    rng = np.random.default_rng(seed)
    if not together and not separate:
        labels = np.repeat(np.arange(len(sizes)), sizes)
        order = np.argsort(rng.random((count, n)), axis=1)
        group_sums = np.zeros((count, len(sizes)))
        rows = np.repeat(np.arange(count), n)
        np.add.at(group_sums, (rows, np.tile(labels, count)), totals[order].ravel())
        means = group_sums / np.asarray(sizes, dtype=np.float64)
        return np.asarray(means.max(axis=1) - means.min(axis=1), dtype=np.float64)

    blocks = _blocks(n, _check_pairs(together, n, "必须同组", None))
    block_of = {i: b for b, block in enumerate(blocks) for i in block}
    conflicts: list[set[int]] = [set() for _ in blocks]
    for i, j in _check_pairs(separate, n, "必须分开", None):
        conflicts[block_of[i]].add(block_of[j])
        conflicts[block_of[j]].add(block_of[i])
    spreads = np.empty(count)
    for s in range(count):
        for _ in range(100):
            room = list(sizes)
            placed: list[set[int]] = [set() for _ in sizes]
            group_of = [-1] * len(blocks)
            for b in rng.permutation(len(blocks)):
                open_ = [
                    g
                    for g in range(len(sizes))
                    if room[g] >= len(blocks[b]) and not conflicts[b] & placed[g]
                ]
                if not open_:
                    break
                g = open_[int(rng.integers(len(open_)))]
                group_of[b], room[g] = g, room[g] - len(blocks[b])
                placed[g].add(int(b))
            else:
                break
        else:
            raise GroupingInputError("随机分组多次未能满足“必须同组”“必须分开”的要求。")
        groups: list[list[int]] = [[] for _ in sizes]
        for b, g in enumerate(group_of):
            groups[g].extend(blocks[b])
        group_means = [float(totals[g].mean()) for g in groups]
        spreads[s] = max(group_means) - min(group_means)
    return spreads


def percentile(spread: float, random_spreads: ArrayLike) -> float:
    """The share (per cent, 0-100) of random splits whose spread is strictly greater.

    "Better than 99.7 % of random splits" reads: 99.7 % of the random splits
    are strictly less even than this one; ties count as not beaten.
    """
    values = np.asarray(random_spreads, dtype=np.float64)
    if values.size == 0:
        raise GroupingInputError("没有可比较的随机分组。")
    return float(100.0 * np.count_nonzero(values > spread) / values.size)

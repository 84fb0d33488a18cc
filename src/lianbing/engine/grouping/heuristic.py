"""The heuristic: snake draft, then iterated local search (see the package docstring)."""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from typing import Final

import numpy as np
from numpy.typing import NDArray

from .problem import (
    ABILITY_WEIGHT,
    MIXING_WEIGHT,
    FloatArray,
    Problem,
    canonical,
    present,
)

#: Upper bound on the heuristic's local-search passes.
MAX_PASSES: Final[int] = 30
#: Iterated local search: rounds = KICK_BUDGET // blocks, within [KICKS_MIN, KICKS_MAX].
KICK_BUDGET: Final[int] = 600
KICKS_MIN: Final[int] = 10
KICKS_MAX: Final[int] = 100
#: Random swaps that perturb the best split at the start of each round.
KICK_SWAPS: Final[int] = 3


class State:
    """A split of blocks over groups with the running sums the local search needs."""

    def __init__(self, problem: Problem, group_of: list[int]) -> None:
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
                for label, c in present(labels, block).items():
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
        return canonical(out)


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


def _deal(problem: Problem, rng: random.Random, shuffle: bool) -> list[int] | None:
    """Snake draft of blocks to groups, or None at a dead end (see the package docstring)."""
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
                extra = present(labels, block)
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
            counts[kind][g].update(present(labels, block))
    return group_of


def _improve(state: State, rng: random.Random) -> None:
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


def _kick(state: State, rng: random.Random, swaps: int) -> None:
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


def heuristic_split(
    problem: Problem, seed: int, deadline: float = math.inf
) -> list[list[int]] | None:
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
    state = State(problem, group_of)
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

"""Random splits of the same sizes, to show how a split compares with chance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .problem import (
    FloatArray,
    GroupingInputError,
    Pair,
    blocks_of,
    build_problem,
    check_pairs,
    cost_parts,
    sizes_for,
)

IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class RandomSplits:
    """Random splits (as :func:`random_spreads` draws them) measured on the whole cost.

    ``assignment[s, i]`` is the group of person ``i`` in split ``s`` (groups
    numbered as :func:`sizes_for`, larger first). ``spreads[s]`` is the
    split's spread (as :func:`random_spreads`), ``costs[s]`` its cost as
    :func:`balanced` minimises it (spread, per-ability spreads and mixing; the
    package docstring) and ``excess[s]`` its mixing excess: the people beyond
    even shares, summed over the label kinds given.
    """

    assignment: IntArray
    spreads: FloatArray
    costs: FloatArray
    excess: IntArray

    def groups(self, s: int) -> list[list[int]]:
        """The person indices of each group of split ``s``."""
        row = self.assignment[s]
        return [[int(i) for i in np.flatnonzero(row == g)] for g in range(int(row.max()) + 1)]


def _draw(
    n: int,
    sizes: list[int],
    count: int,
    seed: int,
    together: Sequence[Pair],
    separate: Sequence[Pair],
) -> IntArray:
    """The group of each person in each of ``count`` random splits, shape (count, n).

    The rules are :func:`random_spreads`'; :func:`random_spreads` and
    :func:`random_costs` both draw here, so one seed gives both the same splits.
    """
    rng = np.random.default_rng(seed)
    if not together and not separate:
        labels = np.repeat(np.arange(len(sizes)), sizes)
        order = np.argsort(rng.random((count, n)), axis=1)
        assignment = np.empty((count, n), dtype=np.int64)
        np.put_along_axis(assignment, order, np.broadcast_to(labels, (count, n)), axis=1)
        return assignment

    blocks = blocks_of(n, check_pairs(together, n, "必须同组", None))
    block_of = {i: b for b, block in enumerate(blocks) for i in block}
    conflicts: list[set[int]] = [set() for _ in blocks]
    for i, j in check_pairs(separate, n, "必须分开", None):
        conflicts[block_of[i]].add(block_of[j])
        conflicts[block_of[j]].add(block_of[i])
    assignment = np.empty((count, n), dtype=np.int64)
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
        for b, g in enumerate(group_of):
            assignment[s, blocks[b]] = g
    return assignment


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
    sizes = sizes_for(n, group_size)
    assignment = _draw(n, sizes, count, seed, together, separate)
    totals = matrix.sum(axis=1)
    group_sums = np.zeros((count, len(sizes)))
    rows = np.repeat(np.arange(count), n)
    np.add.at(group_sums, (rows, assignment.ravel()), np.tile(totals, count))
    means = group_sums / np.asarray(sizes, dtype=np.float64)
    return np.asarray(means.max(axis=1) - means.min(axis=1), dtype=np.float64)


def random_costs(
    profiles: ArrayLike,
    *,
    group_size: int,
    count: int = 1000,
    seed: int = 0,
    together: Sequence[Pair] = (),
    separate: Sequence[Pair] = (),
    categories: Sequence[str | None] | None = None,
    units: Sequence[str | None] | None = None,
    origins: Sequence[str | None] | None = None,
) -> RandomSplits:
    """The random splits of :func:`random_spreads` (same seed, same pairs, same draws), on the whole cost.

    Each split is measured with the cost function :func:`balanced` minimises,
    the labels given mixed as there. Random splits ignore the labels, so
    their mixing excess is what chance leaves; compare a split's cost with
    ``costs`` by :func:`percentile`.
    """
    problem = build_problem(
        profiles,
        group_size=group_size,
        categories=categories,
        units=units,
        origins=origins,
        separate=separate,
        together=together,
    )
    n = problem.profiles.shape[0]
    assignment = _draw(n, problem.sizes, count, seed, together, separate)
    spreads = np.empty(count)
    costs = np.empty(count)
    excess = np.empty(count, dtype=np.int64)
    for s in range(count):
        groups = [np.flatnonzero(assignment[s] == g).tolist() for g in range(problem.n_groups)]
        spread, _means, _spreads, kinds, cost = cost_parts(problem, groups)
        spreads[s], costs[s], excess[s] = spread, cost, sum(kinds.values())
    return RandomSplits(assignment=assignment, spreads=spreads, costs=costs, excess=excess)


def cost_of(
    profiles: ArrayLike,
    groups: Sequence[Sequence[int]],
    *,
    categories: Sequence[str | None] | None = None,
    units: Sequence[str | None] | None = None,
    origins: Sequence[str | None] | None = None,
) -> float:
    """The cost :func:`balanced` minimises, of any split ``groups`` (e.g. one adjusted by hand).

    The groups' sizes are taken as they are (a hand-adjusted split may differ
    from :func:`sizes_for`); the even shares of the mixing use their number.
    """
    n = int(np.asarray(profiles).shape[0])
    problem = build_problem(
        profiles,
        group_size=max(2, n),
        categories=categories,
        units=units,
        origins=origins,
    )
    return cost_parts(problem, groups)[4]


def percentile(spread: float, random_spreads: ArrayLike) -> float:
    """The share (per cent, 0-100) of random splits whose spread (or cost) is strictly greater.

    "Better than 99.7 % of random splits" reads: 99.7 % of the random splits
    are strictly less even than this one; ties count as not beaten. The same
    reading holds for costs (:attr:`RandomSplits.costs`).
    """
    values = np.asarray(random_spreads, dtype=np.float64)
    if values.size == 0:
        raise GroupingInputError("没有可比较的随机分组。")
    return float(100.0 * np.count_nonzero(values > spread) / values.size)

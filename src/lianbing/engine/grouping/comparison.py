"""Random splits of the same sizes, to show how a split compares with chance."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .problem import FloatArray, GroupingInputError, Pair, blocks_of, check_pairs, sizes_for


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

    blocks = blocks_of(n, check_pairs(together, n, "必须同组", None))
    block_of = {i: b for b, block in enumerate(blocks) for i in block}
    conflicts: list[set[int]] = [set() for _ in blocks]
    for i, j in check_pairs(separate, n, "必须分开", None):
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

"""The greedy baseline reported beside the optimum (逐岗贪心基线)."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from .inputs import BoolArray, FloatArray, IntArray

_T = TypeVar("_T", bound=np.generic)


def greedy_total(
    scores: FloatArray,
    seats: IntArray,
    usable: BoolArray | None,
    pins: list[tuple[int, int]],
) -> float:
    """Greedy baseline: pins first, then post by post each seat takes the best free cadre."""
    n = scores.shape[0]
    total = float(sum(scores[c, p] for c, p in pins))
    free = np.ones(n, dtype=bool)
    free_seats = seats.copy()
    for cadre, post in pins:
        free[cadre] = False
        free_seats[post] -= 1
    if n == 0:
        return total
    # One contiguous transposed copy, forbidden pairs and taken cadres at -inf:
    # each post's row is then a cheap view, and taking a cadre blanks its column.
    # _transposed returns a fresh array, so it can be written to without a second copy.
    columns = _transposed(scores).astype(np.float64, copy=False)
    if usable is not None:
        columns[~_transposed(usable)] = -np.inf
    columns[:, ~free] = -np.inf
    for post, want in enumerate(free_seats.tolist()):
        if want <= 0:
            continue
        row = columns[post]
        if want == 1:  # most posts: one numpy call finds the first of equal bests
            best = int(row.argmax())
            value = float(row[best])
            if value != -np.inf:
                total += value
                columns[:, best] = -np.inf
            continue
        chosen = _top_first(row, min(want, n))
        chosen = chosen[np.isfinite(row[chosen])]
        if chosen.size:
            total += float(row[chosen].sum())
            columns[:, chosen] = -np.inf
    return total


def _top_first(column: FloatArray, k: int) -> IntArray:
    """Indices of the ``k`` largest values; among equal values the lowest indices.

    The same choice as a stable best-first walk, so the baseline does not depend
    on how a partition happens to order ties.
    """
    kth = np.partition(column, column.size - k)[column.size - k]
    above = np.flatnonzero(column > kth)
    at = np.flatnonzero(column == kth)[: k - above.size]
    return np.concatenate([above, at]).astype(np.int64)


def _transposed(matrix: NDArray[_T]) -> NDArray[_T]:
    """Contiguous transpose, copied by row blocks (much faster than one strided copy)."""
    out = np.empty((matrix.shape[1], matrix.shape[0]), dtype=matrix.dtype)
    for start in range(0, matrix.shape[0], 512):
        out[:, start : start + 512] = matrix[start : start + 512].T
    return out

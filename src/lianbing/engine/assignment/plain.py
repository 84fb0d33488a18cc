"""The plain solver: seat expansion and scipy's ``linear_sum_assignment``.

Exact in floating point. Seat expansion is fast on expanded matrices up to
about 10^6 entries; with one seat a post and every pair allowed the score
matrix needs no expansion and no big-M, and scipy solves it directly at any
size that fits in memory. :mod:`.solving` decides when each is used.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from .inputs import BoolArray, FloatArray, IntArray


def lsa_with_seats(
    scores: FloatArray, free_seats: IntArray, usable: BoolArray | None
) -> tuple[IntArray, IntArray]:
    """Seat expansion plus ``linear_sum_assignment`` with a big-M forbidden cost.

    Cost of an allowed pair is ``s_max - s`` (in [0, span]); of a forbidden pair
    ``F = K * span + 1`` with K the number of pairs any full matching has.
    ``linear_sum_assignment`` matches exactly K pairs; one forbidden pair more
    costs F, more than any score gain, so the allowed pairs are as many as
    possible and, among those matchings, the score is maximal.
    """
    n = scores.shape[0]
    seat_post = np.repeat(np.arange(free_seats.shape[0], dtype=np.int64), free_seats)
    empty = np.zeros(0, dtype=np.int64)
    if n == 0 or seat_post.size == 0:
        return empty, empty.copy()
    expanded = scores[:, seat_post]
    mask = None if usable is None else usable[:, seat_post]
    if mask is not None and not mask.any():
        return empty, empty.copy()
    values = expanded if mask is None else expanded[mask]
    s_max = float(values.max())
    span = s_max - float(values.min())
    forbidden_cost = min(n, seat_post.size) * span + 1.0
    cost = s_max - expanded
    if mask is not None:
        cost[~mask] = forbidden_cost
    rows, seat_cols = linear_sum_assignment(cost)
    keep = np.ones(rows.size, dtype=bool) if mask is None else mask[rows, seat_cols]
    return rows[keep].astype(np.int64), seat_post[seat_cols[keep]]


def lsa_one_seat_each(scores: FloatArray) -> tuple[IntArray, IntArray]:
    """``linear_sum_assignment`` on the score matrix itself (one seat a post, all pairs allowed).

    Every cadre may take every post, so any maximum matching has
    ``min(n, m)`` pairs and fills the most seats possible; among those,
    scipy's maximisation gives the largest total, exact in floating point.
    The lexicographic objective of :func:`assignment.solve` is then just the
    total, without a forbidden cost or a copy per seat.
    """
    if scores.shape[0] == 0 or scores.shape[1] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy()
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return rows.astype(np.int64), cols.astype(np.int64)

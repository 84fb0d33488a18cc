"""Pairs the optimum separates (blocking pairs) and the stable placement (稳定优先).

Every pair has one score, and the cadre and the post both rank each other by
it. A *blocking pair* of a placement is an allowed cadre-post pair, not placed
together, such that the cadre scores the post higher than its own placement
(or is not placed) and the post scores the cadre higher than the lowest of
its placed cadres (or has an open seat): both would rather be together (the
Gale-Shapley sense). Maximising the total can leave such pairs; the
department, which "量身定制" each placement, will ask why.

With one score per pair a stable placement (no blocking pair) always exists:
take the allowed pairs in descending score order and keep a pair when the
cadre is still free and the post has a seat left. When no two pairs tie, it
is the only stable placement, hence also the one with the largest total among
stable ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from lianbing.engine import assignment


@dataclass(frozen=True)
class BlockingPair:
    """A cadre and a post that both score each other higher than the placement gives them.

    ``score`` is the pair's total; ``cost`` what keeping them together costs in
    total score (optimum minus the best placement with the pair pinned), or
    None when not computed.
    """

    cadre: int
    post: int
    score: float
    cost: float | None


def _values(
    scores: NDArray[np.float32], seats: NDArray[np.int64], post_of: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    n, m = scores.shape
    placed = np.flatnonzero(post_of >= 0)
    cadre_value = np.full(n, -np.inf)
    cadre_value[placed] = scores[placed, post_of[placed]]
    post_value = np.full(m, np.inf)
    np.minimum.at(post_value, post_of[placed], scores[placed, post_of[placed]].astype(np.float64))
    filled = np.bincount(post_of[placed], minlength=m)
    post_value[filled < seats] = -np.inf
    return cadre_value, post_value


def blocking_mask(
    scores: NDArray[np.float32],
    seats: NDArray[np.int64],
    allowed: NDArray[np.bool_],
    post_of: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Boolean (n_cadres, n_posts) mask of the placement's blocking pairs (vectorised)."""
    cadre_value, post_value = _values(scores, seats, post_of)
    m = scores.shape[1]
    together = post_of[:, None] == np.arange(m)[None, :]
    return np.asarray(
        allowed & ~together & (scores > cadre_value[:, None]) & (scores > post_value[None, :]),
        dtype=np.bool_,
    )


def blocking_pairs(
    scores: NDArray[np.float32],
    seats: NDArray[np.int64],
    allowed: NDArray[np.bool_],
    post_of: NDArray[np.int64],
    *,
    optimum: float | None = None,
    costed: int = 10,
    pinned: Sequence[tuple[int, int]] = (),
    step: Callable[[], None] | None = None,
) -> tuple[BlockingPair, ...]:
    """The blocking pairs of ``post_of``, highest score first.

    For the first ``costed`` pairs, when ``optimum`` (the placement's total) is
    given, the cost of keeping the pair together is found by re-solving with
    the pair pinned (:func:`assignment.solve`), side constraints ignored.
    ``step``, when given, is called before each of those re-solves (a caller
    that must stop raises from it).
    """
    mask = blocking_mask(scores, seats, allowed, post_of)
    rows, columns = np.nonzero(mask)
    values = scores[rows, columns]
    order = np.lexsort((columns, rows, -values))
    result = []
    for rank, k in enumerate(order):
        i, j = int(rows[k]), int(columns[k])
        cost = None
        if optimum is not None and rank < costed:
            if step is not None:
                step()
            kept = assignment.solve(scores, seats=seats, allowed=allowed, pinned=[*pinned, (i, j)])
            if kept.status in ("optimal", "feasible"):
                cost = round(float(optimum - kept.total), 4)
        result.append(BlockingPair(i, j, float(values[k]), cost))
    return tuple(result)


def stable_placement(
    scores: NDArray[np.float32],
    seats: NDArray[np.int64],
    allowed: NDArray[np.bool_],
    pinned: Sequence[tuple[int, int]] = (),
) -> NDArray[np.int64]:
    """``post_of`` of the stable placement: pinned pairs first, then descending scores.

    Ties are broken by cadre then post index, so the result is deterministic.
    """
    n = scores.shape[0]
    post_of = np.full(n, -1, dtype=np.int64)
    left = np.asarray(seats, dtype=np.int64).copy()
    for i, j in pinned:
        post_of[i] = j
        left[j] -= 1
    rows, columns = np.nonzero(allowed)
    values = scores[rows, columns]
    order = np.lexsort((columns, rows, -values))
    free = n - len(pinned)
    open_seats = int(np.maximum(left, 0).sum())
    for k in order:
        if free == 0 or open_seats == 0:
            break
        i, j = int(rows[k]), int(columns[k])
        if post_of[i] < 0 and left[j] > 0:
            post_of[i] = j
            left[j] -= 1
            free -= 1
            open_seats -= 1
    return post_of

"""The balance-table shortlist (干部选配平衡表): matched candidates for every post.

The department's rule is at least two candidates per seat (不低于1:2), and a
strong cadre should not crowd every list. :func:`build` chooses the lists that
reach each post's target with as many candidates as possible and, among those,
the largest total score, with every cadre on at most ``max_per_cadre`` lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lianbing.engine.assignment.flow import b_matching
from lianbing.engine.assignment.inputs import index_pairs, validated_matrix

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_ROW_BLOCK: Final[int] = 1024


class ShortlistInputError(ValueError):
    """Malformed or contradictory input to :func:`build`."""


@dataclass(frozen=True)
class Shortlist:
    """The result of :func:`build`.

    ``candidates[j]`` lists the cadre indices of post ``j``, best score first
    (ties by index). ``shortfall`` maps each post that could not reach its
    target to a Chinese reason. ``total`` is the sum of the scores of all listed
    pairs. ``optimal`` is False only if the optimality certificate of the large
    solver could not be established.
    """

    candidates: list[list[int]]
    shortfall: dict[int, str] = field(default_factory=dict)
    total: float = 0.0
    optimal: bool = True


def build(
    scores: ArrayLike,
    *,
    per_post: int = 2,
    max_per_cadre: int | None = None,
    allowed: ArrayLike | None = None,
    must_include: Sequence[tuple[int, int]] | None = None,
    seats: ArrayLike | None = None,
) -> Shortlist:
    """Build the candidate list of every post for the balance table.

    Inputs: ``scores`` (n_cadres, n_posts), higher is better; ``per_post``
    candidates per seat (the 1:2 rule gives 2); ``max_per_cadre`` how many lists
    one cadre may appear on (None = unlimited); ``allowed`` bool mask (False =
    forbidden pair); ``must_include`` (cadre, post) pairs that must be listed,
    e.g. the assigned cadres; ``seats`` per post (default 1).

    Rule: post ``j`` targets ``per_post * seats[j]`` candidates. Must-include
    pairs are always listed and count towards the target and the per-cadre
    limit (a post whose must-include pairs exceed its target keeps them all; no
    other candidate is added). Forbidden pairs are never listed. Among the lists
    obeying the limits, the ones with the most entries (never more than the
    target) are preferred, then the largest total score: a maximum-weight
    bipartite b-matching.

    Method: without ``max_per_cadre`` the problem separates by post and each
    post takes its best candidates (vectorised partial sort). With it, the same
    answer is returned when it already respects the limit; otherwise
    :func:`lianbing.engine.assignment.b_matching` solves the b-matching exactly
    (min-cost flow on scores rounded to 1/2^31 of their range, certified by LP
    duality on the whole matrix, so large pools are solved on a pruned graph
    without losing optimality).

    Raises :class:`ShortlistInputError` for malformed shapes, indices out of
    range, negative or fractional seats (the checks of
    :mod:`lianbing.engine.assignment.inputs`, shared with the assignment), a
    must-include pair that is forbidden, a cadre forced onto more lists than
    ``max_per_cadre``, or a non-finite score on an allowed pair.
    """
    checked = validated_matrix(scores, seats=seats, allowed=allowed, error=ShortlistInputError)
    score_matrix, allowed_mask, seat_counts = checked.scores, checked.allowed, checked.seats
    n, m = score_matrix.shape
    if per_post < 0:
        raise ShortlistInputError("每个名额的候选人数不能为负数。")
    if max_per_cadre is not None and max_per_cadre < 0:
        raise ShortlistInputError("每名干部的上榜上限不能为负数。")
    forced_rows, forced_cols = _forced_pairs(must_include, allowed_mask, n, m)
    forced_per_cadre = np.bincount(forced_rows, minlength=n)
    if max_per_cadre is not None and forced_rows.size and forced_per_cadre.max() > max_per_cadre:
        cadre = int(np.argmax(forced_per_cadre))
        raise ShortlistInputError(
            f"干部 {cadre} 被要求列入 {int(forced_per_cadre[cadre])} 个岗位的名单，"
            f"超过每人上榜上限 {max_per_cadre}。"
        )

    usable = np.ones((n, m), dtype=bool) if allowed_mask is None else allowed_mask.copy()
    usable[forced_rows, forced_cols] = False
    bad = usable & ~np.isfinite(score_matrix)
    if bad.any():
        cadre, post = (int(x) for x in np.argwhere(bad)[0])
        raise ShortlistInputError(
            f"允许的配对（干部 {cadre} → 岗位 {post}）的得分不是有效数值（NaN 或无穷大），"
            "请先检查评分数据。"
        )

    targets = per_post * seat_counts
    need = np.maximum(0, targets - np.bincount(forced_cols, minlength=m))
    rows, cols = _best_per_post(score_matrix, usable, need)
    optimal = True
    if max_per_cadre is not None:
        listed = np.bincount(rows, minlength=n) + forced_per_cadre
        if listed.size and listed.max() > max_per_cadre:
            matching = b_matching(
                score_matrix,
                allowed=usable,
                cadre_cap=(max_per_cadre - forced_per_cadre).astype(np.int64),
                post_cap=need.astype(np.int64),
            )
            rows, cols, optimal = matching.rows, matching.cols, matching.optimal

    all_rows = np.concatenate([forced_rows, rows])
    all_cols = np.concatenate([forced_cols, cols])
    values = score_matrix[all_rows, all_cols]
    order = np.lexsort((all_rows, -values, all_cols))
    counts = np.bincount(all_cols, minlength=m)
    per_post_lists = np.split(all_rows[order], np.cumsum(counts)[:-1]) if m else []
    candidates = [[int(c) for c in lst] for lst in per_post_lists]

    shortfall = _shortfall(counts, targets, usable, forced_cols, max_per_cadre)
    return Shortlist(candidates, shortfall, float(values.sum()), optimal)


def _forced_pairs(
    must_include: Sequence[tuple[int, int]] | None,
    allowed: BoolArray | None,
    n: int,
    m: int,
) -> tuple[IntArray, IntArray]:
    pairs: dict[tuple[int, int], None] = {}
    checked = index_pairs(must_include or (), n, m, noun="必选配对", error=ShortlistInputError)
    for cadre, post in checked:
        if allowed is not None and not allowed[cadre, post]:
            raise ShortlistInputError(
                f"必选配对（干部 {cadre} → 岗位 {post}）是禁止的配对（如回避关系）。"
            )
        pairs[(cadre, post)] = None
    rows = np.array([c for c, _ in pairs], dtype=np.int64)
    cols = np.array([p for _, p in pairs], dtype=np.int64)
    return rows, cols


def _best_per_post(
    scores: FloatArray, usable: BoolArray, need: IntArray
) -> tuple[IntArray, IntArray]:
    """Each post's ``need[j]`` best usable cadres (fewer if fewer are usable).

    Row block by row block, each post keeps its best ``max(need)`` entries of
    the block (partial sort on a contiguous transposed block); the post's best
    overall are among the union of its per-block best.
    """
    n, m = scores.shape
    k_max = int(need.max()) if m else 0
    empty = np.zeros(0, dtype=np.int64)
    if n == 0 or k_max == 0:
        return empty, empty.copy()
    rows_parts: list[IntArray] = []
    cols_parts: list[IntArray] = []
    vals_parts: list[FloatArray] = []
    for start in range(0, n, _ROW_BLOCK):
        stop = min(n, start + _ROW_BLOCK)
        block = np.where(usable[start:stop], scores[start:stop], -np.inf).T.copy()
        k = min(k_max, stop - start)
        if k < stop - start:
            top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        else:
            top = np.broadcast_to(np.arange(stop - start), (m, k))
        vals = np.take_along_axis(block, top, axis=1)
        col = np.broadcast_to(np.arange(m)[:, None], top.shape)
        keep = np.isfinite(vals)
        rows_parts.append(top[keep].astype(np.int64) + start)
        cols_parts.append(col[keep].astype(np.int64))
        vals_parts.append(vals[keep])
    rows = np.concatenate(rows_parts)
    cols = np.concatenate(cols_parts)
    vals = np.concatenate(vals_parts)
    # rank inside each post, best first, ties by cadre index
    order = np.lexsort((rows, -vals, cols))
    sorted_cols = cols[order]
    first = np.r_[True, sorted_cols[1:] != sorted_cols[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(order.size), 0))
    rank = np.arange(order.size) - group_start
    chosen = order[rank < need[sorted_cols]]
    return rows[chosen], cols[chosen]


def _shortfall(
    counts: IntArray,
    targets: IntArray,
    usable: BoolArray,
    forced_cols: IntArray,
    max_per_cadre: int | None,
) -> dict[int, str]:
    short = np.flatnonzero(counts < targets)
    if short.size == 0:
        return {}
    available = (
        usable[:, short].sum(axis=0) + np.bincount(forced_cols, minlength=usable.shape[1])[short]
    )
    reasons: dict[int, str] = {}
    for post, have, target, pool in zip(
        short, counts[short], targets[short], available, strict=True
    ):
        if pool < target:
            reasons[int(post)] = f"允许的候选人只有 {int(pool)} 名（需要 {int(target)} 名）"
        else:
            reasons[int(post)] = (
                f"候选人已达每人上榜上限（每人最多 {max_per_cadre} 个岗位），"
                f"只选出 {int(have)} 名（需要 {int(target)} 名）"
            )
    return reasons

"""Checks of the matrix inputs shared by :func:`assignment.solve` and :func:`shortlist.build`.

Both take a score matrix (cadres x posts), optional seats per post and an
optional allowed mask, and both take (cadre, post) pairs (pins, must-include
pairs). Each caller raises its own exception class, passed in as ``error``, so
a view can tell an assignment problem from a shortlist problem; the rules and
the Chinese messages are the same for both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


class AssignmentInputError(ValueError):
    """Malformed input to :func:`assignment.solve` (shapes, indices, seat counts)."""


@dataclass(frozen=True)
class MatrixInput:
    """A checked score matrix with its seats per post and allowed mask (None = all allowed)."""

    scores: FloatArray
    seats: IntArray
    allowed: BoolArray | None


def validated_matrix(
    scores: ArrayLike,
    *,
    seats: ArrayLike | None,
    allowed: ArrayLike | None,
    error: type[ValueError],
) -> MatrixInput:
    """Check and convert a score matrix, its seats and its allowed mask.

    Inputs: ``scores`` convertible to a 2-D float array (cadres x posts);
    ``seats`` one whole, non-negative number per post (None = 1 each);
    ``allowed`` a mask of the scores' shape (None = every pair allowed);
    ``error`` the exception class to raise. Output: a :class:`MatrixInput`
    (float64 scores, int64 seats, bool mask). Rule: a fractional seat count is
    refused rather than truncated, so 1.5 seats never silently becomes 1.
    Non-finite scores are left to the caller, which may ignore them on
    forbidden pairs.
    """
    try:
        score_matrix = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise error("得分矩阵必须是数值数组。") from exc
    if score_matrix.ndim != 2:
        raise error(f"得分矩阵必须是二维的（干部 × 岗位），实际是 {score_matrix.ndim} 维。")
    n_posts = score_matrix.shape[1]
    if seats is None:
        seat_counts = np.ones(n_posts, dtype=np.int64)
    else:
        seat_array = np.asarray(seats)
        if seat_array.shape != (n_posts,):
            raise error(f"名额数组长度应为岗位数 {n_posts}，实际形状是 {seat_array.shape}。")
        if seat_array.size and not np.all(np.equal(np.mod(seat_array, 1), 0)):
            raise error("名额必须是整数。")
        seat_counts = seat_array.astype(np.int64)
        if np.any(seat_counts < 0):
            raise error("名额不能为负数。")
    allowed_mask: BoolArray | None = None
    if allowed is not None:
        allowed_mask = np.asarray(allowed, dtype=bool)
        if allowed_mask.shape != score_matrix.shape:
            raise error(
                f"允许矩阵的形状 {allowed_mask.shape} 与得分矩阵 {score_matrix.shape} 不一致。"
            )
    return MatrixInput(score_matrix, seat_counts, allowed_mask)


def index_pairs(
    pairs: Iterable[tuple[int, int]],
    n_cadres: int,
    n_posts: int,
    *,
    noun: str,
    error: type[ValueError],
) -> list[tuple[int, int]]:
    """(cadre, post) index pairs as ints, each checked to be inside the matrix.

    ``noun`` names the pairs in messages (指定的配对, 必选配对). Raises ``error``
    for a pair that is not two integers or that falls outside
    ``n_cadres`` x ``n_posts``. Duplicates and forbidden pairs are the
    caller's rule.
    """
    checked: list[tuple[int, int]] = []
    for pair in pairs:
        try:
            cadre, post = (int(x) for x in pair)
        except (TypeError, ValueError) as exc:
            raise error(f"{noun} {pair!r} 应为（干部序号, 岗位序号）。") from exc
        if not (0 <= cadre < n_cadres and 0 <= post < n_posts):
            raise error(
                f"{noun}（干部 {cadre}，岗位 {post}）超出范围"
                f"（共 {n_cadres} 名干部、{n_posts} 个岗位）。"
            )
        checked.append((cadre, post))
    return checked

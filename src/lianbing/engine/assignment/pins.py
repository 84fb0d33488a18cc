"""Pinned pairs: checked, then taken out of the problem the solvers see."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .inputs import BoolArray, FloatArray, IntArray


@dataclass(frozen=True)
class PinnedProblem:
    """The problem left once the pins are fixed, and why it cannot be solved if so."""

    usable: BoolArray | None  # allowed pairs left after the pins, None = all
    free_seats: IntArray
    nan_reason: str = ""


def pin_problem(
    scores: FloatArray,
    seats: IntArray,
    allowed: BoolArray | None,
    pins: list[tuple[int, int]],
) -> PinnedProblem | str:
    """Check the pins, then return the problem left once they are fixed (or a reason)."""
    seen: dict[int, int] = {}
    pins_per_post = np.zeros(seats.shape[0], dtype=np.int64)
    for cadre, post in pins:
        if allowed is not None and not allowed[cadre, post]:
            return f"指定的配对（干部 {cadre} → 岗位 {post}）是禁止的配对（如回避关系），无法满足。"
        if cadre in seen:
            return f"干部 {cadre} 被同时指定到岗位 {seen[cadre]} 和岗位 {post}，每名干部只能去一个岗位。"
        seen[cadre] = post
        pins_per_post[post] += 1
        if not math.isfinite(float(scores[cadre, post])):
            return f"指定的配对（干部 {cadre} → 岗位 {post}）的得分不是有效数值。"
    over = np.flatnonzero(pins_per_post > seats)
    if over.size:
        post = int(over[0])
        return (
            f"岗位 {post} 只有 {int(seats[post])} 个名额，"
            f"却指定了 {int(pins_per_post[post])} 名干部。"
        )

    usable = allowed
    if pins:
        usable = np.ones(scores.shape, dtype=bool) if allowed is None else allowed.copy()
        usable[list(seen), :] = False
    free_seats = seats - pins_per_post
    finite = np.isfinite(scores)
    bad = ~finite if usable is None else (usable & ~finite)
    bad[:, free_seats == 0] = False
    if bad.any():
        cadre, post = (int(x) for x in np.argwhere(bad)[0])
        return PinnedProblem(
            usable,
            free_seats,
            f"允许的配对（干部 {cadre} → 岗位 {post}）的得分不是有效数值（NaN 或无穷大），"
            "请先检查评分数据。",
        )
    return PinnedProblem(usable, free_seats)

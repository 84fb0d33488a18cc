"""Indicator weights: Saaty's analytic hierarchy process (AHP) and the entropy weight.

Two ways for the department to weight the parts of the growth index:

- ``ahp``: the department compares the parts two at a time on Saaty's 1-9
  scale ("现实表现 比 岗位适应 稍重要 = 3"); the weights are the principal
  eigenvector of the reciprocal judgement matrix, and the consistency ratio
  CR = CI / RI says whether the judgements hang together (Saaty 1977, 1980,
  1990). CR must stay below 0.10; otherwise the result names the judgements
  that most contradict the weights, so that they can be reviewed.
- ``entropy``: weights from the data alone; an indicator on which the
  trainees differ more carries more weight, one on which they are all equal
  carries none (the Shannon-entropy weight, Zeleny 1982; Hwang & Yoon 1981).

Formulas, worked examples and references: docs/evaluation-statistics.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Saaty's random consistency index RI for n = 1..15: the mean CI of random
# reciprocal matrices on the 1-9 scale (Saaty 1980 up to n = 10; n = 11..15
# from Saaty's later, larger simulations, as commonly tabulated).
RANDOM_INDEX: tuple[float, ...] = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)
CR_LIMIT = 0.10
# a_ji may differ from 1 / a_ij by this share: 0.333 typed for 1/3 is accepted.
RECIPROCAL_TOLERANCE = 1e-2
# How many judgements ``AhpResult.inconsistent`` lists at most.
MAX_LISTED = 3
# A judgement whose given and implied ratios differ by less than this (in
# log) agrees with the weights.
_AGREES = 1e-6


@dataclass(frozen=True)
class Judgement:
    """One pairwise judgement set against the weights.

    Item ``i`` was judged ``given`` times as important as item ``j``; the
    weights imply ``implied = w_i / w_j``. ``deviation = |ln(given / implied)|``
    is 0 when the judgement agrees with the weights (Saaty 2003: the entry with
    the largest a_ij w_j / w_i away from 1 is the first to review).
    """

    i: int
    j: int
    given: float
    implied: float

    @property
    def deviation(self) -> float:
        return abs(math.log(self.given / self.implied))


@dataclass(frozen=True)
class AhpResult:
    """Weights from a pairwise comparison matrix and their consistency.

    ``weights`` sum to 1; ``lambda_max`` is the principal eigenvalue,
    ``ci = (lambda_max - n) / (n - 1)``, ``cr = ci / RI(n)`` (0 for n <= 2),
    ``consistent`` is ``cr < 0.10``. ``inconsistent`` holds up to three
    judgements (i < j) that most contradict the weights, worst first (empty
    when every judgement agrees). ``message`` is empty when consistent, else a
    Chinese sentence naming those judgements and what to do.
    """

    weights: NDArray[np.float64]
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    inconsistent: tuple[Judgement, ...]
    message: str


def pairwise(n: int, judgements: Mapping[tuple[int, int], float]) -> NDArray[np.float64]:
    """The full reciprocal matrix from judgements ``{(i, j): a_ij}`` (0-based, i != j).

    Pairs not given are 1 (equally important); ``a_ji`` is set to ``1 / a_ij``.
    Raises ValueError on an index out of range, a non-positive value, or a
    pair given both ways.
    """
    a = np.ones((n, n), dtype=np.float64)
    seen: set[tuple[int, int]] = set()
    for (i, j), value in judgements.items():
        if not (0 <= i < n and 0 <= j < n) or i == j:
            raise ValueError(f"判断 ({i + 1}, {j + 1}) 不在 {n} 项之间。")
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"第 {i + 1} 项对第 {j + 1} 项的判断须为正数，现为 {value}。")
        pair = (min(i, j), max(i, j))
        if pair in seen:
            raise ValueError(f"第 {pair[0] + 1} 项与第 {pair[1] + 1} 项之间的判断给了两次。")
        seen.add(pair)
        a[i, j] = value
        a[j, i] = 1.0 / value
    return a


def _ratio_text(value: float) -> str:
    """Saaty-scale text: 5, 1/3, or two decimals when neither."""
    if abs(value - round(value)) < 1e-6:
        return str(round(value))
    if value < 1 and abs(1 / value - round(1 / value)) < 1e-6:
        return f"1/{round(1 / value)}"
    return f"{value:.2f}"


def _checked(pairwise_matrix: ArrayLike) -> NDArray[np.float64]:
    a = np.asarray(pairwise_matrix, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise ValueError("判断矩阵须为方阵：行、列都是同样的比较项。")
    n = a.shape[0]
    if n > len(RANDOM_INDEX):
        raise ValueError(
            f"一个判断矩阵至多比较 {len(RANDOM_INDEX)} 项，现有 {n} 项；请先分组再逐层比较。"
        )
    bad = np.argwhere(~(np.isfinite(a) & (a > 0)))
    if bad.size:
        i, j = (int(v) for v in bad[0])
        raise ValueError(f"第 {i + 1} 行第 {j + 1} 列的判断须为正数，现为 {a[i, j]}。")
    off = np.argwhere(np.abs(np.diag(a) - 1.0) > RECIPROCAL_TOLERANCE)
    if off.size:
        i = int(off[0][0])
        raise ValueError(f"第 {i + 1} 项与自身比较应为 1，现为 {a[i, i]}。")
    # Reciprocity: a_ij * a_ji = 1 within the tolerance.
    product = a * a.T
    off = np.argwhere(np.triu(np.abs(product - 1.0) > RECIPROCAL_TOLERANCE, k=1))
    if off.size:
        i, j = (int(v) for v in off[0])
        raise ValueError(
            f"判断矩阵不互反：第 {i + 1} 行第 {j + 1} 列为 {_ratio_text(a[i, j])}，"
            f"第 {j + 1} 行第 {i + 1} 列应为其倒数 {_ratio_text(1 / a[i, j])}，"
            f"现为 {_ratio_text(a[j, i])}。"
        )
    # The upper triangle is what was judged: rebuild the rest from it exactly.
    upper = np.triu(a, k=1)
    exact = upper + np.tril(np.divide(1.0, upper.T, where=upper.T > 0, out=np.zeros_like(a)))
    np.fill_diagonal(exact, 1.0)
    return exact


def _principal(a: NDArray[np.float64]) -> tuple[NDArray[np.float64], float]:
    """Perron eigenvector (normalised to sum 1) and eigenvalue of a positive matrix."""
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    return np.asarray(vector / vector.sum(), dtype=np.float64), float(values[k].real)


def _judgements(a: NDArray[np.float64], w: NDArray[np.float64]) -> tuple[Judgement, ...]:
    n = a.shape[0]
    i, j = np.triu_indices(n, k=1)
    implied = w[i] / w[j]
    deviation = np.abs(np.log(a[i, j] / implied))
    order = np.argsort(-deviation, kind="stable")
    return tuple(
        Judgement(i=int(i[o]), j=int(j[o]), given=float(a[i[o], j[o]]), implied=float(implied[o]))
        for o in order[:MAX_LISTED]
        if deviation[o] > _AGREES
    )


def _message(cr: float, judgements: tuple[Judgement, ...], labels: Sequence[str] | None) -> str:
    def name(index: int) -> str:
        return f"「{labels[index]}」" if labels is not None else f"第 {index + 1} 项"

    listed = "；".join(
        f"{name(g.i)}对{name(g.j)}判断为 {_ratio_text(g.given)}，按权重约为 {g.implied:.2f}"
        for g in judgements
    )
    return (
        f"判断矩阵一致性不足（一致性比率 CR = {cr:.3f}，须小于 {CR_LIMIT:.2f}）。"
        f"与整体权重最矛盾的判断：{listed}。请先复核这几项判断，修改后重新计算。"
    )


def ahp(pairwise_matrix: ArrayLike, *, labels: Sequence[str] | None = None) -> AhpResult:
    """Weights of n items from Saaty's reciprocal pairwise comparison matrix.

    ``pairwise_matrix``: positive ``(n, n)``, ``a_ij`` = how many times item i
    is as important as item j (Saaty's 1-9 scale and reciprocals), ones on the
    diagonal, ``a_ji = 1 / a_ij`` (within 1 %; the upper triangle is then used
    and the lower rebuilt from it), 1 <= n <= 15. ``labels`` name the items in
    the message.

    Rule (Saaty 1980; 1990, EJOR 48: 9-26): the weights are the principal right
    eigenvector normalised to sum 1; ``ci = (lambda_max - n) / (n - 1)``;
    ``cr = ci / RI(n)`` with Saaty's random index (``RANDOM_INDEX``), taken as
    0 when n <= 2 (any reciprocal 2 x 2 matrix is consistent); consistent when
    ``cr < 0.10``. Raises ValueError (Chinese message) on a matrix that is not
    square, positive and reciprocal, or has more than 15 items.
    """
    a = _checked(pairwise_matrix)
    n = a.shape[0]
    if labels is not None and len(labels) != n:
        raise ValueError(f"比较项名称有 {len(labels)} 个，判断矩阵有 {n} 项。")
    if n == 1:
        return AhpResult(
            weights=np.ones(1),
            lambda_max=1.0,
            ci=0.0,
            cr=0.0,
            consistent=True,
            inconsistent=(),
            message="",
        )
    w, lambda_max = _principal(a)
    # lambda_max >= n for a positive reciprocal matrix; clip rounding below n.
    ci = max(0.0, (lambda_max - n) / (n - 1))
    ri = RANDOM_INDEX[n - 1]
    cr = ci / ri if ri > 0 else 0.0
    consistent = cr < CR_LIMIT
    judgements = _judgements(a, w)
    return AhpResult(
        weights=w,
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        consistent=consistent,
        inconsistent=judgements,
        message="" if consistent else _message(cr, judgements, labels),
    )


def entropy(matrix: ArrayLike) -> NDArray[np.float64]:
    """Entropy weights of the indicators (columns) of a non-negative matrix.

    ``matrix``: ``(n_objects, n_indicators)``, n_objects >= 2, every value
    finite and >= 0 (normalise beforehand when indicators can be negative,
    e.g. min-max; the result does not change when a column is multiplied by a
    positive number). Returns one weight per column, summing to 1.

    Rule (Zeleny 1982; Hwang & Yoon 1981): ``p_ij = x_ij / sum_i x_ij``;
    ``e_j = -sum_i p_ij ln p_ij / ln n`` with ``0 ln 0 = 0``; ``d_j = 1 - e_j``;
    ``w_j = d_j / sum_j d_j``. A column whose values are all equal (or all 0)
    tells the objects apart not at all and gets weight exactly 0. Raises
    ValueError (Chinese message) when every column is constant: the data then
    gives no weights and AHP judgements are needed.
    """
    x = np.asarray(matrix, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] == 0:
        raise ValueError("熵权法的数据须为二维：每行一名对象，每列一项指标。")
    n = x.shape[0]
    if n < 2:
        raise ValueError(f"熵权法至少需要 2 名对象的数据，现有 {n} 名。")
    bad = np.argwhere(~(np.isfinite(x) & (x >= 0)))
    if bad.size:
        i, j = (int(v) for v in bad[0])
        raise ValueError(
            f"第 {i + 1} 名对象的第 {j + 1} 项指标为 {x[i, j]}：熵权法要求非负数值，"
            "请先补齐缺失值，或把指标归一化到 0 以上。"
        )
    constant = np.ptp(x, axis=0) == 0
    totals = x.sum(axis=0)
    p = np.divide(x, totals, where=totals > 0, out=np.zeros_like(x))
    plogp = np.multiply(p, np.log(p, where=p > 0, out=np.zeros_like(p)))
    e = -plogp.sum(axis=0) / math.log(n)
    d = np.clip(1.0 - e, 0.0, None)
    d[constant] = 0.0
    if not np.any(d > 0):
        raise ValueError(
            "各项指标在所有对象间都相同，数据给不出熵权；请改用层次分析法（AHP）定权。"
        )
    return np.asarray(d / d.sum(), dtype=np.float64)

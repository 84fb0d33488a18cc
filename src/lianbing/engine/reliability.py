"""Inter-rater reliability: the six intraclass correlations of Shrout & Fleiss (1979).

An inspection team (专项考察组) rates every trainee of its round; the question
is how far a trainee's score reflects the trainee rather than who happened to
rate. The ratings form an ``(n_targets, n_raters)`` matrix, one row a trainee,
one column a rater, and the two-way analysis of variance of that matrix gives
four mean squares (Shrout & Fleiss 1979, Table 1):

- BMS, between targets: ``k * sum_i (row_mean_i - grand)^2 / (n - 1)``
- WMS, within targets: ``sum_ij (x_ij - row_mean_i)^2 / (n (k - 1))``
- JMS, between judges: ``n * sum_j (col_mean_j - grand)^2 / (k - 1)``
- EMS, residual: ``sum_ij (x_ij - row_mean_i - col_mean_j + grand)^2 / ((n - 1)(k - 1))``

and the six forms (Shrout & Fleiss 1979, Table 4; McGraw & Wong 1996):

- ICC(1,1) = (BMS - WMS) / (BMS + (k - 1) WMS)            one-way random
- ICC(2,1) = (BMS - EMS) / (BMS + (k - 1) EMS + k (JMS - EMS) / n)   two-way random,
  absolute agreement
- ICC(3,1) = (BMS - EMS) / (BMS + (k - 1) EMS)            two-way mixed, consistency
- ICC(1,k) = (BMS - WMS) / BMS
- ICC(2,k) = (BMS - EMS) / (BMS + (JMS - EMS) / n)
- ICC(3,k) = (BMS - EMS) / BMS

The ``k`` forms are the reliability of the mean of the k raters (the
Spearman-Brown step-up of the single forms). The department's index uses the
team's mean rating, and its raters are a sample of many possible raters, so
ICC(2,k) is the figure to report; ``summary`` gives it with the band of Koo &
Li (2016). See docs/evaluation-statistics.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FORMS: tuple[str, ...] = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")

# Koo & Li (2016), J. Chiropr. Med. 15(2): 155-163: below 0.5 poor, 0.5-0.75
# moderate, 0.75-0.9 good, above 0.9 excellent.
BAND_POOR = "差"
BAND_MODERATE = "一般"
BAND_GOOD = "良好"
BAND_EXCELLENT = "优秀"
BAND_UNDEFINED = "无法计算"

# A denominator below this share of the ratings' mean square is rounding
# noise, not variance: the form is then undefined (nan).
_RELATIVE_TOLERANCE = 1e-10


@dataclass(frozen=True)
class MeanSquares:
    """The two-way analysis of variance of a complete ratings matrix (Shrout & Fleiss 1979)."""

    n_targets: int
    n_raters: int
    bms: float
    wms: float
    jms: float
    ems: float


@dataclass(frozen=True)
class Reliability:
    """How far a round's ratings can be trusted, for the reports.

    ``icc2_1`` is the reliability of one rater's rating, ``icc2_k`` that of the
    mean of the ``n_raters`` ratings (both two-way random, absolute agreement);
    ``band`` and ``band_single`` are their Koo & Li (2016) bands in Chinese
    (差 / 一般 / 良好 / 优秀, or 无法计算 when the form is undefined); ``text``
    is one sentence for a report.
    """

    n_targets: int
    n_raters: int
    icc2_1: float
    icc2_k: float
    band: str
    band_single: str
    text: str


def _matrix(ratings: ArrayLike) -> NDArray[np.float64]:
    x = np.asarray(ratings, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("评分矩阵须为二维：每行一名被评对象，每列一位评价人。")
    n, k = x.shape
    if n < 2:
        raise ValueError(f"计算 ICC 至少需要 2 名被评对象，现有 {n} 名。")
    if k < 2:
        raise ValueError(f"计算 ICC 至少需要 2 位评价人，现有 {k} 位。")
    bad = np.argwhere(~np.isfinite(x))
    if bad.size:
        i, j = (int(v) + 1 for v in bad[0])
        raise ValueError(
            f"评分矩阵有缺失或无效值（第 {i} 名对象、第 {j} 位评价人，共 {len(bad)} 处）："
            "ICC 要求每位评价人给每名对象都打分，请补齐或去掉不完整的行列后再算。"
        )
    return x


def mean_squares(ratings: ArrayLike) -> MeanSquares:
    """BMS, WMS, JMS and EMS of a complete ``(n_targets, n_raters)`` matrix.

    Raises ValueError (Chinese message) on a missing value or fewer than two
    targets or raters. Shrout & Fleiss (1979), Table 1.
    """
    x = _matrix(ratings)
    n, k = x.shape
    grand = x.mean()
    rows = x.mean(axis=1)
    cols = x.mean(axis=0)
    within = x - rows[:, None]
    residual = within - cols[None, :] + grand
    return MeanSquares(
        n_targets=n,
        n_raters=k,
        bms=float(k * np.sum((rows - grand) ** 2) / (n - 1)),
        wms=float(np.sum(within**2) / (n * (k - 1))),
        jms=float(n * np.sum((cols - grand) ** 2) / (k - 1)),
        ems=float(np.sum(residual**2) / ((n - 1) * (k - 1))),
    )


def _ratio(numerator: float, denominator: float, tolerance: float) -> float:
    if denominator <= tolerance:
        return math.nan
    return numerator / denominator


def icc(ratings: ArrayLike) -> dict[str, float]:
    """The six intraclass correlations of Shrout & Fleiss (1979) for a complete matrix.

    ``ratings``: float array ``(n_targets, n_raters)``, every cell filled.
    Returns ``{"ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k"}`` with the
    formulas of the module docstring (Shrout & Fleiss 1979, Table 4). A form
    can be negative when raters disagree more than the targets differ; it is
    nan when its denominator is not positive: every rating equal, or (for an
    average form) raters disagreeing so much that the single form is at or
    below -1/(k - 1), where the mean of k ratings has no reliability to speak of.
    Raises ValueError (Chinese message) on a missing value or fewer than two
    targets or raters.
    """
    x = _matrix(ratings)
    ms = mean_squares(x)
    n, k = ms.n_targets, ms.n_raters
    bms, wms, jms, ems = ms.bms, ms.wms, ms.jms, ms.ems
    tolerance = _RELATIVE_TOLERANCE * float(np.mean(x**2))
    return {
        "ICC1": _ratio(bms - wms, bms + (k - 1) * wms, tolerance),
        "ICC2": _ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n, tolerance),
        "ICC3": _ratio(bms - ems, bms + (k - 1) * ems, tolerance),
        "ICC1k": _ratio(bms - wms, bms, tolerance),
        "ICC2k": _ratio(bms - ems, bms + (jms - ems) / n, tolerance),
        "ICC3k": _ratio(bms - ems, bms, tolerance),
    }


def band(value: float) -> str:
    """The Koo & Li (2016) band of an ICC, in Chinese: 差, 一般, 良好, 优秀 (无法计算 for nan).

    Below 0.5 差; from 0.5 below 0.75 一般; from 0.75 to 0.9 良好; above 0.9 优秀.
    """
    if math.isnan(value):
        return BAND_UNDEFINED
    if value < 0.5:
        return BAND_POOR
    if value < 0.75:
        return BAND_MODERATE
    if value <= 0.9:
        return BAND_GOOD
    return BAND_EXCELLENT


def _format(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.2f}"


def summary(ratings: ArrayLike) -> Reliability:
    """ICC(2,1) and ICC(2,k) of a complete matrix with their Koo & Li (2016) bands.

    Same input and errors as ``icc``. ``band`` refers to ICC(2,k), the
    reliability of the team's mean rating, which is what the index uses.
    """
    forms = icc(ratings)
    n, k = np.asarray(ratings).shape
    single, average = forms["ICC2"], forms["ICC2k"]
    text = (
        f"{n} 名对象、{k} 位评价人：{k} 人平均评分的信度 ICC(2,{k}) = {_format(average)}"
        f"（{band(average)}），单人评分的信度 ICC(2,1) = {_format(single)}（{band(single)}）。"
    )
    return Reliability(
        n_targets=n,
        n_raters=k,
        icc2_1=single,
        icc2_k=average,
        band=band(average),
        band_single=band(single),
        text=text,
    )

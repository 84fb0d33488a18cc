"""Suspicious raters and the leniency correction of a multi-rater evaluation.

Input everywhere is ``ratings``: a float array ``(n_raters, n_targets,
n_items)`` (one inspection round: raters x trainees x form items), NaN where
a rater did not rate. A *cell* is one (target, item).

:func:`flags` names raters whose ratings deserve a second look before they
enter the growth index, with a reason in Chinese and the numbers behind it:

* **uniform** (所有评分相同): the rater gives the same answer everywhere. Rule:
  at least :data:`UNIFORM_MIN_RATINGS` ratings over at least
  :data:`UNIFORM_MIN_TARGETS` targets, and the standard deviation of all the
  rater's ratings is at most :data:`UNIFORM_SD_RATIO` times the standard
  deviation of every rating in the array (near-zero variance, scale-free).
* **straight_line** (逐项无区分): within a target the rater gives every item the
  same value, and does so for at least :data:`STRAIGHT_SHARE` of the targets
  judged. A target is judged when the rater rated at least
  :data:`STRAIGHT_MIN_ITEMS` of its items; the rule needs at least
  :data:`STRAIGHT_MIN_TARGETS` judged targets. A uniform rater straight-lines
  by definition; only the stronger flag (uniform) is reported for them.
* **outlier** (偏离组内共识): far from the team's consensus. The consensus of a
  cell, for rater *r*, is the mean of the *other* raters of the same team who
  rated it (leave-one-out, so a rater does not pull the consensus towards
  themselves). The rater's distance ``d_r`` is the mean absolute deviation
  from that consensus over the cells they share with someone (at least
  :data:`OUTLIER_MIN_CELLS`). With at least :data:`OUTLIER_MIN_RATERS` raters
  in the team having a distance, the rater is flagged when

  - ``z_r = (d_r - mean(d_others)) / spread > OUTLIER_Z`` where ``spread =
    max(sd(d_others), OUTLIER_MIN_SPREAD * mean(d_others))``: a leave-one-out
    z-score, so that one far rater does not inflate the standard deviation
    that judges them (with all raters in the SD, z > 2 is impossible below
    six raters); the floor keeps two honest raters who happen to agree
    closely with each other from making a third, ordinary one look extreme;
  - or, when the rating ``scale`` is given, ``d_r > OUTLIER_SCALE_SHARE *
    (scale_max - scale_min)``.

  Teams (``team``: one label per rater) are judged separately; without it all
  raters form one team.

Raters who rate a single trainee (public representatives, one link each) can
only be judged by the outlier rule.

:func:`standardise_within_rater` is the optional leniency correction: each
rater's ratings become z-scores over all their ratings and are mapped back to
the scale with the pooled mean and pooled within-rater standard deviation, so a
constant leniency (or severity) offset disappears while each rater's order is
kept. It assumes each rater's trainees are comparable on average (teams cover
comparable trainees); a rater who happened to rate only the best trainees is
pulled to the middle by it, which is why the correction is optional.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Flag kinds.
UNIFORM: Final[str] = "uniform"
STRAIGHT_LINE: Final[str] = "straight_line"
OUTLIER: Final[str] = "outlier"
KIND_LABEL: Final[dict[str, str]] = {
    UNIFORM: "所有评分相同",
    STRAIGHT_LINE: "逐项无区分",
    OUTLIER: "偏离组内共识",
}

#: uniform: at least this many ratings ...
UNIFORM_MIN_RATINGS: Final[int] = 10
#: ... over at least this many targets (one trainee rated "all excellent" is no evidence) ...
UNIFORM_MIN_TARGETS: Final[int] = 2
#: ... and the rater's SD at most this share of the SD of all ratings.
UNIFORM_SD_RATIO: Final[float] = 0.05

#: straight_line: a target counts when the rater rated at least this many of its items ...
STRAIGHT_MIN_ITEMS: Final[int] = 3
#: ... the rule needs at least this many such targets ...
STRAIGHT_MIN_TARGETS: Final[int] = 3
#: ... and flags when this share of them or more have every item equal.
STRAIGHT_SHARE: Final[float] = 0.8

#: outlier: raters with a distance needed in the team for any verdict.
OUTLIER_MIN_RATERS: Final[int] = 3
#: outlier: cells shared with another rater needed for a distance.
OUTLIER_MIN_CELLS: Final[int] = 3
#: outlier: leave-one-out z-score above which a rater is flagged.
OUTLIER_Z: Final[float] = 2.0
#: outlier: the spread in the z-score is at least this share of the others' mean distance.
OUTLIER_MIN_SPREAD: Final[float] = 0.25
#: outlier: with a known scale, a mean distance above this share of its span is flagged.
OUTLIER_SCALE_SHARE: Final[float] = 0.3

# Two ratings closer than this are the same answer (ratings are entered values).
_EQUAL: Final[float] = 1e-9


class RatingsError(ValueError):
    """Ratings that are not a (raters, targets, items) array, or a bad scale or team."""


@dataclass(frozen=True)
class RaterFlag:
    """One reason to review one rater.

    ``rater`` is the rater's index (first axis of ``ratings``); ``kind`` one of
    :data:`UNIFORM`, :data:`STRAIGHT_LINE`, :data:`OUTLIER`; ``reason`` a
    sentence in Chinese for the department; ``numbers`` the values behind it
    (names as in the module docstring).
    """

    rater: int
    kind: str
    reason: str
    numbers: Mapping[str, float] = field(hash=False)

    @property
    def label(self) -> str:
        """The kind in Chinese."""
        return KIND_LABEL[self.kind]


def _as_ratings(ratings: ArrayLike) -> NDArray[np.float64]:
    array = np.asarray(ratings, dtype=np.float64)
    if array.ndim != 3:
        raise RatingsError("评分数据应为 评分人 × 学员 × 评分项 的三维数组")
    if np.isinf(array).any():
        raise RatingsError("评分中有无穷大的值，请检查数据")
    return array


def _team_labels(team: Sequence[Hashable] | None, n_raters: int) -> list[NDArray[np.int64]]:
    """Rater indices of each team, in order of first appearance."""
    if team is None:
        return [np.arange(n_raters, dtype=np.int64)]
    if len(team) != n_raters:
        raise RatingsError(f"评分组标签有 {len(team)} 个，评分人有 {n_raters} 名，两者应一致")
    members: dict[Hashable, list[int]] = {}
    for index, label in enumerate(team):
        members.setdefault(label, []).append(index)
    return [np.asarray(indices, dtype=np.int64) for indices in members.values()]


def _uniform(array: NDArray[np.float64]) -> list[RaterFlag]:
    rated = ~np.isnan(array)
    counts = rated.sum(axis=(1, 2))
    targets = rated.any(axis=2).sum(axis=1)
    everything = array[rated]
    overall_sd = float(everything.std()) if everything.size else 0.0
    limit = max(UNIFORM_SD_RATIO * overall_sd, _EQUAL)
    filled = np.where(rated, array, 0.0)
    means = filled.sum(axis=(1, 2)) / np.maximum(counts, 1)
    squares = np.where(rated, (array - means[:, None, None]) ** 2, 0.0).sum(axis=(1, 2))
    sds = np.sqrt(squares / np.maximum(counts, 1))
    hit = (counts >= UNIFORM_MIN_RATINGS) & (targets >= UNIFORM_MIN_TARGETS) & (sds <= limit)
    out = []
    for r in np.flatnonzero(hit):
        n, m, sd, mean = int(counts[r]), int(targets[r]), float(sds[r]), float(means[r])
        out.append(
            RaterFlag(
                rater=int(r),
                kind=UNIFORM,
                reason=(
                    f"对 {m} 名学员的 {n} 项评分几乎完全相同（均为 {mean:g} 分左右，"
                    f"标准差 {sd:.2f}，全部评分的标准差为 {overall_sd:.2f}），没有区分不同学员和不同评分项"
                ),
                numbers={
                    "ratings": n,
                    "targets": m,
                    "mean": mean,
                    "sd": sd,
                    "overall_sd": overall_sd,
                },
            )
        )
    return out


def _straight_line(array: NDArray[np.float64], skip: set[int]) -> list[RaterFlag]:
    rated = ~np.isnan(array)
    items = rated.sum(axis=2)
    judged = items >= STRAIGHT_MIN_ITEMS
    high = np.where(rated, array, -np.inf).max(axis=2)
    low = np.where(rated, array, np.inf).min(axis=2)
    flat = judged & (high - low <= _EQUAL)
    n_judged = judged.sum(axis=1)
    n_flat = flat.sum(axis=1)
    share = n_flat / np.maximum(n_judged, 1)
    hit = (n_judged >= STRAIGHT_MIN_TARGETS) & (share >= STRAIGHT_SHARE)
    out = []
    for r in np.flatnonzero(hit):
        if int(r) in skip:
            continue
        m, k, s = int(n_judged[r]), int(n_flat[r]), float(share[r])
        out.append(
            RaterFlag(
                rater=int(r),
                kind=STRAIGHT_LINE,
                reason=(
                    f"所评 {m} 名学员中有 {k} 名（{s:.0%}）各评分项打分完全相同，"
                    "没有区分学员在不同方面的表现"
                ),
                numbers={"targets": m, "straight": k, "share": s},
            )
        )
    return out


def consensus_distance(
    ratings: ArrayLike, *, team: Sequence[Hashable] | None = None
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Each rater's mean absolute deviation from the leave-one-out consensus of their team.

    Returns ``(distance, cells)``, one value per rater: ``cells`` is the number
    of cells the rater shares with at least one other rater of the team, and
    ``distance`` the mean over those cells of ``|x_r - mean of the others|``
    (NaN when ``cells`` is 0).
    """
    array = _as_ratings(ratings)
    n_raters = array.shape[0]
    distance = np.full(n_raters, np.nan)
    cells = np.zeros(n_raters, dtype=np.int64)
    for members in _team_labels(team, n_raters):
        block = array[members]
        rated = ~np.isnan(block)
        filled = np.where(rated, block, 0.0)
        others_count = rated.sum(axis=0)[None] - rated
        others_sum = filled.sum(axis=0)[None] - filled
        shared = rated & (others_count > 0)
        consensus = others_sum / np.maximum(others_count, 1)
        gaps = np.where(shared, np.abs(block - consensus), 0.0)
        n_shared = shared.sum(axis=(1, 2))
        cells[members] = n_shared
        with np.errstate(invalid="ignore", divide="ignore"):
            distance[members] = np.where(
                n_shared > 0, gaps.sum(axis=(1, 2)) / np.maximum(n_shared, 1), np.nan
            )
    return distance, cells


def _outliers(
    array: NDArray[np.float64],
    team: Sequence[Hashable] | None,
    scale: tuple[float, float] | None,
) -> list[RaterFlag]:
    distance, cells = consensus_distance(array, team=team)
    absolute = np.inf if scale is None else OUTLIER_SCALE_SHARE * (scale[1] - scale[0])
    out = []
    for members in _team_labels(team, array.shape[0]):
        judged = members[cells[members] >= OUTLIER_MIN_CELLS]
        k = judged.size
        if k < OUTLIER_MIN_RATERS:
            continue
        d = distance[judged]
        total, squares = d.sum(), (d**2).sum()
        others_mean = (total - d) / (k - 1)
        others_var = np.maximum((squares - d**2) / (k - 1) - others_mean**2, 0.0)
        spread = np.maximum(np.sqrt(others_var), OUTLIER_MIN_SPREAD * others_mean)
        z = np.where(spread > _EQUAL, (d - others_mean) / np.maximum(spread, _EQUAL), 0.0)
        hit = (z > OUTLIER_Z) | (d > absolute)
        for position in np.flatnonzero(hit):
            r = int(judged[position])
            dr, mu, zr = float(d[position]), float(others_mean[position]), float(z[position])
            share = "" if scale is None else f"，评分量程为 {scale[0]:g}–{scale[1]:g}"
            out.append(
                RaterFlag(
                    rater=r,
                    kind=OUTLIER,
                    reason=(
                        f"与同组其他评分人的平均意见平均相差 {dr:.2f} 分，"
                        f"同组其他 {k - 1} 名评分人平均相差 {mu:.2f} 分"
                        f"（标准分 {zr:.1f}，超过 {OUTLIER_Z:g} 即提示{share}）"
                    ),
                    numbers={
                        "distance": dr,
                        "cells": int(cells[r]),
                        "others_mean": mu,
                        "others_spread": float(spread[position]),
                        "z": zr,
                        "raters": k,
                        "absolute_limit": float(absolute),
                    },
                )
            )
    return out


def flags(
    ratings: ArrayLike,
    *,
    team: Sequence[Hashable] | None = None,
    scale: tuple[float, float] | None = None,
) -> list[RaterFlag]:
    """Raters to review: uniform, straight-lining, or far from their team's consensus.

    ``ratings``: float array ``(n_raters, n_targets, n_items)``, NaN = not
    rated. ``team``: optional team label per rater (consensus and z-scores are
    taken within a team). ``scale``: optional ``(scale_min, scale_max)`` of
    the form, which adds the absolute outlier rule. Rules and thresholds are
    in the module docstring. Returns the flags ordered by rater, then kind
    (uniform, straight_line, outlier); a rater may carry an outlier flag
    besides one of the other two.
    """
    array = _as_ratings(ratings)
    if scale is not None and not scale[1] > scale[0]:
        raise RatingsError("评分量程的上限应大于下限")
    uniform = _uniform(array)
    found = [
        *uniform,
        *_straight_line(array, {f.rater for f in uniform}),
        *_outliers(array, team, scale),
    ]
    order = {UNIFORM: 0, STRAIGHT_LINE: 1, OUTLIER: 2}
    return sorted(found, key=lambda f: (f.rater, order[f.kind]))


def standardise_within_rater(
    ratings: ArrayLike, scale_min: float, scale_max: float
) -> NDArray[np.float64]:
    """Leniency correction: ratings re-expressed as within-rater z-scores on the common scale.

    For rater *r* with mean ``m_r`` and standard deviation ``s_r`` (over all
    their ratings, population SD), a rating ``x`` becomes ``M + S * (x - m_r)
    / s_r``, where ``M`` is the mean of all ratings and ``S`` the pooled
    within-rater SD ``sqrt(sum_r n_r s_r^2 / sum_r n_r)`` over raters with
    ``s_r > 0`` (the spread left once leniency is removed). Results are
    clipped to ``[scale_min, scale_max]``. A rater with zero variance carries
    no order to keep and gets ``M`` everywhere (:func:`flags` flags them).
    NaN stays NaN; the output has the input's shape. Ratings differing only by
    a constant offset between raters come out identical; within a rater the
    order is kept (ties possible only at the clipped ends).
    """
    array = _as_ratings(ratings)
    if not scale_max > scale_min:
        raise RatingsError("评分量程的上限应大于下限")
    rated = ~np.isnan(array)
    if not rated.any():
        return array.copy()
    counts = rated.sum(axis=(1, 2))
    filled = np.where(rated, array, 0.0)
    means = filled.sum(axis=(1, 2)) / np.maximum(counts, 1)
    deviations = np.where(rated, array - means[:, None, None], 0.0)
    sums = (deviations**2).sum(axis=(1, 2))
    sds = np.sqrt(sums / np.maximum(counts, 1))
    varied = sds > _EQUAL
    grand_mean = float(filled.sum() / counts.sum())
    pooled_n = counts[varied].sum()
    pooled_sd = float(np.sqrt(sums[varied].sum() / pooled_n)) if pooled_n else 0.0
    z = np.where(
        varied[:, None, None], deviations / np.where(sds > _EQUAL, sds, 1.0)[:, None, None], 0.0
    )
    out = np.clip(grand_mean + pooled_sd * z, scale_min, scale_max)
    return np.where(rated, out, np.nan)

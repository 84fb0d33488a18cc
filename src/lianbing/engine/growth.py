"""The young-cadre growth index (青年干部成长指数), 0-100 per trainee.

Built after the OECD/JRC *Handbook on Constructing Composite Indicators:
Methodology and User Guide* (OECD 2008; cited below as "the Handbook"), whose
steps are followed in order:

1. **Indicators** (Handbook step 2, selection): :class:`Indicator` lists them,
   each one value per trainee, higher = better, NaN = missing.
2. **Missing data** (step 3): not imputed. A trainee is scored on the
   indicators they have, with the weights of those indicators re-scaled to
   sum to 1 (the Handbook's "case deletion" per indicator, with the weights
   of the others re-normalised). ``coverage`` reports, per trainee, the share
   of the total weight they have data for; below ``min_coverage`` (default
   :data:`MIN_COVERAGE`) no index is given, since an index resting on one or
   two minor indicators would be read as if it rested on all.
3. **Normalisation** (step 5): min-max over the cohort, per indicator:
   ``n_ti = 100 * (x_ti - min_i) / (max_i - min_i)``. Why: the indicators
   come on different units (score points, a completion share, a change in
   points), and min-max puts them on one 0-100 range where 100 is the
   cohort's best and 0 its weakest, which the department reads directly.
   (Every method keeps the order within one indicator; the composite's order
   does depend on the method, hence the choice is stated.) Alternatives
   named by the Handbook (its step 5): z-scores (no fixed range, so a
   contribution is no longer "points out of 100"), distance to a reference
   (needs a target the department has not set), ranking (loses the size of
   differences), categorical scales (lose information). Min-max is sensitive
   to extreme values (the Handbook notes it); the extremes of each indicator
   are reported (``bounds``) so a reader sees what 0 and 100 mean. An
   indicator on which every trainee with data has the same value (no range)
   cannot distinguish anyone; it is left out of this computation
   (``constant``) and its weight goes to the others, as for missing data.
4. **Weighting** (step 6): the weights are an input (AHP judgements or
   entropy weights, :mod:`weights`), non-negative, normalised to sum 1; the
   caller stores them and ``method_label`` with the result.
5. **Aggregation** (step 6): linear, the weighted arithmetic mean
   ``index_t = sum_i w'_ti n_ti``, with ``w'_ti = w_i / sum_{j available} w_j``.
   It is fully compensatory (a weak indicator can be made up by a strong one,
   which suits a development index) and explainable: the contribution of
   indicator *i* to trainee *t* is ``w'_ti * n_ti`` points and the
   contributions sum to the index.
6. **Uncertainty and sensitivity** (step 7): :func:`sensitivity` recomputes the
   ranks under other reasonable weights and marks trainees whose rank moves
   by more than a set number of places "不稳定".

Rank: 1 = best, ties share the best rank (1, 2, 2, 4). Percentile: the share
of the other ranked trainees whose index is not above the trainee's (100 =
no one above). The index is relative to the cohort of its round; a change
across rounds (:func:`trend`) is a change of standing within the cohort, not
of absolute level (ability growth itself is absolute: :func:`ability_growth`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from lianbing.engine import taxonomy


class Indicator(StrEnum):
    """The indicators of the growth index (one value per trainee, higher = better)."""

    #: Mean over the seven abilities of (round score - baseline), 0-100 points.
    ABILITY_GROWTH = "ability_growth"
    #: 现实表现, the inspection teams' rating.
    PERFORMANCE = "performance"
    #: 岗位适应, the inspection teams' rating.
    ADAPTATION = "adaptation"
    #: 群众评议, the public representatives' rating.
    PUBLIC_RATING = "public_rating"
    #: Share of the training plan's milestones completed, 0..1.
    PLAN_COMPLETION = "plan_completion"
    #: Mean of the mentor's monthly assessments, 0-100.
    MENTOR_ASSESSMENT = "mentor_assessment"
    #: Activity scores (forums, contests); optional, may be absent entirely.
    ACTIVITIES = "activities"


LABEL: Final[dict[str, str]] = {
    Indicator.ABILITY_GROWTH: "能力提升",
    Indicator.PERFORMANCE: "现实表现",
    Indicator.ADAPTATION: "岗位适应",
    Indicator.PUBLIC_RATING: "群众评议",
    Indicator.PLAN_COMPLETION: "培养计划完成率",
    Indicator.MENTOR_ASSESSMENT: "导师月度考核",
    Indicator.ACTIVITIES: "练兵活动成绩",
}

#: No index below this share of the total weight covered by a trainee's data.
MIN_COVERAGE: Final[float] = 0.5
#: Relative move of one weight in :func:`sensitivity`.
WEIGHT_STEP: Final[float] = 0.2
#: A rank moving by more than this many places is unstable (default).
UNSTABLE_PLACES: Final[int] = 3
UNSTABLE: Final[str] = "不稳定"
STABLE: Final[str] = "稳定"
#: Indices equal to this many decimals tie (floating-point noise never splits a tie).
TIE_DECIMALS: Final[int] = 6


class GrowthInputError(ValueError):
    """Indicators or weights the index cannot take (message in Chinese)."""


def label(key: str) -> str:
    """The Chinese name of an indicator key (the key itself when unknown)."""
    return LABEL.get(key, key)


def to_percent(values: ArrayLike, scale_min: float, scale_max: float) -> NDArray[np.float64]:
    """Linear map of a form's scale onto 0-100 (``100 * (x - min) / (max - min)``); NaN kept."""
    if not scale_max > scale_min:
        raise GrowthInputError("评分量程的上限应大于下限")
    array = np.asarray(values, dtype=np.float64)
    return 100.0 * (array - scale_min) / (scale_max - scale_min)


def ability_growth(
    current: ArrayLike,
    baseline: ArrayLike,
    *,
    scale: tuple[float, float] = (taxonomy.ABILITY_MIN, taxonomy.ABILITY_MAX),
) -> NDArray[np.float64]:
    """The ability-growth indicator: mean over the abilities of (round score - baseline).

    ``current``: ``(n_trainees, n_abilities)`` round scores on the form's
    ``scale`` (mapped to 0-100 by :func:`to_percent`); ``baseline``: same shape,
    the baseline assessment from the cadre's profile on 0-100
    (:data:`taxonomy.ABILITY_MIN`-:data:`taxonomy.ABILITY_MAX`). The mean runs
    over the abilities present in both; NaN when there is none. Result in
    points of 0-100, from -100 to 100.
    """
    now = to_percent(current, *scale)
    before = np.asarray(baseline, dtype=np.float64)
    if now.shape != before.shape or now.ndim != 2:
        raise GrowthInputError("本轮能力评分与基线能力评分应为同样大小的 学员 × 能力 表")
    change = now - before
    both = ~np.isnan(change)
    count = both.sum(axis=1)
    total = np.where(both, change, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


@dataclass(frozen=True)
class GrowthResult:
    """The index of one round, with everything needed to explain it.

    Arrays per trainee have length ``n``; per indicator, the order of ``keys``.

    * ``keys``: indicator keys; ``weights``: the weights used, normalised to
      sum 1 (in ``keys`` order); ``method_label``: how they were obtained.
    * ``values``: ``(n, k)`` raw values (NaN = missing); ``bounds``: ``(k, 2)``
      cohort min and max per indicator (the raw values that map to 0 and 100);
      ``normalised``: ``(n, k)`` on 0-100, NaN where missing or constant.
    * ``constant``: keys left out because every trainee with data has the same value.
    * ``absent``: keys with no data for anyone (not measured in this round).
    * ``coverage``: share of the weight of the measured indicators (all but
      ``absent``) that the trainee has data for (0..1).
    * ``index``: 0-100, NaN when coverage is below the minimum or nothing is left.
    * ``contributions``: ``(n, k)`` points each indicator adds (re-scaled weight x
      normalised value; 0 where missing or constant); rows sum to ``index``
      (NaN rows where there is no index).
    * ``rank``: 1 = best, ties share the best rank, 0 = no index.
    * ``percentile``: 0-100, NaN = no index.
    """

    keys: tuple[str, ...]
    weights: NDArray[np.float64]
    method_label: str
    values: NDArray[np.float64]
    bounds: NDArray[np.float64]
    normalised: NDArray[np.float64]
    constant: tuple[str, ...]
    absent: tuple[str, ...]
    coverage: NDArray[np.float64]
    index: NDArray[np.float64]
    contributions: NDArray[np.float64]
    rank: NDArray[np.int64]
    percentile: NDArray[np.float64]
    min_coverage: float


def _weights(keys: Sequence[str], weights: Mapping[str, float]) -> NDArray[np.float64]:
    missing = [k for k in keys if k not in weights]
    if missing:
        raise GrowthInputError("以下指标没有权重：" + "、".join(label(k) for k in missing))
    raw = np.array([float(weights[k]) for k in keys], dtype=np.float64)
    if not np.isfinite(raw).all() or (raw < 0).any():
        raise GrowthInputError("权重应为非负的有限数")
    total = raw.sum()
    if not total > 0:
        raise GrowthInputError("权重之和应大于 0")
    return np.asarray(raw / total, dtype=np.float64)


def _values(indicators: Mapping[str, ArrayLike], keys: Sequence[str]) -> NDArray[np.float64]:
    if not indicators:
        raise GrowthInputError("没有任何指标数据")
    columns = [np.asarray(v, dtype=np.float64) for v in indicators.values()]
    if any(c.ndim != 1 for c in columns):
        raise GrowthInputError("每项指标应为每名学员一个数值")
    n = columns[0].shape[0]
    if any(c.shape[0] != n for c in columns):
        raise GrowthInputError("各项指标的学员人数不一致")
    if any(np.isinf(c).any() for c in columns):
        raise GrowthInputError("指标中有无穷大的值，请检查数据")
    absent = [np.full(n, np.nan)] * (len(keys) - len(columns))
    return np.asarray(np.column_stack([*columns, *absent]), dtype=np.float64).reshape(n, len(keys))


def normalise(values: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Min-max normalisation to 0-100 over the cohort, per column (the Handbook, step 5).

    ``values``: ``(n_trainees, n_indicators)``, NaN = missing. Returns
    ``(normalised, bounds)``: ``normalised[t, i] = 100 * (x - min_i) / (max_i
    - min_i)`` over the non-missing values of column *i*, NaN where missing
    and for a column without range (all values equal, or none);
    ``bounds[i] = (min_i, max_i)`` (NaN for an empty column).
    """
    table = np.asarray(values, dtype=np.float64)
    present = ~np.isnan(table)
    has_any = present.any(axis=0)
    low = np.where(has_any, np.where(present, table, np.inf).min(axis=0), np.nan)
    high = np.where(has_any, np.where(present, table, -np.inf).max(axis=0), np.nan)
    span = high - low
    ranged = has_any & (span > 0)
    safe = np.where(ranged, span, 1.0)
    scaled = 100.0 * (table - low) / safe
    normalised = np.where(ranged[None, :], np.clip(scaled, 0.0, 100.0), np.nan)
    return normalised, np.column_stack([low, high])


def ranks(index: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Competition ranks and percentiles of an index (NaN = not ranked).

    Rank = 1 + number of trainees with a higher index (ties share the best
    rank; 0 for NaN). Percentile = 100 x (others with an index not above
    the trainee's) / (ranked trainees - 1); 100 when only one is ranked; NaN
    for NaN. Indices are compared rounded to :data:`TIE_DECIMALS` decimals.
    """
    values = np.round(np.asarray(index, dtype=np.float64), TIE_DECIMALS)
    ranked = ~np.isnan(values)
    ordered = np.sort(values[ranked])
    m = ordered.size
    at_or_below = np.searchsorted(ordered, np.where(ranked, values, 0.0), side="right")
    rank = np.where(ranked, m - at_or_below + 1, 0).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(m > 1, 100.0 * (at_or_below - 1) / max(m - 1, 1), 100.0)
    percentile = np.where(ranked, share, np.nan)
    return rank, percentile


def compute(
    indicators: Mapping[str, ArrayLike],
    weights: Mapping[str, float],
    *,
    method_label: str,
    min_coverage: float = MIN_COVERAGE,
) -> GrowthResult:
    """The growth index of one cohort (rules in the module docstring).

    ``indicators``: key -> one value per trainee (all the same length, NaN =
    missing), higher = better. ``weights``: key -> non-negative weight (any
    scale; normalised). Every indicator needs a weight; a weighted key with no
    indicator given, or with no data for anyone (e.g. activities before any
    activity exists), is not measured in the round: reported in ``absent``,
    its weight goes to the others and it does not lower coverage.
    ``method_label``: how the weights were obtained, kept with the result.
    ``min_coverage``: 0..1, see :class:`GrowthResult`.
    """
    if not 0.0 <= min_coverage <= 1.0:
        raise GrowthInputError("最低指标覆盖率应在 0 到 1 之间")
    keys = (*indicators, *(k for k in weights if k not in indicators))
    w = _weights(keys, weights)
    values = _values(indicators, keys)
    normalised, bounds = normalise(values)
    present = ~np.isnan(values)
    usable = ~np.isnan(normalised)
    measured = present.any(axis=0)
    constant = tuple(keys[i] for i in np.flatnonzero(measured & ~usable.any(axis=0)))
    absent = tuple(keys[i] for i in np.flatnonzero(~measured))
    measured_weight = float(w[measured].sum())
    coverage = (present * w[None, :]).sum(axis=1) / (
        measured_weight if measured_weight > 0 else 1.0
    )
    denominator = (usable * w[None, :]).sum(axis=1)
    scored = (coverage >= min_coverage - 1e-12) & (denominator > 0)
    share = np.where(
        usable & scored[:, None], w[None, :] / np.where(scored, denominator, 1.0)[:, None], 0.0
    )
    contributions = np.where(usable, share * np.nan_to_num(normalised), 0.0)
    contributions[~scored] = np.nan
    index = np.where(scored, np.clip(contributions.sum(axis=1), 0.0, 100.0), np.nan)
    rank, percentile = ranks(index)
    return GrowthResult(
        keys=keys,
        weights=w,
        method_label=method_label,
        values=values,
        bounds=bounds,
        normalised=normalised,
        constant=constant,
        absent=absent,
        coverage=coverage,
        index=index,
        contributions=contributions,
        rank=rank,
        percentile=percentile,
        min_coverage=min_coverage,
    )


@dataclass(frozen=True)
class Scenario:
    """One set of weights tried by :func:`sensitivity`: a key, a Chinese label, the weights."""

    name: str
    label: str
    weights: Mapping[str, float]


def scenarios(
    weights: Mapping[str, float],
    *,
    alternatives: Mapping[str, Mapping[str, float]] | None = None,
) -> list[Scenario]:
    """The other reasonable weights: equal, each ±20 %, each indicator dropped, then ``alternatives``.

    ±20 % multiplies one weight by 0.8 or 1.2 (the others kept; :func:`compute`
    renormalises). Dropping sets one weight to 0; it is skipped when no
    positive weight would remain. ``alternatives`` (name -> weights, e.g. the
    entropy weights beside AHP ones) are tried as given.
    """
    keys = list(weights)
    out = [Scenario("equal", "等权重", dict.fromkeys(keys, 1.0))]
    for key in keys:
        for sign, mark in ((-1, "-20%"), (1, "+20%")):
            moved = {**weights, key: float(weights[key]) * (1 + sign * WEIGHT_STEP)}
            out.append(Scenario(f"{key}{mark}", f"{label(key)}权重{mark}", moved))
    for key in keys:
        dropped = {**weights, key: 0.0}
        if sum(float(v) for v in dropped.values()) > 0:
            out.append(Scenario(f"without:{key}", f"去掉{label(key)}", dropped))
    for name, alternative in (alternatives or {}).items():
        out.append(Scenario(name, name, dict(alternative)))
    return out


@dataclass(frozen=True)
class Sensitivity:
    """How each trainee's rank moves under the weights of :func:`scenarios`.

    ``scenarios``: the weight sets tried; ``ranks``: ``(n_scenarios, n)``,
    0 = no index in that scenario; ``base``: ranks under the given weights.
    Per trainee (scenarios where they have no rank ignored; 0 throughout
    when never ranked): ``best`` and ``worst`` rank (base included),
    ``largest_move`` = max |rank - base rank|, ``unstable`` when it exceeds
    ``threshold`` places; ``status`` is "不稳定" or "稳定".
    """

    scenarios: tuple[Scenario, ...]
    ranks: NDArray[np.int64]
    base: NDArray[np.int64]
    best: NDArray[np.int64]
    worst: NDArray[np.int64]
    largest_move: NDArray[np.int64]
    unstable: NDArray[np.bool_]
    threshold: int

    @property
    def status(self) -> tuple[str, ...]:
        """ "不稳定" or "稳定" per trainee."""
        return tuple(UNSTABLE if u else STABLE for u in self.unstable)


def sensitivity(
    indicators: Mapping[str, ArrayLike],
    weights: Mapping[str, float],
    *,
    alternatives: Mapping[str, Mapping[str, float]] | None = None,
    threshold: int = UNSTABLE_PLACES,
    min_coverage: float = MIN_COVERAGE,
) -> Sensitivity:
    """Ranks under other reasonable weights (the Handbook, step 7) and the unstable ranks.

    Each scenario of :func:`scenarios` is computed by :func:`compute` on the
    same indicators; a trainee whose rank moves by more than ``threshold``
    places (from the rank under ``weights``) in any scenario is unstable.
    """
    if threshold < 0:
        raise GrowthInputError("名次变动阈值应为非负整数")
    base = compute(indicators, weights, method_label="base", min_coverage=min_coverage).rank
    tried = scenarios(weights, alternatives=alternatives)
    table = np.array(
        [
            compute(indicators, s.weights, method_label=s.name, min_coverage=min_coverage).rank
            for s in tried
        ],
        dtype=np.int64,
    ).reshape(len(tried), base.size)
    everything = np.vstack([base[None, :], table])
    known = (everything > 0) & (base > 0)[None, :]
    best = np.where(known, everything, np.iinfo(np.int64).max).min(axis=0)
    worst = np.where(known, everything, 0).max(axis=0)
    move = np.where(known, np.abs(everything - base[None, :]), 0).max(axis=0)
    best = np.where(base > 0, best, 0)
    return Sensitivity(
        scenarios=tuple(tried),
        ranks=table,
        base=base,
        best=best.astype(np.int64),
        worst=worst.astype(np.int64),
        largest_move=move.astype(np.int64),
        unstable=np.asarray(move > threshold, dtype=np.bool_),
        threshold=threshold,
    )


def trend(index_by_round: Sequence[ArrayLike]) -> NDArray[np.float64]:
    """Change of the index between consecutive rounds.

    ``index_by_round``: one index array per round, oldest first, the same
    trainees in the same order. Returns ``(n_rounds - 1, n)``: row *k* is
    round *k+1* minus round *k*, NaN where either is missing (no warning).
    Being cohort-relative, a change is one of standing within the cohort.
    """
    if not index_by_round:
        raise GrowthInputError("没有任何一轮的成长指数")
    rounds = [np.asarray(r, dtype=np.float64) for r in index_by_round]
    n = rounds[0].shape
    if any(r.ndim != 1 or r.shape != n for r in rounds):
        raise GrowthInputError("各轮成长指数的学员人数不一致")
    table = np.vstack(rounds)
    return np.asarray(np.diff(table, axis=0), dtype=np.float64)

"""Pair components on a common footing, the 以事择人 ceiling, and contributions in points.

Raw components (fit, development, complement) are each on 0-100 but spread very
differently: complement takes a handful of values between 2 and 98, fit sits
mostly between 30 and 70. A weight multiplies a spread, so with raw values the
stated weights 0.5/0.3/0.2 are not the components' real shares of a decision.

Rules (see ``docs/decisions/0006-pair-scores.md``):

* **footing**: each component is standardised over the run's allowed pairs
  and mapped smoothly into [0, 100]:
  ``scaled = 50 + 50 * tanh(12.5 * (x - mean) / (50 * s))``, where ``s`` is
  the standard deviation ``sd`` divided by a gain chosen so that the scaled
  values again have a standard deviation of 12.5 (:func:`fit_footing`); a
  constant component scales to 50 everywhere (it decides nothing). The map is
  strictly increasing and never clips: fit has a long tail of real matches (a
  few percent of pairs lie more than four deviations out) and a hard clip at
  100 made every strong match equal, so the weaker components decided between
  them. The gain keeps each component's spread at 12.5 points, so the
  weights stay the components' real shares. Mean and standard deviation rather than median and IQR or
  ranks: most pairs of a run are unrelated, so fit is concentrated low with a
  tail of real matches, and the decision is made in that tail; a robust scale
  (small IQR) pushes every real match to the 100 clip and a rank transform
  squeezes them into the last percentile, both erasing the differences
  between good matches.
* **total** = ``sum_k w_k * scaled_k`` with the normalised weights, plus the
  志愿岗位 bonus, clipped to [0, 100], then the ceiling below.
* **以事择人 ceiling**: within each post, a pair whose expertise shares no term
  with the post (tier :data:`NO_MATCH`) scores at most the lowest clear-match
  pair of that post (tier :data:`CLEAR_MATCH`) minus :data:`CEILING_MARGIN`.
  A linear sum cannot guarantee this for arbitrary development and complement
  values, so it is an explicit rule; it only lowers totals.
* **effective share** of a component = ``w_k * std(scaled_k)`` over the
  allowed pairs, divided by the sum over the components: how much of the
  spread of totals each component carries.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

#: Standard deviation of a component on the common scale.
SPREAD_POINTS: Final[float] = 12.5
#: Centre of the common scale.
CENTRE_POINTS: Final[float] = 50.0

#: Fixed-point steps and bound of the gain that restores the scaled spread.
_GAIN_STEPS: Final[int] = 4
_GAIN_MAX: Final[float] = 4.0
#: Pairs sampled (evenly) to fit the gain on large runs.
_GAIN_SAMPLE: Final[int] = 200_000

#: Expertise tiers of a pair (ScoreMatrix.tier).
NO_MATCH: Final[int] = 0
SOME_MATCH: Final[int] = 1
CLEAR_MATCH: Final[int] = 2

#: Points a no-match pair stays below the post's lowest clear-match pair.
CEILING_MARGIN: Final[float] = 0.1

COMPONENTS: Final[tuple[str, str, str]] = ("fit", "development", "complement")


@dataclass(frozen=True)
class Footing:
    """How raw components were put on the common scale for one run.

    ``centre`` and ``spread`` per component (fit, development, complement;
    spread 0 = constant component); ``weights`` the normalised weights used;
    ``effective`` each component's effective share of the totals (sums 1, or
    all 0 when no allowed pair varies).
    """

    centre: tuple[float, float, float]
    spread: tuple[float, float, float]
    weights: tuple[float, float, float]
    effective: tuple[float, float, float]

    def effective_weights(self) -> dict[str, float]:
        """``{"fit": .., "development": .., "complement": ..}``, rounded to 3 decimals."""
        return {
            name: round(share, 3) for name, share in zip(COMPONENTS, self.effective, strict=True)
        }


@dataclass(frozen=True)
class Contributions:
    """A pair's total in points: what each component and each rule added.

    ``fit + development + complement + adjustment == total``; ``adjustment``
    is the 志愿岗位 bonus (positive) or the 以事择人 ceiling and clipping
    (negative).
    """

    fit: float
    development: float
    complement: float
    adjustment: float
    total: float


def _centre_and_spread(values: NDArray[np.float32]) -> tuple[float, float]:
    if values.size == 0:
        return 0.0, 0.0
    centre = float(values.mean(dtype=np.float64))
    spread = float(values.std(dtype=np.float64))
    if spread <= 1e-6:
        return centre, 0.0
    sample = values[:: max(1, values.size // _GAIN_SAMPLE)]
    gain = 1.0
    for _ in range(_GAIN_STEPS):
        deviation = float(scaled(sample, centre, spread / gain).std(dtype=np.float64))
        if deviation <= 0:
            break
        gain = min(gain * SPREAD_POINTS / deviation, _GAIN_MAX)
    return centre, spread / gain


def scaled(values: NDArray[np.float32], centre: float, spread: float) -> NDArray[np.float32]:
    """``values`` on the common scale (a new float32 array in (0, 100))."""
    if spread <= 0:
        return np.full(values.shape, CENTRE_POINTS, dtype=np.float32)
    out = values.astype(np.float32, copy=True)
    out -= np.float32(centre)
    out *= np.float32(SPREAD_POINTS / spread / CENTRE_POINTS)
    np.tanh(out, out=out)
    out *= np.float32(CENTRE_POINTS)
    out += np.float32(CENTRE_POINTS)
    return out


def fit_footing(
    components: tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]],
    allowed: NDArray[np.bool_],
    weights: tuple[float, float, float],
) -> Footing:
    """Centre, spread and effective shares of the components over the allowed pairs."""
    centres, spreads, deviations = [], [], []
    for values in components:
        sample = values[allowed]
        centre, spread = _centre_and_spread(sample)
        centres.append(centre)
        spreads.append(spread)
        deviations.append(float(scaled(sample, centre, spread).std()) if sample.size else 0.0)
    raw = [w * d for w, d in zip(weights, deviations, strict=True)]
    total = sum(raw)
    effective = tuple(r / total for r in raw) if total > 0 else (0.0, 0.0, 0.0)
    return Footing(
        centre=(centres[0], centres[1], centres[2]),
        spread=(spreads[0], spreads[1], spreads[2]),
        weights=weights,
        effective=(effective[0], effective[1], effective[2]),
    )


def combine(
    components: tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float32]],
    footing: Footing,
    weights: tuple[float, float, float],
    *,
    bonus: NDArray[np.float32] | None,
    tier: NDArray[np.int8],
    allowed: NDArray[np.bool_],
) -> NDArray[np.float32]:
    """Totals from raw components: weighted common-scale sum, bonus, clip, ceiling.

    ``weights`` are normalised weights (they may differ from the footing's,
    for sensitivity runs); ``bonus`` points per pair or None.
    """
    total = np.zeros(tier.shape, dtype=np.float32)
    for values, centre, spread, weight in zip(
        components, footing.centre, footing.spread, weights, strict=True
    ):
        if weight:
            part = scaled(values, centre, spread)
            part *= np.float32(weight)
            total += part
    if bonus is not None:
        total += bonus
    np.clip(total, 0.0, 100.0, out=total)
    apply_ceiling(total, tier, allowed)
    return total


def apply_ceiling(
    total: NDArray[np.float32], tier: NDArray[np.int8], allowed: NDArray[np.bool_]
) -> None:
    """The 以事择人 ceiling, in place, vectorised over posts (see module docstring)."""
    clear = allowed & (tier == CLEAR_MATCH)
    if not clear.any():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lowest = np.where(clear, total, np.float32(np.inf)).min(axis=0)
    limit = np.maximum(lowest - np.float32(CEILING_MARGIN), np.float32(0.0))
    capped = allowed & (tier == NO_MATCH) & (total > limit[None, :])
    np.copyto(total, np.broadcast_to(limit[None, :], total.shape), where=capped)


def contributions(
    fit: float, development: float, complement: float, total: float, footing: Footing
) -> Contributions:
    """Points each component adds to one pair's total (see :class:`Contributions`)."""
    parts = []
    for value, centre, spread, weight in zip(
        (fit, development, complement), footing.centre, footing.spread, footing.weights, strict=True
    ):
        point = float(scaled(np.array([value], dtype=np.float32), centre, spread)[0])
        parts.append(round(weight * point, 1))
    total = round(total, 1)
    return Contributions(
        fit=parts[0],
        development=parts[1],
        complement=parts[2],
        adjustment=round(total - sum(parts), 1),
        total=total,
    )

"""Do the weights decide anything? Placements changed when a weight moves.

For a run, each weight is moved by -20% and +20% in turn (the others kept,
then all normalised) and, last, fit alone is used (以事择人 only). Each time
the totals are recomputed on the same footing, tiers and rules
(:func:`scoring.retotal`) and the placement is re-solved with the run's
seats, allowed pairs, pins and side constraints, by the run's own rule
(``objective``: the largest total, or the stable placement of
:mod:`stability`); the number of cadres whose post changes is reported.
Seven solves: meant for city-scale runs on demand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Final

import numpy as np
from numpy.typing import NDArray

from lianbing.engine import assignment, scoring, stability

#: Relative move of one weight.
STEP: Final[float] = 0.2


def variants(weights: scoring.Weights) -> dict[str, scoring.Weights]:
    """The weight variants tried, by name (``fit-20%`` ... ``fit_only``)."""
    table: dict[str, scoring.Weights] = {}
    for name in ("fit", "development", "complement"):
        value = float(getattr(weights, name))
        for sign, label in ((-1, "-20%"), (1, "+20%")):
            moved = dataclasses.replace(weights, **{name: value * (1 + sign * STEP)})
            table[f"{name}{label}"] = moved
    table["fit_only"] = scoring.Weights(fit=1.0, development=0.0, complement=0.0)
    return table


def changed_placements(
    matrix: scoring.ScoreMatrix,
    weights: scoring.Weights,
    bonus: NDArray[np.float32] | None,
    seats: NDArray[np.int64],
    post_of: NDArray[np.int64],
    *,
    allowed: NDArray[np.bool_] | None = None,
    pinned: Sequence[tuple[int, int]] = (),
    constraints: assignment.Constraints | None = None,
    objective: str = "total",
    step: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Per variant of :func:`variants`, how many cadres' posts differ from ``post_of``.

    ``objective`` is the rule that made ``post_of``: ``"total"`` (the largest
    total, under ``constraints``) or ``"stable"`` (the stable placement, which
    takes no side constraints). A variant whose solve finds no placement
    counts every cadre as changed. ``step``, when given, is called before
    each variant (a caller that must stop raises from it).
    """
    mask = matrix.allowed if allowed is None else allowed
    out: dict[str, int] = {}
    for name, variant in variants(weights).items():
        if step is not None:
            step()
        total = scoring.retotal(matrix, variant, bonus)
        if objective == "stable":
            moved = stability.stable_placement(total, seats, mask, pinned)
            out[name] = int(np.count_nonzero(moved != post_of))
            continue
        solved = assignment.solve(
            total, seats=seats, allowed=mask, pinned=pinned, constraints=constraints
        )
        if solved.status.has_solution:
            out[name] = int(np.count_nonzero(solved.post_of != post_of))
        else:
            out[name] = len(post_of)
    return out

"""What :func:`assignment.solve` returns: the placement and the solver's status."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .inputs import FloatArray, IntArray


class SolverStatus(enum.StrEnum):
    """How a solve ended; a ``str`` so stored values and JSON keep the plain words.

    ``OPTIMAL``: a solution proven optimal. ``FEASIBLE``: a solution whose
    optimality is not proven. ``INFEASIBLE``: the request cannot be met.
    ``UNKNOWN``: no solution found and infeasibility not proven (time limit).
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"

    @property
    def has_solution(self) -> bool:
        """True when there is a placement to show (optimal or feasible)."""
        return self in (SolverStatus.OPTIMAL, SolverStatus.FEASIBLE)


@dataclass(frozen=True)
class Assignment:
    """The result of :func:`solve`.

    ``post_of[i]`` is the post of cadre ``i`` or -1. ``total`` is the sum of the
    scores of the chosen pairs; ``filled`` the number of seats filled.
    ``optimal`` is True only when optimality is proven. ``status`` is a :class:`SolverStatus`:
    "optimal", "feasible" (a solution, optimality not proven), "infeasible" and
    "unknown" (no solution found, infeasibility not proven). ``reason`` is a
    Chinese sentence for "infeasible" and "unknown", else "".
    ``greedy_total`` is the total of the greedy baseline (post by post in input
    order, each seat takes the best remaining allowed cadre; pins first, side
    constraints ignored), for comparison in reports.
    """

    post_of: NDArray[np.int64]
    total: float
    optimal: bool
    status: SolverStatus
    greedy_total: float
    filled: int
    reason: str = ""


def placed_result(
    scores: FloatArray, post_of: IntArray, optimal: bool, greedy_total: float
) -> Assignment:
    """The :class:`Assignment` of a found placement: its total, its count and its status."""
    placed = np.flatnonzero(post_of >= 0)
    total = float(scores[placed, post_of[placed]].sum())
    status = SolverStatus.OPTIMAL if optimal else SolverStatus.FEASIBLE
    return Assignment(post_of, total, optimal, status, greedy_total, int(placed.size))


def no_placement(
    n_cadres: int, status: SolverStatus, reason: str, greedy_total: float = 0.0
) -> Assignment:
    """An :class:`Assignment` without placement (infeasible or unknown), with its reason."""
    unassigned = np.full(n_cadres, -1, dtype=np.int64)
    return Assignment(unassigned, 0.0, False, status, greedy_total, 0, reason)

"""Optimal assignment of cadres to the seats of training posts.

One cadre per seat, each cadre at most once, forbidden pairs never, pinned
pairs always. The objective is lexicographic: first fill as many seats as
possible, then maximise the total score of the chosen pairs.

Three solvers sit behind :func:`solve` (in :mod:`.solving`), one module each:

* :mod:`.plain`, small plain problems (no side constraints): seat expansion and
  scipy's ``linear_sum_assignment`` on a big-M cost matrix, exact in floating
  point;
* :mod:`.flow`, large plain problems: a min-cost flow (OR-Tools) on a pruned
  candidate graph whose optimality on the *whole* graph is certified by
  linear-programming duality, enlarging the graph until the certificate holds
  (:func:`b_matching`, shared with the balance-table shortlist);
* :mod:`.constrained`, side constraints (:class:`Constraints`): OR-Tools CP-SAT.

:mod:`.inputs` checks the matrix, seats, mask and pairs for both ``solve`` and
:func:`lianbing.engine.shortlist.build`. Malformed input (wrong shapes,
out-of-range indices, negative or fractional seats) raises
:class:`AssignmentInputError`; a well-formed request that cannot be met (a pin
on a forbidden pair, a cadre pinned twice, more pins than seats, a minimum that
cannot be reached, a score that is not a finite number on an allowed pair)
returns ``status == SolverStatus.INFEASIBLE`` with a Chinese ``reason``.
"""

from __future__ import annotations

from .constrained import Constraints, GroupLimit, Minimum
from .flow import BMatching, b_matching
from .inputs import AssignmentInputError
from .result import Assignment, SolverStatus
from .solving import solve

__all__ = [
    "Assignment",
    "AssignmentInputError",
    "BMatching",
    "Constraints",
    "GroupLimit",
    "Minimum",
    "SolverStatus",
    "b_matching",
    "solve",
]

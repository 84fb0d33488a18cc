"""``solve``: input checks, pins, the greedy baseline and the choice of solver."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
from numpy.typing import ArrayLike

from .baseline import greedy_total as _greedy_total
from .constrained import Constraints, solve_constrained
from .flow import b_matching
from .inputs import AssignmentInputError, index_pairs, validated_matrix
from .pins import pin_problem
from .plain import lsa_one_seat_each, lsa_with_seats
from .result import Assignment, SolverStatus, no_placement, placed_result

#: Expanded matrices up to this many entries go to ``linear_sum_assignment``.
_LSA_MAX_ENTRIES: Final[int] = 1_000_000
#: One seat a post with every pair allowed: ``linear_sum_assignment`` on the
#: score matrix itself up to this many entries. scipy works on its own negated
#: (and, with more cadres than posts, transposed) copies, 16 bytes an entry:
#: 400 MB at this bound; larger plain matrices go to the block-wise flow.
_DIRECT_LSA_MAX_ENTRIES: Final[int] = 25_000_000


def solve(
    scores: ArrayLike,
    *,
    seats: ArrayLike | None = None,
    allowed: ArrayLike | None = None,
    pinned: Sequence[tuple[int, int]] = (),
    constraints: Constraints | None = None,
) -> Assignment:
    """Assign cadres to post seats: fill the most seats, then maximise the total score.

    Inputs: ``scores`` (n_cadres, n_posts) floats, higher is better; ``seats``
    ints per post (default 1); ``allowed`` bool mask of the same shape as
    ``scores`` (False = forbidden pair); ``pinned`` (cadre, post) pairs that must
    be in the result; ``constraints`` optional side constraints.

    Rule: each seat holds at most one cadre, each cadre takes at most one seat,
    forbidden pairs are never chosen, pinned pairs always are. Among the
    assignments obeying this, those filling the most seats are preferred, and
    among them the one with the largest sum of scores (lexicographic objective).

    Method and exactness:

    * no constraints, expanded matrix up to 10^6 entries: seat expansion and
      ``scipy.optimize.linear_sum_assignment`` with a forbidden-pair cost larger
      than any score difference a whole assignment can make (big-M), exact in
      floating point;
    * no constraints, larger, one seat a post, every pair allowed and no pin
      (up to 2.5 x 10^7 entries): ``linear_sum_assignment`` on the score
      matrix itself, exact in floating point;
    * no constraints, larger otherwise: :func:`b_matching` (certified min-cost flow).
      Scores are rounded to 1/2^31 of their range, so the total is within
      ``filled * range / 2^31`` of the float optimum (a tie-level difference);
    * constraints: CP-SAT on the allowed pairs, scores rounded to 1/2^20 of
      their range (big-M times the number of seats must stay far below 2^63 for
      CP-SAT), so the total is within ``filled * range / 2^20`` of the float
      optimum. ``optimal`` is True only when CP-SAT proves optimality. Beyond 200,000
      allowed pairs each post keeps its 40 best candidates (plus pinned pairs
      and the best candidates inside each minimum's masks); the result is then
      reported as "feasible", never "optimal", since the pruning is not proven
      harmless. Side constraints are meant for city scale (hundreds).

    Raises :class:`AssignmentInputError` for malformed shapes, indices out of
    range, negative or fractional seats. Returns status
    :attr:`SolverStatus.INFEASIBLE` with a Chinese reason for requests that
    cannot be met.
    """
    checked = validated_matrix(scores, seats=seats, allowed=allowed, error=AssignmentInputError)
    score_matrix, seat_counts = checked.scores, checked.seats
    n_cadres, n_posts = score_matrix.shape
    pins = index_pairs(pinned, n_cadres, n_posts, noun="指定的配对", error=AssignmentInputError)

    problem = pin_problem(score_matrix, seat_counts, checked.allowed, pins)
    if isinstance(problem, str):
        return no_placement(n_cadres, SolverStatus.INFEASIBLE, problem)
    if problem.nan_reason:
        return no_placement(n_cadres, SolverStatus.INFEASIBLE, problem.nan_reason)

    greedy_total = _greedy_total(score_matrix, seat_counts, problem.usable, pins)

    if constraints is not None and (constraints.group_limits or constraints.minimums):
        return solve_constrained(
            score_matrix, seat_counts, problem, pins, constraints, greedy_total
        )

    post_of = np.full(n_cadres, -1, dtype=np.int64)
    for cadre, post in pins:
        post_of[cadre] = post
    free_seats = problem.free_seats
    expanded_entries = n_cadres * int(free_seats.sum())
    if expanded_entries <= _LSA_MAX_ENTRIES:
        rows, cols = lsa_with_seats(score_matrix, free_seats, problem.usable)
        optimal = True
    elif (
        not pins
        and n_cadres * n_posts <= _DIRECT_LSA_MAX_ENTRIES
        and bool(np.all(free_seats == 1))
        and (problem.usable is None or bool(problem.usable.all()))
    ):
        # Nothing to expand or forbid: scipy alone is exact, and much faster than
        # building and certifying the flow (0.45 s against 1.4 s at 10,000 x 2,000).
        rows, cols = lsa_one_seat_each(score_matrix)
        optimal = True
    else:
        cadre_cap = np.ones(n_cadres, dtype=np.int64)
        cadre_cap[[c for c, _ in pins]] = 0
        matching = b_matching(
            score_matrix, allowed=problem.usable, cadre_cap=cadre_cap, post_cap=free_seats
        )
        rows, cols, optimal = matching.rows, matching.cols, matching.optimal
    post_of[rows] = cols
    return placed_result(score_matrix, post_of, optimal, greedy_total)

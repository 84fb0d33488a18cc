"""Optimal assignment of cadres to the seats of training posts.

One cadre per seat, each cadre at most once, forbidden pairs never, pinned
pairs always. The objective is lexicographic: first fill as many seats as
possible, then maximise the total score of the chosen pairs.

Three solvers sit behind :func:`solve`:

* small plain problems (no side constraints): seat expansion and scipy's
  ``linear_sum_assignment`` on a big-M cost matrix, exact in floating point;
* large plain problems: a min-cost flow (OR-Tools) on a pruned candidate graph
  whose optimality on the *whole* graph is certified by linear-programming
  duality, enlarging the graph until the certificate holds
  (:func:`b_matching`, shared with the balance-table shortlist);
* side constraints (:class:`Constraints`): OR-Tools CP-SAT.

Malformed input (wrong shapes, out-of-range indices, negative seats) raises
:class:`AssignmentInputError`; a well-formed request that cannot be met (a pin
on a forbidden pair, a cadre pinned twice, more pins than seats, a minimum that
cannot be reached, a score that is not a finite number on an allowed pair)
returns ``status == "infeasible"`` with a Chinese ``reason``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from ortools.graph.python import min_cost_flow
from ortools.sat.python import cp_model
from scipy.optimize import linear_sum_assignment

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
_T = TypeVar("_T", bound=np.generic)
#: A function of a row block (start, stop) returning that block's values.
_BlockValue = Callable[[int, int], FloatArray]

#: Expanded matrices up to this many entries go to ``linear_sum_assignment``.
_LSA_MAX_ENTRIES: Final[int] = 1_000_000
#: Candidate graphs up to this many usable pairs are solved whole, without pruning.
_FULL_GRAPH_MAX_PAIRS: Final[int] = 200_000
#: Rows per block when scanning the full score matrix (bounds temporary memory).
_ROW_BLOCK: Final[int] = 1024
#: Integer resolution of a score range in the flow and CP-SAT solvers.
_MAX_RESOLUTION: Final[int] = 2**31
#: Above this many allowed pairs the CP-SAT model keeps each post's best candidates only.
_CP_SAT_MAX_PAIRS: Final[int] = 200_000
_CP_SAT_TOP_K: Final[int] = 40
_EMPTY: Final = np.zeros(0, dtype=np.int64)


class AssignmentInputError(ValueError):
    """Malformed input to :func:`solve` (shapes, indices, seat counts)."""


@dataclass(frozen=True)
class GroupLimit:
    """At most ``limit`` placed cadres share one group id (e.g. their origin unit).

    ``cadre_group`` holds a group id per cadre; -1 means the cadre belongs to no
    group. ``label`` names the rule in messages, e.g. "同一派出单位".
    """

    cadre_group: Sequence[int] | NDArray[np.integer]
    limit: int
    label: str = ""


@dataclass(frozen=True)
class Minimum:
    """At least ``count`` placements of a cadre in ``cadre_mask`` on a post in ``post_mask``.

    ``None`` masks mean every cadre / every post. ``label`` names the rule in
    messages, e.g. "类别“经济管理”至少 5 人".
    """

    count: int
    cadre_mask: NDArray[np.bool_] | None = None
    post_mask: NDArray[np.bool_] | None = None
    label: str = ""


@dataclass(frozen=True)
class Constraints:
    """Side constraints for :func:`solve`, handled by CP-SAT within ``time_limit_s``."""

    group_limits: tuple[GroupLimit, ...] = ()
    minimums: tuple[Minimum, ...] = ()
    time_limit_s: float = 30.0


@dataclass(frozen=True)
class Assignment:
    """The result of :func:`solve`.

    ``post_of[i]`` is the post of cadre ``i`` or -1. ``total`` is the sum of the
    scores of the chosen pairs; ``filled`` the number of seats filled.
    ``optimal`` is True only when optimality is proven. ``status`` is one of
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
    status: str
    greedy_total: float
    filled: int
    reason: str = ""


@dataclass(frozen=True)
class BMatching:
    """A set of chosen (cadre, post) pairs from :func:`b_matching`."""

    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    optimal: bool = True


# --------------------------------------------------------------------------- public


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
    * no constraints, larger: :func:`b_matching` (certified min-cost flow).
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
    range or negative seats. Returns status "infeasible" with a Chinese reason
    for requests that cannot be met.
    """
    score_matrix, seat_counts, allowed_mask, pins = _validated(scores, seats, allowed, pinned)
    n_cadres = score_matrix.shape[0]
    unassigned = np.full(n_cadres, -1, dtype=np.int64)

    problem = _pin_problem(score_matrix, seat_counts, allowed_mask, pins)
    if isinstance(problem, str):
        return Assignment(unassigned, 0.0, False, "infeasible", 0.0, 0, problem)
    if problem.nan_reason:
        return Assignment(unassigned, 0.0, False, "infeasible", 0.0, 0, problem.nan_reason)

    greedy_total = _greedy_total(score_matrix, seat_counts, problem.usable, pins)

    if constraints is not None and (constraints.group_limits or constraints.minimums):
        return _solve_constrained(
            score_matrix, seat_counts, problem, pins, constraints, greedy_total
        )

    post_of = unassigned.copy()
    for cadre, post in pins:
        post_of[cadre] = post
    free_seats = problem.free_seats
    expanded_entries = n_cadres * int(free_seats.sum())
    if expanded_entries <= _LSA_MAX_ENTRIES:
        rows, cols = _lsa_with_seats(score_matrix, free_seats, problem.usable)
        optimal = True
    else:
        cadre_cap = np.ones(n_cadres, dtype=np.int64)
        cadre_cap[[c for c, _ in pins]] = 0
        matching = b_matching(
            score_matrix, allowed=problem.usable, cadre_cap=cadre_cap, post_cap=free_seats
        )
        rows, cols, optimal = matching.rows, matching.cols, matching.optimal
    post_of[rows] = cols
    return _result(score_matrix, post_of, optimal, greedy_total)


def b_matching(
    scores: FloatArray,
    *,
    allowed: BoolArray | None,
    cadre_cap: IntArray,
    post_cap: IntArray,
) -> BMatching:
    """Maximum-weight bipartite b-matching with a lexicographic objective.

    Inputs: ``scores`` (n, m) finite on allowed pairs; ``allowed`` bool mask or
    None (all allowed); ``cadre_cap[i]`` how many posts cadre ``i`` may take,
    ``post_cap[j]`` how many cadres post ``j`` may take. Each pair is used at
    most once. Output: the chosen pairs, maximising first their number, then
    the sum of their scores.

    Method: max-flow min-cost flow (OR-Tools ``SimpleMinCostFlow``) on integer
    weights ``round((s - s_min) * R / (s_max - s_min))`` with ``R`` up to 2^31
    (so the float total is within ``pairs * range / R`` of the float optimum).
    Large problems are solved on a candidate graph (each post's and each
    cadre's best pairs) and certified on the whole graph by LP duality: the
    bipartite b-matching polytope is integral, so a primal solution and a dual
    solution (u_i >= 0 per cadre, v_j >= 0 per post, z_ij >= 0 per pair, with
    u_i + v_j + z_ij >= M + w_ij, M a big-M making cardinality dominate) of equal
    objective prove optimality. The duals come from shortest-path potentials on
    the residual graph; every pair left out of the candidate graph must satisfy
    M + w_ij <= u_i + v_j. Violating pairs are added and the flow solved again
    until the certificate holds (column generation; it terminates since each
    round adds a pair). ``optimal`` is False only if the certificate could not
    be established, which would indicate a numerical problem.
    """
    n, m = scores.shape
    cadre_cap = np.minimum(np.asarray(cadre_cap, dtype=np.int64), m)
    post_cap = np.minimum(np.asarray(post_cap, dtype=np.int64), n)
    empty = np.zeros(0, dtype=np.int64)
    if n == 0 or m == 0 or cadre_cap.sum() == 0 or post_cap.sum() == 0:
        return BMatching(empty, empty.copy())
    weights = _IntegerWeights(scores, allowed, cadre_cap, post_cap)
    if weights.n_usable == 0:
        return BMatching(empty, empty.copy())

    if weights.n_usable <= _FULL_GRAPH_MAX_PAIRS:
        arc_rows, arc_cols = weights.all_usable_pairs()
        rows, cols = _max_flow_min_cost(weights, arc_rows, arc_cols)
        return BMatching(rows, cols)

    arc_rows, arc_cols = weights.initial_candidates()
    max_rounds = 50
    for round_index in range(max_rounds):
        rows, cols = _max_flow_min_cost(weights, arc_rows, arc_cols)
        certificate = _dual_certificate(weights, arc_rows, arc_cols, rows, cols)
        if certificate is None:
            return BMatching(rows, cols, optimal=False)
        u, v = certificate
        per_post = 4 * (round_index + 1)
        new_rows, new_cols = weights.violations(u, v, rows, cols, per_post=per_post)
        if new_rows.size == 0:
            return BMatching(rows, cols, optimal=weights.dual_gap_closed(u, v, rows, cols))
        arc_rows, arc_cols = _union_pairs(arc_rows, arc_cols, new_rows, new_cols, m)
    return BMatching(rows, cols, optimal=False)


# ----------------------------------------------------------------- validation


def _validated(
    scores: ArrayLike,
    seats: ArrayLike | None,
    allowed: ArrayLike | None,
    pinned: Sequence[tuple[int, int]],
) -> tuple[FloatArray, IntArray, BoolArray | None, list[tuple[int, int]]]:
    try:
        score_matrix = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AssignmentInputError("得分矩阵必须是数值数组。") from exc
    if score_matrix.ndim != 2:
        raise AssignmentInputError(
            f"得分矩阵必须是二维的（干部 × 岗位），实际是 {score_matrix.ndim} 维。"
        )
    n_cadres, n_posts = score_matrix.shape
    if seats is None:
        seat_counts = np.ones(n_posts, dtype=np.int64)
    else:
        seat_array = np.asarray(seats)
        if seat_array.shape != (n_posts,):
            raise AssignmentInputError(
                f"名额数组长度应为岗位数 {n_posts}，实际形状是 {seat_array.shape}。"
            )
        if seat_array.size and not np.all(np.equal(np.mod(seat_array, 1), 0)):
            raise AssignmentInputError("名额必须是整数。")
        seat_counts = seat_array.astype(np.int64)
        if np.any(seat_counts < 0):
            raise AssignmentInputError("名额不能为负数。")
    allowed_mask: BoolArray | None = None
    if allowed is not None:
        allowed_mask = np.asarray(allowed, dtype=bool)
        if allowed_mask.shape != score_matrix.shape:
            raise AssignmentInputError(
                f"允许矩阵的形状 {allowed_mask.shape} 与得分矩阵 {score_matrix.shape} 不一致。"
            )
    pins: list[tuple[int, int]] = []
    for pair in pinned:
        try:
            cadre, post = (int(x) for x in pair)
        except (TypeError, ValueError) as exc:
            raise AssignmentInputError(f"指定的配对 {pair!r} 应为（干部序号, 岗位序号）。") from exc
        if not (0 <= cadre < n_cadres and 0 <= post < n_posts):
            raise AssignmentInputError(
                f"指定的配对（干部 {cadre}，岗位 {post}）超出范围"
                f"（共 {n_cadres} 名干部、{n_posts} 个岗位）。"
            )
        pins.append((cadre, post))
    return score_matrix, seat_counts, allowed_mask, pins


@dataclass(frozen=True)
class _PinnedProblem:
    usable: BoolArray | None  # allowed pairs left after the pins, None = all
    free_seats: IntArray
    nan_reason: str = ""


def _pin_problem(
    scores: FloatArray,
    seats: IntArray,
    allowed: BoolArray | None,
    pins: list[tuple[int, int]],
) -> _PinnedProblem | str:
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
        return _PinnedProblem(
            usable,
            free_seats,
            f"允许的配对（干部 {cadre} → 岗位 {post}）的得分不是有效数值（NaN 或无穷大），"
            "请先检查评分数据。",
        )
    return _PinnedProblem(usable, free_seats)


# ----------------------------------------------------------------- plain solvers


def _lsa_with_seats(
    scores: FloatArray, free_seats: IntArray, usable: BoolArray | None
) -> tuple[IntArray, IntArray]:
    """Seat expansion plus ``linear_sum_assignment`` with a big-M forbidden cost.

    Cost of an allowed pair is ``s_max - s`` (in [0, span]); of a forbidden pair
    ``F = K * span + 1`` with K the number of pairs any full matching has.
    ``linear_sum_assignment`` matches exactly K pairs; one forbidden pair more
    costs F, more than any score gain, so the allowed pairs are as many as
    possible and, among those matchings, the score is maximal.
    """
    n = scores.shape[0]
    seat_post = np.repeat(np.arange(free_seats.shape[0], dtype=np.int64), free_seats)
    empty = np.zeros(0, dtype=np.int64)
    if n == 0 or seat_post.size == 0:
        return empty, empty.copy()
    expanded = scores[:, seat_post]
    mask = None if usable is None else usable[:, seat_post]
    if mask is not None and not mask.any():
        return empty, empty.copy()
    values = expanded if mask is None else expanded[mask]
    s_max = float(values.max())
    span = s_max - float(values.min())
    forbidden_cost = min(n, seat_post.size) * span + 1.0
    cost = s_max - expanded
    if mask is not None:
        cost[~mask] = forbidden_cost
    rows, seat_cols = linear_sum_assignment(cost)
    keep = np.ones(rows.size, dtype=bool) if mask is None else mask[rows, seat_cols]
    return rows[keep].astype(np.int64), seat_post[seat_cols[keep]]


def _greedy_total(
    scores: FloatArray,
    seats: IntArray,
    usable: BoolArray | None,
    pins: list[tuple[int, int]],
) -> float:
    """Greedy baseline: pins first, then post by post each seat takes the best free cadre."""
    n = scores.shape[0]
    total = float(sum(scores[c, p] for c, p in pins))
    free = np.ones(n, dtype=bool)
    free_seats = seats.copy()
    for cadre, post in pins:
        free[cadre] = False
        free_seats[post] -= 1
    if n == 0:
        return total
    # One contiguous transposed copy, forbidden pairs and taken cadres at -inf:
    # each post's row is then a cheap view, and taking a cadre blanks its column.
    columns = _transposed(scores).astype(np.float64, copy=True)
    if usable is not None:
        columns[~_transposed(usable)] = -np.inf
    columns[:, ~free] = -np.inf
    for post, want in enumerate(free_seats.tolist()):
        if want <= 0:
            continue
        row = columns[post]
        if want == 1:  # most posts: one numpy call finds the first of equal bests
            best = int(row.argmax())
            value = float(row[best])
            if value != -np.inf:
                total += value
                columns[:, best] = -np.inf
            continue
        chosen = _top_first(row, min(want, n))
        chosen = chosen[np.isfinite(row[chosen])]
        if chosen.size:
            total += float(row[chosen].sum())
            columns[:, chosen] = -np.inf
    return total


def _top_first(column: FloatArray, k: int) -> IntArray:
    """Indices of the ``k`` largest values; among equal values the lowest indices.

    The same choice as a stable best-first walk, so the baseline does not depend
    on how a partition happens to order ties.
    """
    kth = np.partition(column, column.size - k)[column.size - k]
    above = np.flatnonzero(column > kth)
    at = np.flatnonzero(column == kth)[: k - above.size]
    return np.concatenate([above, at]).astype(np.int64)


def _transposed(matrix: NDArray[_T]) -> NDArray[_T]:
    """Contiguous transpose, copied by row blocks (much faster than one strided copy)."""
    out = np.empty((matrix.shape[1], matrix.shape[0]), dtype=matrix.dtype)
    for start in range(0, matrix.shape[0], 512):
        out[:, start : start + 512] = matrix[start : start + 512].T
    return out


def _result(
    scores: FloatArray, post_of: IntArray, optimal: bool, greedy_total: float
) -> Assignment:
    placed = np.flatnonzero(post_of >= 0)
    total = float(scores[placed, post_of[placed]].sum())
    status = "optimal" if optimal else "feasible"
    return Assignment(post_of, total, optimal, status, greedy_total, int(placed.size))


# ------------------------------------------------------------ certified b-matching


class _IntegerWeights:
    """Integer pair weights and the usable-pair mask, computed block by block.

    ``w_ij = round((s_ij - lo) * scale)`` in [0, R]; ``big_m = K * R + 1`` where K
    bounds the number of chosen pairs, so one pair more outweighs any score gain.
    R is capped so that potentials (at most nodes * (big_m + R)) fit in int64.
    """

    def __init__(
        self,
        scores: FloatArray,
        allowed: BoolArray | None,
        cadre_cap: IntArray,
        post_cap: IntArray,
    ) -> None:
        self.scores = scores
        self.allowed = allowed
        self.cadre_cap = cadre_cap
        self.post_cap = post_cap
        n, m = scores.shape
        self.n, self.m = n, m
        self.row_ok = cadre_cap > 0
        self.col_ok = post_cap > 0
        self.unrestricted = allowed is None and bool(self.row_ok.all() and self.col_ok.all())
        lo, hi, count = math.inf, -math.inf, 0
        if self.unrestricted:
            lo, hi, count = float(scores.min()), float(scores.max()), n * m
        for start, block_usable in [] if self.unrestricted else self._usable_blocks():
            block = scores[start : start + block_usable.shape[0]]
            if block_usable.any():
                values = block[block_usable]
                lo = min(lo, float(values.min()))
                hi = max(hi, float(values.max()))
                count += int(values.size)
        self.n_usable = count
        self.lo = lo if count else 0.0
        pairs_bound = int(min(cadre_cap.sum(), post_cap.sum()))
        nodes = n + m + 2
        resolution = min(_MAX_RESOLUTION, 2**60 // (nodes * (pairs_bound + 2)))
        span = (hi - lo) if count else 0.0
        self.scale = resolution / span if span > 0 else 0.0
        self.resolution = resolution if span > 0 else 0
        self.big_m = pairs_bound * self.resolution + 1

    def _usable_blocks(self) -> list[tuple[int, BoolArray]]:
        blocks = []
        for start in range(0, self.n, _ROW_BLOCK):
            stop = min(self.n, start + _ROW_BLOCK)
            blocks.append((start, self.usable_block(start, stop)))
        return blocks

    def usable_block(self, start: int, stop: int) -> BoolArray:
        if self.allowed is None:
            block = np.ones((stop - start, self.m), dtype=bool)
        else:
            block = self.allowed[start:stop].copy()
        block &= self.row_ok[start:stop, None]
        block &= self.col_ok[None, :]
        return block

    def weight_block(self, start: int, stop: int) -> FloatArray:
        """Integer weights as exact float64 (all below 2^31)."""
        block: FloatArray = np.rint((self.scores[start:stop] - self.lo) * self.scale)
        return block

    def pair_weights(self, rows: IntArray, cols: IntArray) -> IntArray:
        values = np.rint((self.scores[rows, cols] - self.lo) * self.scale)
        return values.astype(np.int64)

    def all_usable_pairs(self) -> tuple[IntArray, IntArray]:
        rows_parts, cols_parts = [], []
        for start in range(0, self.n, _ROW_BLOCK):
            stop = min(self.n, start + _ROW_BLOCK)
            r, c = np.nonzero(self.usable_block(start, stop))
            rows_parts.append(r.astype(np.int64) + start)
            cols_parts.append(c.astype(np.int64))
        return np.concatenate(rows_parts), np.concatenate(cols_parts)

    def initial_candidates(self) -> tuple[IntArray, IntArray]:
        """Each cadre's best ``cap + 2`` posts (rows are contiguous, so this is cheap)."""
        # Each post's best cadres are left to the certificate: partitioning along
        # the strided axis costs more than the extra round it occasionally saves.
        per_post = 0
        per_cadre = int(min(self.m, int(self.cadre_cap.max()) + 2))

        def value(start: int, stop: int) -> FloatArray:
            block = self.scores[start:stop]
            if self.unrestricted:
                return block
            return np.where(self.usable_block(start, stop), block, -np.inf)

        return self._top_pairs(value, per_post, per_cadre)

    def violations(
        self,
        u: IntArray,
        v: IntArray,
        chosen_rows: IntArray,
        chosen_cols: IntArray,
        *,
        per_post: int,
    ) -> tuple[IntArray, IntArray]:
        """Usable unchosen pairs with ``M + w_ij > u_i + v_j``: each post's and cadre's worst.

        The first rounds can see millions of violated pairs; ranking them all
        by a sort costs more than the flow itself. So each block ranks its
        float excess densely (a partial sort per row, and per column merged
        into a running top ``per_post``), and only those picks get the exact
        integer test. Ranking by the float excess instead of the exact one
        only changes which violated pairs join first, not the certificate:
        when no pick survives the exact test, :meth:`_violations_exact`
        decides whether any violated pair is left.
        """
        unit = 1.0 / self.scale if self.scale > 0 else 1.0
        row_shift = u.astype(np.float64) * unit
        col_shift = self.lo + (v - self.big_m).astype(np.float64) * unit - unit
        k_col = max(1, min(per_post, self.n))
        k_row = min(2, self.m)
        best_vals = np.full((k_col, self.m), -np.inf)
        best_rows = np.full((k_col, self.m), -1, dtype=np.int64)
        rows_parts: list[IntArray] = []
        cols_parts: list[IntArray] = []
        for start in range(0, self.n, _ROW_BLOCK):
            stop = min(self.n, start + _ROW_BLOCK)
            excess = self.scores[start:stop] - row_shift[start:stop, None] - col_shift[None, :]
            keep = excess > 0
            if not self.unrestricted:
                keep &= self.usable_block(start, stop)
            if not keep.any():
                continue
            excess = np.where(keep, excess, -np.inf)
            top = np.argpartition(-excess, k_row - 1, axis=1)[:, :k_row]
            finite = np.isfinite(np.take_along_axis(excess, top, axis=1)).ravel()
            rows_parts.append(np.repeat(np.arange(start, stop, dtype=np.int64), k_row)[finite])
            cols_parts.append(top.ravel().astype(np.int64)[finite])
            by_col = np.ascontiguousarray(excess.T)
            k_block = min(k_col, stop - start)
            top_c = np.argpartition(-by_col, k_block - 1, axis=1)[:, :k_block].T
            merged_vals = np.vstack([best_vals, np.take_along_axis(excess, top_c, axis=0)])
            merged_rows = np.vstack([best_rows, top_c.astype(np.int64) + start])
            pick = np.argpartition(-merged_vals, k_col - 1, axis=0)[:k_col]
            best_vals = np.take_along_axis(merged_vals, pick, axis=0)
            best_rows = np.take_along_axis(merged_rows, pick, axis=0)
        finite_cols = np.isfinite(best_vals)
        rows_parts.append(best_rows[finite_cols])
        cols_parts.append(
            np.broadcast_to(np.arange(self.m, dtype=np.int64), best_vals.shape)[finite_cols]
        )
        rows, cols = _union_pairs(
            np.concatenate(rows_parts), np.concatenate(cols_parts), _EMPTY, _EMPTY, self.m
        )
        exact = self.pair_weights(rows, cols) + self.big_m - u[rows] - v[cols]
        chosen_keys = chosen_rows * self.m + chosen_cols
        keep_pairs = (exact > 0) & ~np.isin(rows * self.m + cols, chosen_keys)
        if keep_pairs.any():
            return rows[keep_pairs], cols[keep_pairs]
        return self._violations_exact(u, v, chosen_rows, chosen_cols, per_post=per_post)

    def _violations_exact(
        self,
        u: IntArray,
        v: IntArray,
        chosen_rows: IntArray,
        chosen_cols: IntArray,
        *,
        per_post: int,
    ) -> tuple[IntArray, IntArray]:
        """Usable unchosen pairs with ``M + w_ij > u_i + v_j``, the worst ones per post and cadre.

        A cheap float pre-filter in score space (with a margin of one weight
        unit) finds the candidates; the exact integer test decides.
        """
        unit = 1.0 / self.scale if self.scale > 0 else 1.0
        row_shift = u.astype(np.float64) * unit
        col_shift = self.lo + (v - self.big_m).astype(np.float64) * unit - unit
        chosen_keys = chosen_rows * self.m + chosen_cols
        rows_parts: list[IntArray] = []
        cols_parts: list[IntArray] = []
        vals_parts: list[FloatArray] = []
        for start in range(0, self.n, _ROW_BLOCK):
            stop = min(self.n, start + _ROW_BLOCK)
            maybe = self.scores[start:stop] > row_shift[start:stop, None] + col_shift[None, :]
            if not self.unrestricted:
                maybe &= self.usable_block(start, stop)
            r, c = np.nonzero(maybe)
            r = r.astype(np.int64) + start
            c = c.astype(np.int64)
            excess = self.pair_weights(r, c) + self.big_m - u[r] - v[c]
            keep = (excess > 0) & ~np.isin(r * self.m + c, chosen_keys)
            rows_parts.append(r[keep])
            cols_parts.append(c[keep])
            vals_parts.append(excess[keep].astype(np.float64))
        rows = np.concatenate(rows_parts)
        cols = np.concatenate(cols_parts)
        vals = np.concatenate(vals_parts)
        by_post = _top_in_groups(cols, vals, per_post)
        by_cadre = _top_in_groups(rows, vals, 2)
        return _union_pairs(rows[by_post], cols[by_post], rows[by_cadre], cols[by_cadre], self.m)

    def _top_pairs(
        self,
        value: _BlockValue,
        per_post: int,
        per_cadre: int,
    ) -> tuple[IntArray, IntArray]:
        """Pairs among each column's ``per_post`` and each row's ``per_cadre`` largest finite values."""
        rows_parts: list[IntArray] = []
        cols_parts: list[IntArray] = []
        vals_parts: list[FloatArray] = []
        for start in range(0, self.n, _ROW_BLOCK):
            stop = min(self.n, start + _ROW_BLOCK)
            r, c, val = _block_top(value(start, stop), per_post, per_cadre)
            rows_parts.append(r + start)
            cols_parts.append(c)
            vals_parts.append(val)
        rows = np.concatenate(rows_parts)
        cols = np.concatenate(cols_parts)
        vals = np.concatenate(vals_parts)
        by_post = _top_in_groups(cols, vals, per_post)
        by_cadre = _top_in_groups(rows, vals, per_cadre)
        return _union_pairs(rows[by_post], cols[by_post], rows[by_cadre], cols[by_cadre], self.m)

    def dual_gap_closed(self, u: IntArray, v: IntArray, rows: IntArray, cols: IntArray) -> bool:
        """Weak duality made tight: dual objective equals primal objective (exact integers)."""
        w = self.pair_weights(rows, cols) + self.big_m
        z = np.maximum(0, w - u[rows] - v[cols])
        primal = sum(int(x) for x in w)
        dual = (
            sum(int(a) * int(b) for a, b in zip(self.cadre_cap, u, strict=True))
            + sum(int(a) * int(b) for a, b in zip(self.post_cap, v, strict=True))
            + sum(int(x) for x in z)
        )
        return primal == dual


def _block_top(
    block: FloatArray, per_col: int, per_row: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """Triplets (row, col, value) holding every column's and row's best finite entries.

    When the block has few finite entries they are all returned; otherwise a
    partial sort per row and per column (on a contiguous transposed copy, which
    is faster than partitioning along the strided axis).
    """
    n_rows, n_cols = block.shape
    finite = np.isfinite(block)
    if int(finite.sum()) <= 2 * (per_col * n_cols + per_row * n_rows):
        r, c = np.nonzero(finite)
        return r.astype(np.int64), c.astype(np.int64), block[r, c]
    parts_r, parts_c = [], []
    k = min(per_row, n_cols)
    top = np.argpartition(-block, k - 1, axis=1)[:, :k]
    parts_r.append(np.repeat(np.arange(n_rows), k))
    parts_c.append(top.ravel())
    k = min(per_col, n_rows)
    if k > 0:
        top_t = np.argpartition(-np.ascontiguousarray(block.T), k - 1, axis=1)[:, :k]
        parts_r.append(top_t.ravel())
        parts_c.append(np.repeat(np.arange(n_cols), k))
    r = np.concatenate(parts_r).astype(np.int64)
    c = np.concatenate(parts_c).astype(np.int64)
    vals = block[r, c]
    keep = np.isfinite(vals)
    return r[keep], c[keep], vals[keep]


def _top_in_groups(keys: IntArray, vals: FloatArray, k: int) -> NDArray[np.bool_]:
    """Mask of the entries ranking among the ``k`` largest ``vals`` of their key."""
    order = np.lexsort((-vals, keys))
    sorted_keys = keys[order]
    first = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(order.size), 0))
    rank = np.arange(order.size) - group_start
    mask = np.zeros(order.size, dtype=bool)
    mask[order[rank < k]] = True
    return mask


def _union_pairs(
    rows_a: IntArray, cols_a: IntArray, rows_b: IntArray, cols_b: IntArray, m: int
) -> tuple[IntArray, IntArray]:
    keys = np.unique(np.concatenate([rows_a * m + cols_a, rows_b * m + cols_b]))
    return keys // m, keys % m


def _max_flow_min_cost(
    weights: _IntegerWeights, arc_rows: IntArray, arc_cols: IntArray
) -> tuple[IntArray, IntArray]:
    """Max-flow min-cost b-matching on the given candidate pairs; returns the chosen pairs."""
    n, m = weights.n, weights.m
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    cadres = np.arange(n, dtype=np.int64)
    posts = np.arange(m, dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n, source, dtype=np.int64), cadres, weights.cadre_cap, np.zeros(n, dtype=np.int64)
    )
    first_pair_arc = n
    flow.add_arcs_with_capacity_and_unit_cost(
        arc_rows,
        n + arc_cols,
        np.ones(arc_rows.size, dtype=np.int64),
        -weights.pair_weights(arc_rows, arc_cols),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        n + posts, np.full(m, sink, dtype=np.int64), weights.post_cap, np.zeros(m, dtype=np.int64)
    )
    supply = int(min(weights.cadre_cap.sum(), weights.post_cap.sum()))
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    pair_arcs = np.arange(first_pair_arc, first_pair_arc + arc_rows.size)
    used = flow.flows(pair_arcs) > 0
    return arc_rows[used], arc_cols[used]


def _dual_certificate(
    weights: _IntegerWeights,
    arc_rows: IntArray,
    arc_cols: IntArray,
    rows: IntArray,
    cols: IntArray,
) -> tuple[IntArray, IntArray] | None:
    """Dual values (u per cadre, v per post) from residual-graph shortest-path potentials.

    Residual graph of the circulation (source -> cadre -> post -> sink -> source)
    with pair cost ``-(M + w)``; Bellman-Ford from a virtual root (vectorised
    relaxation rounds) gives potentials ``p`` with non-negative reduced costs.
    Then ``u_i = max(0, p_i - p_s)`` and ``v_j = max(0, p_s - p_j)``. Returns
    None if the relaxation does not settle (a negative cycle: the flow was not
    optimal, which the caller reports as unproven).
    """
    n, m = weights.n, weights.m
    source, sink = n + m, n + m + 1
    nodes = n + m + 2
    cadre_flow = np.bincount(rows, minlength=n).astype(np.int64)
    post_flow = np.bincount(cols, minlength=m).astype(np.int64)
    chosen = np.zeros(arc_rows.size, dtype=bool)
    chosen_keys = rows * m + cols
    arc_keys = arc_rows * m + arc_cols
    chosen[np.isin(arc_keys, chosen_keys)] = True
    pair_cost = weights.pair_weights(arc_rows, arc_cols) + weights.big_m

    cadres = np.arange(n, dtype=np.int64)
    posts = n + np.arange(m, dtype=np.int64)
    tails = [
        np.full(int((cadre_flow < weights.cadre_cap).sum()), source),
        cadres[cadre_flow > 0],
        arc_rows[~chosen],
        n + arc_cols[chosen],
        posts[post_flow < weights.post_cap],
        np.full(int((post_flow > 0).sum()), sink),
        np.array([sink, source] if rows.size else [sink]),
    ]
    heads = [
        cadres[cadre_flow < weights.cadre_cap],
        np.full(int((cadre_flow > 0).sum()), source),
        n + arc_cols[~chosen],
        arc_rows[chosen],
        np.full(int((post_flow < weights.post_cap).sum()), sink),
        posts[post_flow > 0],
        np.array([source, sink] if rows.size else [source]),
    ]
    costs = [
        np.zeros(tails[0].size, dtype=np.int64),
        np.zeros(tails[1].size, dtype=np.int64),
        -pair_cost[~chosen],
        pair_cost[chosen],
        np.zeros(tails[4].size, dtype=np.int64),
        np.zeros(tails[5].size, dtype=np.int64),
        np.zeros(tails[6].size, dtype=np.int64),
    ]
    tail = np.concatenate(tails).astype(np.int64)
    head = np.concatenate(heads).astype(np.int64)
    cost = np.concatenate(costs).astype(np.int64)
    order = np.argsort(head, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    targets, starts = np.unique(head, return_index=True)

    potential = np.zeros(nodes, dtype=np.int64)
    for _ in range(nodes + 1):
        best = np.minimum.reduceat(potential[tail] + cost, starts)
        improved = best < potential[targets]
        if not improved.any():
            break
        potential[targets[improved]] = best[improved]
    else:
        return None
    p_source = potential[source]
    u = np.maximum(0, potential[:n] - p_source)
    v = np.maximum(0, p_source - potential[n : n + m])
    return u, v


# --------------------------------------------------------------- side constraints


def _solve_constrained(
    scores: FloatArray,
    seats: IntArray,
    problem: _PinnedProblem,
    pins: list[tuple[int, int]],
    constraints: Constraints,
    greedy_total: float,
) -> Assignment:
    """CP-SAT model: one Boolean per candidate pair, lexicographic objective via big-M."""
    n, m = scores.shape
    unassigned = np.full(n, -1, dtype=np.int64)
    groups = [_group_array(limit, n) for limit in constraints.group_limits]
    minimum_masks = [_minimum_masks(minimum, n, m) for minimum in constraints.minimums]

    usable = problem.usable if problem.usable is not None else np.ones((n, m), dtype=bool)
    usable = usable & (problem.free_seats > 0)[None, :]
    pruned = False
    if int(usable.sum()) > _CP_SAT_MAX_PAIRS:
        usable = _prune_candidates(scores, usable, minimum_masks)
        pruned = True
    rows, cols = np.nonzero(usable)
    rows = rows.astype(np.int64)
    cols = cols.astype(np.int64)
    pin_rows = np.array([c for c, _ in pins], dtype=np.int64)
    pin_cols = np.array([p for _, p in pins], dtype=np.int64)
    all_rows = np.concatenate([rows, pin_rows])
    all_cols = np.concatenate([cols, pin_cols])
    is_pin = np.concatenate([np.zeros(rows.size, dtype=bool), np.ones(pin_rows.size, dtype=bool)])

    values = scores[all_rows, all_cols]
    lo = float(values.min()) if values.size else 0.0
    span = float(values.max()) - lo if values.size else 0.0
    pairs_bound = int(min(n, int(seats.sum())))
    resolution = min(2**20, max(1, 2**52 // ((pairs_bound + 2) ** 2)))
    int_weights = (
        np.rint((values - lo) * (resolution / span)).astype(np.int64)
        if span > 0
        else np.zeros(values.size, dtype=np.int64)
    )
    big_m = pairs_bound * (resolution if span > 0 else 0) + 1

    def build(with_assumptions: bool) -> tuple[cp_model.CpModel, list[cp_model.IntVar], list[str]]:
        model = cp_model.CpModel()
        x = [model.new_bool_var(f"x{k}") for k in range(all_rows.size)]
        for k in np.flatnonzero(is_pin):
            model.add(x[int(k)] == 1)
        order_r = np.argsort(all_rows, kind="stable")
        for chunk in np.split(order_r, np.flatnonzero(np.diff(all_rows[order_r])) + 1):
            if chunk.size > 1:
                model.add_at_most_one(x[int(k)] for k in chunk)
        order_c = np.argsort(all_cols, kind="stable")
        for chunk in np.split(order_c, np.flatnonzero(np.diff(all_cols[order_c])) + 1):
            if chunk.size:
                post = int(all_cols[chunk[0]])
                model.add(sum(x[int(k)] for k in chunk) <= int(seats[post]))
        labels: list[str] = []
        literals: list[cp_model.IntVar] = []
        for limit, group in zip(constraints.group_limits, groups, strict=True):
            group_of_pair = group[all_rows]
            label = limit.label or "同组人数上限"
            for gid in np.unique(group_of_pair[group_of_pair >= 0]):
                members = np.flatnonzero(group_of_pair == gid)
                ct = model.add(sum(x[int(k)] for k in members) <= int(limit.limit))
                if with_assumptions:
                    lit = model.new_bool_var(f"g{len(literals)}")
                    ct.only_enforce_if(lit)
                    literals.append(lit)
                    labels.append(f"{label}（不超过 {int(limit.limit)} 人）")
        for minimum, (cadre_mask, post_mask) in zip(
            constraints.minimums, minimum_masks, strict=True
        ):
            members = np.flatnonzero(cadre_mask[all_rows] & post_mask[all_cols])
            ct = model.add(sum(x[int(k)] for k in members) >= int(minimum.count))
            if with_assumptions:
                lit = model.new_bool_var(f"m{len(literals)}")
                ct.only_enforce_if(lit)
                literals.append(lit)
                labels.append(minimum.label or f"至少 {int(minimum.count)} 人的要求")
        model.maximize(sum(int(big_m + w) * var for w, var in zip(int_weights, x, strict=True)))
        if with_assumptions:
            model.add_assumptions(literals)
        return model, x, labels

    model, x, _ = build(with_assumptions=False)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(constraints.time_limit_s)
    solver.parameters.num_workers = 2
    status = solver.solve(model)

    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        post_of = unassigned.copy()
        picked = np.array([solver.boolean_value(var) for var in x], dtype=bool)
        post_of[all_rows[picked]] = all_cols[picked]
        optimal = status == cp_model.OPTIMAL and not pruned
        return _result(scores, post_of, optimal, greedy_total)

    if status == cp_model.INFEASIBLE and not pruned:
        diag_model, _, labels = build(with_assumptions=True)
        diag = cp_model.CpSolver()
        diag.parameters.max_time_in_seconds = float(constraints.time_limit_s)
        diag.parameters.num_workers = 1
        diag_status = diag.solve(diag_model)
        names: list[str] = []
        if diag_status == cp_model.INFEASIBLE:
            core = diag.sufficient_assumptions_for_infeasibility()
            index_of = {lit.index: k for k, lit in enumerate(_assumption_literals(diag_model))}
            names = [labels[index_of[i]] for i in core if i in index_of]
        detail = "、".join(dict.fromkeys(names)) if names else "附加条件与指定配对"
        reason = f"无法同时满足以下条件：{detail}。请放宽条件或增加候选人。"
        return Assignment(unassigned, 0.0, False, "infeasible", greedy_total, 0, reason)

    if status == cp_model.INFEASIBLE:
        reason = (
            "在缩减后的候选范围（每个岗位前若干名）内找不到满足附加条件的方案，"
            "但全体候选人中可能存在；请放宽条件或缩小规模后重试。"
        )
    else:
        reason = f"在 {constraints.time_limit_s:g} 秒内未找到满足附加条件的方案，请延长求解时间或放宽条件。"
    return Assignment(unassigned, 0.0, False, "unknown", greedy_total, 0, reason)


def _assumption_literals(model: cp_model.CpModel) -> list[cp_model.IntVar]:
    proto = model.proto
    return [model.get_bool_var_from_proto_index(i) for i in proto.assumptions]


def _group_array(limit: GroupLimit, n: int) -> IntArray:
    group = np.asarray(limit.cadre_group, dtype=np.int64)
    if group.shape != (n,):
        raise AssignmentInputError(
            f"“{limit.label or '分组上限'}”的分组数组长度应为干部数 {n}，实际形状是 {group.shape}。"
        )
    if limit.limit < 0:
        raise AssignmentInputError(f"“{limit.label or '分组上限'}”的人数上限不能为负数。")
    return group


def _minimum_masks(minimum: Minimum, n: int, m: int) -> tuple[BoolArray, BoolArray]:
    label = minimum.label or "最低人数要求"
    cadre_mask = (
        np.ones(n, dtype=bool)
        if minimum.cadre_mask is None
        else np.asarray(minimum.cadre_mask, dtype=bool)
    )
    post_mask = (
        np.ones(m, dtype=bool)
        if minimum.post_mask is None
        else np.asarray(minimum.post_mask, dtype=bool)
    )
    if cadre_mask.shape != (n,) or post_mask.shape != (m,):
        raise AssignmentInputError(f"“{label}”的干部或岗位掩码长度与矩阵不一致。")
    return cadre_mask, post_mask


def _prune_candidates(
    scores: FloatArray,
    usable: BoolArray,
    minimum_masks: list[tuple[BoolArray, BoolArray]],
) -> BoolArray:
    """Keep each post's best candidates overall and within each minimum's cadre mask."""
    n = scores.shape[0]
    k = _CP_SAT_TOP_K
    if k >= n:
        return usable
    keep = np.zeros_like(usable)
    masks = [np.ones(n, dtype=bool), *[cadre_mask for cadre_mask, _ in minimum_masks]]
    for cadre_mask in masks:
        candidate = usable & cadre_mask[:, None]
        values = np.where(candidate, scores, -np.inf)
        top = np.argpartition(-values, k - 1, axis=0)[:k]
        cols = np.broadcast_to(np.arange(scores.shape[1]), top.shape)
        keep[top, cols] = True
    return keep & usable

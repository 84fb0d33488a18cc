"""The certified min-cost flow: maximum-weight bipartite b-matching (:func:`b_matching`).

Used by :func:`assignment.solve` for large plain problems and by
:func:`shortlist.build` for the balance table with a per-cadre limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray
from ortools.graph.python import min_cost_flow

from .inputs import BoolArray, FloatArray, IntArray

#: A function of a row block (start, stop) returning that block's values.
_BlockValue = Callable[[int, int], FloatArray]

#: Candidate graphs up to this many usable pairs are solved whole, without pruning.
_FULL_GRAPH_MAX_PAIRS: Final[int] = 200_000
#: Rows per block when scanning the full score matrix (bounds temporary memory).
_ROW_BLOCK: Final[int] = 1024
#: Integer resolution of a score range in the flow solver.
_MAX_RESOLUTION: Final[int] = 2**31
_EMPTY: Final = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class BMatching:
    """A set of chosen (cadre, post) pairs from :func:`b_matching`."""

    rows: NDArray[np.int64]
    cols: NDArray[np.int64]
    optimal: bool = True


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

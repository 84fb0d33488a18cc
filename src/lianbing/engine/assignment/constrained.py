"""Side constraints (:class:`Constraints`) solved with OR-Tools CP-SAT.

Group limits (at most k cadres of one origin unit) and minimums (at least k
cadres of a category) make the problem NP-hard in general; CP-SAT solves it
exactly at city scale (hundreds) and names the conflicting rules when there is
no solution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model

from .inputs import AssignmentInputError, BoolArray, FloatArray, IntArray
from .pins import PinnedProblem
from .result import Assignment, SolverStatus, no_placement, placed_result

#: Above this many allowed pairs the CP-SAT model keeps each post's best candidates only.
_CP_SAT_MAX_PAIRS: Final[int] = 200_000
_CP_SAT_TOP_K: Final[int] = 40


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
    """Side constraints for :func:`assignment.solve`, handled by CP-SAT within ``time_limit_s``."""

    group_limits: tuple[GroupLimit, ...] = ()
    minimums: tuple[Minimum, ...] = ()
    time_limit_s: float = 30.0


def solve_constrained(
    scores: FloatArray,
    seats: IntArray,
    problem: PinnedProblem,
    pins: list[tuple[int, int]],
    constraints: Constraints,
    greedy_total: float,
) -> Assignment:
    """CP-SAT model: one Boolean per candidate pair, lexicographic objective via big-M."""
    n, m = scores.shape
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
    # Not CP-SAT's own SIGINT handler: it leaves Ctrl-C at the default after the solve.
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(model)

    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        post_of = np.full(n, -1, dtype=np.int64)
        picked = np.array([solver.boolean_value(var) for var in x], dtype=bool)
        post_of[all_rows[picked]] = all_cols[picked]
        optimal = status == cp_model.OPTIMAL and not pruned
        return placed_result(scores, post_of, optimal, greedy_total)

    if status == cp_model.INFEASIBLE and not pruned:
        diag_model, _, labels = build(with_assumptions=True)
        diag = cp_model.CpSolver()
        diag.parameters.max_time_in_seconds = float(constraints.time_limit_s)
        diag.parameters.num_workers = 1
        diag.parameters.catch_sigint_signal = False
        diag_status = diag.solve(diag_model)
        names: list[str] = []
        if diag_status == cp_model.INFEASIBLE:
            core = diag.sufficient_assumptions_for_infeasibility()
            index_of = {lit.index: k for k, lit in enumerate(_assumption_literals(diag_model))}
            names = [labels[index_of[i]] for i in core if i in index_of]
        detail = "、".join(dict.fromkeys(names)) if names else "附加条件与指定配对"
        reason = f"无法同时满足以下条件：{detail}。请放宽条件或增加候选人。"
        return no_placement(n, SolverStatus.INFEASIBLE, reason, greedy_total)

    if status == cp_model.INFEASIBLE:
        reason = (
            "在缩减后的候选范围（每个岗位前若干名）内找不到满足附加条件的方案，"
            "但全体候选人中可能存在；请放宽条件或缩小规模后重试。"
        )
    else:
        reason = f"在 {constraints.time_limit_s:g} 秒内未找到满足附加条件的方案，请延长求解时间或放宽条件。"
    return no_placement(n, SolverStatus.UNKNOWN, reason, greedy_total)


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

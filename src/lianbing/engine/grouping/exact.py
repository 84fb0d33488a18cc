"""The exact method: the cost as a CP-SAT model, warm-started with a split."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from typing import Final

import numpy as np
from ortools.sat.python import cp_model

from .problem import ABILITY_WEIGHT, MIXING_WEIGHT, Problem, canonical, present

#: Scores are rounded to 1 / SCALE point for CP-SAT.
SCALE: Final[int] = 100


def solve_exact(
    problem: Problem, hint: list[list[int]] | None, seed: int, time_limit: float
) -> tuple[list[list[int]] | None, str, float | None]:
    """Solve the model of the package docstring (:mod:`lianbing.engine.grouping`); the split, the status name and the cost bound."""
    sizes = problem.sizes
    n_groups, k = problem.n_groups, problem.profiles.shape[1]
    blocks = problem.blocks
    points = np.rint(problem.profiles * SCALE).astype(np.int64)
    block_points = [points[b].sum(axis=0) for b in blocks]
    lcm = math.lcm(*set(sizes))
    factor = [lcm // s for s in sizes]  # scaled mean = group sum * factor

    model = cp_model.CpModel()
    y = [[model.new_bool_var(f"y{b}_{g}") for g in range(n_groups)] for b in range(len(blocks))]
    for b in range(len(blocks)):
        model.add_exactly_one(y[b])
    for g in range(n_groups):
        model.add(sum(len(blocks[b]) * y[b][g] for b in range(len(blocks))) == sizes[g])
    for b in range(len(blocks)):
        for other in problem.conflicts[b]:
            if other > b:
                for g in range(n_groups):
                    model.add_bool_or([y[b][g].Not(), y[other][g].Not()])
    # Groups of one size in the order of their first block: y[b][g+1] needs an earlier block in g.
    for g in range(n_groups - 1):
        if sizes[g] == sizes[g + 1]:
            for b in range(len(blocks)):
                model.add(sum(y[j][g] for j in range(b)) >= y[b][g + 1])

    top = int(np.abs(points).sum(axis=1).max()) * max(sizes) * max(factor) + 1
    sums = [
        [sum(int(block_points[b][a]) * y[b][g] for b in range(len(blocks))) for a in range(k)]
        for g in range(n_groups)
    ]

    def spread_var(values: list[cp_model.LinearExprT], name: str) -> cp_model.IntVar:
        hi = model.new_int_var(-top * k, top * k, f"hi_{name}")
        lo = model.new_int_var(-top * k, top * k, f"lo_{name}")
        # Equalities, not bounds: every helper variable is then a function of the
        # y's, and the search only branches on who goes where.
        model.add_max_equality(hi, values)
        model.add_min_equality(lo, values)
        spread = model.new_int_var(0, 2 * top * k, f"spread_{name}")
        model.add(spread == hi - lo)
        return spread

    total_spread = spread_var(
        [factor[g] * sum(sums[g][a] for a in range(k)) for g in range(n_groups)], "total"
    )
    ability_spreads = [
        spread_var([factor[g] * sums[g][a] for g in range(n_groups)], f"a{a}") for a in range(k)
    ]
    excess_terms: list[cp_model.IntVar] = []
    for kind, (_, labels) in enumerate(problem.label_kinds):
        per_block = [present(labels, block) for block in blocks]
        totals = Counter(x for x in labels if x)
        for label, count in sorted(totals.items()):
            share = math.ceil(count / n_groups)
            holders = [(b, c[label]) for b, c in enumerate(per_block) if c[label]]
            if sum(c for _, c in holders) <= share:
                continue
            for g in range(n_groups):
                ex = model.new_int_var(0, count, f"ex{kind}_{label}_{g}")
                model.add_max_equality(ex, [sum(c * y[b][g] for b, c in holders) - share, 0])
                excess_terms.append(ex)

    # cost in points = spread / (SCALE * lcm) + ...; integer weights over a common denominator.
    w_total = Fraction(1, SCALE * lcm)
    w_ability = ABILITY_WEIGHT / k / (SCALE * lcm)
    w_mix = MIXING_WEIGHT
    denominator = math.lcm(w_total.denominator, w_ability.denominator, w_mix.denominator)
    model.minimize(
        int(w_total * denominator) * total_spread
        + int(w_ability * denominator) * sum(ability_spreads)
        + int(w_mix * denominator) * sum(excess_terms)
    )

    if hint is not None:
        by_group = _hint_order(hint, sizes, problem.block_of)
        for g, members in enumerate(by_group):
            inside = {problem.block_of[i] for i in members}
            for b in range(len(blocks)):
                model.add_hint(y[b][g], b in inside)

    model.add_decision_strategy(
        [var for row in y for var in row],
        cp_model.CHOOSE_FIRST,
        cp_model.SELECT_MAX_VALUE,
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.max_deterministic_time = max(0.1, time_limit)
    solver.parameters.num_workers = 1
    # CP-SAT would otherwise take SIGINT and leave it at the default after the
    # solve: Ctrl-C would then kill the process (e.g. `lianbing demo`) outright.
    solver.parameters.catch_sigint_signal = False
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    name = solver.status_name(status)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, name, None
    groups: list[list[int]] = [[] for _ in range(n_groups)]
    for b in range(len(blocks)):
        for g in range(n_groups):
            if solver.boolean_value(y[b][g]):
                groups[g].extend(blocks[b])
    bound = solver.best_objective_bound / denominator
    return canonical(groups), name, float(bound)


def _hint_order(groups: list[list[int]], sizes: list[int], block_of: list[int]) -> list[list[int]]:
    """Put a split's groups on the model's indices: by size as ``sizes``, then by first block."""
    ordered = sorted(groups, key=lambda g: (-len(g), min(block_of[i] for i in g)))
    assert [len(g) for g in ordered] == sizes
    return ordered

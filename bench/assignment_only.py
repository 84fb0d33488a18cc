"""Time the assignment and shortlist steps against bare ``linear_sum_assignment``.

Usage: ``.venv/bin/python bench/assignment_only.py [n_cadres n_posts]`` (default
10000 x 2000). Two score models: independent uniform scores, and scores sharing
a per-cadre quality term (the realistic, harder case for shortest-path solvers).
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

from lianbing.engine import assignment, shortlist


def main() -> None:
    n, m = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) > 2 else (10_000, 2_000)
    rng = np.random.default_rng(0)
    models = {
        "uniform": rng.random((n, m)),
        "shared quality": 0.5 * rng.random(n)[:, None] + 0.5 * rng.random((n, m)),
    }
    for name, scores in models.items():
        start = time.perf_counter()
        rows, cols = linear_sum_assignment(scores, maximize=True)
        bare = time.perf_counter() - start
        start = time.perf_counter()
        result = assignment.solve(scores)
        solved = time.perf_counter() - start
        must = [(int(c), int(p)) for c, p in enumerate(result.post_of) if p >= 0]
        start = time.perf_counter()
        lists = shortlist.build(scores, per_post=2, max_per_cadre=3, must_include=must)
        listed = time.perf_counter() - start
        gap = abs(result.total - float(scores[rows, cols].sum()))
        print(
            f"{name:15s} {n}x{m}: bare LSA {bare:6.2f} s | solve {solved:6.2f} s "
            f"({solved / bare:4.1f}x, |total gap| {gap:.1e}, {result.status}) | "
            f"shortlist 1:2, <=3 lists {listed:6.2f} s (optimal={lists.optimal})"
        )


if __name__ == "__main__":
    main()

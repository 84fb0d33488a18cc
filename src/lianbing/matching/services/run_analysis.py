"""What the department reads beside a run's placement, worked out by the worker.

Effective shares of the three components, how many placements change when a
weight moves (sensitivity), the blocking pairs of the placement (a cadre and a
post that both score each other higher than what the placement gives them)
with what keeping each together would cost, and the totals of both objectives
(总分最优 and 稳定优先). The sensitivity and the costs are re-solves (up to
seventeen, most of a large run's time), so they are a job of their own
(:mod:`.analysis_jobs`), queued when a run or a re-optimisation stores its
placement: the run is shown as soon as it is stored, and its page fills the
analysis in when the worker has kept it in :attr:`MatchRun.analysis`. No page
request waits for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lianbing.engine import pipeline, stability

#: Blocking pairs kept on the run, highest score first (the engine costs as many).
KEPT_BLOCKING_PAIRS = pipeline.COSTED_BLOCKING_PAIRS


def _placement_total(total: NDArray[np.float32], post_of: NDArray[np.int64]) -> float:
    placed = np.flatnonzero(post_of >= 0)
    return float(total[placed, post_of[placed]].astype(np.float64).sum())


def _post_label(result: pipeline.MatchResult, j: int) -> str:
    post = result.posts[j]
    return f"{post.unit}·{post.name}"


def _blocking_pairs(
    result: pipeline.MatchResult,
    cadre_pks: Sequence[int],
    post_pks: Sequence[int],
    step: Callable[[], None] | None,
) -> tuple[int, list[dict[str, Any]]]:
    m = result.scores
    post_of = result.assignment.post_of
    if result.params.objective == "stable":
        # A stable placement has none but those its pins force; their "cost"
        # against the stable total would read as a gain, so none is computed.
        pairs = stability.blocking_pairs(
            m.total, result.seats, m.allowed, post_of, pinned=result.pinned
        )
    else:
        pairs = result.costed_blocking_pairs(step)
    rows = []
    for pair in pairs[:KEPT_BLOCKING_PAIRS]:
        i, j = pair.cadre, pair.post
        now = int(post_of[i])
        holders = result.cadres_on(j)
        weakest = min(holders, key=lambda k: float(m.total[k, j])) if holders else None
        rows.append(
            {
                "cadre_pk": cadre_pks[i],
                "cadre": result.cadres[i].name,
                "post_pk": post_pks[j],
                "post": _post_label(result, j),
                "score": round(pair.score, 1),
                "cadre_now": _post_label(result, now) if now >= 0 else "",
                "cadre_now_score": round(float(m.total[i, now]), 1) if now >= 0 else None,
                "post_now": result.cadres[weakest].name if weakest is not None else "",
                "post_now_score": (
                    round(float(m.total[weakest, j]), 1) if weakest is not None else None
                ),
                "cost": None if pair.cost is None else round(pair.cost, 1),
            }
        )
    return len(pairs), rows


def run_analysis(
    result: pipeline.MatchResult,
    cadre_pks: Sequence[int],
    post_pks: Sequence[int],
    step: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """The analysis of ``result``'s placement, as stored in :attr:`MatchRun.analysis`.

    Keys: ``objective``; ``effective_weights`` (fit, development, complement:
    shares summing 1); ``sensitivity`` (the engine's variant names to the
    number of cadres whose post changes); ``placed``; ``blocking_count`` and
    ``blocking_pairs`` (the first :data:`KEPT_BLOCKING_PAIRS`, with the names,
    the pair's score, where each side is now and at what score, and the cost
    of keeping them together, or None); ``optimum_total`` (总分最优) and
    ``stable_total`` (稳定优先, on the same decisions; side rules are not
    applied to it) and ``stable_differs`` (placements the stable one changes;
    None on a 稳定优先 run). Empty for a matrix without footing (a run stored before
    the scores were put on a common footing): nothing can be recomputed.
    ``step`` is called before each re-solve (the job reports its progress and
    stops there when asked to).
    """
    m = result.scores
    if m.footing is None or m.tier is None or not result.feasible:
        return {}
    post_of = result.assignment.post_of
    stable = result.params.objective == "stable"
    stable_post_of = (
        post_of
        if stable
        else stability.stable_placement(m.total, result.seats, m.allowed, result.pinned)
    )
    optimum_total = (
        result.optimum_total if result.optimum_total is not None else result.assignment.total
    )
    changed = result.weight_sensitivity(step)
    count, pairs = _blocking_pairs(result, cadre_pks, post_pks, step)
    return {
        "objective": result.params.objective,
        "effective_weights": result.effective_weights,
        "sensitivity": changed,
        "placed": int(np.count_nonzero(post_of >= 0)),
        "blocking_count": count,
        "blocking_pairs": pairs,
        "optimum_total": round(float(optimum_total), 1),
        "stable_total": round(_placement_total(m.total, stable_post_of), 1),
        "stable_differs": None if stable else int(np.count_nonzero(stable_post_of != post_of)),
    }

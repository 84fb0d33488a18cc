"""The match result as the JSON object ``lianbing match --json`` prints."""

from __future__ import annotations

from typing import Any

import numpy as np

from lianbing.engine.pipeline import MatchResult
from lianbing.xlsx.match_report import reasons


def _score(value: Any) -> float:
    return round(float(value), 2)


def match_json(result: MatchResult) -> dict[str, Any]:
    """The match result as the JSON object ``lianbing match --json`` prints.

    Keys: ``assignments`` (cadre_id, post_id, score, fit, development,
    complement, reasons), ``balance_table`` (post_id, candidates with cadre_id,
    score and 1-based rank), ``unassigned_cadres`` and ``unfilled_posts`` (ids),
    ``total``, ``greedy_total``, ``optimal``, ``objective``, ``optimum_total``
    (the 总分最优 total, to compare with a 稳定优先 run), ``effective_weights``
    (each component's share of the totals), ``sensitivity`` (placements
    changed per weight variant) and ``blocking_pairs`` (cadre_id, post_id,
    score, cost of keeping them together or null). Ids are as written in the
    spreadsheets; scores are rounded to two decimals.
    """
    m = result.scores
    cadres, posts = result.cadres, result.posts
    assignments = [
        {
            "cadre_id": cadres[i].id,
            "post_id": posts[j].id,
            "score": _score(m.total[i, j]),
            "fit": _score(m.fit[i, j]),
            "development": _score(m.development[i, j]),
            "complement": _score(m.complement[i, j]),
            "reasons": list(reasons(result, i, j)),
        }
        for i, j in result.placed()
    ]
    balance_table = [
        {
            "post_id": post.id,
            "candidates": [
                {"cadre_id": cadres[i].id, "score": _score(m.total[i, j]), "rank": rank}
                for rank, i in enumerate(result.shortlist.candidates[j], start=1)
            ],
        }
        for j, post in enumerate(posts)
    ]
    open_seats = result.open_seats()
    return {
        "assignments": assignments,
        "balance_table": balance_table,
        "unassigned_cadres": [cadres[int(i)].id for i in result.unplaced_cadres()],
        "unfilled_posts": [posts[j].id for j in np.flatnonzero(open_seats > 0)],
        "total": _score(result.assignment.total),
        "greedy_total": _score(result.assignment.greedy_total),
        "optimal": bool(result.assignment.optimal),
        "objective": result.params.objective,
        "optimum_total": _score(result.optimum_total or result.assignment.total),
        "effective_weights": result.effective_weights,
        "sensitivity": result.sensitivity,
        "blocking_pairs": [
            {
                "cadre_id": cadres[pair.cadre].id,
                "post_id": posts[pair.post].id,
                "score": _score(pair.score),
                "cost": None if pair.cost is None else _score(pair.cost),
            }
            for pair in result.blocking_pairs
        ],
    }

"""The read behind a pair's panel: both profiles, the explanation in points, the runner-up.

Split from :mod:`lianbing.matching.selectors` because it is the one read that
rebuilds engine profiles from the stored snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _

from lianbing.engine import scoring, taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile

from . import charts
from .models import Decision, DecisionKind, MatchRun
from .selectors import component_labels
from .snapshot_reads import SnapshotParts


@dataclass(frozen=True)
class PairDetail:
    run: MatchRun
    cadre_pk: int
    post_pk: int
    cadre: CadreProfile
    post: PostProfile
    category_label: str
    post_category_label: str
    scores: dict[str, float]
    allowed_by_rules: bool
    sentences: tuple[str, ...]
    rank: int | None
    placed_here: bool
    placed_on: str
    decisions: list[Decision]
    ability_rows: list[tuple[str, float, float]]
    radar: dict[str, Any]
    on_footing: bool
    comparison: Comparison | None


@dataclass(frozen=True)
class ContributionRow:
    label: str
    placed: float
    other: float

    @property
    def difference(self) -> float:
        return round(self.placed - self.other, 1)


@dataclass(frozen=True)
class Comparison:
    """Why the recommended cadre and not the other one: both totals in points, side by side."""

    placed_name: str
    other_name: str
    other_is_runner_up: bool
    other_listed: bool
    rows: list[ContributionRow]
    placed_total: float
    other_total: float

    @property
    def difference(self) -> float:
        return round(self.placed_total - self.other_total, 1)


def _points(c: scoring.Contributions) -> list[float]:
    return [c.fit, c.development, c.complement, c.adjustment]


def _comparison(
    parts: SnapshotParts, m: scoring.ScoreMatrix, run: MatchRun, i: int, j: int, post_pk: int
) -> tuple[int, int, bool] | None:
    """Who to compare: (placed, other, other is the runner-up), or None.

    The post's recommended cadre against the runner-up, or against cadre
    ``i`` when not it. The runner-up is picked as :func:`scoring.runner_up`
    picks it (the allowed cadre with the highest total), but with the
    decisions in force (cadres taken out of the pool, pairs excluded) and
    the post's other placed cadres left out: the best cadre the post could
    have instead. ``m`` is post ``j``'s column (index 0).
    """
    assert parts.state is not None
    post_of = np.asarray(parts.state["post_of"], dtype=np.int64)
    holders = [int(k) for k in np.flatnonzero(post_of == j)]
    if not holders:
        return None
    if i not in holders:
        return min(holders, key=lambda k: float(m.total[k, 0])), i, False
    column = np.where(m.allowed[:, 0], m.total[:, 0], -np.inf)
    column[holders] = -np.inf
    excluded = run.decisions.filter(withdrawn_at__isnull=True).filter(
        Q(kind=DecisionKind.EXCLUDE) | Q(kind=DecisionKind.FORBID, post_id=post_pk)
    )
    for cadre_pk in excluded.values_list("cadre_id", flat=True):
        k = parts.cadre_index(cadre_pk)
        if k is not None:
            column[k] = -np.inf
    best = int(np.argmax(column))
    if not np.isfinite(column[best]):
        return None
    return i, best, True


def _compared(
    m: scoring.ScoreMatrix,
    names: dict[int, str],
    candidates: list[int],
    placed: int,
    other: int,
    runner_up: bool,
) -> Comparison:
    """Both totals in points, component by component (:func:`scoring.contributions`)."""
    mine, theirs = scoring.contributions(m, placed, 0), scoring.contributions(m, other, 0)
    pairs = zip(_points(mine), _points(theirs), strict=True)
    labels = [label for _name, label in component_labels()] + [_("其他（志愿加分等）")]
    rows = [ContributionRow(label, a, b) for label, (a, b) in zip(labels, pairs, strict=True)]
    if not (rows[-1].placed or rows[-1].other):
        rows.pop()
    return Comparison(
        placed_name=names[placed],
        other_name=names[other],
        other_is_runner_up=runner_up,
        other_listed=other in candidates,
        rows=rows,
        placed_total=mine.total,
        other_total=theirs.total,
    )


def pair_detail(*, run: MatchRun, cadre_id: int, post_id: int) -> PairDetail | None:
    """Why a cadre scores what they score for a post, both profiles and the radar.

    The explanation is recomputed from the run's snapshot (:func:`scoring.explain`),
    so it describes the run as computed. None when the pair is not in the run.
    Only what the panel shows is read of the snapshot (:class:`SnapshotParts`):
    the post's column of scores and the profiles it names.
    """
    parts = SnapshotParts(run)
    if not parts.exists():
        return None
    assert parts.state is not None
    i, j = parts.cadre_index(cadre_id), parts.post_index(post_id)
    if i is None or j is None:
        return None
    m = parts.column(j)
    candidates = list(parts.state["candidates"][j])
    post_of = int(parts.state["post_of"][i])
    compared = _comparison(parts, m, run, i, j, post_id)
    wanted_rows = {i, *(compared[:2] if compared else ())}
    cadres, posts = parts.profiles(wanted_rows, {j, *([post_of] if post_of >= 0 else [])})
    cadre, post = cadres[i], posts[j]
    # Withdrawn decisions stay listed (struck through), with who withdrew them and why.
    decisions = list(
        run.decisions.filter(
            Q(cadre_id=cadre_id, post_id=post_id) | Q(cadre_id=cadre_id, post__isnull=True)
        ).select_related("created_by", "post", "withdrawn_by")
    )
    core = dict(post.core_abilities)
    top = max(core.values(), default=0.0)
    ability_rows = [
        (
            term.label,
            float(cadre.abilities[k]),
            round(100.0 * core.get(term.code, 0.0) / top, 1) if top else 0.0,
        )
        for k, term in enumerate(taxonomy.ABILITIES)
    ]
    # The engine reads the pair at (i, 0) of the one-column matrix.
    return PairDetail(
        run=run,
        cadre_pk=cadre_id,
        post_pk=post_id,
        cadre=cadre,
        post=post,
        # The run's categories are the engine's (derive_category) of these profiles.
        category_label=taxonomy.category(scoring.derive_category(cadre)).label,
        post_category_label=taxonomy.category(post.category).label,
        scores={
            "total": float(m.total[i, 0]),
            "fit": float(m.fit[i, 0]),
            "development": float(m.development[i, 0]),
            "complement": float(m.complement[i, 0]),
        },
        allowed_by_rules=int(m.forbidden_reason[i, 0]) == scoring.ALLOWED,
        sentences=scoring.explain(cadre, post, m, i, 0),
        rank=candidates.index(i) + 1 if i in candidates else None,
        placed_here=post_of == j,
        placed_on=f"{posts[post_of].unit}·{posts[post_of].name}" if post_of >= 0 else "",
        decisions=decisions,
        ability_rows=ability_rows,
        radar=charts.pair_radar(cadre.name, post.name, ability_rows),
        on_footing=m.footing is not None,
        comparison=(
            _compared(m, {k: c.name for k, c in cadres.items()}, candidates, *compared)
            if compared
            else None
        ),
    )

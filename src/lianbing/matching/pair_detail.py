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

from . import adapters, charts
from .models import (
    Decision,
    DecisionKind,
    MatchRun,
    RunSnapshot,
)
from .selectors import component_labels


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


def _comparison(snap: adapters.Snapshot, run: MatchRun, i: int, j: int) -> Comparison | None:
    """The post's recommended cadre against the runner-up, or against cadre ``i`` when not it.

    The runner-up is picked as :func:`scoring.runner_up` picks it (the allowed
    cadre with the highest total), but with the decisions in force (cadres
    taken out of the pool, pairs excluded) and the post's other placed
    cadres left out: the best cadre the post could have instead. Both sides
    are :func:`scoring.contributions`.
    """
    m = snap.matrix
    post_of = snap.state["post_of"]
    holders = [k for k, p in enumerate(post_of) if p == j]
    if not holders:
        return None
    if i in holders:
        placed, other = i, None
        column = np.where(m.allowed[:, j], m.total[:, j], -np.inf)
        column[holders] = -np.inf
        excluded = run.decisions.filter(withdrawn_at__isnull=True).filter(
            Q(kind=DecisionKind.EXCLUDE) | Q(kind=DecisionKind.FORBID, post_id=snap.post_pks[j])
        )
        for cadre_pk in excluded.values_list("cadre_id", flat=True):
            k = snap.cadre_index(cadre_pk)
            if k is not None:
                column[k] = -np.inf
        best = int(np.argmax(column))
        if not np.isfinite(column[best]):
            return None
        other = best
    else:
        placed = min(holders, key=lambda k: float(m.total[k, j]))
        other = i
    mine, theirs = scoring.contributions(m, placed, j), scoring.contributions(m, other, j)
    pairs = zip(_points(mine), _points(theirs), strict=True)
    labels = [label for _name, label in component_labels()] + [_("其他（志愿加分等）")]
    rows = [ContributionRow(label, a, b) for label, (a, b) in zip(labels, pairs, strict=True)]
    if not (rows[-1].placed or rows[-1].other):
        rows.pop()
    return Comparison(
        placed_name=snap.cadres[placed].name,
        other_name=snap.cadres[other].name,
        other_is_runner_up=other != i,
        other_listed=other in snap.state["candidates"][j],
        rows=rows,
        placed_total=mine.total,
        other_total=theirs.total,
    )


def pair_detail(*, run: MatchRun, cadre_id: int, post_id: int) -> PairDetail | None:
    """Why a cadre scores what they score for a post, both profiles and the radar.

    The explanation is recomputed from the run's snapshot (:func:`scoring.explain`),
    so it describes the run as computed. None when the pair is not in the run.
    """
    row = RunSnapshot.objects.filter(run=run).first()
    if row is None:
        return None
    snap = adapters.snapshot_from_row(row.inputs, row.matrices, row.state)
    i, j = snap.cadre_index(cadre_id), snap.post_index(post_id)
    if i is None or j is None:
        return None
    m = snap.matrix
    cadre, post = snap.cadres[i], snap.posts[j]
    candidates = snap.state["candidates"][j]
    post_of = int(snap.state["post_of"][i])
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
    return PairDetail(
        run=run,
        cadre_pk=cadre_id,
        post_pk=post_id,
        cadre=cadre,
        post=post,
        category_label=taxonomy.category(snap.categories[i]).label,
        post_category_label=taxonomy.category(post.category).label,
        scores={
            "total": float(m.total[i, j]),
            "fit": float(m.fit[i, j]),
            "development": float(m.development[i, j]),
            "complement": float(m.complement[i, j]),
        },
        allowed_by_rules=int(m.forbidden_reason[i, j]) == scoring.ALLOWED,
        sentences=scoring.explain(cadre, post, m, i, j),
        rank=candidates.index(i) + 1 if i in candidates else None,
        placed_here=post_of == j,
        placed_on=f"{snap.posts[post_of].unit}·{snap.posts[post_of].name}" if post_of >= 0 else "",
        decisions=decisions,
        ability_rows=ability_rows,
        radar=charts.pair_radar(cadre.name, post.name, ability_rows),
        on_footing=m.footing is not None,
        comparison=_comparison(snap, run, i, j),
    )

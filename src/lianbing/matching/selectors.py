"""Reads of match runs; each does its joins up front, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from lianbing.background.models import ACTIVE
from lianbing.demand.models import Post, Program
from lianbing.engine import scoring, sensitivity, taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.people.models import Unit
from lianbing.training.models import Secondment

from . import adapters, charts
from .models import (
    Decision,
    DecisionKind,
    MatchExport,
    MatchRun,
    Reoptimisation,
    RunCandidate,
    RunPlacement,
    RunSnapshot,
)


def match_run_list(*, program_id: int | None = None) -> QuerySet[MatchRun]:
    """Runs, newest first, with their numbers of cadres, posts and decisions in force."""
    qs = MatchRun.objects.select_related("program", "created_by", "supersedes").annotate(
        n_cadres=Count("cadres", distinct=True),
        n_posts=Count("posts", distinct=True),
        n_decisions=Count(
            "decisions", filter=Q(decisions__withdrawn_at__isnull=True), distinct=True
        ),
    )
    if program_id:
        qs = qs.filter(program_id=program_id)
    return qs.order_by("-created_at", "-id")


def program_choices() -> QuerySet[Program]:
    return Program.objects.order_by("-started_on", "name")


@dataclass(frozen=True)
class RunDetail:
    run: MatchRun
    decisions: list[Decision]
    pending: int
    exports: list[MatchExport]
    secondments: list[Secondment]
    superseding: list[MatchRun]
    reoptimisations: list[Reoptimisation]
    n_cadres: int
    n_posts: int
    seats: int
    analysis: RunAnalysis | None


def _component_labels() -> tuple[tuple[str, str], ...]:
    """The three components as the pages name them, in the engine's order."""
    return (("fit", _("专长匹配")), ("development", _("短板提升")), ("complement", _("岗位互补")))


@dataclass(frozen=True)
class SensitivityRow:
    label: str
    minus: int
    plus: int


@dataclass(frozen=True)
class RunAnalysis:
    """A run's stored analysis (:attr:`MatchRun.analysis`), laid out for its page."""

    stable: bool
    shares: list[tuple[str, str]]
    sensitivity: list[SensitivityRow]
    fit_only: int | None
    placed: int
    blocking_count: int
    blocking_pairs: list[dict[str, Any]]
    optimum_total: float
    stable_total: float
    stable_differs: int | None

    @property
    def shares_text(self) -> str:
        return " / ".join(share for _label, share in self.shares)

    @property
    def stable_gap(self) -> float:
        return round(self.optimum_total - self.stable_total, 1)


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def run_analysis(*, run: MatchRun) -> RunAnalysis | None:
    """The run's analysis for its page; None for a run computed before the analysis existed."""
    data = run.analysis or {}
    if not data:
        return None
    shares = data.get("effective_weights") or {}
    changed = data.get("sensitivity") or {}
    step = f"{100 * sensitivity.STEP:.0f}%"
    return RunAnalysis(
        stable=data.get("objective") == "stable",
        shares=[
            (label, _percent(float(shares.get(name, 0.0)))) for name, label in _component_labels()
        ],
        sensitivity=[
            SensitivityRow(
                label, int(changed.get(f"{name}-{step}", 0)), int(changed.get(f"{name}+{step}", 0))
            )
            for name, label in _component_labels()
            if f"{name}-{step}" in changed
        ],
        fit_only=changed.get("fit_only"),
        placed=int(data.get("placed", 0)),
        blocking_count=int(data.get("blocking_count", 0)),
        blocking_pairs=list(data.get("blocking_pairs", [])),
        optimum_total=float(data.get("optimum_total", 0.0)),
        stable_total=float(data.get("stable_total", 0.0)),
        stable_differs=data.get("stable_differs"),
    )


def _decision_log(run: MatchRun) -> list[Decision]:
    """Every decision of the run, withdrawn ones too, oldest first, with the people named."""
    return list(run.decisions.select_related("cadre", "post__unit", "created_by", "withdrawn_by"))


def match_run_detail(*, run: MatchRun) -> RunDetail:
    """A run with its decisions, re-optimisations, exports, secondments and superseding runs.

    ``pending`` counts what the next re-optimisation has to take in: decisions
    not yet used and withdrawals of used ones (:attr:`Decision.is_pending`).
    """
    decisions = _decision_log(run)
    counts = run.posts.aggregate(n=Count("id"), seats=Sum("seats"))
    return RunDetail(
        run=run,
        decisions=decisions,
        pending=sum(1 for d in decisions if d.is_pending),
        exports=list(run.exports.select_related("created_by")[:5]),
        secondments=list(
            Secondment.objects.filter(source_run=run).select_related(
                "cadre", "post__unit", "mentor"
            )
        ),
        superseding=list(run.superseding_runs.all()),
        reoptimisations=list(run.reoptimisations.select_related("requested_by")),
        n_cadres=run.cadres.count(),
        n_posts=counts["n"],
        seats=counts["seats"] or 0,
        analysis=run_analysis(run=run),
    )


def match_run_status(*, run_id: int) -> MatchRun:
    """A fresh read of a run's status and progress (for polling)."""
    return MatchRun.objects.only(
        "status",
        "progress",
        "progress_message",
        "cancel_requested",
        "error",
        "finalised_at",
        "started_at",
    ).get(pk=run_id)


def match_export_list(*, run: MatchRun) -> list[MatchExport]:
    return list(run.exports.select_related("created_by", "run")[:5])


@dataclass(frozen=True)
class RunDecisions:
    decisions: list[Decision]
    pending: int


def run_decisions(*, run: MatchRun) -> RunDecisions:
    """The run's decision log and what is pending, for the part of the run page that lists them."""
    decisions = _decision_log(run)
    return RunDecisions(decisions=decisions, pending=sum(1 for d in decisions if d.is_pending))


def run_decision(*, run: MatchRun, decision_id: int) -> Decision | None:
    """One of the run's decisions; None when the id is not the run's."""
    return run.decisions.filter(pk=decision_id).first()


def reoptimisation_status(*, run: MatchRun, reoptimisation_id: int) -> Reoptimisation | None:
    """A fresh read of one of the run's re-optimisations (for polling); None when not the run's."""
    return Reoptimisation.objects.filter(run=run, pk=reoptimisation_id).first()


# --------------------------------------------------------------------- balance table


@dataclass(frozen=True, slots=True)
class CandidateCell:
    """One candidate on the balance table, with its figures already formatted.

    The page lists about two hundred of them; formatting here instead of with
    template filters keeps the page's server time low.
    """

    cadre_id: int
    code: str
    name: str
    origin: str
    recommended: bool
    total: str
    parts: str
    #: The decision in force on this pair, "" if none: 指定配置 or 排除配对.
    decision: str = ""

    @classmethod
    def of(cls, c: RunCandidate) -> CandidateCell:
        return cls(
            cadre_id=c.cadre_id,
            code=c.cadre.code,
            name=c.cadre.name,
            origin=c.cadre.origin_unit.name,
            recommended=c.recommended,
            total=f"{c.total:.1f}",
            parts=f"{c.fit:.0f}/{c.development:.0f}/{c.complement:.0f}",
        )


@dataclass
class BalanceRow:
    post: Post
    candidates: list[CandidateCell] = field(default_factory=list)
    #: Cadres pinned to / forbidden from this post by a decision in force, by name.
    pinned: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)

    @property
    def recommended(self) -> list[CandidateCell]:
        return [c for c in self.candidates if c.recommended]

    @property
    def open_seats(self) -> int:
        return self.post.seats - len(self.recommended)


@dataclass(frozen=True)
class BalanceTable:
    run: MatchRun
    rows: list[BalanceRow]
    host_units: list[Unit]
    categories: tuple[taxonomy.Term, ...]
    unit_id: int | None
    category: str
    pending: int
    pins: set[tuple[int, int]]
    forbids: set[tuple[int, int]]
    excluded: set[int]
    reoptimisation: Reoptimisation | None

    @property
    def target(self) -> int:
        return self.run.per_post


def balance_table(*, run: MatchRun, unit_id: int | None = None, category: str = "") -> BalanceTable:
    """The run's balance table (干部选配平衡表): a row per post, candidates best first.

    Filters by host unit and category. Six queries whatever the number of
    posts: posts, candidates, host units, decisions, the re-optimisation under
    way (if any), and nothing per row.
    """
    posts = run.posts.select_related("unit").order_by("unit__kind", "unit__name", "code")
    candidates = RunCandidate.objects.filter(run=run).select_related("cadre__origin_unit")
    if unit_id:
        posts = posts.filter(unit_id=unit_id)
        candidates = candidates.filter(post__unit_id=unit_id)
    if category in taxonomy.CATEGORY_CODES:
        posts = posts.filter(category=category)
        candidates = candidates.filter(post__category=category)
    rows = {post.pk: BalanceRow(post) for post in posts}
    for candidate in candidates.order_by("post_id", "rank"):
        row = rows.get(candidate.post_id)
        if row is not None:
            row.candidates.append(CandidateCell.of(candidate))
    host_units = list(
        Unit.objects.filter(pk__in=run.posts.values("unit_id")).order_by("kind", "name")
    )
    decisions = list(
        run.decisions.select_related("cadre").only(
            "kind",
            "cadre_id",
            "cadre__name",
            "post_id",
            "applied_at",
            "withdrawn_at",
            "withdrawal_applied_at",
        )
    )
    active = [d for d in decisions if d.withdrawn_at is None]
    _mark_decisions(rows, active)
    return BalanceTable(
        run=run,
        rows=list(rows.values()),
        host_units=host_units,
        categories=taxonomy.CATEGORIES,
        unit_id=unit_id,
        category=category if category in taxonomy.CATEGORY_CODES else "",
        pending=sum(1 for d in decisions if d.is_pending),
        pins={(d.cadre_id, d.post_id or 0) for d in active if d.kind == DecisionKind.PIN},
        forbids={(d.cadre_id, d.post_id or 0) for d in active if d.kind == DecisionKind.FORBID},
        excluded={d.cadre_id for d in active if d.kind == DecisionKind.EXCLUDE},
        reoptimisation=run.reoptimisations.filter(status__in=ACTIVE).first(),
    )


def _mark_decisions(rows: dict[int, BalanceRow], active: list[Decision]) -> None:
    """Mark the rows and candidates a pin or a forbid in force applies to.

    The department must see at a glance which rows it has decided on, not only
    in the pair panel; a forbidden cadre is usually no longer listed, so the row
    names them.
    """
    marks: dict[tuple[int, int], str] = {}
    for d in active:
        row = rows.get(d.post_id or 0)
        if row is None or d.kind not in (DecisionKind.PIN, DecisionKind.FORBID):
            continue
        (row.pinned if d.kind == DecisionKind.PIN else row.forbidden).append(d.cadre.name)
        marks[(d.cadre_id, row.post.pk)] = str(d.get_kind_display())
    if not marks:
        return
    for row in rows.values():
        row.candidates = [
            replace(c, decision=marks[(c.cadre_id, row.post.pk)])
            if (c.cadre_id, row.post.pk) in marks
            else c
            for c in row.candidates
        ]


# --------------------------------------------------------------------- pair detail


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
    labels = [label for _name, label in _component_labels()] + [_("其他（志愿加分等）")]
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


# --------------------------------------------------------------------- charts, print, compare


def _placements(run: MatchRun) -> list[RunPlacement]:
    return list(run.placements.select_related("cadre__origin_unit", "post__unit"))


@dataclass(frozen=True)
class RunCharts:
    run: MatchRun
    sankey: dict[str, Any]
    heatmap: dict[str, Any]
    fit_histogram: dict[str, Any]
    development_histogram: dict[str, Any]
    placed: int


def run_charts(*, run: MatchRun) -> RunCharts:
    """The pictures of a run's placement: Sankey, category x host-unit matrix, histograms."""
    placements = _placements(run)
    return RunCharts(
        run=run,
        sankey=charts.category_unit_sankey(placements),
        heatmap=charts.category_unit_heatmap(placements),
        fit_histogram=charts.score_histogram([p.fit for p in placements], _("专长匹配")),
        development_histogram=charts.score_histogram(
            [p.development for p in placements], _("短板提升")
        ),
        placed=len(placements),
    )


@dataclass(frozen=True)
class RunPrint:
    table: BalanceTable
    placements: list[RunPlacement]
    decisions: list[Decision]


def run_print(*, run: MatchRun) -> RunPrint:
    """Everything the department's meeting prints: balance table, placement, decisions."""
    return RunPrint(
        table=balance_table(run=run),
        placements=_placements(run),
        decisions=_decision_log(run),
    )


@dataclass(frozen=True)
class CompareRow:
    cadre_name: str
    cadre_code: str
    left: str
    right: str

    @property
    def moved(self) -> bool:
        return self.left != self.right


@dataclass(frozen=True)
class RunComparison:
    left: MatchRun
    right: MatchRun
    rows: list[CompareRow]
    moved: list[CompareRow]
    same: int
    #: Of ``moved``: placed in both runs on different posts, and placed in one run only.
    changed: int = 0
    one_side: int = 0
    #: Cadres in either run's pool placed in neither, so that the counts add up to the pool.
    neither: int = 0
    pool: int = 0


def run_compare(*, left: MatchRun, right: MatchRun) -> RunComparison:
    """Two runs side by side: where each cadre is placed in each, and who moved."""
    where: dict[int, dict[str, str]] = defaultdict(dict)
    names: dict[int, tuple[str, str]] = {}
    for side, run in (("left", left), ("right", right)):
        for p in _placements(run):
            where[p.cadre_id][side] = f"{p.post.unit.name}·{p.post.name}"
            names[p.cadre_id] = (p.cadre.name, p.cadre.code)
    rows = sorted(
        (
            CompareRow(names[k][0], names[k][1], v.get("left", ""), v.get("right", ""))
            for k, v in where.items()
        ),
        key=lambda r: r.cadre_code,
    )
    moved = [r for r in rows if r.moved]
    one_side = sum(1 for r in moved if not (r.left and r.right))
    pool = len(
        set(left.cadres.values_list("pk", flat=True))
        | set(right.cadres.values_list("pk", flat=True))
    )
    return RunComparison(
        left,
        right,
        rows,
        moved,
        len(rows) - len(moved),
        changed=len(moved) - one_side,
        one_side=one_side,
        neither=pool - len(rows),
        pool=pool,
    )


def comparable_runs(*, run: MatchRun) -> QuerySet[MatchRun]:
    """Finished runs of the same program, for the comparison drop-down."""
    return (
        MatchRun.objects.filter(program_id=run.program_id, status="done")
        .exclude(pk=run.pk)
        .order_by("-created_at")
    )

"""Reads of match runs; each does its joins up front, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from lianbing.background.models import ACTIVE
from lianbing.demand.models import Post, Program
from lianbing.engine import sensitivity, taxonomy
from lianbing.people.models import Unit
from lianbing.training.models import Secondment

from . import charts
from .models import (
    Decision,
    DecisionKind,
    MatchExport,
    MatchRun,
    Reoptimisation,
    RunAnalysisJob,
    RunCandidate,
    RunPlacement,
)

#: Rows a page of a run's lists shows: runs, secondments, posts of the balance table.
PAGE_SIZE = 50


def _count_of(rows: QuerySet[Any], run_field: str) -> Coalesce:
    """A correlated count of one run's rows.

    Counting the run's cadres, posts and decisions in one join would multiply
    them: 10,000 cadres x 2,000 posts is twenty million rows for a single run.
    """
    counted = (
        rows.filter(**{run_field: OuterRef("pk")})
        .order_by()
        .values(run_field)
        .annotate(n=Count("*"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def match_run_list(*, program_id: int | None = None) -> QuerySet[MatchRun]:
    """Runs, newest first, with their numbers of cadres, posts and decisions in force."""
    qs = MatchRun.objects.select_related("program", "created_by", "supersedes").annotate(
        n_cadres=_count_of(MatchRun.cadres.through.objects.all(), "matchrun_id"),
        n_posts=_count_of(MatchRun.posts.through.objects.all(), "matchrun_id"),
        n_decisions=_count_of(Decision.objects.filter(withdrawn_at__isnull=True), "run_id"),
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
    #: A page of the secondments the run's finalising created (练兵安排); the count is the page's.
    secondments: Page[Secondment]
    superseding: list[MatchRun]
    reoptimisations: list[Reoptimisation]
    n_cadres: int
    n_posts: int
    seats: int
    analysis: RunAnalysis | None
    #: The newest job analysing the run's placement (None for a run stored before there were any).
    analysis_job: RunAnalysisJob | None


def component_labels() -> tuple[tuple[str, str], ...]:
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
            (label, _percent(float(shares.get(name, 0.0)))) for name, label in component_labels()
        ],
        sensitivity=[
            SensitivityRow(
                label, int(changed.get(f"{name}-{step}", 0)), int(changed.get(f"{name}+{step}", 0))
            )
            for name, label in component_labels()
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


def newest_analysis_job(run: MatchRun) -> RunAnalysisJob | None:
    """The run's newest analysis job (the one its page follows); None for an older run."""
    return run.analysis_jobs.order_by("-pk").first()


@dataclass(frozen=True)
class AnalysisState:
    """What the run page's analysis section shows: the analysis, or the job still working it out."""

    analysis: RunAnalysis | None
    job: RunAnalysisJob | None


def run_analysis_state(*, run: MatchRun) -> AnalysisState:
    """A fresh read of the run's analysis and of its newest analysis job (for polling)."""
    run.refresh_from_db(fields=["analysis"])
    return AnalysisState(analysis=run_analysis(run=run), job=newest_analysis_job(run))


def _decision_log(run: MatchRun) -> list[Decision]:
    """Every decision of the run, withdrawn ones too, oldest first, with the people named."""
    return list(run.decisions.select_related("cadre", "post__unit", "created_by", "withdrawn_by"))


def match_run_detail(*, run: MatchRun, secondment_page: str | int | None = None) -> RunDetail:
    """A run with its decisions, re-optimisations, exports, secondments and superseding runs.

    The secondments come a page at a time (:data:`PAGE_SIZE`): a province's run
    places two thousand cadres, and the page's queries stay the same for any.

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
        secondments=run_secondments(run=run, page_number=secondment_page),
        superseding=list(run.superseding_runs.all()),
        reoptimisations=list(run.reoptimisations.select_related("requested_by")),
        n_cadres=run.cadres.count(),
        n_posts=counts["n"],
        seats=counts["seats"] or 0,
        analysis=run_analysis(run=run),
        analysis_job=newest_analysis_job(run),
    )


def run_secondments(*, run: MatchRun, page_number: str | int | None = None) -> Page[Secondment]:
    """A page of the secondments the run's finalising created, with their count: two queries."""
    secondments = (
        Secondment.objects.filter(source_run=run)
        .select_related("cadre", "post__unit", "mentor")
        .order_by("program", "post", "cadre", "pk")
    )
    return Paginator(secondments, PAGE_SIZE).get_page(page_number)


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
    #: The search text the posts were filtered by (post, host unit or candidate's name).
    search: str = ""
    #: The page of posts the rows are; None when the table is whole (print).
    page: Page[Post] | None = None

    @property
    def target(self) -> int:
        return self.run.per_post

    @property
    def filter_query(self) -> str:
        """The filters as a query string ending in "&", for the page links to keep them."""
        kept = {"unit": self.unit_id or "", "category": self.category, "q": self.search}
        query = urlencode({name: value for name, value in kept.items() if value})
        return f"{query}&" if query else ""

    @property
    def total_posts(self) -> int:
        """Posts matching the filters, on every page."""
        return self.page.paginator.count if self.page is not None else len(self.rows)


def _balance_posts(
    run: MatchRun, *, unit_id: int | None, category: str, search: str
) -> QuerySet[Post]:
    posts = run.posts.select_related("unit").order_by("unit__kind", "unit__name", "code", "pk")
    if unit_id:
        posts = posts.filter(unit_id=unit_id)
    if category in taxonomy.CATEGORY_CODES:
        posts = posts.filter(category=category)
    if search:
        # A cadre's name finds the posts they are a candidate for, in the same query.
        listed = RunCandidate.objects.filter(run=run, cadre__name__icontains=search).values(
            "post_id"
        )
        posts = posts.filter(
            Q(name__icontains=search)
            | Q(code__icontains=search)
            | Q(unit__name__icontains=search)
            | Q(pk__in=listed)
        )
    return posts


def balance_table(
    *,
    run: MatchRun,
    unit_id: int | None = None,
    category: str = "",
    search: str = "",
    page_number: str | int | None = None,
    whole: bool = False,
) -> BalanceTable:
    """The run's balance table (干部选配平衡表): a row per post, candidates best first.

    Filters by host unit, category and a search text, and shows a page of
    :data:`PAGE_SIZE` posts unless ``whole`` (the printed table). Seven queries
    whatever the number of posts: the count of posts, the page of posts, their
    candidates, host units, decisions, the re-optimisation under way (if any),
    and nothing per row.
    """
    search = search.strip()
    posts = _balance_posts(run, unit_id=unit_id, category=category, search=search)
    page: Page[Post] | None = None
    if whole:
        shown = list(posts)
        candidates = RunCandidate.objects.filter(run=run, post__in=posts)
    else:
        page = Paginator(posts, PAGE_SIZE).get_page(page_number)
        shown = list(page.object_list)
        candidates = RunCandidate.objects.filter(run=run, post_id__in=[p.pk for p in shown])
    rows = {post.pk: BalanceRow(post) for post in shown}
    for candidate in candidates.select_related("cadre__origin_unit").order_by("post_id", "rank"):
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
        search=search,
        page=page,
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
        table=balance_table(run=run, whole=True),
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

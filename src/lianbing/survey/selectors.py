"""Reads of the demand survey: rounds, demands, suggestions and the gap analysis."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from lianbing.demand.models import Program
from lianbing.engine import gap, taxonomy
from lianbing.engine.suggest import Suggestion, suggest
from lianbing.people import versioning
from lianbing.people.models import Cadre, Unit

from . import adapters
from .access import Actor, visible_demands
from .models import Demand, DemandStatus, SurveyRound

#: Demands that count in the gap analysis: filed and not sent back.
ANALYSED = (DemandStatus.SUBMITTED, DemandStatus.ACCEPTED, DemandStatus.CONVERTED)


def round_list(*, actor: Actor) -> QuerySet[SurveyRound]:
    """Rounds, newest deadline first, with counts of the demands the actor may see."""
    scope = Q() if actor.is_staff else Q(demands__unit=actor.unit)
    return SurveyRound.objects.select_related("program").annotate(
        n_demands=Count("demands", filter=scope),
        n_submitted=Count("demands", filter=scope & Q(demands__status=DemandStatus.SUBMITTED)),
        n_accepted=Count("demands", filter=scope & Q(demands__status=DemandStatus.ACCEPTED)),
        n_converted=Count("demands", filter=scope & Q(demands__status=DemandStatus.CONVERTED)),
    )


def latest_round() -> SurveyRound | None:
    return SurveyRound.objects.select_related("program").order_by("-deadline_at", "-id").first()


def latest_round_with_demands() -> SurveyRound | None:
    """The latest round with a demand the gap analysis counts, else the latest round.

    An open supplementary round has nothing submitted for weeks; the analysis
    opens on the round that has something to analyse.
    """
    analysed = SurveyRound.objects.filter(demands__status__in=ANALYSED).distinct()
    found = analysed.select_related("program").order_by("-deadline_at", "-id").first()
    return found or latest_round()


def program_choices() -> QuerySet[Program]:
    return Program.objects.order_by("-started_on", "name")


@dataclass(frozen=True)
class RoundPage:
    survey_round: SurveyRound
    #: A page of the filtered demands (:data:`DEMAND_PAGE_SIZE`); its paginator counts them all.
    demands: Page[Demand]
    status_counts: dict[str, int]
    units: list[Unit]

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        return [(s.value, str(s.label), self.status_counts[s.value]) for s in DemandStatus]


#: Demands a page of a round lists; a province's round gathers thousands.
DEMAND_PAGE_SIZE = 50


def round_page(
    *,
    actor: Actor,
    survey_round: SurveyRound,
    status: str = "",
    unit_id: int | None = None,
    page_number: str | int | None = None,
) -> RoundPage:
    """A page of the round's demands the actor may see, filtered by status and unit."""
    base = visible_demands(actor).filter(survey_round=survey_round)
    counts = {row["status"]: row["n"] for row in base.values("status").annotate(n=Count("id"))}
    qs = base.select_related("unit", "post").prefetch_related("abilities")
    if status in DemandStatus.values:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    units = list(Unit.objects.filter(survey_demands__survey_round=survey_round).distinct())
    if not actor.is_staff:
        units = []
    return RoundPage(
        survey_round=survey_round,
        demands=Paginator(qs.order_by("unit__name", "-priority", "id"), DEMAND_PAGE_SIZE).get_page(
            page_number
        ),
        status_counts={s.value: counts.get(s.value, 0) for s in DemandStatus},
        units=units,
    )


def suggestion_for(*, key_task: str, duties: str = "", expertise_needed: str = "") -> Suggestion:
    """The engine's suggestion for the text of a demand being written."""
    return suggest("；".join(part for part in (key_task, duties, expertise_needed) if part))


def demand_suggestion(demand: Demand) -> Suggestion:
    return suggest(adapters.demand_text(demand))


def demands_to_convert(*, survey_round: SurveyRound, demand_ids: list[int]) -> list[Demand]:
    """The round's demands with the given ids, for the bulk-conversion confirmation."""
    return list(
        Demand.objects.filter(survey_round=survey_round, pk__in=demand_ids)
        .select_related("unit", "post")
        .order_by("unit__name", "id")
    )


@dataclass(frozen=True)
class GapReport:
    """The gap analysis of a round, with the ORM rows the pages link to."""

    survey_round: SurveyRound
    analysis: gap.GapAnalysis
    units: dict[str, Unit]
    demands: dict[str, Demand]
    pool_size: int
    program: Program | None

    @property
    def categories(self) -> tuple[taxonomy.Term, ...]:
        return taxonomy.CATEGORIES

    def rows(self) -> list[tuple[Unit, tuple[gap.CellGap, ...]]]:
        return [
            (self.units[name], self.analysis.by_category[k])
            for k, name in enumerate(self.analysis.units)
        ]

    def unmet(self) -> list[tuple[gap.NeedGap, Demand]]:
        return [(g, self.demands[g.need.id]) for g in self.analysis.unmet_needs]


def _pool(program: Program | None) -> list[Cadre]:
    cadres = Cadre.objects.all() if program is None else program.cadres.all()
    return list(cadres.only("id", "category", "expertise", "experience", "major").order_by("id"))


def gap_report(*, survey_round: SurveyRound) -> GapReport:
    """The gap model on the round's filed demands against the pool.

    Demands counted: submitted, accepted and converted (drafts and returned
    ones are not yet the unit's word). Pool: the cadres of the round's program,
    or every cadre when the round has none; it is shared by all units.
    """
    demands = list(
        Demand.objects.filter(survey_round=survey_round, status__in=ANALYSED)
        .select_related("unit", "post")
        .order_by("unit__kind", "unit__name", "id")
    )
    pool = _pool(survey_round.program)
    analysis = gap.analyse(
        [adapters.need(d) for d in demands], [adapters.pool_cadre(c) for c in pool]
    )
    return GapReport(
        survey_round=survey_round,
        analysis=analysis,
        units={d.unit.name: d.unit for d in demands},
        demands={str(d.pk): d for d in demands},
        pool_size=len(pool),
        program=survey_round.program,
    )


@dataclass(frozen=True)
class UnitGap:
    """One host unit's share of a round's gap analysis (nothing of other units)."""

    survey_round: SurveyRound
    unit: Unit
    cells: tuple[gap.CellGap, ...]
    needs: list[tuple[gap.NeedGap, Demand]]
    tags: list[gap.CellGap]
    pool_size: int

    @property
    def demand(self) -> int:
        return sum(c.demand for c in self.cells)

    @property
    def unmet(self) -> int:
        return sum(c.unmet for c in self.cells)


def unit_gap(*, survey_round: SurveyRound, unit: Unit) -> UnitGap:
    """The unit's figures from the round-wide analysis, so they agree with the heatmap."""
    report = gap_report(survey_round=survey_round)
    analysis = report.analysis
    return UnitGap(
        survey_round=survey_round,
        unit=unit,
        cells=analysis.unit_cells(unit.name),
        needs=[(g, report.demands[g.need.id]) for g in analysis.needs if g.need.unit == unit.name],
        tags=[c for c in analysis.by_tag if c.unit == unit.name],
        pool_size=report.pool_size,
    )


#: The fields of the demand form, in its order, compared when an edit is refused as stale.
_EDIT_FIELDS = (
    "title",
    "key_task",
    "duties",
    "expertise_needed",
    "tags",
    "category",
    "seats",
    "duration_months",
    "priority",
    "current_staffing",
    "status",
)


def demand_edit_values(demand: Demand) -> versioning.Values:
    """What the demand form shows of ``demand``, to tell a stale editor what changed since."""
    values = dict(versioning.model_values(demand, _EDIT_FIELDS))
    weights = sorted(
        demand.abilities.all(), key=lambda row: taxonomy.ABILITY_CODES.index(row.ability)
    )
    shown = "、".join(
        f"{row.get_ability_display()} {format(row.weight.normalize(), 'f')}" for row in weights
    )
    values["abilities"] = versioning.FieldValue(
        _("核心能力及权重"), ";".join(f"{r.ability}={r.weight}" for r in weights), shown or "—"
    )
    return values

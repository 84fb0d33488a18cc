"""What the growth-index page of a round shows: the latest computation, its history, the form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from lianbing.engine import growth

from .. import access, adapters, index_charts
from ..models import EvaluationRound, GrowthComputation, GrowthScore, WeightMethod
from ..services import index as services


@dataclass(frozen=True)
class Cell:
    """One cell of the AHP judgement matrix: a select above the diagonal, text below."""

    field: str = ""
    value: str = "1"
    options: tuple[tuple[str, str], ...] = ()
    implied: str = ""
    diagonal: bool = False


@dataclass(frozen=True)
class Row:
    score: GrowthScore
    contributions: list[tuple[str, float]]
    indicators: list[tuple[str, float | None]]


@dataclass(frozen=True)
class Past:
    computation: GrowthComputation
    weights: list[tuple[str, float]]


@dataclass(frozen=True)
class IndexPage:
    round: EvaluationRound
    can_compute: bool
    methods: list[tuple[str, str]]
    method: str
    threshold: str
    labels: list[str]
    matrix: list[tuple[str, list[Cell]]]
    latest: GrowthComputation | None
    weights: list[tuple[str, str, float, bool]]
    rows: list[Row]
    charts: dict[str, Any] = field(default_factory=dict)
    history: list[Past] = field(default_factory=list)
    unscored: list[dict[str, Any]] = field(default_factory=list)


def _judged(judgements: Sequence[Sequence[Any]]) -> dict[tuple[str, str], str]:
    out = {}
    for entry in judgements:
        try:
            row, column, value = entry
            out[(str(row), str(column))] = services.saaty_text(float(Fraction(str(value))))
        except (ValueError, ZeroDivisionError, TypeError):
            continue
    return out


def _matrix(judgements: Sequence[Sequence[Any]]) -> list[tuple[str, list[Cell]]]:
    judged = _judged(judgements)
    options = tuple((v, services.saaty_label(v)) for v in services.SAATY_VALUES)
    keys = adapters.INDICATORS
    rows = []
    for a, row in enumerate(keys):
        cells = []
        for b, column in enumerate(keys):
            if a == b:
                cells.append(Cell(diagonal=True, implied="1"))
            elif a < b:
                cells.append(
                    Cell(
                        field=services.judgement_field(row, column),
                        value=judged.get((row, column), "1"),
                        options=options,
                    )
                )
            else:
                given = Fraction(judged.get((column, row), "1"))
                implied = 1 / given
                text = (
                    str(implied.numerator)
                    if implied.denominator == 1
                    else f"{implied.numerator}/{implied.denominator}"
                )
                cells.append(Cell(implied=text))
        rows.append((growth.label(row), cells))
    return rows


def _weights(computation: GrowthComputation) -> list[tuple[str, float]]:
    return [(growth.label(k), float(w or 0.0)) for k, w in computation.weights.items()]


def index_page(
    *,
    user: Any,
    round_: EvaluationRound,
    method: str | None = None,
    judgements: Sequence[Sequence[Any]] | None = None,
    threshold: str | None = None,
) -> IndexPage:
    """The page of ``round_``'s growth index; ``method``, ``judgements``, ``threshold`` keep a refused entry."""
    computations = list(
        GrowthComputation.objects.filter(round=round_)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )
    latest = computations[0] if computations else None
    if judgements is None:
        last_ahp = next((c for c in computations if c.method == WeightMethod.AHP), None)
        judgements = last_ahp.judgements if last_ahp is not None else []
    rows: list[Row] = []
    weights: list[tuple[str, str, float, bool]] = []
    charts: dict[str, Any] = {}
    if latest is not None:
        constant = set(latest.reliability.get("constant", []))
        weights = [
            (k, growth.label(k), float(w or 0.0), k in constant) for k, w in latest.weights.items()
        ]
        scores = list(
            latest.scores.select_related("secondment__cadre", "secondment__post__unit").order_by(
                "rank", "pk"
            )
        )
        keys = list(latest.weights)
        rows = [
            Row(
                score=s,
                contributions=[(growth.label(k), float(s.contributions.get(k, 0.0))) for k in keys],
                indicators=[(growth.label(k), s.indicators.get(k)) for k in keys],
            )
            for s in scores
        ]
        charts = {
            "histogram": index_charts.index_histogram([s.index for s in scores]),
            "contributions": index_charts.contribution_bars(
                [s.secondment.cadre.name for s in scores],
                [
                    (growth.label(k), [float(s.contributions.get(k, 0.0)) for s in scores])
                    for k in keys
                ],
            ),
        }
    return IndexPage(
        round=round_,
        can_compute=access.is_department(user),
        methods=[(str(v), str(label)) for v, label in WeightMethod.choices],
        method=method or (latest.method if latest is not None else WeightMethod.AHP),
        threshold=threshold
        if threshold is not None
        else str(latest.unstable_threshold if latest is not None else growth.UNSTABLE_PLACES),
        labels=[growth.label(k) for k in adapters.INDICATORS],
        matrix=_matrix(judgements),
        latest=latest,
        weights=weights,
        rows=rows,
        charts=charts,
        history=[Past(computation=c, weights=_weights(c)) for c in computations[1:]],
        unscored=list(latest.reliability.get("unscored", [])) if latest is not None else [],
    )

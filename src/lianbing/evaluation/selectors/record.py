"""The growth record (成长档案) of one trainee in one round.

Read from the latest growth computation of the round that includes the
trainee, the round's ratings of them, the program's other rounds (trend) and
the cadre's ability assessment before the secondment (baseline). Public
representatives' comments never carry their names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from lianbing.activities.models import Activity, ActivityStatus
from lianbing.activities.selectors.results import trainee_percents
from lianbing.engine import growth, taxonomy
from lianbing.engine.reliability import band as icc_band
from lianbing.people.models import AbilityAssessment
from lianbing.training.models import Secondment
from lianbing.training.selectors.followup import ends_on

from ..models import (
    EvaluationRound,
    FormItem,
    GrowthComputation,
    GrowthScore,
    ItemKind,
    RaterKind,
    Rating,
    RoundStatus,
)
from ..record_types import (
    AbilityRow,
    ActivityResult,
    Comment,
    Contribution,
    GrowthRecord,
    IndexSummary,
    RaterRow,
    RecordHeader,
    TrendPoint,
)

#: Names of the index's indicators: the engine's own labels, one vocabulary
#: with the index page; an unknown code is shown as it is.
INDICATOR_LABELS: dict[str, str] = dict(growth.LABEL)


#: The ICC form shown as the index's confidence, best first: the reliability of
#: the mean of k raters (Shrout & Fleiss 1979, ICC(2,k)) is what the index uses.
CONFIDENCE_FORMS = ("ICC2k", "ICC1k", "ICC3k", "ICC2", "ICC1", "ICC3")


#: Comments and raters are listed mentors first, then host-unit cadres, then the public.
_KIND_ORDER = (RaterKind.MENTOR, RaterKind.HOST_CADRE, RaterKind.PUBLIC)


def indicator_label(code: str) -> str:
    return INDICATOR_LABELS.get(code, code)


def to_percent(value: float, low: float, high: float) -> float:
    """A score ``value`` on the scale [low, high] mapped to 0-100."""
    return 100.0 * (value - low) / (high - low)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def confidence_of(reliability: Mapping[str, Any]) -> tuple[float | None, str]:
    """The ICC a computation stored, first of :data:`CONFIDENCE_FORMS`, and its form.

    The reliability may be flat (``{"ICC2k": 0.8, ...}``) or hold the overall
    figures under ``"overall"`` or ``"index"``.
    """
    items = reliability.get("items")
    if isinstance(items, list):
        # Per item of the form (the index computation's layout): the mean of
        # the items' ICC(2,k), the reliability of the mean of the team's raters.
        values = [
            v
            for item in items
            if isinstance(item, Mapping) and (v := _number(item.get("icc2_k"))) is not None
        ]
        if values:
            return sum(values) / len(values), "ICC2k"
    for source in (reliability, reliability.get("overall"), reliability.get("index")):
        if not isinstance(source, Mapping):
            continue
        for form in CONFIDENCE_FORMS:
            value = _number(source.get(form))
            if value is not None:
                return value, form
    return None, ""


def confidence_label(value: float | None) -> str:
    """The Koo & Li (2016) band of an ICC, the same words as the engine and the inspection pages."""
    if value is None:
        return _("未计算")
    return icc_band(value)


def _header(round_: EvaluationRound, secondment: Secondment) -> RecordHeader:
    mentor = secondment.mentor
    mentor_text = _("待定")
    if mentor is not None:
        mentor_text = mentor.name
        if mentor.position:
            mentor_text += f"（{mentor.unit.name}{mentor.position}）"
    return RecordHeader(
        name=secondment.cadre.name,
        origin_unit=secondment.cadre.origin_unit.name,
        host_unit=secondment.post.unit.name,
        post=secondment.post.name,
        mentor=mentor_text,
        started_on=secondment.started_on,
        ends_on=ends_on(secondment),
        program=secondment.program.name,
        round_name=round_.name,
    )


def _latest_score(round_: EvaluationRound, secondment: Secondment) -> GrowthScore | None:
    computation = (
        GrowthComputation.objects.filter(round=round_, scores__secondment=secondment)
        .order_by("-created_at", "-pk")
        .first()
    )
    if computation is None:
        return None
    return (
        GrowthScore.objects.select_related("computation")
        .filter(computation=computation, secondment=secondment)
        .first()
    )


def _summary(score: GrowthScore) -> IndexSummary:
    computation = score.computation
    confidence, form = confidence_of(computation.reliability or {})
    return IndexSummary(
        index=score.index,
        rank=score.rank,
        of=computation.scores.count(),
        percentile=score.percentile,
        coverage=score.coverage,
        rank_min=score.rank_min,
        rank_max=score.rank_max,
        unstable=score.unstable,
        raters=score.raters,
        method=computation.get_method_display(),
        computed_at=computation.created_at,
        confidence=confidence,
        confidence_form=form,
        confidence_label=confidence_label(confidence),
    )


def _contributions(score: GrowthScore) -> tuple[Contribution, ...]:
    weights = score.computation.weights or {}
    indicators = score.indicators or {}
    codes = list(weights) + [c for c in score.contributions or {} if c not in weights]
    return tuple(
        Contribution(
            code=code,
            label=indicator_label(code),
            weight=_number(weights.get(code)),
            value=_number(indicators.get(code)),
            points=_number((score.contributions or {}).get(code)) or 0.0,
        )
        for code in codes
    )


def _baseline(secondment: Secondment) -> AbilityAssessment | None:
    """The cadre's latest ability assessment on or before the first day of the secondment."""
    return (
        AbilityAssessment.objects.filter(
            cadre=secondment.cadre, assessed_on__lte=secondment.started_on
        )
        .order_by("-assessed_on", "-pk")
        .first()
    )


def _ability_rows(
    items: Iterable[FormItem], ratings: list[Rating], baseline: AbilityAssessment | None
) -> tuple[AbilityRow, ...]:
    by_code = {item.code: item for item in items if item.kind == ItemKind.ABILITY}
    rows = []
    for term in taxonomy.ABILITIES:
        item = by_code.get(term.code)
        now = None
        if item is not None:
            values = [v for r in ratings if (v := _number(r.scores.get(term.code))) is not None]
            if values:
                mean = sum(values) / len(values)
                now = round(to_percent(mean, item.scale_min, item.scale_max), 1)
        rows.append(
            AbilityRow(
                code=term.code,
                label=term.label,
                baseline=float(getattr(baseline, term.code)) if baseline is not None else None,
                now=now,
            )
        )
    return tuple(rows)


def _trend(
    round_: EvaluationRound, secondment: Secondment, *, include_unreleased: bool
) -> tuple[TrendPoint, ...]:
    rounds = EvaluationRound.objects.filter(program=round_.program)
    if not include_unreleased:
        rounds = rounds.filter(status=RoundStatus.RELEASED)
    points = []
    for other in rounds.order_by("closes_on", "pk"):
        score = _latest_score(other, secondment)
        if score is None:
            continue
        points.append(
            TrendPoint(
                round_name=other.name,
                index=score.index,
                rank=score.rank,
                of=score.computation.scores.count(),
                current=other.pk == round_.pk,
            )
        )
    return tuple(points)


def _comments(ratings: list[Rating]) -> tuple[Comment, ...]:
    return tuple(
        Comment(
            kind=r.member.get_kind_display(),
            name="" if r.member.kind == RaterKind.PUBLIC else r.member.name,
            text=r.comment.strip(),
            public=r.member.kind == RaterKind.PUBLIC,
        )
        for r in ratings
        if r.comment.strip()
    )


def _rater_rows(ratings: list[Rating]) -> tuple[RaterRow, ...]:
    return tuple(
        RaterRow(
            kind=r.member.get_kind_display(),
            name="" if r.member.kind == RaterKind.PUBLIC else r.member.name,
            submitted_at=r.created_at,
        )
        for r in ratings
    )


def _activities(round_: EvaluationRound, secondment: Secondment) -> tuple[ActivityResult, ...]:
    """The finished activities of the program ``secondment`` took part in, with their result."""
    activities = list(
        Activity.objects.filter(
            participants=secondment,
            series__program_id=secondment.program_id,
            status=ActivityStatus.FINISHED,
        ).order_by("held_on", "pk")
    )
    percents = trainee_percents(activities, [secondment.pk])
    out = []
    for activity in activities:
        percent = percents.get((activity.pk, secondment.pk))
        score = (
            None
            if percent is None
            else activity.scale_min + percent * (activity.scale_max - activity.scale_min) / 100.0
        )
        out.append(
            ActivityResult(
                title=activity.title,
                kind=activity.get_kind_display(),
                held_on=activity.held_on,
                score=score,
                percent=percent,
                scale_min=activity.scale_min,
                scale_max=activity.scale_max,
                counted=activity.held_on <= round_.closes_on,
            )
        )
    return tuple(out)


def growth_record(
    round_: EvaluationRound,
    secondment: Secondment,
    *,
    department: bool = False,
    include_unreleased: bool | None = None,
) -> GrowthRecord:
    """The growth record of ``secondment`` in ``round_``.

    ``department``: the reader is department staff or the auditor; they see the
    list of ratings received, and the trend includes rounds not yet released
    (others see released rounds only, unless ``include_unreleased`` says otherwise).
    """
    if include_unreleased is None:
        include_unreleased = department
    ratings = sorted(
        Rating.objects.filter(round=round_, secondment=secondment).select_related("member"),
        key=lambda r: (_KIND_ORDER.index(r.member.kind), r.created_at, r.pk),
    )
    baseline = _baseline(secondment)
    score = _latest_score(round_, secondment)
    return GrowthRecord(
        round_id=round_.pk,
        secondment_id=secondment.pk,
        header=_header(round_, secondment),
        index=_summary(score) if score is not None else None,
        baseline_on=baseline.assessed_on if baseline is not None else None,
        abilities=_ability_rows(round_.items.all(), ratings, baseline),
        trend=_trend(round_, secondment, include_unreleased=include_unreleased),
        contributions=_contributions(score) if score is not None else (),
        comments=_comments(ratings),
        ratings_count=len(ratings),
        raters=_rater_rows(ratings) if department else (),
        released=round_.status == RoundStatus.RELEASED,
        activities=_activities(round_, secondment),
    )

"""ORM rows of a round -> the arrays the engine takes (growth index, reliability, rater flags).

Everything is read once per computation, in a fixed order: trainees by
secondment id, form items by position, raters by team and member id.

Mapping of every score onto 0-100 (one rule, ``growth.to_percent``): a rating
``r`` on an item whose scale is ``[a, b]`` becomes ``100 * (r - a) / (b - a)``;
a mentor's monthly score ``s`` on the program's scale ``1..S`` becomes
``100 * (s - 1) / (S - 1)``; the baseline ability assessment of the cadre's
profile is already on 0-100.

The indicators, per trainee of the round (current secondments covered by the
round's teams), NaN when the data is missing:

- ``ability_growth``: mean over the seven abilities of (the round's score -
  the baseline), in points of 0-100. The round's score of an ability is the
  mean over the team raters (mentors and host-unit cadres) of their ratings
  mapped to 0-100; the baseline is the cadre's latest ability assessment made
  on or before the first day of the secondment.
- ``performance`` (现实表现), ``adaptation`` (岗位适应): the mean over the team
  raters of the item, 0-100.
- ``public_rating`` (群众评议): the mean over the public representatives of the
  mean of each one's ratings over all items, 0-100. Public representatives are
  kept out of the three indicators above so that no rating counts twice.
- ``plan_completion``: of the approved plan's milestones due by the round's
  closing date, the share done by that date, in percent; missing when there
  is no approved plan or no milestone due.
- ``mentor_assessment``: the mean over the months up to the closing date of
  the mentor's monthly assessment (mean of its seven scores), 0-100.
- ``activities`` (练兵活动成绩): the mean over the program's finished
  empowerment activities held on or before the closing date, in which the
  trainee was scored, of their result on 0-100 (the mean over the tested
  abilities of the assessors' mean score, ``100 * (s - min) / (max - min)``
  on the activity's scale; one rule with the activity results pages:
  :func:`lianbing.activities.selectors.results.trainee_percents`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from lianbing.activities.selectors.results import counted_activities, trainee_percents
from lianbing.engine import growth, raters, reliability, taxonomy
from lianbing.people.models import AbilityAssessment
from lianbing.training.models import MonthlyAssessment, PlanStatus, Secondment, TrainingPlan

from .models import (
    EvaluationRound,
    FormItem,
    InspectionTeam,
    ItemKind,
    RaterKind,
    Rating,
    TeamMember,
)

#: The indicators of the index, in the order of the page and of an AHP matrix.
INDICATORS: tuple[str, ...] = (
    growth.Indicator.ABILITY_GROWTH,
    growth.Indicator.PERFORMANCE,
    growth.Indicator.ADAPTATION,
    growth.Indicator.PUBLIC_RATING,
    growth.Indicator.PLAN_COMPLETION,
    growth.Indicator.MENTOR_ASSESSMENT,
    growth.Indicator.ACTIVITIES,
)

#: Raters whose ratings make the team indicators (ability growth, 现实表现, 岗位适应).
TEAM_KINDS = (RaterKind.MENTOR, RaterKind.HOST_CADRE)


@dataclass(frozen=True)
class RoundRatings:
    """A round's ratings as a cube: raters x trainees x items, on 0-100, NaN = not rated."""

    secondments: list[Secondment]
    items: list[FormItem]
    members: list[TeamMember]
    cube: NDArray[np.float64]
    teams: list[InspectionTeam]
    team_secondments: dict[int, list[int]] = field(default_factory=dict)


def round_secondments(round_: EvaluationRound) -> list[Secondment]:
    """The trainees of the round: current secondments covered by any of its teams."""
    return list(
        Secondment.objects.filter(inspection_teams__round=round_, superseded_at__isnull=True)
        .select_related("cadre", "post", "post__unit", "program")
        .distinct()
        .order_by("pk")
    )


def round_ratings(round_: EvaluationRound) -> RoundRatings:
    """Every rating of the round's trainees, mapped to 0-100 per item (see the module docstring)."""
    secondments = round_secondments(round_)
    items = list(FormItem.objects.filter(round=round_).order_by("position", "pk"))
    teams = list(InspectionTeam.objects.filter(round=round_).prefetch_related("secondments"))
    team_secondments = {t.pk: sorted(s.pk for s in t.secondments.all()) for t in teams}
    ratings = list(
        Rating.objects.filter(round=round_, secondment__in=secondments).select_related(
            "member", "member__team"
        )
    )
    members = sorted(
        {r.member_id: r.member for r in ratings}.values(), key=lambda m: (m.team_id, m.pk)
    )
    row = {m.pk: k for k, m in enumerate(members)}
    col = {s.pk: k for k, s in enumerate(secondments)}
    cube = np.full((len(members), len(secondments), len(items)), np.nan)
    low = np.array([i.scale_min for i in items], dtype=np.float64)
    high = np.array([i.scale_max for i in items], dtype=np.float64)
    for rating in ratings:
        raw = np.array([_number(rating.scores.get(i.code)) for i in items], dtype=np.float64)
        cube[row[rating.member_id], col[rating.secondment_id]] = 100.0 * (raw - low) / (high - low)
    return RoundRatings(
        secondments=secondments,
        items=items,
        members=members,
        cube=cube,
        teams=teams,
        team_secondments=team_secondments,
    )


def _number(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _mean_over(axis_values: NDArray[np.float64], axis: int) -> NDArray[np.float64]:
    """Mean ignoring NaN, NaN (without a warning) where there is nothing."""
    present = ~np.isnan(axis_values)
    count = present.sum(axis=axis)
    total = np.where(present, axis_values, 0.0).sum(axis=axis)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def baselines(secondments: Sequence[Secondment]) -> NDArray[np.float64]:
    """``(n, 7)`` the latest ability assessment on or before each secondment's start (NaN if none)."""
    out = np.full((len(secondments), len(taxonomy.ABILITY_CODES)), np.nan)
    found: dict[int, list[AbilityAssessment]] = defaultdict(list)
    for a in AbilityAssessment.objects.filter(cadre__in=[s.cadre_id for s in secondments]):
        found[a.cadre_id].append(a)
    for k, s in enumerate(secondments):
        before = [a for a in found[s.cadre_id] if a.assessed_on <= s.started_on]
        if before:
            latest = max(before, key=lambda a: (a.assessed_on, a.pk))
            out[k] = latest.scores()
    return out


def plan_completion(secondments: Sequence[Secondment], closes_on: Any) -> NDArray[np.float64]:
    """Percent of the approved plan's milestones due by ``closes_on`` done by then (NaN if none due)."""
    out = np.full(len(secondments), np.nan)
    plans = {
        p.secondment_id: p
        for p in TrainingPlan.objects.filter(
            secondment__in=secondments, status=PlanStatus.APPROVED
        ).prefetch_related("milestones")
    }
    for k, s in enumerate(secondments):
        plan = plans.get(s.pk)
        if plan is None:
            continue
        due = [m for m in plan.milestones.all() if m.due_on <= closes_on]
        if due:
            done = sum(1 for m in due if m.done_on is not None and m.done_on <= closes_on)
            out[k] = 100.0 * done / len(due)
    return out


def mentor_assessment(secondments: Sequence[Secondment], closes_on: Any) -> NDArray[np.float64]:
    """Mean of the monthly assessments up to ``closes_on``, mapped from ``1..scale`` to 0-100."""
    out = np.full(len(secondments), np.nan)
    by_secondment: dict[int, list[float]] = defaultdict(list)
    scale = {s.pk: s.program.assessment_scale for s in secondments}
    for a in MonthlyAssessment.objects.filter(secondment__in=secondments, month__lte=closes_on):
        values = [_number(a.scores.get(code)) for code in taxonomy.ABILITY_CODES]
        present = [v for v in values if not math.isnan(v)]
        if present:
            top = scale[a.secondment_id]
            by_secondment[a.secondment_id].append(
                100.0 * (sum(present) / len(present) - 1) / (top - 1)
            )
    for k, s in enumerate(secondments):
        months = by_secondment.get(s.pk)
        if months:
            out[k] = sum(months) / len(months)
    return out


def activity_results(
    secondments: Sequence[Secondment], program_id: int, closes_on: Any
) -> NDArray[np.float64]:
    """Mean 0-100 result over the program's finished activities held by ``closes_on`` (NaN if none)."""
    out = np.full(len(secondments), np.nan)
    found = trainee_percents(counted_activities(program_id, closes_on), [s.pk for s in secondments])
    by_secondment: dict[int, list[float]] = defaultdict(list)
    for (_activity_id, secondment_id), percent in found.items():
        by_secondment[secondment_id].append(percent)
    for k, s in enumerate(secondments):
        percents = by_secondment.get(s.pk)
        if percents:
            out[k] = sum(percents) / len(percents)
    return out


@dataclass(frozen=True)
class Indicators:
    """The indicator values per trainee (``values``: key -> array) and what they rest on."""

    values: dict[str, NDArray[np.float64]]
    baseline: NDArray[np.float64]
    now: NDArray[np.float64]
    raters: NDArray[np.int64]


def indicators(round_: EvaluationRound, data: RoundRatings) -> Indicators:
    """The indicators of :data:`INDICATORS` for every trainee of the round (rules in the module docstring)."""
    n = len(data.secondments)
    kinds = np.array([m.kind for m in data.members], dtype=object)
    team_rows = np.isin(kinds, list(TEAM_KINDS)) if len(kinds) else np.zeros(0, dtype=bool)
    public_rows = kinds == RaterKind.PUBLIC if len(kinds) else np.zeros(0, dtype=bool)
    team_cube = data.cube[team_rows]
    public_cube = data.cube[public_rows]
    team_mean = (
        _mean_over(team_cube, axis=0)
        if team_cube.shape[0]
        else np.full((n, len(data.items)), np.nan)
    )

    def item_column(code: str) -> NDArray[np.float64]:
        for k, item in enumerate(data.items):
            if item.code == code:
                return np.asarray(team_mean[:, k], dtype=np.float64)
        return np.full(n, np.nan)

    def kind_column(kind: str) -> NDArray[np.float64]:
        columns = [k for k, item in enumerate(data.items) if item.kind == kind]
        if not columns:
            return np.full(n, np.nan)
        return _mean_over(team_mean[:, columns], axis=1)

    ability_now = np.column_stack([item_column(code) for code in taxonomy.ABILITY_CODES])
    base = baselines(data.secondments)
    if public_cube.shape[0]:
        per_public = _mean_over(public_cube, axis=2)  # (n_public, n)
        public = _mean_over(per_public, axis=0)
    else:
        public = np.full(n, np.nan)
    rated = ~np.isnan(data.cube).all(axis=2)
    values = {
        growth.Indicator.ABILITY_GROWTH.value: growth.ability_growth(
            ability_now, base, scale=(0.0, 100.0)
        ),
        growth.Indicator.PERFORMANCE.value: kind_column(ItemKind.PERFORMANCE),
        growth.Indicator.ADAPTATION.value: kind_column(ItemKind.ADAPTATION),
        growth.Indicator.PUBLIC_RATING.value: public,
        growth.Indicator.PLAN_COMPLETION.value: plan_completion(data.secondments, round_.closes_on),
        growth.Indicator.MENTOR_ASSESSMENT.value: mentor_assessment(
            data.secondments, round_.closes_on
        ),
        growth.Indicator.ACTIVITIES.value: activity_results(
            data.secondments, round_.program_id, round_.closes_on
        ),
    }
    return Indicators(
        values=values,
        baseline=_mean_over(base, axis=1),
        now=_mean_over(ability_now, axis=1),
        raters=rated.sum(axis=0).astype(np.int64),
    )


#: How the reliability of a round is computed, for the page and the report.
RELIABILITY_RULE = (
    "每个评价项目、每个考察组取“给本组全部考察对象都打了该项分数的评价人”组成完整的"
    "对象 × 评价人矩阵（群众代表每人只评一名对象，通常不在其中），"
    "在各组中取单元格最多的一块计算 ICC(2,1) 与 ICC(2,k)（Shrout & Fleiss 1979），"
    "按 Koo & Li (2016) 分级；组内对象少于 2 名或完整评价人少于 2 位时无法计算。"
)


def _complete_block(
    data: RoundRatings, team: InspectionTeam, item: int
) -> tuple[NDArray[np.float64], int]:
    """The team's trainees x raters matrix of one item, keeping raters who rated every trainee."""
    col = {s.pk: k for k, s in enumerate(data.secondments)}
    targets = [col[pk] for pk in data.team_secondments.get(team.pk, []) if pk in col]
    rows = [k for k, m in enumerate(data.members) if m.team_id == team.pk]
    if not targets or not rows:
        return np.zeros((len(targets), 0)), 0
    block = data.cube[np.ix_(rows, targets, [item])][:, :, 0]  # (raters, targets)
    complete = ~np.isnan(block).any(axis=1)
    return np.asarray(block[complete].T, dtype=np.float64), int(complete.sum())


def round_reliability(data: RoundRatings) -> dict[str, Any]:
    """Per item, the ICC of the largest complete trainee x rater block of any team (JSON-ready)."""
    out: dict[str, Any] = {"rule": RELIABILITY_RULE, "items": []}
    for k, item in enumerate(data.items):
        best: tuple[int, NDArray[np.float64], InspectionTeam] | None = None
        for team in data.teams:
            block, k_raters = _complete_block(data, team, k)
            if block.shape[0] >= 2 and k_raters >= 2:
                cells = block.size
                if best is None or cells > best[0]:
                    best = (cells, block, team)
        entry: dict[str, Any] = {"code": item.code, "label": item.label}
        if best is None:
            entry.update(
                defined=False,
                band=reliability.BAND_UNDEFINED,
                text="没有一个考察组有 2 名以上对象且有 2 位以上评价人给全部对象打分。",
            )
        else:
            _, block, team = best
            try:
                summary = reliability.summary(block)
            except ValueError as error:
                entry.update(defined=False, band=reliability.BAND_UNDEFINED, text=str(error))
            else:
                entry.update(
                    defined=not math.isnan(summary.icc2_k),
                    team=team.name,
                    n_targets=summary.n_targets,
                    n_raters=summary.n_raters,
                    icc2_1=_json_float(summary.icc2_1),
                    icc2_k=_json_float(summary.icc2_k),
                    band=summary.band,
                    band_single=summary.band_single,
                    text=f"{team.name}：{summary.text}",
                )
        out["items"].append(entry)
    return out


def round_flags(data: RoundRatings) -> list[dict[str, Any]]:
    """Suspicious raters over all the round's ratings (0-100), with member names and kinds."""
    if not data.members or not data.secondments or not data.items:
        return []
    found = raters.flags(data.cube, team=[m.team_id for m in data.members], scale=(0.0, 100.0))
    out = []
    for flag in found:
        member = data.members[flag.rater]
        out.append(
            {
                "member_id": member.pk,
                "name": member.name,
                "member_kind": member.kind,
                "member_kind_label": str(RaterKind(member.kind).label),
                "team": member.team.name,
                "kind": flag.kind,
                "label": flag.label,
                "reason": flag.reason,
                "numbers": {k: _json_float(float(v)) for k, v in flag.numbers.items()},
            }
        )
    return out


def _json_float(value: float) -> float | None:
    """A float for a JSON field: NaN and infinities become ``None``."""
    return value if math.isfinite(value) else None

"""What the scoring and results pages show, and the numbers the growth index takes.

One rule for a participant's result in an activity, used by the results page,
the person page, the Excel export and the growth index
(:func:`trainee_percents`):

- per tested ability, the mean over the assessors who scored the participant;
- the total, the mean over the tested abilities of those means, on the
  activity's scale; ``percent`` maps it onto 0-100:
  ``100 * (total - scale_min) / (scale_max - scale_min)``;
- the rank, 1 = best, ties share the best rank, among the participants scored.

Reliability of an activity: the participants x assessors matrix of the total
(the mean of one assessor's scores of one participant), restricted to the
largest complete block (assessors who scored every participant of the block),
gives ICC(2,1) and ICC(2,k) (Shrout & Fleiss 1979) with the Koo & Li (2016)
bands of :mod:`lianbing.engine.reliability`; the same per tested ability.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from lianbing.engine import growth, reliability
from lianbing.training.models import Secondment
from lianbing.xlsx import activities as xlsx_activities

from ..access import followed_secondments, is_assessor, reads_everything, visible_results
from ..models import Activity, ActivityScore, ActivitySeries, ActivityStatus, GroupMember
from ..services.scoring import ability_label

#: How the reliability of an activity is computed, for the page and the export.
RELIABILITY_RULE = (
    "取“给块内每名成员都评了分的评分人”组成完整的成员 × 评分人矩阵，选单元格最多的一块，"
    "以每位评分人对每名成员各项能力评分的平均分计算 ICC(2,1) 与 ICC(2,k)（Shrout & Fleiss 1979），"
    "按 Koo & Li (2016) 分级；各项能力同样计算。成员少于 2 名或完整评分人少于 2 位时无法计算。"
)

#: Above this many assessors the block search keeps those who scored most (2^12 subsets at most).
_BLOCK_SEARCH_MAX = 12

_PARTICIPANT_RELATED = ("cadre", "cadre__origin_unit", "post", "post__unit")


# --- Participants in the order of their groups ------------------------------


def participants_in_order(activity: Activity) -> list[tuple[str, Secondment]]:
    """``(group label, secondment)`` of every participant: by group, then the ungrouped."""
    members = list(
        GroupMember.objects.filter(activity=activity)
        .select_related("group", *(f"secondment__{r}" for r in _PARTICIPANT_RELATED))
        .order_by("group__number", "pk")
    )
    grouped = {m.secondment_id for m in members}
    out = [(str(m.group), m.secondment) for m in members]
    for s in (
        activity.participants.select_related(*_PARTICIPANT_RELATED)
        .exclude(pk__in=grouped)
        .order_by("pk")
    ):
        out.append((_("未分组"), s))
    return out


def ability_choices(activity: Activity) -> list[tuple[str, str]]:
    return [(code, ability_label(code)) for code in activity.abilities]


def _anchor(activity: Activity, code: str, level: int) -> str:
    # Anchors are one text per level for all abilities; a per-ability mapping
    # (code -> level -> text) is honoured too.
    anchors = activity.anchors or {}
    own = anchors.get(code)
    if isinstance(own, dict):
        return str(own.get(str(level), ""))
    value = anchors.get(str(level), "")
    return value if isinstance(value, str) else ""


# --- The assessor's pages ---------------------------------------------------


@dataclass(frozen=True)
class ScoreRow:
    secondment: Secondment
    done: bool


@dataclass(frozen=True)
class ScoreGroup:
    label: str
    rows: list[ScoreRow]


@dataclass(frozen=True)
class ScorePage:
    activity: Activity
    open: bool
    groups: list[ScoreGroup]
    done: int
    total: int
    abilities: list[tuple[str, str]]


def _require_assessor(user: Any, activity: Activity) -> None:
    if not is_assessor(user, activity):
        raise PermissionDenied(_("您不是本场活动的评分人。"))


def score_page(*, user: Any, activity: Activity) -> ScorePage:
    """The assessor's list of participants by group, with the ones they have scored.

    Raises PermissionDenied unless ``user`` is an assessor of ``activity``.
    Only ``user``'s own scores count as done: an assessor never sees another's.
    """
    _require_assessor(user, activity)
    mine = set(
        ActivityScore.objects.filter(activity=activity, assessor=user).values_list(
            "secondment_id", flat=True
        )
    )
    groups: dict[str, list[ScoreRow]] = {}
    for label, secondment in participants_in_order(activity):
        groups.setdefault(label, []).append(ScoreRow(secondment, secondment.pk in mine))
    rows = [row for g in groups.values() for row in g]
    return ScorePage(
        activity=activity,
        open=activity.status == ActivityStatus.SCORING,
        groups=[ScoreGroup(label, g) for label, g in groups.items()],
        done=sum(1 for r in rows if r.done),
        total=len(rows),
        abilities=ability_choices(activity),
    )


@dataclass(frozen=True)
class AbilityLevels:
    code: str
    label: str
    levels: list[tuple[int, str, bool]]


@dataclass(frozen=True)
class ScoreForm:
    activity: Activity
    secondment: Secondment
    group: str
    mine: ActivityScore | None
    open: bool
    abilities: list[AbilityLevels]
    comment: str
    next_id: int | None
    position: int
    total: int


def score_form(
    *,
    user: Any,
    activity: Activity,
    secondment_id: int,
    chosen: dict[str, str] | None = None,
    comment: str | None = None,
) -> ScoreForm:
    """One participant's score sheet for ``user``: a row of levels per tested ability.

    ``chosen``/``comment`` keep a refused entry; otherwise the assessor's saved
    scores are shown. ``next_id``: the next participant this assessor has not
    scored yet after this one (wrapping round), else the next in order.
    Raises PermissionDenied for a non-assessor, Http404 for a non-participant.
    """
    _require_assessor(user, activity)
    order = participants_in_order(activity)
    position = next((k for k, (_l, s) in enumerate(order) if s.pk == secondment_id), None)
    if position is None:
        raise Http404
    group, secondment = order[position]
    mine_all = {
        s.secondment_id: s for s in ActivityScore.objects.filter(activity=activity, assessor=user)
    }
    mine = mine_all.get(secondment.pk)
    if chosen is None:
        chosen = {code: str(v) for code, v in (mine.scores if mine else {}).items()}
    if comment is None:
        comment = mine.comment if mine else ""
    after = order[position + 1 :] + order[:position]
    next_id = next((s.pk for _l, s in after if s.pk not in mine_all), None)
    if next_id is None and position + 1 < len(order):
        next_id = order[position + 1][1].pk
    levels = range(activity.scale_min, activity.scale_max + 1)
    return ScoreForm(
        activity=activity,
        secondment=secondment,
        group=group,
        mine=mine,
        open=activity.status == ActivityStatus.SCORING,
        abilities=[
            AbilityLevels(
                code=code,
                label=label,
                levels=[
                    (level, _anchor(activity, code, level), chosen.get(code) == str(level))
                    for level in levels
                ],
            )
            for code, label in ability_choices(activity)
        ],
        comment=comment,
        next_id=next_id,
        position=position + 1,
        total=len(order),
    )


# --- Results ----------------------------------------------------------------


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    number = float(value)
    return number if math.isfinite(number) else math.nan


def to_percent(activity: Activity, value: float) -> float:
    """A total on the activity's scale mapped onto 0-100."""
    return 100.0 * (value - activity.scale_min) / (activity.scale_max - activity.scale_min)


@dataclass(frozen=True)
class ResultRow:
    secondment: Secondment
    group: str
    means: list[float | None]
    total: float | None
    percent: float | None
    rank: int
    assessors: int


@dataclass(frozen=True)
class ActivityTable:
    """Every participant's result in one activity (rules in the module docstring)."""

    activity: Activity
    abilities: list[tuple[str, str]]
    rows: list[ResultRow]
    ranked: int
    assessors: int
    reliability: dict[str, Any]


def _cube(
    activity: Activity, secondments: Sequence[Secondment], scores: Iterable[ActivityScore]
) -> tuple[np.ndarray[Any, Any], list[int]]:
    """``(assessors, participants, abilities)`` raw scores, NaN = not scored; and the assessor ids."""
    by_assessor: dict[int, list[ActivityScore]] = defaultdict(list)
    for score in scores:
        by_assessor[score.assessor_id].append(score)
    assessor_ids = sorted(by_assessor)
    col = {s.pk: k for k, s in enumerate(secondments)}
    cube = np.full((len(assessor_ids), len(secondments), len(activity.abilities)), np.nan)
    for a, assessor_id in enumerate(assessor_ids):
        for score in by_assessor[assessor_id]:
            if score.secondment_id in col:
                cube[a, col[score.secondment_id]] = [
                    _number(score.scores.get(code)) for code in activity.abilities
                ]
    return cube, assessor_ids


def _nanmean(values: np.ndarray[Any, Any], axis: int) -> np.ndarray[Any, Any]:
    present = ~np.isnan(values)
    count = present.sum(axis=axis)
    total = np.where(present, values, 0.0).sum(axis=axis)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def complete_block(matrix: np.ndarray[Any, Any]) -> tuple[list[int], list[int]]:
    """Rows (participants) and columns (assessors) of the largest complete block of ``matrix``.

    ``matrix``: ``(participants, assessors)``, NaN = not scored. The block has
    at least 2 rows and 2 columns, every cell filled, and the most cells (ties:
    more assessors); ``([], [])`` when there is none.
    """
    n, k = matrix.shape
    filled = ~np.isnan(matrix)
    columns = list(range(k))
    if k > _BLOCK_SEARCH_MAX:
        columns = sorted(columns, key=lambda c: -int(filled[:, c].sum()))[:_BLOCK_SEARCH_MAX]
    masks = np.zeros(n, dtype=np.int64)
    for bit, c in enumerate(columns):
        masks |= filled[:, c].astype(np.int64) << bit
    best: tuple[int, int, int] = (0, 0, 0)  # cells, raters, subset
    for subset in range(1, 1 << len(columns)):
        raters = bin(subset).count("1")
        if raters < 2:
            continue
        rows = int(np.count_nonzero((masks & subset) == subset))
        if rows < 2:
            continue
        key = (rows * raters, raters, subset)
        if key[:2] > best[:2]:
            best = key
    if best[0] == 0:
        return [], []
    subset = best[2]
    chosen = [c for bit, c in enumerate(columns) if subset >> bit & 1]
    rows_kept = [int(r) for r in np.flatnonzero((masks & subset) == subset)]
    return rows_kept, chosen


def _reliability_entry(matrix: np.ndarray[Any, Any]) -> dict[str, Any]:
    rows, columns = complete_block(matrix)
    if not rows:
        return {
            "defined": False,
            "band": reliability.BAND_UNDEFINED,
            "text": _("没有 2 名以上成员都被同样 2 位以上评分人评过分，暂无法计算信度。"),
        }
    block = matrix[np.ix_(rows, columns)]
    try:
        found = reliability.summary(block)
    except ValueError as error:
        return {"defined": False, "band": reliability.BAND_UNDEFINED, "text": str(error)}
    return {
        "defined": not math.isnan(found.icc2_k),
        "n_targets": found.n_targets,
        "n_raters": found.n_raters,
        "icc2_1": _json_float(found.icc2_1),
        "icc2_k": _json_float(found.icc2_k),
        "band": found.band,
        "band_single": found.band_single,
        "text": found.text,
    }


def _json_float(value: float) -> float | None:
    return value if math.isfinite(value) else None


def activity_reliability(cube: np.ndarray[Any, Any], activity: Activity) -> dict[str, Any]:
    """ICC of the activity's totals and of each ability (JSON-ready; rule in the module docstring)."""
    if cube.shape[0] == 0 or cube.shape[1] == 0:
        totals = np.zeros((cube.shape[1], cube.shape[0]))
    else:
        totals = _nanmean(cube, axis=2).T  # (participants, assessors)
        # A sheet is complete (every tested ability) by the service's rule;
        # a partial one would not be the same measure, so it does not count.
        totals = np.where(np.isnan(cube).any(axis=2).T, np.nan, totals)
    return {
        "rule": RELIABILITY_RULE,
        "overall": _reliability_entry(totals),
        "abilities": [
            {"code": code, "label": label, **_reliability_entry(cube[:, :, k].T)}
            for k, (code, label) in enumerate(ability_choices(activity))
        ],
    }


def activity_table(activity: Activity) -> ActivityTable:
    """Every participant's result in ``activity``, with its reliability."""
    order = participants_in_order(activity)
    secondments = [s for _l, s in order]
    cube, assessor_ids = _cube(
        activity, secondments, ActivityScore.objects.filter(activity=activity)
    )
    per_ability = (
        _nanmean(cube, axis=0) if cube.shape[0] else np.full((len(order), cube.shape[2]), np.nan)
    )
    totals = _nanmean(per_ability, axis=1) if per_ability.shape[1] else np.full(len(order), np.nan)
    counts = (~np.isnan(cube).all(axis=2)).sum(axis=0) if cube.shape[0] else np.zeros(len(order))
    rank, _pct = growth.ranks(totals)
    rows = []
    for k, (group, secondment) in enumerate(order):
        total = None if math.isnan(totals[k]) else float(totals[k])
        rows.append(
            ResultRow(
                secondment=secondment,
                group=group,
                means=[None if math.isnan(v) else float(v) for v in per_ability[k]],
                total=total,
                percent=None if total is None else to_percent(activity, total),
                rank=int(rank[k]),
                assessors=int(counts[k]),
            )
        )
    return ActivityTable(
        activity=activity,
        abilities=ability_choices(activity),
        rows=rows,
        ranked=int((rank > 0).sum()),
        assessors=len(assessor_ids),
        reliability=activity_reliability(cube, activity),
    )


@dataclass(frozen=True)
class ResultsPage:
    activity: Activity
    table: ActivityTable
    rows: list[ResultRow]
    everything: bool
    finished: bool
    can_score: bool


def results_page(*, user: Any, activity: Activity) -> ResultsPage:
    """The results ``user`` may read: everyone for staff and auditor, else their followed, once finished."""
    table = activity_table(activity)
    allowed = set(visible_results(user, activity).values_list("pk", flat=True))
    return ResultsPage(
        activity=activity,
        table=table,
        rows=sorted(
            (r for r in table.rows if r.secondment.pk in allowed),
            key=lambda r: (r.rank == 0, r.rank, r.secondment.pk),
        ),
        everything=reads_everything(user),
        finished=activity.status == ActivityStatus.FINISHED,
        can_score=is_assessor(user, activity),
    )


# --- One person's results -----------------------------------------------------


@dataclass(frozen=True)
class PersonRow:
    activity: Activity
    row: ResultRow
    of: int
    abilities: list[tuple[str, float | None]]


@dataclass(frozen=True)
class PersonResults:
    secondment: Secondment
    rows: list[PersonRow]
    everything: bool
    mean_percent: float | None


def access_person(user: Any, secondment_id: int) -> Secondment:
    """A trainee ``user`` may read the results of (staff, auditor, themselves, mentor, host); else 404."""
    scope: QuerySet[Secondment] = (
        Secondment.objects.all() if reads_everything(user) else followed_secondments(user)
    )
    secondment = (
        scope.select_related(*_PARTICIPANT_RELATED, "program").filter(pk=secondment_id).first()
    )
    if secondment is None:
        raise Http404
    return secondment


def person_results(*, user: Any, secondment: Secondment) -> PersonResults:
    """``secondment``'s results across the program's activities (finished only for non-staff)."""
    everything = reads_everything(user)
    activities = Activity.objects.filter(
        participants=secondment, series__program_id=secondment.program_id
    ).select_related("series")
    if not everything:
        activities = activities.filter(status=ActivityStatus.FINISHED)
    rows = []
    for activity in activities.order_by("held_on", "pk"):
        table = activity_table(activity)
        row = next(r for r in table.rows if r.secondment.pk == secondment.pk)
        rows.append(
            PersonRow(
                activity=activity,
                row=row,
                of=table.ranked,
                abilities=[
                    (label, mean)
                    for (_code, label), mean in zip(table.abilities, row.means, strict=True)
                ],
            )
        )
    percents = [r.row.percent for r in rows if r.row.percent is not None]
    return PersonResults(
        secondment=secondment,
        rows=rows,
        everything=everything,
        mean_percent=sum(percents) / len(percents) if percents else None,
    )


# --- For the growth index and the growth record --------------------------------


def trainee_percents(
    activities: Iterable[Activity], secondment_ids: Iterable[int]
) -> dict[tuple[int, int], float]:
    """``(activity id, secondment id) -> percent`` (0-100) of every scored participant.

    The percent of the module docstring's rule, read with one query for all
    the activities; a participant nobody scored is absent.
    """
    by_pk = {a.pk: a for a in activities}
    wanted = set(secondment_ids)
    sheets: dict[tuple[int, int], list[list[float]]] = defaultdict(list)
    for score in ActivityScore.objects.filter(activity__in=list(by_pk), secondment__in=wanted):
        activity = by_pk[score.activity_id]
        sheets[(activity.pk, score.secondment_id)].append(
            [_number(score.scores.get(code)) for code in activity.abilities]
        )
    out: dict[tuple[int, int], float] = {}
    for key, values in sheets.items():
        activity = by_pk[key[0]]
        per_ability = _nanmean(np.array(values, dtype=np.float64), axis=0)
        if np.isnan(per_ability).all():
            continue
        out[key] = to_percent(activity, float(np.nanmean(per_ability)))
    return out


def counted_activities(program_id: int, closes_on: Any) -> QuerySet[Activity]:
    """The activities the growth index counts: the program's finished ones held by ``closes_on``."""
    return Activity.objects.filter(
        series__program_id=program_id, status=ActivityStatus.FINISHED, held_on__lte=closes_on
    ).order_by("held_on", "pk")


# --- A series for the Excel export -----------------------------------------------


def _line(row: ResultRow) -> xlsx_activities.ParticipantLine:
    s = row.secondment
    return xlsx_activities.ParticipantLine(
        name=s.cadre.name,
        origin_unit=s.cadre.origin_unit.name,
        host_unit=s.post.unit.name,
        group=row.group,
        means=tuple(row.means),
        total=row.total,
        percent=row.percent,
        rank=row.rank or None,
        assessors=row.assessors,
    )


def _sheet(table: ActivityTable) -> xlsx_activities.ActivitySheet:
    activity = table.activity
    overall = table.reliability["overall"]
    return xlsx_activities.ActivitySheet(
        title=activity.title,
        kind=activity.get_kind_display(),
        held_on=activity.held_on,
        place=activity.place,
        status=activity.get_status_display(),
        topic=activity.topic,
        scale=_("%(low)d–%(high)d 分") % {"low": activity.scale_min, "high": activity.scale_max},
        abilities=tuple(label for _code, label in table.abilities),
        reliability=_("信度：%(text)s") % {"text": overall["text"]},
        lines=tuple(
            _line(r)
            for r in sorted(table.rows, key=lambda r: (r.rank == 0, r.rank, r.secondment.pk))
        ),
    )


def series_lines(
    series: ActivitySeries,
) -> tuple[list[xlsx_activities.ActivitySheet], list[xlsx_activities.PersonLine]]:
    """The export of ``series``: a sheet per activity (date order) and a line per participant."""
    activities = Activity.objects.filter(series=series).order_by("held_on", "pk")
    tables = [activity_table(a) for a in activities]
    people: dict[int, Secondment] = {}
    percents: dict[tuple[int, int], float | None] = {}
    for k, table in enumerate(tables):
        for row in table.rows:
            people.setdefault(row.secondment.pk, row.secondment)
            percents[(k, row.secondment.pk)] = row.percent
    lines = [
        xlsx_activities.PersonLine(
            name=s.cadre.name,
            origin_unit=s.cadre.origin_unit.name,
            host_unit=s.post.unit.name,
            percents=tuple(percents.get((k, s.pk)) for k in range(len(tables))),
        )
        for s in sorted(people.values(), key=lambda s: s.pk)
    ]
    return [_sheet(t) for t in tables], lines

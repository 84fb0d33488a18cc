"""Computing the growth index (成长指数) of a round and keeping it with its method and weights.

A computation reads the round through :mod:`lianbing.evaluation.adapters`,
weights the indicators (AHP judgements of the department, entropy of the
data, or equal weights), computes the index with :func:`growth.compute`, the
rank ranges with :func:`growth.sensitivity`, the reliability of the round and
the raters to review, and stores all of it at once. Trainees whose data covers
less than the engine's minimum share of the weight get no index; they are
listed under ``reliability["unscored"]`` of the computation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from lianbing.engine import growth, weights

from .. import access, adapters
from ..models import EvaluationRound, GrowthComputation, GrowthScore, WeightMethod

#: Saaty's scale (Saaty 1980): the value a judgement takes and its Chinese meaning.
SAATY_VALUES: tuple[str, ...] = (
    "9", "8", "7", "6", "5", "4", "3", "2", "1",
    "1/2", "1/3", "1/4", "1/5", "1/6", "1/7", "1/8", "1/9",
)  # fmt: skip
SAATY_LABELS: dict[int, str] = {
    1: "同等重要",
    2: "介于同等与稍微重要之间",
    3: "稍微重要",
    4: "介于稍微与明显重要之间",
    5: "明显重要",
    6: "介于明显与强烈重要之间",
    7: "强烈重要",
    8: "介于强烈与极端重要之间",
    9: "极端重要",
}


class GrowthError(Exception):
    """A computation the data or the judgements do not allow; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def saaty_label(value: str) -> str:
    """“行比列稍微重要（3）” / “列比行稍微重要（1/3）” for an option of the judgement matrix."""
    number = Fraction(value)
    if number == 1:
        return _("同等重要（1）")
    if number > 1:
        return _("行比列%(label)s（%(value)s）") % {
            "label": SAATY_LABELS[int(number)],
            "value": value,
        }
    return _("列比行%(label)s（%(value)s）") % {
        "label": SAATY_LABELS[int(1 / number)],
        "value": value,
    }


def saaty_text(value: float) -> str:
    """The Saaty-scale option nearest to ``value`` ("3", "1/5")."""
    return min(SAATY_VALUES, key=lambda v: abs(math.log(float(Fraction(v)) / value)))


#: The largest rank move the page accepts as the "不稳定" threshold.
THRESHOLD_MAX = 50


def threshold_parse(value: Any) -> int:
    """The "不稳定" threshold typed on the page: a whole number of places, blank = the default."""
    text = str(value or "").strip()
    if not text:
        return growth.UNSTABLE_PLACES
    if not text.isdigit() or int(text) > THRESHOLD_MAX:
        raise GrowthError(
            _("名次变动阈值应为 0 到 %(max)d 之间的整数（默认 %(default)d 位）。")
            % {"max": THRESHOLD_MAX, "default": growth.UNSTABLE_PLACES}
        )
    return int(text)


def judgement_field(i: str, j: str) -> str:
    return f"ahp_{i}__{j}"


def judgements_from_form(data: Mapping[str, Any]) -> list[list[Any]]:
    """The upper-triangle judgements posted by the page: ``[[row, column, "3"], ...]``.

    A missing or unknown value counts as 1 (同等重要).
    """
    out: list[list[Any]] = []
    for a, row in enumerate(adapters.INDICATORS):
        for column in adapters.INDICATORS[a + 1 :]:
            value = str(data.get(judgement_field(row, column), "1")).strip()
            out.append([row, column, value if value in SAATY_VALUES else "1"])
    return out


def _pairwise(judgements: Sequence[Sequence[Any]]) -> np.ndarray[Any, Any]:
    position = {code: k for k, code in enumerate(adapters.INDICATORS)}
    given: dict[tuple[int, int], float] = {}
    for entry in judgements:
        try:
            row, column, value = entry
            pair = (position[str(row)], position[str(column)])
            given[pair] = float(Fraction(str(value)))
        except (KeyError, ValueError, ZeroDivisionError, TypeError) as error:
            raise GrowthError(_("两两比较判断无法识别：%(entry)s。") % {"entry": entry}) from error
    try:
        return weights.pairwise(len(adapters.INDICATORS), given)
    except ValueError as error:
        raise GrowthError(str(error)) from error


def _weights(
    method: str, judgements: Sequence[Sequence[Any]] | None, values: Mapping[str, Any]
) -> tuple[dict[str, float], float | None]:
    keys = adapters.INDICATORS
    if method == WeightMethod.EQUAL:
        return dict.fromkeys(keys, 1.0 / len(keys)), None
    if method == WeightMethod.AHP:
        if not judgements:
            raise GrowthError(_("请先在判断矩阵中填写各指标两两比较的重要程度。"))
        result = weights.ahp(_pairwise(judgements), labels=[growth.label(k) for k in keys])
        if not result.consistent:
            raise GrowthError(result.message)
        return dict(zip(keys, map(float, result.weights), strict=True)), float(result.cr)
    if method == WeightMethod.ENTROPY:
        # The entropy weight is taken on the indicators as the index uses them:
        # min-max normalised over the cohort (ability growth can be negative,
        # and entropy needs values >= 0). An indicator nobody has, or on which
        # everyone is equal, gets weight 0; a trainee's missing value takes the
        # cohort mean, which adds no divergence.
        table, _bounds = growth.normalise(np.column_stack([values[k] for k in keys]))
        present = [not np.isnan(table[:, c]).all() for c in range(table.shape[1])]
        if not any(present):
            raise GrowthError(
                _(
                    "各项指标都缺少数据或各对象完全相同，无法用熵权法确定权重，请改用层次分析法或等权。"
                )
            )
        used = table[:, present]
        filled = np.where(np.isnan(used), np.nanmean(used, axis=0)[None, :], used)
        try:
            found = weights.entropy(filled)
        except ValueError as error:
            raise GrowthError(str(error)) from error
        out = dict.fromkeys(keys, 0.0)
        for key, w in zip([k for k, p in zip(keys, present, strict=True) if p], found, strict=True):
            out[key] = float(w)
        return out, None
    raise GrowthError(_("未知的赋权方法：%(method)s。") % {"method": method})


def _rounded(value: float, digits: int = 4) -> float | None:
    return round(float(value), digits) if math.isfinite(value) else None


@transaction.atomic
def growth_compute(
    round_: EvaluationRound,
    *,
    method: str,
    judgements: Sequence[Sequence[Any]] | None = None,
    by: Any,
    unstable_threshold: int = growth.UNSTABLE_PLACES,
) -> GrowthComputation:
    """Compute, store and return the growth index of ``round_``.

    ``method``: a :class:`WeightMethod`; ``judgements`` (AHP only): the upper
    triangle as ``[[row_key, column_key, value], ...]`` on Saaty's scale.
    Raises PermissionDenied unless ``by`` is department staff, and
    :class:`GrowthError` when the judgements are inconsistent (CR >= 0.10;
    the engine's message names the judgements to review) or the data allows no index.
    """
    if not access.is_department(by):
        raise PermissionDenied(_("只有组织部门可以计算成长指数。"))
    if method not in WeightMethod.values:
        raise GrowthError(_("请选择赋权方法。"))
    data = adapters.round_ratings(round_)
    if len(data.secondments) < 2:
        raise GrowthError(_("本轮考察对象少于 2 名，无法计算成长指数（指标按同批次对象归一化）。"))
    found = adapters.indicators(round_, data)
    chosen, cr = _weights(method, judgements, found.values)
    label = str(WeightMethod(method).label)
    try:
        result = growth.compute(found.values, chosen, method_label=label)
        moves = growth.sensitivity(found.values, chosen, threshold=unstable_threshold)
    except growth.GrowthInputError as error:
        raise GrowthError(str(error)) from error
    if not (result.rank > 0).any():
        raise GrowthError(_("没有一名对象的指标覆盖率达到要求，请先补齐评价、计划或月度评价数据。"))
    reliability = adapters.round_reliability(data)
    keys = list(result.keys)
    unscored = [
        {
            "secondment_id": s.pk,
            "name": s.cadre.name,
            "coverage": _rounded(result.coverage[t]),
        }
        for t, s in enumerate(data.secondments)
        if result.rank[t] == 0
    ]
    reliability["unscored"] = unscored
    reliability["constant"] = list(result.constant)
    computation = GrowthComputation(
        round=round_,
        method=method,
        judgements=[list(j) for j in judgements]
        if method == WeightMethod.AHP and judgements
        else [],
        weights={k: float(w) for k, w in zip(keys, result.weights, strict=True)},
        consistency_ratio=cr,
        reliability=reliability,
        rater_flags=adapters.round_flags(data),
        unstable_threshold=unstable_threshold,
        created_by=by,
    )
    computation.full_clean()
    computation.save()
    scores = []
    for t, secondment in enumerate(data.secondments):
        if result.rank[t] == 0:
            continue
        indicators: dict[str, float | None] = {
            k: _rounded(result.values[t, c], 2) for c, k in enumerate(keys)
        }
        indicators["ability_baseline"] = _rounded(found.baseline[t], 2)
        indicators["ability_now"] = _rounded(found.now[t], 2)
        score = GrowthScore(
            computation=computation,
            secondment=secondment,
            index=float(result.index[t]),
            rank=int(result.rank[t]),
            percentile=float(result.percentile[t]),
            indicators=indicators,
            contributions={k: float(result.contributions[t, c]) for c, k in enumerate(keys)},
            coverage=float(result.coverage[t]),
            rank_min=int(moves.best[t]),
            rank_max=int(moves.worst[t]),
            unstable=bool(moves.unstable[t]),
            raters=int(found.raters[t]),
        )
        score.full_clean(exclude=["computation"])
        scores.append(score)
    GrowthScore.objects.bulk_create(scores)
    return computation

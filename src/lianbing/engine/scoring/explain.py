"""Contributions in points, the runner-up, and explanations in Chinese (see the package)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from lianbing.engine import shortcomings as shortcoming_map
from lianbing.engine import taxonomy, text
from lianbing.engine.footing import (
    CLEAR_MATCH,
    Contributions,
    Footing,
)
from lianbing.engine.footing import contributions as _contributions
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.engine.scoring.features import (
    DEVELOPS_CORE,
    N_ABILITIES,
    PLATFORM,
    TOWN,
    core_weights,
    derive_category,
    develop_vector,
    post_category,
    post_training,
    unit_kind_code,
    weakness_weights,
)
from lianbing.engine.scoring.options import (
    AVOIDED_UNIT,
    BELOW_FIT_FLOOR,
    FORBIDDEN_REASON_TEXT,
    ORIGIN_UNIT,
    ScoreMatrix,
    Weights,
)


def contributions(matrix: ScoreMatrix, i: int, j: int) -> Contributions:
    """Points each component adds to the total of cadre ``i`` on post ``j``.

    ``专长匹配 +31.2, 短板提升 +9.0, 岗位互补 +3.1`` and the adjustment (志愿岗位
    bonus, 以事择人 ceiling) sum to the total. A matrix without footing
    (rebuilt from stored components) is read with its raw components.
    """
    footing = matrix.footing or Footing(
        centre=(0.0, 0.0, 0.0),
        spread=(0.0, 0.0, 0.0),
        weights=Weights().normalised(),
        effective=(0.0, 0.0, 0.0),
    )
    if matrix.footing is None:
        w = footing.weights
        parts = [
            round(w[k] * float(v[i, j]), 1)
            for k, v in enumerate((matrix.fit, matrix.development, matrix.complement))
        ]
        total = round(float(matrix.total[i, j]), 1)
        return Contributions(parts[0], parts[1], parts[2], round(total - sum(parts), 1), total)
    return _contributions(
        float(matrix.fit[i, j]),
        float(matrix.development[i, j]),
        float(matrix.complement[i, j]),
        float(matrix.total[i, j]),
        footing,
    )


def runner_up(matrix: ScoreMatrix, j: int, i: int) -> tuple[Contributions, Contributions] | None:
    """ "Why this cadre and not the runner-up": contributions of ``i`` and of the best other.

    The runner-up is the allowed cadre other than ``i`` with the highest total
    on post ``j``; None when there is none.
    """
    column = np.where(matrix.allowed[:, j], matrix.total[:, j], -np.inf)
    column[i] = -np.inf
    other = int(np.argmax(column)) if column.size else -1
    if other < 0 or not np.isfinite(column[other]):
        return None
    return contributions(matrix, i, j), contributions(matrix, other, j)


# ----------------------------------------------------------------------------
# explanations

#: Component or part scores at or above this count as a reason worth naming.
_NOTABLE: Final[float] = 60.0
#: A post exercises a weak ability when its develop vector reaches this.
_COVERS: Final[float] = DEVELOPS_CORE
#: At most this many shared terms are named per sentence group.
_MAX_TERMS: Final[int] = 3


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _quote(words: Sequence[str]) -> str:
    return "、".join(f"“{w}”" for w in words)


def _expertise_sentences(cadre: CadreProfile, post: PostProfile) -> list[str]:
    """Sentences naming the terms the cadre's strengths share with the post."""
    cadre_fields = (("专长", cadre.expertise), ("工作经历", cadre.experience))
    post_fields = (
        ("重点任务", post.key_tasks),
        ("所需专长", post.expertise_needed),
        ("岗位职责", post.duties),
    )
    sentences: list[str] = []
    named: set[str] = set()
    for cadre_label, cadre_text in cadre_fields:
        for post_label, post_text in post_fields:
            for match in text.term_matches(cadre_text, post_text):
                if len(sentences) >= _MAX_TERMS:
                    return sentences
                left, right = match.left[0], match.right[0]
                if match.term in named or left in named or right in named:
                    continue
                named.update((match.term, left, right))
                if left == right:
                    sentences.append(f"{cadre_label}与{post_label}同涉“{left}”")
                else:
                    sentences.append(f"{cadre_label}“{left}”与{post_label}“{right}”契合")
    return sentences


def explain(
    cadre: CadreProfile, post: PostProfile, matrix: ScoreMatrix, i: int, j: int
) -> tuple[str, ...]:
    """Chinese sentences naming what decided the score of cadre ``i`` for post ``j``.

    Inputs: the cadre and post profiles at row ``i`` and column ``j`` of
    ``matrix`` (the matrix :func:`score` returned for them). Output: sentences,
    most important first: the reason a forbidden pair is not allowed, the
    total and its three components, the shared terms of expertise/experience
    and the post's needs and tasks, the category, the core-ability match, the
    weak abilities and 短板 the post trains, the 岗位互补 rule when it applies
    and the 志愿岗位 bonus. Meant for one pair at a time, on demand.
    """
    sentences: list[str] = []
    reason = int(matrix.forbidden_reason[i, j])
    if reason == ORIGIN_UNIT:
        sentences.append(f"{FORBIDDEN_REASON_TEXT[reason]}（原单位：{cadre.origin_unit}）")
    elif reason == AVOIDED_UNIT:
        sentences.append(f"{FORBIDDEN_REASON_TEXT[reason]}（{post.unit}）")
    elif reason == BELOW_FIT_FLOOR:
        sentences.append(
            f"{FORBIDDEN_REASON_TEXT[reason]}（专长匹配 {_fmt(round(float(matrix.fit[i, j]), 1))}）"
        )
    points = contributions(matrix, i, j)
    sentences.append(
        f"综合得分 {float(matrix.total[i, j]):.1f}："
        f"专长匹配 {points.fit:+.1f}（{float(matrix.fit[i, j]):.1f} 分），"
        f"短板提升 {points.development:+.1f}（{float(matrix.development[i, j]):.1f} 分），"
        f"岗位互补 {points.complement:+.1f}（{float(matrix.complement[i, j]):.1f} 分）"
        + (f"，其他 {points.adjustment:+.1f}" if points.adjustment else "")
    )
    if matrix.tier is not None and int(matrix.tier[i, j]) == CLEAR_MATCH:
        sentences.append("专长与岗位所需明确契合（以事择人优先）")

    sentences.extend(_expertise_sentences(cadre, post))
    cadre_category = derive_category(cadre)
    if cadre_category == post_category(post):
        sentences.append(f"同属“{taxonomy.category(cadre_category).label}”类别")

    abilities = np.clip(
        np.array(cadre.abilities, dtype=np.float64), taxonomy.ABILITY_MIN, taxonomy.ABILITY_MAX
    )
    core = core_weights(post)
    ability_fit = float(abilities @ core)
    if ability_fit >= _NOTABLE and post.core_abilities:
        top = taxonomy.ABILITIES[int(np.argmax(core))]
        sentences.append(
            f"岗位核心能力加权得分 {ability_fit:.0f}，"
            f"其中“{top.label}” {_fmt(float(abilities[taxonomy.ability_index(top.code)]))} 分"
        )

    weakness = weakness_weights(abilities[None, :], [cadre.shortcomings])[0]
    develops = develop_vector(post)
    covered = [
        taxonomy.ABILITIES[k].label
        for k in np.argsort(-weakness, kind="stable")
        if weakness[k] > 1.0 / N_ABILITIES and develops[k] >= _COVERS
    ]
    if covered:
        sentences.append(f"岗位锻炼方向覆盖其短板{_quote(covered)}")
    stated = shortcoming_map.stated(cadre.shortcomings)
    trains = shortcoming_map.trained(post, develops)
    served = [
        shortcoming_map.label(need.code)
        for k, need in enumerate(shortcoming_map.needs())
        if stated[k]
        and trains[k] >= shortcoming_map.TASK_TRAINS
        and not need.code.startswith("ability:")
    ]
    if served:
        sentences.append(f"岗位可补其短板所缺的{_quote(served)}")
    if cadre.shortcomings.strip():
        matches = text.term_matches(cadre.shortcomings, post_training(post))
        lacking = list(dict.fromkeys(m.left[0] for m in matches))[:_MAX_TERMS]
        if lacking:
            sentences.append(f"岗位锻炼方向与重点任务可补其短板所缺的{_quote(lacking)}")

    years = _fmt(max(cadre.grassroots_years, 0.0))
    if float(matrix.complement[i, j]) >= _NOTABLE:
        kind = unit_kind_code(post.unit_kind)
        if kind == TOWN:
            label = taxonomy.unit_kind(TOWN).label
            sentences.append(f"基层工作 {years} 年，下沉{label}补基层经历")
        elif kind == PLATFORM:
            label = taxonomy.unit_kind(PLATFORM).label
            sentences.append(f"基层工作 {years} 年，上挂{label}拓宽视野、拔高站位")
    if post.id in cadre.preferred_posts:
        sentences.append("系本人志愿岗位")
    return tuple(sentences)

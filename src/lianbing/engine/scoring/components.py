"""The score matrix: components, hard rules and totals (see the package)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from lianbing.engine import shortcomings as shortcoming_map
from lianbing.engine import taxonomy, text
from lianbing.engine.footing import (
    CLEAR_MATCH,
    NO_MATCH,
    SOME_MATCH,
    fit_footing,
)
from lianbing.engine.footing import combine as _combine
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.engine.scoring.features import (
    CLEAR_TEXT,
    DEVELOPMENT_PARTS,
    FIT_PARTS,
    N_ABILITIES,
    PLATFORM,
    TOWN,
    cadre_texts,
    complement_curve,
    core_weights,
    derive_category,
    develop_vector,
    needs_coverage,
    post_category,
    post_needs,
    post_tasks,
    post_training,
    text_score,
    unit_key,
    unit_kind_code,
    weakness_weights,
)
from lianbing.engine.scoring.options import (
    ALLOWED,
    AVOIDED_UNIT,
    BELOW_FIT_FLOOR,
    DEFAULT_OPTIONS,
    ORIGIN_UNIT,
    ScoreMatrix,
    ScoreOptions,
    Weights,
)


def _development(
    cadres: Sequence[CadreProfile],
    posts: Sequence[PostProfile],
    abilities: NDArray[np.float64],
    develops: NDArray[np.float64],
) -> NDArray[np.float32]:
    """The development component (see :func:`score`)."""
    weakness = weakness_weights(abilities, [c.shortcomings for c in cadres])
    development = (weakness @ develops.T).astype(np.float32)
    development *= np.float32(100.0)
    stated = shortcoming_map.stated_matrix(cadres)
    count = stated.sum(axis=1)
    trains = np.array(
        [shortcoming_map.trained(p, develops[j]) for j, p in enumerate(posts)]
    ).reshape(len(posts), stated.shape[1])
    needs = ((stated @ trains.T) / np.where(count > 0, count, 1.0)[:, None] * 100.0).astype(
        np.float32
    )
    has_text = np.array([bool(c.shortcomings.strip()) for c in cadres], dtype=np.bool_)
    text_part = np.zeros_like(development)
    if has_text.any():
        rows = np.flatnonzero(has_text)
        text_part[rows] = text_score(
            text.similarity(
                [cadres[int(i)].shortcomings for i in rows], [post_training(p) for p in posts]
            )
        )
    parts = DEVELOPMENT_PARTS
    with_needs = (count > 0)[:, None]
    text_only = (~(count > 0) & has_text)[:, None]
    rest = parts["ability"] + parts["text"]
    out = np.where(
        with_needs,
        parts["needs"] * needs + parts["ability"] * development + parts["text"] * text_part,
        np.where(
            text_only,
            (parts["ability"] * development + parts["text"] * text_part) / rest,
            development,
        ),
    ).astype(np.float32)
    np.clip(out, 0.0, 100.0, out=out)
    return out


# ----------------------------------------------------------------------------
# the matrix


def score(
    cadres: Sequence[CadreProfile],
    posts: Sequence[PostProfile],
    options: ScoreOptions = DEFAULT_OPTIONS,
) -> ScoreMatrix:
    """Score every cadre against every post.

    Inputs: cadres (rows), posts (columns), options (weights, fit floor,
    preference bonus). Output: a :class:`ScoreMatrix`. Rules, all on 0-100:

    * fit = 0.40 ability + 0.30 expertise + 0.10 needs + 0.15 experience +
      0.05 category (:data:`FIT_PARTS`), where ability is the mean of the cadre's scores
      weighted by the post's core abilities (all seven equally when none);
      expertise is ``100 * sqrt(cos)`` of 专长+工作经历 against
      所需专长+重点任务+岗位职责 (:func:`text.similarity`); category is 100
      when the cadre's category (derived when blank, :func:`derive_category`)
      equals the post's; experience is ``100 * sqrt(cos)`` of 工作经历
      against 重点任务+岗位职责 (has the cadre done this kind of work?);
      needs is :func:`needs_coverage` (所需专长 terms named in 专长/工作经历);
    * development = 0.4 stated needs + 0.2 ability coverage + 0.4 text
      (:data:`DEVELOPMENT_PARTS`; ability coverage alone when 短板 is blank),
      stated needs as :mod:`shortcomings` reads them, where ability coverage is
      ``100 * sum_k weak_k * develops_k`` over the cadre's weakness weights
      (two lowest abilities relative to the cadre's mean, plus abilities named
      in 短板) and the post's develop vector (abilities named in 锻炼方向, their
      keywords, the core abilities); text is ``100 * sqrt(cos)`` of 短板
      against 锻炼方向+重点任务;
    * complement = :func:`complement_curve` of grassroots years for a town
      post, 100 minus it for a platform post, 50 for any other unit kind;
    * total = weighted sum with the normalised :class:`Weights`, plus
      ``preference_bonus`` for a 志愿岗位, clipped to [0, 100];
    * not allowed: post unit == origin unit (``ORIGIN_UNIT``), post unit in
      avoided units (``AVOIDED_UNIT``), fit < ``fit_floor``
      (``BELOW_FIT_FLOOR``); the first reason in that order is recorded.
      Unit names are compared ignoring whitespace.
    """
    n, m = len(cadres), len(posts)

    for cadre in cadres:
        if len(cadre.abilities) != N_ABILITIES:
            raise ValueError(f"干部“{cadre.name}”的能力得分必须是 {N_ABILITIES} 项")
    abilities = np.array([c.abilities for c in cadres], dtype=np.float64).reshape(n, N_ABILITIES)
    years = np.array([c.grassroots_years for c in cadres], dtype=np.float64)
    if not (np.isfinite(abilities).all() and np.isfinite(years).all()):
        raise ValueError("干部能力得分和基层工作年限必须是有效数字")
    abilities = np.clip(abilities, taxonomy.ABILITY_MIN, taxonomy.ABILITY_MAX)
    core = np.array([core_weights(p) for p in posts]).reshape(m, N_ABILITIES)
    develops = np.array([develop_vector(p) for p in posts]).reshape(m, N_ABILITIES)

    # fit ------------------------------------------------------------------
    ability_fit = (abilities @ core.T).astype(np.float32)
    fit = ability_fit * np.float32(FIT_PARTS["ability"])
    sim = text_score(
        text.similarity([cadre_texts(c) for c in cadres], [post_needs(p) for p in posts])
    )
    # 以事择人 tiers: shared terms at all, and clearly (text score and an
    # ability fit above the median of the post's pool, set once allowed is known).
    tier = np.where(sim > 0, np.int8(SOME_MATCH), np.int8(NO_MATCH)).astype(np.int8)
    clear_text = sim >= np.float32(CLEAR_TEXT)
    sim *= np.float32(FIT_PARTS["expertise"])
    fit += sim
    sim = text_score(
        text.similarity([c.experience for c in cadres], [post_tasks(p) for p in posts])
    )
    sim *= np.float32(FIT_PARTS["experience"])
    fit += sim
    sim = needs_coverage(cadres, posts)
    sim *= np.float32(FIT_PARTS["needs"])
    fit += sim
    del sim
    codes = {code: k for k, code in enumerate(taxonomy.CATEGORY_CODES)}
    cadre_category = np.array([codes[derive_category(c)] for c in cadres], dtype=np.int8)
    post_categories = np.array([codes[post_category(p)] for p in posts], dtype=np.int8)
    same_category = cadre_category[:, None] == post_categories[None, :]
    np.add(fit, np.float32(100.0 * FIT_PARTS["category"]), out=fit, where=same_category)
    del same_category
    np.clip(fit, 0.0, 100.0, out=fit)

    # development ------------------------------------------------------------
    development = _development(cadres, posts, abilities, develops)

    # complement -------------------------------------------------------------
    town_affinity = complement_curve(years)
    kinds = [unit_kind_code(p.unit_kind) for p in posts]
    column_kind = np.array(
        [1 if k == TOWN else -1 if k == PLATFORM else 0 for k in kinds], dtype=np.int8
    )
    complement = np.empty((n, m), dtype=np.float32)
    complement[:, column_kind == 1] = town_affinity[:, None]
    complement[:, column_kind == -1] = (100.0 - town_affinity)[:, None]
    complement[:, column_kind == 0] = 50.0

    # hard rules -------------------------------------------------------------
    units: dict[str, int] = {}
    post_unit = np.array([units.setdefault(unit_key(p.unit), len(units)) for p in posts])
    origin = np.array([units.get(unit_key(c.origin_unit), -1) for c in cadres])
    reason = np.zeros((n, m), dtype=np.int8)
    reason[fit < np.float32(options.fit_floor)] = BELOW_FIT_FLOOR
    avoided_pairs = [
        (i, units[key])
        for i, c in enumerate(cadres)
        for key in {unit_key(u) for u in c.avoided_units}
        if key in units
    ]
    if avoided_pairs:
        avoids_unit = np.zeros((n, len(units)), dtype=np.bool_)
        avoid_rows, avoid_units = np.array(avoided_pairs).T
        avoids_unit[avoid_rows, avoid_units] = True
        reason[avoids_unit[:, post_unit]] = AVOIDED_UNIT
        del avoids_unit
    reason[origin[:, None] == post_unit[None, :]] = ORIGIN_UNIT
    allowed = reason == ALLOWED

    # total ------------------------------------------------------------------
    clear_text &= ability_fit > _pool_median(ability_fit, allowed)[None, :]
    tier[clear_text] = np.int8(CLEAR_MATCH)
    del clear_text, ability_fit
    weights = options.weights.normalised()
    components = (fit, development, complement)
    footing = fit_footing(components, allowed, weights)
    total = _combine(
        components,
        footing,
        weights,
        bonus=preference_bonus(cadres, posts, options.preference_bonus),
        tier=tier,
        allowed=allowed,
    )

    return ScoreMatrix(
        fit=fit,
        development=development,
        complement=complement,
        total=total,
        allowed=allowed,
        forbidden_reason=reason,
        tier=tier,
        footing=footing,
    )


def _pool_median(values: NDArray[np.float32], allowed: NDArray[np.bool_]) -> NDArray[np.float32]:
    """Per post, the median of ``values`` over its allowed cadres (+inf when none)."""
    out = np.full(values.shape[1], np.inf, dtype=np.float32)
    for j in range(values.shape[1]):
        column = values[allowed[:, j], j]
        if column.size:
            out[j] = np.median(column)
    return out


def preference_bonus(
    cadres: Sequence[CadreProfile], posts: Sequence[PostProfile], points: float
) -> NDArray[np.float32] | None:
    """Points of the 志愿岗位 bonus per pair, or None when no pair earns it."""
    post_index = {p.id: j for j, p in enumerate(posts)}
    preferred = [
        (i, post_index[pid])
        for i, c in enumerate(cadres)
        for pid in c.preferred_posts
        if pid in post_index
    ]
    if not preferred or points <= 0:
        return None
    bonus = np.zeros((len(cadres), len(posts)), dtype=np.float32)
    rows, columns = np.array(preferred).T
    bonus[rows, columns] = np.float32(points)
    return bonus


def retotal(
    matrix: ScoreMatrix,
    weights: Weights,
    bonus: NDArray[np.float32] | None,
) -> NDArray[np.float32]:
    """Totals of ``matrix`` under other weights, same footing, tiers and rules.

    For sensitivity: the components' common scale does not depend on the
    weights, so only the weighted sum, the bonus and the ceiling are redone.
    Raises ValueError for a matrix without footing (rebuilt from storage).
    """
    if matrix.footing is None or matrix.tier is None:
        raise ValueError("评分矩阵缺少标准化参数，无法重算")
    return _combine(
        (matrix.fit, matrix.development, matrix.complement),
        matrix.footing,
        weights.normalised(),
        bonus=bonus,
        tier=matrix.tier,
        allowed=matrix.allowed,
    )

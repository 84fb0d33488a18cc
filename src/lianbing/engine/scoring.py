"""Pair scores for person-post matching (以事择人、人岗匹配).

For every cadre x post pair the engine computes three components, each on a
0-100 scale, and a weighted total:

* **fit (专长匹配)**: does the cadre's strength serve the post's work?
  Ability match on the post's core abilities, text similarity of expertise and
  experience with the post's needs and tasks, same category, relevant
  experience.
* **development (短板提升)**: does the post train what the cadre lacks?
  Coverage of the cadre's weakest abilities and stated shortcomings by the
  post's 锻炼方向 (and its tasks and core abilities).
* **complement (岗位互补)**: the department's placement rule "善于排兵布阵的干部来到
  实践一线丰富基层经验，有着丰富基层经验的干部来到市级平台拔高站位": few years of
  grassroots work point to a town or street post, many years to a city platform.

Hard rules make a pair not allowed: the cadre's own origin unit, a unit the
cadre must avoid (回避单位), or a fit below :attr:`ScoreOptions.fit_floor`.
A post the cadre asked for (志愿岗位) earns a bonus.

Everything is vectorised over the (n_cadres, n_posts) matrix; per-cadre and
per-post features are computed with loops over cadres or posts only. At
10,000 x 2,000 the matrix arrays are float32 (80 MB each).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from lianbing.engine import shortcomings as shortcoming_map
from lianbing.engine import taxonomy, text
from lianbing.engine.footing import (
    CLEAR_MATCH,
    NO_MATCH,
    SOME_MATCH,
    Contributions,
    Footing,
    fit_footing,
)
from lianbing.engine.footing import combine as _combine
from lianbing.engine.footing import contributions as _contributions
from lianbing.engine.profiles import CadreProfile, PostProfile

# Reason codes for pairs that are not allowed (stored in ScoreMatrix.forbidden_reason).
ALLOWED: Final[int] = 0
ORIGIN_UNIT: Final[int] = 1
AVOIDED_UNIT: Final[int] = 2
BELOW_FIT_FLOOR: Final[int] = 3

FORBIDDEN_REASON_TEXT: Final[dict[int, str]] = {
    ALLOWED: "可以选派",
    ORIGIN_UNIT: "不得回原单位练兵",
    AVOIDED_UNIT: "属于本人回避单位",
    BELOW_FIT_FLOOR: "专长匹配度低于下限",
}

#: Sub-weights of the fit component (sum 1). Abilities and expertise text carry
#: most of "发挥专长"; ``needs`` is the share of the post's 所需专长 the cadre
#: names word for word (:func:`needs_coverage`): both fields are the tags the
#: department writes for matching, so naming the same terms is the most direct
#: evidence of 以事择人 (the article's 数字化改革专班 placement: 专长 数字化、数据分析
#: against 所需专长 数字化、数据分析、系统集成, while his work history leans to a
#: 数字经济 post). The category is evidence, not a gate (five coarse classes,
#: often derived): agreement adds 5 points, disagreement costs nothing beyond
#: that, so expertise and tasks decide; relevant experience refines the text
#: match on the key tasks.
FIT_PARTS: Final[dict[str, float]] = {
    "ability": 0.35,
    "needs": 0.10,
    "expertise": 0.35,
    "category": 0.05,
    "experience": 0.15,
}

#: Credit of a needed term named only in 工作经历 (in 专长 it counts 1).
NEEDS_IN_EXPERIENCE: Final[float] = 0.5

#: Expertise text score (``100 * sqrt(cos)``) from which shared terms count as a
#: clear expertise match (以事择人 tier, see :mod:`footing`).
CLEAR_TEXT: Final[float] = 25.0

#: Sub-weights of the development component when the cadre states 短板 text;
#: without it the ability part stands alone. ``needs`` is the coverage of the
#: needs the 短板 states (:mod:`shortcomings`); when none is recognised its
#: share goes to the other two in proportion. What the cadre states (needs and
#: the 短板 text against the post's 锻炼方向, which the department writes for
#: what the post trains) weighs 0.8; the weakness inferred from the two lowest
#: of seven ability scores, often a few points apart, only 0.2 (the article's
#: 徐菊 and 张徐园 go where 锻炼方向 names their 短板 word for word).
DEVELOPMENT_PARTS: Final[dict[str, float]] = {"needs": 0.4, "ability": 0.2, "text": 0.4}

#: Number of lowest abilities treated as the cadre's weaknesses.
WEAK_ABILITY_COUNT: Final[int] = 2

#: How strongly a post exercises an ability, by the evidence for it.
DEVELOPS_NAMED: Final[float] = 1.0  # the ability is named in 锻炼方向
DEVELOPS_KEYWORD: Final[float] = 0.6  # a keyword of the ability occurs in 锻炼方向
DEVELOPS_CORE: Final[float] = 0.5  # a core ability (scaled by its relative weight)

#: Complement curve: logistic in grassroots years, 50 at the midpoint.
GRASSROOTS_MIDPOINT_YEARS: Final[float] = 3.0
GRASSROOTS_SCALE_YEARS: Final[float] = 1.2

_TOWN: Final[str] = taxonomy.unit_kind("town").code
_PLATFORM: Final[str] = taxonomy.unit_kind("platform").code
_N_ABILITIES: Final[int] = len(taxonomy.ABILITIES)
_WEIGHT_KEYS: Final[dict[str, str]] = {
    "fit": "fit",
    "专长匹配": "fit",
    "development": "development",
    "短板提升": "development",
    "complement": "complement",
    "岗位互补": "complement",
}
_ITEM_SEPARATORS: Final = re.compile(r"[,，;；\s]+")
_KEY_VALUE: Final = re.compile(r"[=:：]")
_KEY_VALUE_SPACES: Final = re.compile(r"\s*([=:：])\s*")


@dataclass(frozen=True)
class Weights:
    """Weights of the three components in the total score.

    Defaults: fit 0.5, development 0.3, complement 0.2. The rule is
    以事择人 first: the post's work has to move forward, so the match of
    strengths (fit) carries half of the total; the program is meant to be a
    双赢, so developing a shortcoming carries a substantial 0.3; 岗位互补 is a
    placement tendency the department follows, not a requirement, hence 0.2.
    Weights must be finite, >= 0 and not all zero; they are normalised to sum
    1 when used (:meth:`normalised`).
    """

    fit: float = 0.5
    development: float = 0.3
    complement: float = 0.2

    def __post_init__(self) -> None:
        values = (self.fit, self.development, self.complement)
        if not all(math.isfinite(v) and v >= 0 for v in values):
            raise ValueError("权重必须是不小于 0 的数")
        if sum(values) <= 0:
            raise ValueError("权重不能全为 0")

    def normalised(self) -> tuple[float, float, float]:
        """(fit, development, complement) scaled to sum 1."""
        total = self.fit + self.development + self.complement
        return (self.fit / total, self.development / total, self.complement / total)

    @classmethod
    def parse(cls, text: str) -> Weights:
        """Read weights from ``"fit=0.5,development=0.3,complement=0.2"``.

        Keys are ``fit``/``development``/``complement`` or their Chinese names
        专长匹配/短板提升/岗位互补; items are separated by commas, semicolons or
        spaces (half or full width) and ``=`` may be ``:``. A key left out keeps
        its default. Raises ValueError with a Chinese message on an unknown or
        repeated key, a value that is not a number, or weights that are
        negative or all zero.
        """
        values: dict[str, float] = {}
        compact = _KEY_VALUE_SPACES.sub(r"\1", text.strip())
        items = [item for item in _ITEM_SEPARATORS.split(compact) if item]
        if not items:
            raise ValueError("权重为空，格式如 fit=0.5,development=0.3,complement=0.2")
        for item in items:
            parts = _KEY_VALUE.split(item, maxsplit=1)
            if len(parts) != 2:
                raise ValueError(f"权重“{item}”缺少“=”，格式如 fit=0.5")
            key, raw = parts
            name = _WEIGHT_KEYS.get(key.strip().lower()) or _WEIGHT_KEYS.get(key.strip())
            if name is None:
                raise ValueError(f"未知的权重名“{key}”，可用 fit、development、complement")
            if name in values:
                raise ValueError(f"权重“{key}”重复")
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"权重“{key}”的值“{raw}”不是数字") from None
            values[name] = value
        return cls(**values)


@dataclass(frozen=True)
class ScoreOptions:
    """Options of :func:`score`.

    ``fit_floor`` (default 20): a pair whose fit is below it is not allowed.
    A fit under 20/100 means mediocre abilities on the post's core abilities
    and no shared terms, category or experience: such a placement serves
    neither the post nor the cadre's strengths (发挥专长). ``preference_bonus``
    (default 5): points added to the total when the post is one of the
    cadre's 志愿岗位, enough to decide between near-equal posts but not to
    override a clearly better match; the total is clipped to 100.
    """

    weights: Weights = field(default_factory=Weights)
    fit_floor: float = 20.0
    preference_bonus: float = 5.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.fit_floor) and 0 <= self.fit_floor <= 100):
            raise ValueError("专长匹配下限必须在 0 到 100 之间")
        if not (math.isfinite(self.preference_bonus) and self.preference_bonus >= 0):
            raise ValueError("志愿岗位加分必须是不小于 0 的数")


@dataclass(frozen=True)
class ScoreMatrix:
    """Scores of every cadre (rows) against every post (columns).

    ``fit``, ``development``, ``complement`` and ``total`` are float32 in
    [0, 100]; ``allowed`` is False for a forbidden pair and
    ``forbidden_reason`` holds its reason code (``ALLOWED`` when allowed).
    ``tier`` is the expertise tier of each pair (:data:`footing.CLEAR_MATCH`,
    ``SOME_MATCH``, ``NO_MATCH``) and ``footing`` how the components were put
    on the common scale; both are None for a matrix rebuilt from stored
    components only.
    """

    fit: NDArray[np.float32]
    development: NDArray[np.float32]
    complement: NDArray[np.float32]
    total: NDArray[np.float32]
    allowed: NDArray[np.bool_]
    forbidden_reason: NDArray[np.int8]
    tier: NDArray[np.int8] | None = None
    footing: Footing | None = None

    @property
    def effective_weights(self) -> dict[str, float]:
        """Each component's effective share of the totals (:class:`footing.Footing`)."""
        return {} if self.footing is None else self.footing.effective_weights()


_DEFAULT_OPTIONS: Final = ScoreOptions()


# ----------------------------------------------------------------------------
# per-cadre and per-post features


def derive_category(cadre: CadreProfile) -> str:
    """Category code for a cadre, from keyword rules when 类别 is blank.

    Input: a cadre. Output: a category code of ``taxonomy.CATEGORIES``. Rule:
    a given category is returned as is (labels accepted). Otherwise each
    category scores 3 per keyword (``data/category_keywords.txt``) found in
    the origin unit, 2 per keyword in the position, 1 per keyword in the
    expertise and work history; the highest score wins, ties going to the
    earlier category of the taxonomy. With no keyword at all the first
    category (党政群团, the general office work of any department) is
    returned. Deterministic.
    """
    if cadre.category and cadre.category.strip():
        return taxonomy.category(cadre.category).code
    sources = (
        (cadre.origin_unit, 3),
        (cadre.position, 2),
        (cadre.expertise, 1),
        (cadre.experience, 1),
    )
    best_code, best_score = taxonomy.CATEGORY_CODES[0], 0
    for code, keywords in text.category_keywords().items():
        points = sum(weight for source, weight in sources for word in keywords if word in source)
        if points > best_score:
            best_code, best_score = code, points
    return best_code


def _post_category(post: PostProfile) -> str:
    return taxonomy.category(post.category).code


def _core_weights(post: PostProfile) -> NDArray[np.float64]:
    """Core-ability weights of a post, summing to 1 (all seven equally if none)."""
    weights = np.zeros(_N_ABILITIES)
    for key, weight in post.core_abilities:
        if not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"岗位“{post.name}”的核心能力权重必须是不小于 0 的数")
        weights[taxonomy.ability_index(key)] += weight
    total = weights.sum()
    if total <= 0:
        return np.full(_N_ABILITIES, 1.0 / _N_ABILITIES)
    return np.asarray(weights / total, dtype=np.float64)


def _abilities_named(source: str) -> NDArray[np.float64]:
    """1 for each ability whose label or short form occurs in ``source``."""
    named = np.zeros(_N_ABILITIES)
    for k, keywords in enumerate(text.ability_keywords().values()):
        if any(word in source for word in keywords[:2]):
            named[k] = 1.0
    return named


def _develop_vector(post: PostProfile) -> NDArray[np.float64]:
    """How strongly the post exercises each ability, in [0, 1].

    The strongest evidence wins: named in 锻炼方向 (1.0), a keyword of the
    ability in 锻炼方向 (0.6), a core ability (0.5 x its weight relative to
    the post's largest core weight).
    """
    vector = _abilities_named(post.develops) * DEVELOPS_NAMED
    for k, keywords in enumerate(text.ability_keywords().values()):
        if any(word in post.develops for word in keywords[2:]):
            vector[k] = max(vector[k], DEVELOPS_KEYWORD)
    if post.core_abilities:
        core = _core_weights(post)
        vector = np.maximum(vector, DEVELOPS_CORE * core / core.max())
    return vector


def _weakness_weights(
    abilities: NDArray[np.float64], shortcomings: Sequence[str]
) -> NDArray[np.float64]:
    """Per cadre, weights over the seven abilities of what needs developing.

    Each of the ``WEAK_ABILITY_COUNT`` lowest abilities weighs its distance
    below the cadre's own mean (scaled so they sum 1); each ability named in
    the 短板 text adds 1. Rows are normalised to sum 1; a cadre with no
    weakness at all (every ability equal, nothing named) gets 1/7 each.
    """
    n = abilities.shape[0]
    order = np.argsort(abilities, axis=1, kind="stable")[:, :WEAK_ABILITY_COUNT]
    rows = np.arange(n)[:, None]
    gaps = np.zeros_like(abilities)
    below = abilities.mean(axis=1, keepdims=True) - abilities[rows, order]
    gaps[rows, order] = np.maximum(below, 0.0)
    gap_sum = gaps.sum(axis=1, keepdims=True)
    gaps = np.divide(gaps, gap_sum, out=np.zeros_like(gaps), where=gap_sum > 0)
    named = np.array([_abilities_named(s) for s in shortcomings]).reshape(n, _N_ABILITIES)
    weights = gaps + named
    total = weights.sum(axis=1, keepdims=True)
    uniform = np.full_like(weights, 1.0 / _N_ABILITIES)
    return np.asarray(
        np.where(total > 0, weights / np.where(total > 0, total, 1.0), uniform), dtype=np.float64
    )


def complement_curve(grassroots_years: NDArray[np.float64]) -> NDArray[np.float64]:
    """Affinity (0-100) of a cadre for a town/street post, by grassroots years.

    Rule: ``100 / (1 + exp((years - 3) / 1.2))``, a logistic that is 88 at 0
    years, 50 at 3 years and 2 at 8 years; the affinity for a city platform is
    ``100 -`` this value (岗位互补: the grassroots-poor go down, the
    grassroots-rich go up). Negative years count as 0.
    """
    years = np.maximum(np.asarray(grassroots_years, dtype=np.float64), 0.0)
    return np.asarray(
        100.0 / (1.0 + np.exp((years - GRASSROOTS_MIDPOINT_YEARS) / GRASSROOTS_SCALE_YEARS)),
        dtype=np.float64,
    )


def _cadre_texts(cadre: CadreProfile) -> str:
    return f"{cadre.expertise}\n{cadre.experience}"


def _post_needs(post: PostProfile) -> str:
    return f"{post.expertise_needed}\n{post.key_tasks}\n{post.duties}"


def _post_tasks(post: PostProfile) -> str:
    return f"{post.key_tasks}\n{post.duties}"


def _post_training(post: PostProfile) -> str:
    return f"{post.develops}\n{post.key_tasks}"


def _unit_kind_code(kind: str) -> str:
    """Unit-kind code from a code or label; an unknown kind is kept as given."""
    try:
        return taxonomy.unit_kind(kind).code
    except taxonomy.UnknownTermError:
        return kind


def _unit_key(unit: str) -> str:
    return "".join(unit.split())


def _text_score(sim: NDArray[np.float32]) -> NDArray[np.float32]:
    """Map cosine similarity to 0-100 in place: ``100 * sqrt(cos)``.

    Cosines of short texts are small (0.05-0.3 for clearly related texts);
    the square root spreads them over 22-55 so that the text parts weigh on a
    scale comparable to the ability scores.
    """
    np.sqrt(sim, out=sim)
    sim *= np.float32(100.0)
    return sim


def _development(
    cadres: Sequence[CadreProfile],
    posts: Sequence[PostProfile],
    abilities: NDArray[np.float64],
    develops: NDArray[np.float64],
) -> NDArray[np.float32]:
    """The development component (see :func:`score`)."""
    weakness = _weakness_weights(abilities, [c.shortcomings for c in cadres])
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
        text_part[rows] = _text_score(
            text.similarity(
                [cadres[int(i)].shortcomings for i in rows], [_post_training(p) for p in posts]
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
    options: ScoreOptions = _DEFAULT_OPTIONS,
) -> ScoreMatrix:
    """Score every cadre against every post.

    Inputs: cadres (rows), posts (columns), options (weights, fit floor,
    preference bonus). Output: a :class:`ScoreMatrix`. Rules, all on 0-100:

    * fit = 0.35 ability + 0.35 expertise + 0.10 needs + 0.15 experience +
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
        if len(cadre.abilities) != _N_ABILITIES:
            raise ValueError(f"干部“{cadre.name}”的能力得分必须是 {_N_ABILITIES} 项")
    abilities = np.array([c.abilities for c in cadres], dtype=np.float64).reshape(n, _N_ABILITIES)
    years = np.array([c.grassroots_years for c in cadres], dtype=np.float64)
    if not (np.isfinite(abilities).all() and np.isfinite(years).all()):
        raise ValueError("干部能力得分和基层工作年限必须是有效数字")
    abilities = np.clip(abilities, taxonomy.ABILITY_MIN, taxonomy.ABILITY_MAX)
    core = np.array([_core_weights(p) for p in posts]).reshape(m, _N_ABILITIES)
    develops = np.array([_develop_vector(p) for p in posts]).reshape(m, _N_ABILITIES)

    # fit ------------------------------------------------------------------
    ability_fit = (abilities @ core.T).astype(np.float32)
    fit = ability_fit * np.float32(FIT_PARTS["ability"])
    sim = _text_score(
        text.similarity([_cadre_texts(c) for c in cadres], [_post_needs(p) for p in posts])
    )
    # 以事择人 tiers: shared terms at all, and clearly (text score and an
    # ability fit above the median of the post's pool, set once allowed is known).
    tier = np.where(sim > 0, np.int8(SOME_MATCH), np.int8(NO_MATCH)).astype(np.int8)
    clear_text = sim >= np.float32(CLEAR_TEXT)
    sim *= np.float32(FIT_PARTS["expertise"])
    fit += sim
    sim = _text_score(
        text.similarity([c.experience for c in cadres], [_post_tasks(p) for p in posts])
    )
    sim *= np.float32(FIT_PARTS["experience"])
    fit += sim
    sim = needs_coverage(cadres, posts)
    sim *= np.float32(FIT_PARTS["needs"])
    fit += sim
    del sim
    codes = {code: k for k, code in enumerate(taxonomy.CATEGORY_CODES)}
    cadre_category = np.array([codes[derive_category(c)] for c in cadres], dtype=np.int8)
    post_category = np.array([codes[_post_category(p)] for p in posts], dtype=np.int8)
    same_category = cadre_category[:, None] == post_category[None, :]
    np.add(fit, np.float32(100.0 * FIT_PARTS["category"]), out=fit, where=same_category)
    del same_category
    np.clip(fit, 0.0, 100.0, out=fit)

    # development ------------------------------------------------------------
    development = _development(cadres, posts, abilities, develops)

    # complement -------------------------------------------------------------
    town_affinity = complement_curve(years)
    kinds = [_unit_kind_code(p.unit_kind) for p in posts]
    column_kind = np.array(
        [1 if k == _TOWN else -1 if k == _PLATFORM else 0 for k in kinds], dtype=np.int8
    )
    complement = np.empty((n, m), dtype=np.float32)
    complement[:, column_kind == 1] = town_affinity[:, None]
    complement[:, column_kind == -1] = (100.0 - town_affinity)[:, None]
    complement[:, column_kind == 0] = 50.0

    # hard rules -------------------------------------------------------------
    units: dict[str, int] = {}
    post_unit = np.array([units.setdefault(_unit_key(p.unit), len(units)) for p in posts])
    origin = np.array([units.get(_unit_key(c.origin_unit), -1) for c in cadres])
    reason = np.zeros((n, m), dtype=np.int8)
    reason[fit < np.float32(options.fit_floor)] = BELOW_FIT_FLOOR
    avoided_pairs = [
        (i, units[key])
        for i, c in enumerate(cadres)
        for key in {_unit_key(u) for u in c.avoided_units}
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


def needs_coverage(
    cadres: Sequence[CadreProfile], posts: Sequence[PostProfile]
) -> NDArray[np.float32]:
    """Share of each post's 所需专长 terms the cadre names, 0-100.

    The department tags both sides for matching: a cadre's 专长 and a post's
    所需专长. A needed term named in 专长 counts 1, named only in 工作经历
    :data:`NEEDS_IN_EXPERIENCE`; terms are canonical (synonyms collapsed),
    topics not counted (related fields are the text part's job). A post
    without 所需专长 scores 0 for everyone.
    """
    vocabulary: dict[str, int] = {}
    post_rows, post_cols, post_vals = [], [], []
    for j, post in enumerate(posts):
        terms = set(text.tokenize(post.expertise_needed))
        for term in terms:
            post_rows.append(j)
            post_cols.append(vocabulary.setdefault(term, len(vocabulary)))
            post_vals.append(100.0 / len(terms))
    n, m = len(cadres), len(posts)
    if not vocabulary:
        return np.zeros((n, m), dtype=np.float32)
    cadre_rows, cadre_cols, cadre_vals = [], [], []
    for i, cadre in enumerate(cadres):
        named = {t: 1.0 for t in text.tokenize(cadre.expertise) if t in vocabulary}
        for term in text.tokenize(cadre.experience):
            if term in vocabulary:
                named.setdefault(term, NEEDS_IN_EXPERIENCE)
        for term, value in named.items():
            cadre_rows.append(i)
            cadre_cols.append(vocabulary[term])
            cadre_vals.append(value)
    size = len(vocabulary)
    left = sp.csr_matrix((cadre_vals, (cadre_rows, cadre_cols)), shape=(n, size))
    right = sp.csr_matrix((post_vals, (post_rows, post_cols)), shape=(m, size))
    return np.asarray((left @ right.T).toarray(), dtype=np.float32)


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
    if cadre_category == _post_category(post):
        sentences.append(f"同属“{taxonomy.category(cadre_category).label}”类别")

    abilities = np.clip(
        np.array(cadre.abilities, dtype=np.float64), taxonomy.ABILITY_MIN, taxonomy.ABILITY_MAX
    )
    core = _core_weights(post)
    ability_fit = float(abilities @ core)
    if ability_fit >= _NOTABLE and post.core_abilities:
        top = taxonomy.ABILITIES[int(np.argmax(core))]
        sentences.append(
            f"岗位核心能力加权得分 {ability_fit:.0f}，"
            f"其中“{top.label}” {_fmt(float(abilities[taxonomy.ability_index(top.code)]))} 分"
        )

    weakness = _weakness_weights(abilities[None, :], [cadre.shortcomings])[0]
    develops = _develop_vector(post)
    covered = [
        taxonomy.ABILITIES[k].label
        for k in np.argsort(-weakness, kind="stable")
        if weakness[k] > 1.0 / _N_ABILITIES and develops[k] >= _COVERS
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
        matches = text.term_matches(cadre.shortcomings, _post_training(post))
        lacking = list(dict.fromkeys(m.left[0] for m in matches))[:_MAX_TERMS]
        if lacking:
            sentences.append(f"岗位锻炼方向与重点任务可补其短板所缺的{_quote(lacking)}")

    years = _fmt(max(cadre.grassroots_years, 0.0))
    if float(matrix.complement[i, j]) >= _NOTABLE:
        kind = _unit_kind_code(post.unit_kind)
        if kind == _TOWN:
            label = taxonomy.unit_kind(_TOWN).label
            sentences.append(f"基层工作 {years} 年，下沉{label}补基层经历")
        elif kind == _PLATFORM:
            label = taxonomy.unit_kind(_PLATFORM).label
            sentences.append(f"基层工作 {years} 年，上挂{label}拓宽视野、拔高站位")
    if post.id in cadre.preferred_posts:
        sentences.append("系本人志愿岗位")
    return tuple(sentences)

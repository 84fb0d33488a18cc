"""Per-cadre and per-post features of the pair scores, and the part rules (see the package)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from lianbing.engine import lexicon, taxonomy, text
from lianbing.engine.profiles import CadreProfile, PostProfile

#: Sub-weights of the fit component (sum 1). Abilities and expertise text carry
#: most of "发挥专长"; ``needs`` is the share of the post's 所需专长 the cadre
#: names word for word (:func:`needs_coverage`): both fields are the tags the
#: department writes for matching, so naming the same terms is the most direct
#: evidence of 以事择人 (the article's 数字化改革专班 placement: 专长 数字化、数据分析
#: against 所需专长 数字化、数据分析、系统集成, while his work history leans to a
#: 数字经济 post); its share comes out of the expertise text it sharpens, not
#: out of the abilities, so that :attr:`ScoreOptions.fit_floor` keeps its
#: meaning (mediocre abilities alone stay just above it). The category is evidence, not a gate (five coarse classes,
#: often derived): agreement adds 5 points, disagreement costs nothing beyond
#: that, so expertise and tasks decide; relevant experience refines the text
#: match on the key tasks.
FIT_PARTS: Final[dict[str, float]] = {
    "ability": 0.40,
    "needs": 0.10,
    "expertise": 0.30,
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

TOWN: Final[str] = taxonomy.unit_kind("town").code
PLATFORM: Final[str] = taxonomy.unit_kind("platform").code
N_ABILITIES: Final[int] = len(taxonomy.ABILITIES)

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
    for code, keywords in lexicon.category_keywords().items():
        points = sum(weight for source, weight in sources for word in keywords if word in source)
        if points > best_score:
            best_code, best_score = code, points
    return best_code


def post_category(post: PostProfile) -> str:
    return taxonomy.category(post.category).code


def core_weights(post: PostProfile) -> NDArray[np.float64]:
    """Core-ability weights of a post, summing to 1 (all seven equally if none)."""
    weights = np.zeros(N_ABILITIES)
    for key, weight in post.core_abilities:
        if not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"岗位“{post.name}”的核心能力权重必须是不小于 0 的数")
        weights[taxonomy.ability_index(key)] += weight
    total = weights.sum()
    if total <= 0:
        return np.full(N_ABILITIES, 1.0 / N_ABILITIES)
    return np.asarray(weights / total, dtype=np.float64)


def _abilities_named(source: str) -> NDArray[np.float64]:
    """1 for each ability whose label or short form occurs in ``source``."""
    named = np.zeros(N_ABILITIES)
    for k, keywords in enumerate(lexicon.ability_keywords().values()):
        if any(word in source for word in keywords[:2]):
            named[k] = 1.0
    return named


def develop_vector(post: PostProfile) -> NDArray[np.float64]:
    """How strongly the post exercises each ability, in [0, 1].

    The strongest evidence wins: named in 锻炼方向 (1.0), a keyword of the
    ability in 锻炼方向 (0.6), a core ability (0.5 x its weight relative to
    the post's largest core weight).
    """
    vector = _abilities_named(post.develops) * DEVELOPS_NAMED
    for k, keywords in enumerate(lexicon.ability_keywords().values()):
        if any(word in post.develops for word in keywords[2:]):
            vector[k] = max(vector[k], DEVELOPS_KEYWORD)
    if post.core_abilities:
        core = core_weights(post)
        vector = np.maximum(vector, DEVELOPS_CORE * core / core.max())
    return vector


def weakness_weights(
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
    named = np.array([_abilities_named(s) for s in shortcomings]).reshape(n, N_ABILITIES)
    weights = gaps + named
    total = weights.sum(axis=1, keepdims=True)
    uniform = np.full_like(weights, 1.0 / N_ABILITIES)
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


def cadre_texts(cadre: CadreProfile) -> str:
    return f"{cadre.expertise}\n{cadre.experience}"


def post_needs(post: PostProfile) -> str:
    return f"{post.expertise_needed}\n{post.key_tasks}\n{post.duties}"


def post_tasks(post: PostProfile) -> str:
    return f"{post.key_tasks}\n{post.duties}"


def post_training(post: PostProfile) -> str:
    return f"{post.develops}\n{post.key_tasks}"


def unit_kind_code(kind: str) -> str:
    """Unit-kind code from a code or label; an unknown kind is kept as given."""
    try:
        return taxonomy.unit_kind(kind).code
    except taxonomy.UnknownTermError:
        return kind


def unit_key(unit: str) -> str:
    return "".join(unit.split())


def text_score(sim: NDArray[np.float32]) -> NDArray[np.float32]:
    """Map cosine similarity to 0-100 in place: ``100 * sqrt(cos)``.

    Cosines of short texts are small (0.05-0.3 for clearly related texts);
    the square root spreads them over 22-55 so that the text parts weigh on a
    scale comparable to the ability scores.
    """
    np.sqrt(sim, out=sim)
    sim *= np.float32(100.0)
    return sim


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
    # float32 throughout: the product is a dense (n, m) matrix like the others.
    left = sp.csr_matrix(
        (np.asarray(cadre_vals, dtype=np.float32), (cadre_rows, cadre_cols)), shape=(n, size)
    )
    right = sp.csr_matrix(
        (np.asarray(post_vals, dtype=np.float32), (post_rows, post_cols)), shape=(m, size)
    )
    return np.asarray((left @ right.T).toarray(), dtype=np.float32)

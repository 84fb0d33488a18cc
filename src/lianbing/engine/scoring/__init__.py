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

The package splits the work by job: :mod:`.options` (weights, options, reason
codes, the matrix type), :mod:`.features` (per-cadre and per-post features
and the part rules), :mod:`.components` (the matrix: components, hard rules,
totals) and :mod:`.explain` (contributions in points, the runner-up and the
Chinese explanation of a pair). Callers use the package: ``scoring.score``,
``scoring.Weights``, ``scoring.explain`` and so on.
"""

from lianbing.engine.footing import CLEAR_MATCH, NO_MATCH, SOME_MATCH, Contributions
from lianbing.engine.scoring.components import preference_bonus, retotal, score
from lianbing.engine.scoring.explain import contributions, explain, runner_up
from lianbing.engine.scoring.features import (
    CLEAR_TEXT,
    DEVELOPMENT_PARTS,
    DEVELOPS_CORE,
    DEVELOPS_KEYWORD,
    DEVELOPS_NAMED,
    FIT_PARTS,
    GRASSROOTS_MIDPOINT_YEARS,
    GRASSROOTS_SCALE_YEARS,
    NEEDS_IN_EXPERIENCE,
    WEAK_ABILITY_COUNT,
    complement_curve,
    derive_category,
    needs_coverage,
)
from lianbing.engine.scoring.options import (
    ALLOWED,
    AVOIDED_UNIT,
    BELOW_FIT_FLOOR,
    FORBIDDEN_REASON_TEXT,
    ORIGIN_UNIT,
    ScoreMatrix,
    ScoreOptions,
    Weights,
)

__all__ = [
    "ALLOWED",
    "AVOIDED_UNIT",
    "BELOW_FIT_FLOOR",
    "CLEAR_MATCH",
    "CLEAR_TEXT",
    "DEVELOPMENT_PARTS",
    "DEVELOPS_CORE",
    "DEVELOPS_KEYWORD",
    "DEVELOPS_NAMED",
    "FIT_PARTS",
    "FORBIDDEN_REASON_TEXT",
    "GRASSROOTS_MIDPOINT_YEARS",
    "GRASSROOTS_SCALE_YEARS",
    "NEEDS_IN_EXPERIENCE",
    "NO_MATCH",
    "ORIGIN_UNIT",
    "SOME_MATCH",
    "WEAK_ABILITY_COUNT",
    "Contributions",
    "ScoreMatrix",
    "ScoreOptions",
    "Weights",
    "complement_curve",
    "contributions",
    "derive_category",
    "explain",
    "needs_coverage",
    "preference_bonus",
    "retotal",
    "runner_up",
    "score",
]

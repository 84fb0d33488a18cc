"""The whole matching pipeline on profiles: score, assign, shortlist.

``run`` is what ``lianbing match`` and the application's match runs call. It
scores every cadre against every post (:mod:`scoring`), finds the optimal
placement (:mod:`assignment`) under the optional side constraints, and builds
the cadre selection balance table (干部选配平衡表, :mod:`shortlist`) with at
least ``per_post`` candidates per post (the article's 不低于1:2), the placed
cadres always among their post's candidates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Final

import numpy as np
from numpy.typing import NDArray

from lianbing.engine import assignment, scoring, sensitivity, shortlist, stability, taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile

#: Default cap on the balance-table appearances of one cadre. The article asks
#: for at least two candidates per post; with a pool barely larger than the
#: seats, two candidates a post need about two appearances a cadre, and three
#: leave room for strong cadres without letting a few of them fill every list.
DEFAULT_MAX_PER_CADRE: Final[int] = 3

_SCORE_DEFAULTS: Final = scoring.ScoreOptions()

Progress = Callable[[str], None]

#: Run objectives: 总分最优 and 稳定优先.
OBJECTIVES: Final[tuple[str, ...]] = ("total", "stable")

#: Blocking pairs whose cost (a re-solve each) is computed.
COSTED_BLOCKING_PAIRS: Final[int] = 10


def _no_progress(_: str) -> None:
    return None


@dataclass(frozen=True)
class MatchParams:
    """Parameters of a match run.

    ``weights``, ``fit_floor`` and ``preference_bonus`` go to
    :class:`scoring.ScoreOptions` (same defaults). ``per_post``: candidates per
    post in the balance table (default 2, the article's 1:2).
    ``max_per_cadre``: how many posts' candidate lists one cadre may appear in
    (default :data:`DEFAULT_MAX_PER_CADRE`; ``None`` = no cap).
    ``max_per_origin_unit``: at most this many cadres placed from one origin
    unit (``None`` = no limit), so that no department is emptied.
    ``min_per_category``: category code (or label) -> at least that many
    placed cadres of the category (the cadre's given or derived category).
    ``objective``: ``"total"`` (总分最优, the largest total) or ``"stable"``
    (稳定优先: no blocking pair, :func:`stability.stable_placement`; side
    constraints are not applied to it).
    Raises ``ValueError`` (Chinese message) on out-of-range values.
    """

    weights: scoring.Weights = field(default_factory=scoring.Weights)
    fit_floor: float = _SCORE_DEFAULTS.fit_floor
    preference_bonus: float = _SCORE_DEFAULTS.preference_bonus
    per_post: int = 2
    max_per_cadre: int | None = DEFAULT_MAX_PER_CADRE
    max_per_origin_unit: int | None = None
    min_per_category: Mapping[str, int] = field(default_factory=dict)
    objective: str = "total"

    def __post_init__(self) -> None:
        if self.objective not in OBJECTIVES:
            raise ValueError("目标只能是 total（总分最优）或 stable（稳定优先）")
        if self.per_post < 1:
            raise ValueError("每个岗位的候选人数至少为 1")
        if self.max_per_cadre is not None and self.max_per_cadre < 1:
            raise ValueError("每名干部进入候选名单的岗位数上限至少为 1")
        if self.max_per_origin_unit is not None and self.max_per_origin_unit < 0:
            raise ValueError("同一派出单位的选派人数上限不能为负数")
        minimums: dict[str, int] = {}
        for key, count in self.min_per_category.items():
            try:
                code = taxonomy.category(key).code
            except taxonomy.UnknownTermError:
                labels = "、".join(taxonomy.CATEGORY_LABELS)
                raise ValueError(f"未知的类别“{key}”，应为 {labels} 之一") from None
            if count < 0:
                raise ValueError(f"类别“{taxonomy.category(code).label}”的最低人数不能为负数")
            minimums[code] = int(count)
        object.__setattr__(self, "min_per_category", MappingProxyType(minimums))
        self.score_options()  # validates fit_floor and preference_bonus early

    def score_options(self) -> scoring.ScoreOptions:
        """The scoring options these parameters stand for."""
        return scoring.ScoreOptions(
            weights=self.weights,
            fit_floor=self.fit_floor,
            preference_bonus=self.preference_bonus,
        )


@dataclass(frozen=True)
class MatchResult:
    """Everything a match run produces.

    ``scores`` is the full score matrix (cadres x posts); ``assignment`` the
    placement (``post_of`` per cadre, -1 = not placed); ``shortlist`` the
    balance table (candidates per post, best first, the placed cadres
    included); ``categories`` the category code of each cadre (given, or
    derived by :func:`scoring.derive_category` when blank); ``seats`` the seats
    per post.
    """

    cadres: tuple[CadreProfile, ...]
    posts: tuple[PostProfile, ...]
    params: MatchParams
    scores: scoring.ScoreMatrix
    assignment: assignment.Assignment
    shortlist: shortlist.Shortlist
    categories: tuple[str, ...]
    seats: NDArray[np.int64]
    pinned: tuple[tuple[int, int], ...] = ()
    optimum_total: float | None = None

    @property
    def effective_weights(self) -> dict[str, float]:
        """Each component's effective share of the totals (empty without footing)."""
        return self.scores.effective_weights

    @cached_property
    def sensitivity(self) -> dict[str, int]:
        """Placements changed when each weight moves ±20%, and under fit only.

        Computed on first use (seven solves, :meth:`weight_sensitivity`); empty
        for a matrix without footing.
        """
        return self.weight_sensitivity()

    def weight_sensitivity(self, step: Callable[[], None] | None = None) -> dict[str, int]:
        """:attr:`sensitivity`, computed now; ``step`` is called before each of its solves."""
        if self.scores.footing is None:
            return {}
        return sensitivity.changed_placements(
            self.scores,
            self.params.weights,
            scoring.preference_bonus(self.cadres, self.posts, self.params.preference_bonus),
            self.seats,
            self.assignment.post_of,
            pinned=self.pinned,
            constraints=side_constraints(self.cadres, self.categories, self.params)
            if self.params.objective == "total"
            else None,
            objective=self.params.objective,
            step=step,
        )

    @cached_property
    def blocking_pairs(self) -> tuple[stability.BlockingPair, ...]:
        """Blocking pairs of the placement, highest score first; the first ones costed."""
        return self.costed_blocking_pairs()

    def costed_blocking_pairs(
        self, step: Callable[[], None] | None = None
    ) -> tuple[stability.BlockingPair, ...]:
        """:attr:`blocking_pairs`, computed now; ``step`` is called before each costing re-solve."""
        return stability.blocking_pairs(
            self.scores.total,
            self.seats,
            self.scores.allowed,
            self.assignment.post_of,
            optimum=self.assignment.total,
            costed=COSTED_BLOCKING_PAIRS,
            pinned=self.pinned,
            step=step,
        )

    @property
    def feasible(self) -> bool:
        """True when the assignment step found a placement."""
        return self.assignment.status.has_solution

    def placed(self) -> list[tuple[int, int]]:
        """(cadre, post) index pairs of the placement, by post then by total score, best first."""
        return list(self._placed)

    def cadres_on(self, post: int) -> list[int]:
        """Indices of the cadres placed on ``post``, best total first."""
        return list(self._by_post.get(post, ()))

    @cached_property
    def _placed(self) -> tuple[tuple[int, int], ...]:
        post_of = self.assignment.post_of
        cadres = np.flatnonzero(post_of >= 0)
        posts = post_of[cadres]
        totals = self.scores.total[cadres, posts]
        order = np.lexsort((-totals, posts))
        return tuple((int(cadres[k]), int(posts[k])) for k in order)

    @cached_property
    def _by_post(self) -> dict[int, tuple[int, ...]]:
        grouped: dict[int, list[int]] = {}
        for cadre, post in self._placed:
            grouped.setdefault(post, []).append(cadre)
        return {post: tuple(cadres) for post, cadres in grouped.items()}

    def unplaced_cadres(self) -> NDArray[np.int64]:
        """Indices of the cadres the placement leaves out."""
        return np.flatnonzero(self.assignment.post_of < 0).astype(np.int64)

    def open_seats(self) -> NDArray[np.int64]:
        """Seats left empty per post."""
        post_of = self.assignment.post_of
        filled = np.bincount(post_of[post_of >= 0], minlength=len(self.posts))
        return (self.seats - filled).astype(np.int64)


def run(
    cadres: Sequence[CadreProfile],
    posts: Sequence[PostProfile],
    params: MatchParams | None = None,
    *,
    progress: Progress = _no_progress,
) -> MatchResult:
    """Score, assign and shortlist.

    Inputs: the cadre pool, the posts, :class:`MatchParams`, and an optional
    ``progress`` callback receiving short Chinese messages between steps.
    Output: a :class:`MatchResult`. Steps:

    1. ``scoring.score`` with ``params.score_options()``;
    2. ``assignment.solve`` on the total scores with each post's seats, the
       allowed mask, and side constraints when asked for: one
       :class:`assignment.GroupLimit` over origin units (names compared
       ignoring whitespace) for ``max_per_origin_unit``, one
       :class:`assignment.Minimum` per entry of ``min_per_category`` (cadres of
       that category, any post);
    3. ``shortlist.build`` with ``per_post`` and ``max_per_cadre``, the placed
       cadres forced into their post's list, so that the balance table always
       shows the recommended cadre among at least ``per_post`` candidates.
    """
    params = params or MatchParams()
    cadres = tuple(cadres)
    posts = tuple(posts)

    progress(f"评分：{len(cadres)} 名干部 × {len(posts)} 个岗位")
    matrix = scoring.score(cadres, posts, params.score_options())
    categories = tuple(scoring.derive_category(c) for c in cadres)

    return place(cadres, posts, matrix, categories, params, progress=progress)


def place(
    cadres: Sequence[CadreProfile],
    posts: Sequence[PostProfile],
    matrix: scoring.ScoreMatrix,
    categories: Sequence[str],
    params: MatchParams,
    *,
    allowed: NDArray[np.bool_] | None = None,
    pinned: Sequence[tuple[int, int]] = (),
    progress: Progress = _no_progress,
) -> MatchResult:
    """Steps 2 and 3 of :func:`run` on scores already computed.

    The department's review re-optimises a run this way: ``allowed`` narrows
    the scored mask (forbidden pairs, cadres taken out of the pool) and
    ``pinned`` (cadre index, post index) pairs must be placed. The result's
    ``scores.allowed`` is the mask actually used. ``categories`` are the
    cadres' category codes (given or derived), used by the side constraints.
    """
    cadres = tuple(cadres)
    posts = tuple(posts)
    seats = np.array([p.seats for p in posts], dtype=np.int64)
    mask = matrix.allowed if allowed is None else allowed
    progress("配置：求解总体最优的人岗配置方案")
    placement = assignment.solve(
        matrix.total,
        seats=seats,
        allowed=mask,
        pinned=pinned,
        constraints=side_constraints(cadres, categories, params),
    )
    optimum_total = float(placement.total)
    if params.objective == "stable" and placement.status.has_solution:
        post_of = stability.stable_placement(matrix.total, seats, mask, pinned)
        placed = np.flatnonzero(post_of >= 0)
        placement = dataclasses.replace(
            placement,
            post_of=post_of,
            total=float(matrix.total[placed, post_of[placed]].astype(np.float64).sum()),
            filled=int(placed.size),
            optimal=False,
            status=assignment.SolverStatus.FEASIBLE,
        )

    progress("平衡表：为每个岗位遴选候选人")
    post_of = placement.post_of
    placed = np.flatnonzero(post_of >= 0)
    must_include = [(int(i), int(post_of[i])) for i in placed]
    balance = shortlist.build(
        matrix.total,
        per_post=params.per_post,
        max_per_cadre=params.max_per_cadre,
        allowed=mask,
        must_include=must_include,
        seats=seats,
    )
    return MatchResult(
        cadres=cadres,
        posts=posts,
        params=params,
        scores=matrix if allowed is None else dataclasses.replace(matrix, allowed=mask),
        assignment=placement,
        shortlist=balance,
        categories=tuple(categories),
        seats=seats,
        pinned=tuple((int(i), int(j)) for i, j in pinned),
        optimum_total=optimum_total,
    )


def side_constraints(
    cadres: Sequence[CadreProfile], categories: Sequence[str], params: MatchParams
) -> assignment.Constraints | None:
    """The run's side rules for :func:`assignment.solve`, or None when there are none."""
    limits: list[assignment.GroupLimit] = []
    minimums: list[assignment.Minimum] = []
    if params.max_per_origin_unit is not None:
        unit_ids: dict[str, int] = {}
        groups = np.array(
            [unit_ids.setdefault("".join(c.origin_unit.split()), len(unit_ids)) for c in cadres],
            dtype=np.int64,
        )
        limit = params.max_per_origin_unit
        limits.append(assignment.GroupLimit(groups, limit, f"同一派出单位至多选派 {limit} 人"))
    for code, count in params.min_per_category.items():
        if count <= 0:
            continue
        label = taxonomy.category(code).label
        minimums.append(
            assignment.Minimum(
                count,
                cadre_mask=np.array([c == code for c in categories], dtype=np.bool_),
                label=f"类别“{label}”至少选派 {count} 人",
            )
        )
    if not limits and not minimums:
        return None
    return assignment.Constraints(group_limits=tuple(limits), minimums=tuple(minimums))

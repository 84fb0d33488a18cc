"""The split itself: the heuristic, then CP-SAT where the size allows, and the result."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from numpy.typing import ArrayLike

from .exact import solve_exact
from .heuristic import heuristic_split
from .problem import GroupingInputError, Pair, build_problem, cost_parts

#: Up to this many people CP-SAT runs after the heuristic (beyond, the heuristic alone).
EXACT_MAX_PEOPLE: Final[int] = 24
#: Share of ``time_limit`` the heuristic may use before CP-SAT starts.
HEURISTIC_SHARE: Final[float] = 0.5
#: Default wall-clock limit of :func:`balanced`, in seconds.
DEFAULT_TIME_LIMIT: Final[float] = 8.0

METHOD_OPTIMAL: Final[str] = "CP-SAT（已证明最优）"
METHOD_FEASIBLE: Final[str] = "CP-SAT（时限内最好解）"
METHOD_HEURISTIC: Final[str] = "启发式（蛇形分配＋交换改进）"


@dataclass(frozen=True)
class Grouping:
    """A split into groups and how balanced it is.

    ``groups`` lists each group's person indices (ascending; groups in
    descending size, then by first member). ``means`` is each group's mean
    total ability and ``ability_means[g][a]`` its mean of ability ``a``;
    ``spread`` is ``max(means) - min(means)`` and ``ability_spreads[a]`` the
    same for ability ``a``. ``excess`` maps each label kind (类别 / 所在单位 /
    原单位) to the people beyond even shares (see :func:`mixing`); ``cost`` is
    the cost the split minimises (package docstring) and ``bound`` a proven
    lower bound on it (None when CP-SAT did not run or proved nothing).
    ``optimal`` is True when CP-SAT proved no split costs less; ``method`` says
    in Chinese how the split was found and ``status`` is CP-SAT's status name
    ("OPTIMAL", "FEASIBLE", "UNKNOWN") or "HEURISTIC" when it did not run.
    """

    groups: list[list[int]]
    spread: float
    means: tuple[float, ...]
    ability_means: tuple[tuple[float, ...], ...]
    ability_spreads: tuple[float, ...]
    excess: dict[str, int]
    cost: float
    bound: float | None
    optimal: bool
    method: str
    status: str
    seconds: float

    @property
    def weakest(self) -> float:
        """The lowest group mean total ability."""
        return min(self.means)


def balanced(
    profiles: ArrayLike,
    *,
    group_size: int,
    categories: Sequence[str | None] | None = None,
    units: Sequence[str | None] | None = None,
    separate: Sequence[Pair] = (),
    together: Sequence[Pair] = (),
    seed: int = 0,
    origins: Sequence[str | None] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    names: Sequence[str] | None = None,
) -> Grouping:
    """Split people into balanced, well-mixed groups (rules in the package docstring).

    ``profiles`` is a float array (n_people, n_abilities); ``group_size`` the
    largest group. There are ``ceil(n / group_size)`` groups whose sizes differ
    by at most one. ``categories``, ``units`` (host units) and ``origins``
    (origin units) give one label per person to mix across groups;
    ``separate`` and ``together`` are person-index pairs that must be in
    different groups / the same group, always honoured. ``time_limit`` caps
    the search in seconds; ``names`` (one per person) only words the errors.

    Raises :class:`GroupingInputError` (Chinese message) for malformed input or
    constraints no split can meet.
    """
    started = time.perf_counter()
    problem = build_problem(
        profiles,
        group_size=group_size,
        categories=categories,
        units=units,
        origins=origins,
        separate=separate,
        together=together,
        names=names,
    )
    n, sizes = problem.profiles.shape[0], problem.sizes

    exact = n <= EXACT_MAX_PEOPLE
    share = HEURISTIC_SHARE if exact else 1.0
    heuristic = heuristic_split(problem, seed, deadline=started + share * time_limit)
    found: list[list[int]] | None = None
    status, bound = "HEURISTIC", None
    if exact or heuristic is None:
        remaining = time_limit - (time.perf_counter() - started)
        found, status, bound = solve_exact(problem, heuristic, seed, remaining)
    if found is None and heuristic is None:
        if status == "INFEASIBLE":
            raise GroupingInputError(
                f"分成 {len(sizes)} 组（每组 {min(sizes)}–{max(sizes)} 人）时，无法同时满足全部"
                "“必须同组”“必须分开”的要求；请减少要求或调整每组人数。"
            )
        raise GroupingInputError(
            f"在 {time_limit:g} 秒内未找到满足“必须同组”“必须分开”要求的分组；请延长时间或减少要求。"
        )

    chosen, method, optimal = heuristic, METHOD_HEURISTIC, False
    if found is not None:
        heuristic_cost = cost_parts(problem, heuristic)[4] if heuristic is not None else math.inf
        if status == "OPTIMAL" or cost_parts(problem, found)[4] <= heuristic_cost + 1e-9:
            chosen = found
            optimal = status == "OPTIMAL"
            method = METHOD_OPTIMAL if optimal else METHOD_FEASIBLE
    assert chosen is not None
    spread, ability_means, ability_spreads, excess, cost = cost_parts(problem, chosen)
    totals = ability_means.sum(axis=1)
    return Grouping(
        groups=chosen,
        spread=spread,
        means=tuple(float(x) for x in totals),
        ability_means=tuple(tuple(float(x) for x in row) for row in ability_means),
        ability_spreads=tuple(float(x) for x in ability_spreads),
        excess=excess,
        cost=cost,
        bound=bound,
        optimal=optimal,
        method=method,
        status=status,
        seconds=time.perf_counter() - started,
    )

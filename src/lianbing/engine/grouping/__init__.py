"""Balanced groups (均衡分组) for the empowerment activities (青鸢赋能计划).

:func:`balanced` splits ``n`` participants into ``ceil(n / group_size)``
groups whose sizes differ by at most one person (none above ``group_size``)
so that the groups are as even as possible in ability and mix categories,
host units and origin units. "Must be together" and "must be apart" pairs are
hard constraints: they always hold, or the call raises
:class:`GroupingInputError` with a Chinese message. The rules are written
for department readers, with a worked example, in ``docs/grouping.md``.

The measure and the cost
------------------------
A person's *total ability* is the sum of their ability scores (a row of
``profiles``); a group's *mean total* is the mean of its members' totals. The
**spread** of a split is ``max - min`` over groups of the mean total, in
ability points. It is the headline measure: the page shows it and compares it
with random splits (:func:`random_spreads`, :func:`percentile`).

CATME's team-maker and gruepr maximise the weakest team. With groups of equal
size the mean of the group means is fixed (it is everyone's mean), so lifting
the weakest group and narrowing the spread pull the same way; but
maximising the weakest alone leaves the strongest group free to pull ahead,
and with groups of two sizes the group means no longer average to a constant.
Minimising the spread bounds both ends at once, and it is the quantity the
random-split comparison reports, so it is the one optimised. The weakest
group's mean is reported beside it (:attr:`Grouping.weakest`).

Random splits ignore the labels, so on the spread alone a well-mixed split
may beat fewer of them than an unmixed one would: mixing can cost a little
spread. :func:`random_costs` measures the same random splits on the whole
cost below (and on their mixing excess), for a comparison on the quantity
the split actually minimises; :func:`cost_of` gives the cost of any split.

The split minimises the weighted cost (every term in ability points)::

    cost = spread + ABILITY_WEIGHT * mean over abilities of that ability's spread
                  + MIXING_WEIGHT * excess

where an ability's spread is ``max - min`` over groups of the group mean of
that ability, and ``excess`` counts, for each label kind (category, host
unit, origin unit) and each label, the people of a group beyond the label's
even share ``ceil(count / n_groups)``. With :data:`MIXING_WEIGHT` = 5 points
one person beyond the even share costs more than any spread a good split has
(a fraction of a point at 40 people), so mixing is in practice honoured first
whenever the hard constraints allow it, and the ability balance is optimised
among well-mixed splits; :data:`ABILITY_WEIGHT` = 1/2 keeps the per-ability
evenness a secondary term.

The method
----------
1. **Heuristic** (always): people tied by "must be together" pairs form
   blocks. Blocks are dealt largest first, then by mean total ability, to the
   groups in snake order (0, 1, ..., G-1, G-1, ..., 0, ...), each to the first
   group in that order with room, no "must be apart" conflict and the least
   added mixing excess (seeded random orders if that runs into a dead end).
   A local search then gives each block, in a seeded order, its best swap
   with a block of equal size in another group, or its best move (one person
   from a larger to a smaller group), whenever that lowers the cost, or keeps
   it and lowers the sum of squared deviations of the group mean totals (a
   tie-break that lets the search walk along plateaus of equal spread).
   Iterated local search repeats this from the best split so far perturbed
   by :data:`KICK_SWAPS` random swaps, ``KICK_BUDGET // blocks`` times
   (within [:data:`KICKS_MIN`, :data:`KICKS_MAX`]).
2. **CP-SAT** (OR-Tools), for up to :data:`EXACT_MAX_PEOPLE` people (or
   when the heuristic finds no split that honours the pairs), warm-started
   with the heuristic's split: an exact model of the cost above on scores
   rounded to 0.01 point, the groups of one size ordered by their first
   member (which removes symmetric copies without cutting off any split).
   The groups' maxima and minima and the excesses are equalities of the
   assignment, so the search branches only on who goes where.
   It stops when it proves its split optimal (``.optimal``; optimal for the
   rounded scores) or at the time limit with the best split found and a
   proven lower bound on the cost (``.bound``). Beyond a few dozen people
   CP-SAT neither improves the heuristic's split within seconds nor proves a
   useful bound, so it is not run.

The heuristic's split is kept when CP-SAT finds nothing better. The reported
spread and cost are computed from the given floats. One search worker, a
seeded random order and a deterministic limit besides the wall-clock one make
the result depend only on the input and ``seed``, unless the wall-clock limit
(``time_limit``: the heuristic's rounds, then CP-SAT) strikes first on a
loaded machine.
"""

from __future__ import annotations

from .comparison import RandomSplits, cost_of, percentile, random_costs, random_spreads
from .exact import SCALE
from .heuristic import KICK_BUDGET, KICK_SWAPS, KICKS_MAX, KICKS_MIN, MAX_PASSES
from .problem import (
    ABILITY_WEIGHT,
    LABEL_KINDS,
    MIXING_WEIGHT,
    GroupingInputError,
    Mixing,
    mixing,
    sizes_for,
    spread_of,
)
from .split import (
    DEFAULT_TIME_LIMIT,
    EXACT_MAX_PEOPLE,
    HEURISTIC_SHARE,
    METHOD_FEASIBLE,
    METHOD_HEURISTIC,
    METHOD_OPTIMAL,
    Grouping,
    balanced,
)

__all__ = [
    "ABILITY_WEIGHT",
    "DEFAULT_TIME_LIMIT",
    "EXACT_MAX_PEOPLE",
    "HEURISTIC_SHARE",
    "KICKS_MAX",
    "KICKS_MIN",
    "KICK_BUDGET",
    "KICK_SWAPS",
    "LABEL_KINDS",
    "MAX_PASSES",
    "METHOD_FEASIBLE",
    "METHOD_HEURISTIC",
    "METHOD_OPTIMAL",
    "MIXING_WEIGHT",
    "SCALE",
    "Grouping",
    "GroupingInputError",
    "Mixing",
    "RandomSplits",
    "balanced",
    "cost_of",
    "mixing",
    "percentile",
    "random_costs",
    "random_spreads",
    "sizes_for",
    "spread_of",
]

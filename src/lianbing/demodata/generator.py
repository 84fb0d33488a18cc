"""A deterministic generator of demonstration programs.

The default program is the one of the feature article (``../shared/seed``): the
city of Pinghu, its nine towns and streets, its economic-development zone and
city task forces as host units, about forty city departments as origin units,
110 cadres and 100 posts. The six cadres the article names, and the posts they
took, are always present with fixed ids; everything else is drawn from phrase
banks with ``random.Random(seed)``, so equal arguments give equal programs.

Pure Python: no Django, no database, no clock. The same function builds the
province-scale pools of the benchmarks (10,000 cadres x 2,000 posts).

The phrase banks are data files (``demodata/data/*.toml``, read by
:mod:`.banks`); :mod:`.posts` draws the posts and their mentors,
:mod:`.cadres` the cadres and their careers.
"""

from __future__ import annotations

import datetime
import random

from lianbing.engine import taxonomy

from .banks import banks
from .cadres import cadres_draw
from .draws import NamePool, ids
from .posts import mentors_draw, posts_draw
from .program import START_MONTH, DemoProgram, MentorSpec, UnitSpec, WorkHistorySpec

__all__ = ["DemoProgram", "MentorSpec", "UnitSpec", "WorkHistorySpec", "generate"]

_DEPARTMENT, _, _ = taxonomy.UNIT_KIND_CODES


def generate(
    *, seed: int = 2021, n_cadres: int = 110, n_posts: int = 100, year: int = 2021
) -> DemoProgram:
    """Build a whole demonstration program.

    Inputs: ``seed`` for the random draws, the number of cadres and posts, and
    the ``year`` the program starts (in March; it ends twelve months later).
    Output: a :class:`DemoProgram` whose units are the city's departments,
    towns, streets and platforms (the same set at every size), whose first six
    cadres (ids ``C001``... with as many digits as the count needs) and first six
    posts (``P001``...) are those of the feature article, the same at every seed
    (fewer when fewer are asked for), and whose other cadres and posts are drawn
    from phrase banks.

    Rules: equal arguments give an equal program (only ``random.Random(seed)``
    is used, never a clock or a set's order). Every post has a mentor at its
    unit, seats are 1 or 2 and add up to at most ``n_cadres`` whenever
    ``n_posts <= n_cadres``, durations are 6-12 months, ability scores are
    whole numbers (as floats, the profile's type) within the taxonomy's bounds,
    ids are unique; names are unique as long as the name banks allow it (at
    province scale a few may repeat). Raises ``ValueError`` on a negative size.
    """
    if n_cadres < 0 or n_posts < 0:
        raise ValueError("干部数和岗位数不能为负数")
    rng = random.Random(seed)
    names = NamePool(rng)
    post_ids = ids("P", n_posts)
    posts = posts_draw(rng, post_ids, n_cadres)
    mentors, posts = mentors_draw(rng, names, posts)
    cadres, history = cadres_draw(rng, names, n_cadres, year, posts)
    start = datetime.date(year, START_MONTH, 1)
    end = datetime.date(year + 1, START_MONTH, 1) - datetime.timedelta(days=1)
    return DemoProgram(
        name=f"{year}年度百岗大练兵",
        start=start,
        end=end,
        units=_units(),
        cadres=cadres,
        posts=posts,
        mentors=mentors,
        work_history=history,
    )


def _units() -> tuple[UnitSpec, ...]:
    b = banks()
    hosts = tuple(UnitSpec(h.name, h.kind, h.parent, h.short) for h in b.hosts)
    departments = tuple(UnitSpec(d.name, _DEPARTMENT, None, d.short) for d in b.departments)
    return hosts + departments

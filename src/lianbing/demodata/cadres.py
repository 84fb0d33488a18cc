"""The program's cadres: the article's six, then drawn ones with careers, scores and shortcomings."""

from __future__ import annotations

import random
from collections.abc import Sequence

from lianbing.engine import taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile

from .banks import ArticleCadre, Department, banks
from .draws import FEMALE, MALE, NamePool, ids, month, month_index, spread, weighted
from .program import START_MONTH, WorkHistorySpec

_POLITICAL, _, _, _, _EMERGENCY, _MASS_WORK, _ = taxonomy.ABILITY_CODES
_, _ECONOMY, _, _, _ = taxonomy.CATEGORY_CODES

# Level 0 staff, 1 deputy head of a section, 2 head of a section, 3 deputy head of the unit.
_LEVEL_WEIGHTS_BY_AGE = ((31, (35, 45, 20, 0)), (37, (10, 35, 47, 8)), (200, (3, 22, 60, 15)))


def _position(rng: random.Random, dept: Department, level: int) -> str:
    if level >= 3:
        return dept.deputy
    b = banks()
    section = rng.choice(dept.sections)
    if level == 0 and dept.name in b.staff_titles:
        return section + b.staff_titles[dept.name]
    for suffix, titles in b.section_titles:
        if section.endswith(suffix):
            return section + titles[level]
    return section + b.office_titles[level]


def _experience_text(entries: Sequence[WorkHistorySpec]) -> str:
    parts = []
    for e in entries:
        end = e.end.replace("-", ".") if e.end else "至今"
        parts.append(f"{e.start.replace('-', '.')}-{end} {e.unit}{e.position}")
    return "；".join(parts)


def cadres_draw(
    rng: random.Random,
    names: NamePool,
    count: int,
    year: int,
    posts: tuple[PostProfile, ...],
) -> tuple[tuple[CadreProfile, ...], tuple[WorkHistorySpec, ...]]:
    """The article's cadres, then cadres of every category in equal shares, with careers."""
    b = banks()
    cadre_ids = ids("C", count)
    now = year * 12 + START_MONTH - 1
    cadres: list[CadreProfile] = []
    history: list[WorkHistorySpec] = []
    for i, a in enumerate(b.article_cadres[:count]):
        cadre, entries = _article_cadre(
            cadre_ids[i], a, year, now, posts[i].id if i < len(posts) else ""
        )
        cadres.append(cadre)
        history.extend(entries)

    posts_by_category: dict[str, list[PostProfile]] = {c: [] for c in taxonomy.CATEGORY_CODES}
    for post in posts:
        posts_by_category[post.category].append(post)
    departments_by_category: dict[str, list[Department]] = {c: [] for c in taxonomy.CATEGORY_CODES}
    for dept in b.departments:
        departments_by_category[dept.category].append(dept)

    fixed = len(cadres)
    # Categories in equal shares, whatever the number of departments in each.
    categories = spread(rng, count - fixed, [(c, 1) for c in taxonomy.CATEGORY_CODES])
    for cadre_id, category in zip(cadre_ids[fixed:], categories, strict=True):
        dept = rng.choice(departments_by_category[category])
        pool = posts_by_category[category] or list(posts)
        cadre, entries = _random_cadre(rng, names, cadre_id, dept, year, now, pool)
        cadres.append(cadre)
        history.extend(entries)
    return tuple(cadres), tuple(history)


def _article_cadre(
    cadre_id: str, a: ArticleCadre, year: int, now: int, own_post: str
) -> tuple[CadreProfile, list[WorkHistorySpec]]:
    starts = [(year - years) * 12 + month - 1 for years, month, _, _ in a.history]
    entries = [
        WorkHistorySpec(
            cadre_id,
            month(start),
            month(starts[k + 1]) if k + 1 < len(starts) else "",
            unit,
            position,
            False,
        )
        for k, (start, (_, _, unit, position)) in enumerate(zip(starts, a.history, strict=True))
    ]
    cadre = CadreProfile(
        id=cadre_id,
        name=a.name,
        origin_unit=a.origin,
        abilities=tuple(float(s) for s in a.abilities),
        category=a.category,
        grassroots_years=0.0,
        expertise=a.expertise,
        experience=_experience_text(entries),
        shortcomings=a.shortcomings,
        preferred_posts=(own_post,) if a.prefers_own_post and own_post else (),
        gender=a.gender,
        birth_month=f"{year - a.age:04d}-{a.birth_month:02d}",
        education=a.education,
        major=a.major,
        position=a.position,
        rank=a.rank,
    )
    return cadre, entries


def _random_cadre(
    rng: random.Random,
    names: NamePool,
    cadre_id: str,
    dept: Department,
    year: int,
    now: int,
    post_pool: Sequence[PostProfile],
) -> tuple[CadreProfile, list[WorkHistorySpec]]:
    b = banks()
    category = dept.category
    gender = MALE if rng.random() < 0.55 else FEMALE
    name = names.draw(gender)
    age = min(45, int(rng.triangular(28, 46, 34)))
    birth = (year - age) * 12 + rng.randrange(12)
    education, _, graduation_age = rng.choices(b.education, [e[1] for e in b.education])[0]
    if age < graduation_age + 3:
        education, _, graduation_age = b.education[0]
    major = rng.choice(b.majors[category])

    level_weights = next(w for limit, w in _LEVEL_WEIGHTS_BY_AGE if age < limit)
    level = rng.choices(range(4), level_weights)[0]
    position = _position(rng, dept, level)
    rank = weighted(rng, b.ranks[level][:1] if level == 3 and age < 40 else b.ranks[level])

    entries = _career(rng, cadre_id, dept, level, position, birth // 12 + graduation_age, now)
    grassroots_months = sum(
        month_index(e.end or month(now)) - month_index(e.start) for e in entries if e.grassroots
    )
    grassroots_years = round(grassroots_months / 12, 1)

    abilities, weak = _abilities(rng, category, grassroots_months == 0)
    shortcomings = _shortcomings(rng, category, weak, grassroots_months, entries)

    expertise = rng.sample(dept.expertise, min(len(dept.expertise), rng.choice((2, 3))))
    expertise.sort(key=dept.expertise.index)
    if rng.random() < 0.35:
        skill = rng.choice(b.general_skills)
        if skill not in expertise:
            expertise.append(skill)

    avoided: tuple[str, ...] = ()
    if rng.random() < 0.06:
        avoided = (rng.choice(b.towns).name,)
    preferred: tuple[str, ...] = ()
    if post_pool and rng.random() < 0.2:
        wanted = rng.choice((1, 1, 2))
        drawn = rng.sample(list(post_pool), min(len(post_pool), wanted + 2))
        preferred = tuple(p.id for p in drawn if p.unit not in avoided)[:wanted]

    cadre = CadreProfile(
        id=cadre_id,
        name=name,
        origin_unit=dept.name,
        abilities=abilities,
        category=None if rng.random() < 0.1 else category,
        grassroots_years=grassroots_years,
        expertise="、".join(expertise),
        experience=_experience_text(entries),
        shortcomings=shortcomings,
        avoided_units=avoided,
        preferred_posts=preferred,
        gender=gender,
        birth_month=month(birth),
        education=education,
        major=major,
        position=position,
        rank=rank,
    )
    return cadre, entries


def _career(
    rng: random.Random,
    cadre_id: str,
    dept: Department,
    level: int,
    position: str,
    first_year: int,
    now: int,
) -> list[WorkHistorySpec]:
    """Two to four stretches from graduation (an August) to now, ending in the current post.

    The first stretch is at a town or street for a little over half of the
    cadres; the ones between are earlier posts in the department or another one.
    """
    start = min(first_year * 12 + 7, now - 31)
    total = now - start
    k = rng.choice((2, 3, 3, 4))
    while k > 2 and total < 12 * k:
        k -= 1
    cuts = sorted(rng.randint(0, total - 12 * k) for _ in range(k - 1))
    lengths = [12 + b - a for a, b in zip([0, *cuts], [*cuts, total - 12 * k], strict=True)]
    starts = [start + 12 * j + (cuts[j - 1] if j else 0) for j in range(k)]

    grassroots_first = rng.random() < 0.55
    same_category = [d for d in banks().open_departments[dept.category] if d is not dept]
    entries: list[WorkHistorySpec] = []
    for j in range(k):
        end = month(starts[j + 1]) if j + 1 < k else ""
        if j == k - 1:
            unit, title, grassroots = dept.name, position, False
        elif j == 0 and grassroots_first:
            unit, grassroots = rng.choice(banks().towns).name, True
            title = _grassroots_position(rng, lengths[j], level)
        else:
            earlier = max(0, min(2, level - (k - 1 - j)))
            unit, title = dept.name, _position(rng, dept, earlier)
            # A stretch repeating its neighbour's post would not be a stretch of its own.
            repeats = (unit, title) == (dept.name, position) or (
                entries and (unit, title) == (entries[-1].unit, entries[-1].position)
            )
            if repeats or rng.random() < 0.4:
                other = rng.choice(same_category)
                unit, title = other.name, _position(rng, other, earlier)
            grassroots = False
        entries.append(WorkHistorySpec(cadre_id, month(starts[j]), end, unit, title, grassroots))
    return entries


def _grassroots_position(rng: random.Random, months: int, level: int) -> str:
    """A first stretch at a town; a long one lists its promotions, as a CV does.

    Promotions stop below the cadre's current level, so that the move to the
    department never reads as a demotion.
    """
    b = banks()
    if months < 36 and rng.random() < 0.3:
        return rng.choice(b.grassroots_first_jobs)
    steps = min(1 + months // 36, 3, level + 1)
    return rng.choice(b.grassroots_offices) + "、".join(b.office_titles[:steps])


def _abilities(
    rng: random.Random, category: str, no_grassroots: bool
) -> tuple[tuple[float, ...], list[str]]:
    """Seven integer scores around a personal level, with one or two clear weaknesses."""
    candidates = [c for c in taxonomy.ABILITY_CODES if c != _POLITICAL]
    weights = [3 if no_grassroots and c in (_MASS_WORK, _EMERGENCY) else 1 for c in candidates]
    weak: list[str] = []
    for _ in range(1 if rng.random() < 0.6 else 2):
        pick = rng.choices(candidates, weights)[0]
        if pick not in weak:
            weak.append(pick)
    base = rng.gauss(74, 4)
    strengths = banks().strengths[category]
    scores: dict[str, int] = {}
    for code in taxonomy.ABILITY_CODES:
        if code in weak:
            continue
        raw = base + (5 if code in strengths else 0) + rng.gauss(0, 5)
        scores[code] = round(min(95.0, max(58.0, raw)))
    floor = min(scores.values())
    for code in weak:
        scores[code] = max(40, floor - rng.randint(5, 14))
    bounded = (
        max(taxonomy.ABILITY_MIN, min(taxonomy.ABILITY_MAX, scores[c]))
        for c in taxonomy.ABILITY_CODES
    )
    return tuple(float(s) for s in bounded), weak


def _shortcomings(
    rng: random.Random,
    category: str,
    weak: Sequence[str],
    grassroots_months: int,
    entries: Sequence[WorkHistorySpec],
) -> str:
    b = banks()
    texts = b.shortcomings
    parts: list[str] = []
    if grassroots_months == 0:
        parts.append(texts.no_grassroots)
    elif grassroots_months < 24 and rng.random() < 0.5:
        parts.append(texts.short_grassroots)
    parts.extend(b.weaknesses[code] for code in weak)
    if category != _ECONOMY and rng.random() < 0.2:
        parts.append(texts.no_enterprise)
    if len({e.unit for e in entries}) == 1 and rng.random() < 0.5:
        parts.append(texts.one_unit)
    return "；".join(parts[:3])

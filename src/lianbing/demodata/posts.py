"""The program's posts, drawn from the post templates, and the mentors who guide them."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import replace

from lianbing.engine import taxonomy
from lianbing.engine.profiles import PostProfile

from .banks import ANY_TOWN, Host, PostTemplate, banks
from .draws import FEMALE, MALE, NamePool, apportion, ids, spread
from .program import MentorSpec

_, _TOWN, _ = taxonomy.UNIT_KIND_CODES


def develops_text(abilities: Sequence[str], experience: str) -> str:
    labels = "、".join(taxonomy.ability(code).label for code in abilities)
    return f"{labels}；{experience}"


def _templates_for(host: Host, category: str) -> list[PostTemplate]:
    found = []
    for t in banks().templates:
        if t.category != category:
            continue
        generic_town = host.kind == _TOWN and (not t.units or ANY_TOWN in t.units)
        if generic_town or host.name in t.units:
            found.append(t)
    return found


def posts_draw(rng: random.Random, post_ids: list[str], n_cadres: int) -> tuple[PostProfile, ...]:
    """The article's posts, then posts dealt to the hosts by weight and drawn from templates."""
    b = banks()
    fixed = b.article_posts[: len(post_ids)]
    posts: list[PostProfile] = []
    used_names: dict[str, dict[str, int]] = {h.name: {} for h in b.hosts}
    for post_id, a in zip(post_ids, fixed, strict=False):
        host = b.host_by_name[a.unit]
        posts.append(
            PostProfile(
                id=post_id,
                name=a.name,
                unit=a.unit,
                category=a.category,
                unit_kind=host.kind,
                duties=a.duties,
                key_tasks=a.key_tasks,
                expertise_needed=a.expertise,
                core_abilities=a.core,
                develops=develops_text(a.develops, a.experience),
                seats=1,
                duration_months=taxonomy.DURATION_MAX_MONTHS,
                mentor=a.mentor,
            )
        )
        used_names[a.unit][a.name] = used_names[a.unit].get(a.name, 0) + 1

    per_host = apportion(len(post_ids) - len(fixed), [h.weight for h in b.hosts])
    drafts: list[tuple[Host, PostTemplate]] = []
    for host, count in zip(b.hosts, per_host, strict=True):
        for category in spread(rng, count, host.categories):
            candidates = _templates_for(host, category)
            used = used_names[host.name]
            # Least-used name first so that a unit's posts differ; a unit's own
            # templates (its known features) before the generic ones.
            template = min(
                candidates, key=lambda t: (used.get(t.name, 0), not t.units, rng.random())
            )
            used[template.name] = used.get(template.name, 0) + 1
            drafts.append((host, template))

    # Two-seat posts only while the seats stay within the pool of cadres.
    n_double = max(0, min(len(drafts) // 20, n_cadres - len(post_ids)))
    double = set(rng.sample(range(len(drafts)), n_double))
    durations = (6, 8, 9, 10, 12)
    duration_weights = (25, 5, 15, 5, 50)
    for i, (host, template) in enumerate(drafts):
        values = {
            "u": host.name,
            "s": host.short,
            "n": rng.randint(2, 6),
            "m": rng.choice((10, 12, 15, 20, 30, 50)),
        }
        n_tasks = 2 if len(template.tasks) > 1 and rng.random() < 0.7 else 1
        picks = sorted(rng.sample(range(len(template.tasks)), n_tasks))
        tasks = "；".join(template.tasks[j].format(**values) for j in picks)
        posts.append(
            PostProfile(
                id=post_ids[len(fixed) + i],
                name=template.name,
                unit=host.name,
                category=template.category,
                unit_kind=host.kind,
                duties=template.duties.format(**values),
                key_tasks=tasks,
                expertise_needed=template.expertise,
                core_abilities=template.core,
                develops=develops_text(template.develops, template.experience),
                seats=2 if i in double else 1,
                duration_months=rng.choices(durations, duration_weights)[0],
            )
        )
    return tuple(posts)


def mentors_draw(
    rng: random.Random, names: NamePool, posts: tuple[PostProfile, ...]
) -> tuple[tuple[MentorSpec, ...], tuple[PostProfile, ...]]:
    """Mentors at each host unit with posts (one for about four posts), and posts' mentors.

    A post goes to the least-loaded mentor of its unit whose portfolio covers
    its category; a post that already names its mentor (the article's) keeps it.
    """
    b = banks()
    by_unit: dict[str, list[int]] = {}
    for i, post in enumerate(posts):
        by_unit.setdefault(post.unit, []).append(i)

    # The article's mentor first, so that he keeps id M001.
    order = sorted(
        by_unit, key=lambda u: (u != b.article_mentor_unit, list(b.host_by_name).index(u))
    )
    drafts: list[tuple[str, str, str, tuple[str, ...]]] = []  # name, unit, position, covers
    for unit in order:
        host = b.host_by_name[unit]
        count = math.ceil(len(by_unit[unit]) / 4)
        for k in range(count):
            position, covers = host.mentors[k % len(host.mentors)]
            if unit == b.article_mentor_unit and k == 0:
                name = b.article_mentor
            else:
                name = names.draw(MALE if rng.random() < 0.7 else FEMALE)
            drafts.append((name, unit, position, covers))

    mentor_ids = ids("M", len(drafts))
    mentors = tuple(
        MentorSpec(mid, name, unit, position)
        for mid, (name, unit, position, _) in zip(mentor_ids, drafts, strict=True)
    )
    load = [0] * len(drafts)
    unit_mentors: dict[str, list[int]] = {}
    for j, (_, unit, _, _) in enumerate(drafts):
        unit_mentors.setdefault(unit, []).append(j)
    assigned = list(posts)
    for post in posts:
        if post.mentor:
            load[next(j for j in unit_mentors[post.unit] if drafts[j][0] == post.mentor)] += 1
    for i, post in enumerate(posts):
        if post.mentor:
            continue
        options = unit_mentors[post.unit]
        j = min(options, key=lambda j: (post.category not in drafts[j][3], load[j], j))
        load[j] += 1
        assigned[i] = replace(post, mentor=drafts[j][0])
    return mentors, tuple(assigned)

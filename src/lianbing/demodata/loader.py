"""Puts the generated demo program into the database, once.

Loading is all-or-nothing (one transaction) and idempotent: when the demo
program already exists nothing is written, so ``lianbing demo`` can run any
number of times and leave the same data.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from lianbing.demand import services as demand_services
from lianbing.demand.models import Program
from lianbing.engine import scoring
from lianbing.people import services as people_services
from lianbing.people.models import AssessmentSource, Cadre, Mentor, Unit

from .generator import DemoProgram, UnitSpec, generate

DEMO_SEED = 2021


@dataclass(frozen=True)
class DemoLoadResult:
    created: bool
    program: Program
    cadres: int
    posts: int


def _month(text: str) -> datetime.date:
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


def _units_parents_first(units: tuple[UnitSpec, ...]) -> list[UnitSpec]:
    by_name = {u.name: u for u in units}

    def depth(u: UnitSpec) -> int:
        d = 0
        while u.parent and u.parent in by_name and d < len(units):
            u = by_name[u.parent]
            d += 1
        return d

    return sorted(units, key=depth)


@transaction.atomic
def demo_program_load(*, seed: int = DEMO_SEED) -> DemoLoadResult:
    """Load the demo program generated with ``seed`` unless it is already there."""
    demo: DemoProgram = generate(seed=seed)
    existing = Program.objects.filter(name=demo.name).first()
    if existing is not None:
        return DemoLoadResult(
            created=False,
            program=existing,
            cadres=existing.cadres.count(),
            posts=existing.posts.count(),
        )

    units: dict[str, Unit] = {}
    for spec in _units_parents_first(demo.units):
        units[spec.name] = people_services.unit_ensure(
            name=spec.name,
            kind=spec.kind,
            parent=units.get(spec.parent) if spec.parent else None,
            short_name=spec.short_name,
        )

    mentors: dict[tuple[str, str], Mentor] = {}
    for m in demo.mentors:
        mentors[(m.unit, m.name)] = people_services.mentor_create(
            code=m.id, name=m.name, unit=units[m.unit], position=m.position
        )

    cadres: dict[str, Cadre] = {}
    for profile in demo.cadres:
        derived = profile.category is None
        category = scoring.derive_category(profile) if derived else profile.category
        assert category is not None
        cadres[profile.id] = people_services.cadre_create(
            profile=profile,
            category=category,
            category_derived=derived,
            assessed_on=demo.start,
            source=AssessmentSource.IMPORT,
        )
    for entry in demo.work_history:
        people_services.work_history_add(
            cadre=cadres[entry.cadre_id],
            started_on=_month(entry.start),
            ended_on=_month(entry.end) if entry.end else None,
            unit_name=entry.unit,
            position=entry.position,
            is_grassroots=entry.grassroots,
        )

    program = demand_services.program_create(
        name=demo.name, started_on=demo.start, ended_on=demo.end
    )
    demand_services.program_add_cadres(program=program, cadres=cadres.values())

    wanted_by: defaultdict[str, list[Cadre]] = defaultdict(list)
    for profile in demo.cadres:
        for post_id in profile.preferred_posts:
            wanted_by[post_id].append(cadres[profile.id])
    for post_profile in demo.posts:
        post = demand_services.post_create(
            program=program,
            profile=post_profile,
            unit=units[post_profile.unit],
            mentor=mentors.get((post_profile.unit, post_profile.mentor)),
        )
        if wanted_by[post_profile.id]:
            demand_services.post_set_preferred_by(post=post, cadres=wanted_by[post_profile.id])

    return DemoLoadResult(created=True, program=program, cadres=len(cadres), posts=len(demo.posts))

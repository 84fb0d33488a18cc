"""Test data built through the services, as the application builds it."""

from __future__ import annotations

import datetime
import itertools

from lianbing.demand import services as demand_services
from lianbing.demand.models import Post, Program
from lianbing.engine import taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.people import services as people_services
from lianbing.people.models import Cadre, Unit

_counter = itertools.count(1)


def unit(name: str | None = None, kind: str = "department") -> Unit:
    return people_services.unit_ensure(name=name or f"测试单位{next(_counter)}", kind=kind)


def cadre(
    *,
    code: str | None = None,
    name: str = "张三",
    origin: Unit | None = None,
    category: str = "economy",
    abilities: tuple[float, ...] = (80, 70, 75, 65, 60, 55, 85),
    expertise: str = "招商引资",
) -> Cadre:
    origin = origin or unit()
    profile = CadreProfile(
        id=code or f"T{next(_counter):04d}",
        name=name,
        origin_unit=origin.name,
        abilities=abilities,
        category=category,
        expertise=expertise,
    )
    return people_services.cadre_create(
        profile=profile, category=category, assessed_on=datetime.date(2026, 3, 1)
    )


def program(name: str = "测试批次") -> Program:
    return demand_services.program_create(
        name=name, started_on=datetime.date(2026, 3, 1), ended_on=datetime.date(2027, 2, 28)
    )


def post(
    *,
    program_: Program | None = None,
    code: str | None = None,
    host: Unit | None = None,
    category: str = "social",
    seats: int = 1,
    core: tuple[tuple[str, float], ...] = (("mass_work", 3.0),),
) -> Post:
    host = host or unit(kind="town")
    profile = PostProfile(
        id=code or f"P{next(_counter):04d}",
        name="基层治理岗",
        unit=host.name,
        category=category,
        unit_kind=host.kind,
        key_tasks="推进基层治理",
        core_abilities=core,
        seats=seats,
    )
    return demand_services.post_create(program=program_ or program(), profile=profile, unit=host)


ALL_CATEGORIES = taxonomy.CATEGORY_CODES

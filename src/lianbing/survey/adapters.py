"""Conversions between survey rows and engine types (posts, gap needs, pool cadres)."""

from __future__ import annotations

from lianbing.engine import gap
from lianbing.engine.profiles import PostProfile
from lianbing.people.models import Cadre

from .models import Demand


def demand_text(demand: Demand) -> str:
    """The text the suggestion reads: key task, duties and needed expertise."""
    return "；".join(
        part for part in (demand.key_task, demand.duties, demand.expertise_needed) if part
    )


def post_profile(demand: Demand, *, code: str) -> PostProfile:
    """The post a demand becomes (abilities must be prefetched)."""
    return PostProfile(
        id=code,
        name=demand.title,
        unit=demand.unit.name,
        category=demand.category,
        unit_kind=demand.unit.kind,
        duties=demand.duties,
        key_tasks=demand.key_task,
        expertise_needed="、".join(filter(None, (demand.expertise_needed, demand.tags))),
        core_abilities=tuple((a.ability, float(a.weight)) for a in demand.abilities.all()),
        seats=demand.seats,
        duration_months=demand.duration_months,
    )


def need(demand: Demand) -> gap.Need:
    """A demand as a need of the gap model (unit and key task name it)."""
    return gap.Need(
        id=str(demand.pk),
        unit=demand.unit.name,
        category=demand.category,
        seats=demand.seats,
        staffing=demand.current_staffing,
        tags=tuple(demand.tag_list),
        priority=int(demand.priority),
        title=demand.title,
    )


def pool_cadre(cadre: Cadre) -> gap.PoolCadre:
    """A cadre of the pool, matched on the terms of expertise, experience and major."""
    return gap.PoolCadre(
        id=str(cadre.pk),
        category=cadre.category,
        terms=gap.cadre_terms(cadre.expertise, cadre.experience, cadre.major),
    )

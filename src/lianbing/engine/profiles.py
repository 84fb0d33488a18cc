"""Engine-side descriptions of cadres and posts.

These frozen dataclasses are what the spreadsheets reader produces and what
the application's adapters build from ORM rows; the scoring and matching code
takes nothing else. Categories, abilities and unit kinds are *codes* from
:mod:`lianbing.engine.taxonomy`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CadreProfile:
    """One cadre of the pool.

    ``abilities`` holds the seven ability scores (0-100) in the order of
    ``taxonomy.ABILITIES``. ``category`` is a category code, or ``None`` when it
    is to be derived. ``avoided_units`` are unit names the cadre must never be
    sent to (回避单位); ``preferred_posts`` are post ids the cadre asked for
    (志愿岗位).
    """

    id: str
    name: str
    origin_unit: str
    abilities: tuple[float, ...]
    category: str | None = None
    grassroots_years: float = 0.0
    expertise: str = ""
    experience: str = ""
    shortcomings: str = ""
    avoided_units: tuple[str, ...] = ()
    preferred_posts: tuple[str, ...] = ()
    gender: str = ""
    birth_month: str = ""
    education: str = ""
    major: str = ""
    position: str = ""
    rank: str = ""


@dataclass(frozen=True)
class PostProfile:
    """One training post at a host unit.

    ``core_abilities`` maps ability codes to positive weights (核心能力);
    ``develops`` is the free text of 锻炼方向 (abilities or experience the post
    develops). ``unit_kind`` is a unit-kind code (``town`` or ``platform``).
    """

    id: str
    name: str
    unit: str
    category: str
    unit_kind: str = "town"
    duties: str = ""
    key_tasks: str = ""
    expertise_needed: str = ""
    core_abilities: tuple[tuple[str, float], ...] = field(default_factory=tuple)
    develops: str = ""
    seats: int = 1
    duration_months: int = 12
    mentor: str = ""

"""What the demo generator produces: a whole program as frozen dataclasses."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from lianbing.engine.profiles import CadreProfile, PostProfile

# The program starts in March, as in the article ("今年3月 ... 启动实施").
START_MONTH = 3


@dataclass(frozen=True)
class UnitSpec:
    """A unit of the program: an origin department or a host unit."""

    name: str
    kind: str
    parent: str | None = None
    short_name: str = ""


@dataclass(frozen=True)
class MentorSpec:
    """A training mentor (练兵导师) at a host unit."""

    id: str
    name: str
    unit: str
    position: str


@dataclass(frozen=True)
class WorkHistorySpec:
    """One stretch of a cadre's career; ``end`` is "" for the current post."""

    cadre_id: str
    start: str
    end: str
    unit: str
    position: str
    grassroots: bool


@dataclass(frozen=True)
class DemoProgram:
    """A whole training program, ready to be loaded or matched."""

    name: str
    start: datetime.date
    end: datetime.date
    units: tuple[UnitSpec, ...]
    cadres: tuple[CadreProfile, ...]
    posts: tuple[PostProfile, ...]
    mentors: tuple[MentorSpec, ...]
    work_history: tuple[WorkHistorySpec, ...]

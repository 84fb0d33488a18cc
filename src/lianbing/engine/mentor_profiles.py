"""Engine-side description of a training mentor (练兵导师).

:class:`MentorProfile` is what the 导师 sheet reader produces and what the
people adapter builds from a mentor row, as :mod:`lianbing.engine.profiles`
does for cadres and posts. The bounds of how many trainees a mentor takes are
declared here once: the model's check constraint, the sheet's validation and
the instructions sheet all read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: The program pairs one cadre with one mentor (一对一); a mentor may take a few.
CAPACITY_DEFAULT: Final[int] = 1
CAPACITY_MIN: Final[int] = 1
CAPACITY_MAX: Final[int] = 5


@dataclass(frozen=True)
class MentorProfile:
    """One mentor at a host unit.

    ``id`` is the mentor's code (导师编号), ``unit`` the host unit's name.
    ``strengths`` are ability codes of :data:`lianbing.engine.taxonomy.ABILITIES`
    the mentor is strong in (擅长能力); ``capacity`` is how many trainees the
    mentor can take at once (可带人数, :data:`CAPACITY_MIN`–:data:`CAPACITY_MAX`).
    """

    id: str
    name: str
    unit: str
    position: str = ""
    expertise: str = ""
    strengths: tuple[str, ...] = ()
    capacity: int = CAPACITY_DEFAULT
    email: str = ""

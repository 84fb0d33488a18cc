"""Writes of units, cadres, work history, assessments and mentors."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from django.db import transaction

from lianbing.engine import taxonomy
from lianbing.engine.mentor_profiles import CAPACITY_DEFAULT
from lianbing.engine.profiles import CadreProfile

from . import versioning
from .adapters import cadre_field_values
from .models import AbilityAssessment, AssessmentSource, Cadre, Mentor, Unit, WorkHistoryEntry


class UnknownUnitError(ValueError):
    """A unit named by a cadre (e.g. in 回避单位) that is not in the database."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        super().__init__("未知单位：" + "、".join(self.names) + "。请先在“单位”中添加这些单位。")


@transaction.atomic
def unit_ensure(*, name: str, kind: str, parent: Unit | None = None, short_name: str = "") -> Unit:
    """The unit with this name, created when missing (an existing unit keeps its fields)."""
    unit = Unit.objects.filter(name=name).first()
    if unit is not None:
        return unit
    unit = Unit(name=name, kind=taxonomy.unit_kind(kind).code, parent=parent, short_name=short_name)
    unit.full_clean()
    unit.save()
    return unit


def units_by_name(names: Iterable[str]) -> dict[str, Unit]:
    """Existing units for the given names; raises :class:`UnknownUnitError` for any missing."""
    wanted = {n for n in names if n}
    found = {u.name: u for u in Unit.objects.filter(name__in=wanted)}
    missing = sorted(wanted - found.keys())
    if missing:
        raise UnknownUnitError(missing)
    return found


@transaction.atomic
def cadre_create(
    *,
    profile: CadreProfile,
    category: str,
    category_derived: bool = False,
    assessed_on: datetime.date,
    source: str = AssessmentSource.IMPORT,
) -> Cadre:
    """Create a cadre from its profile, with a first ability assessment.

    ``category`` is the category code to store: the profile's own, or one
    derived by the caller when the profile left it blank (``category_derived``).
    """
    units = units_by_name([profile.origin_unit, *profile.avoided_units])
    cadre = Cadre(
        **cadre_field_values(profile),
        origin_unit=units[profile.origin_unit],
        category=taxonomy.category(category).code,
        category_derived=category_derived,
    )
    cadre.full_clean()
    cadre.save()
    if profile.avoided_units:
        cadre.avoided_units.set([units[n] for n in profile.avoided_units])
    ability_assessment_create(
        cadre=cadre, scores=profile.abilities, assessed_on=assessed_on, source=source
    )
    return cadre


@transaction.atomic
def ability_assessment_create(
    *,
    cadre: Cadre,
    scores: Sequence[float],
    assessed_on: datetime.date,
    source: str = AssessmentSource.REVIEW,
    note: str = "",
) -> AbilityAssessment:
    """Record the seven ability scores (order of ``taxonomy.ABILITIES``) of a cadre."""
    if len(scores) != len(taxonomy.ABILITY_CODES):
        raise ValueError(
            f"能力评分应为 {len(taxonomy.ABILITY_CODES)} 项，实际为 {len(scores)} 项。"
        )
    assessment = AbilityAssessment(
        cadre=cadre,
        source=source,
        assessed_on=assessed_on,
        note=note,
        **{code: round(float(s)) for code, s in zip(taxonomy.ABILITY_CODES, scores, strict=True)},
    )
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def work_history_add(
    *,
    cadre: Cadre,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    unit_name: str,
    position: str,
    is_grassroots: bool,
) -> WorkHistoryEntry:
    """Add one stretch of a cadre's career."""
    entry = WorkHistoryEntry(
        cadre=cadre,
        started_on=started_on,
        ended_on=ended_on,
        unit_name=unit_name,
        position=position,
        is_grassroots=is_grassroots,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def mentor_create(
    *,
    code: str,
    name: str,
    unit: Unit,
    position: str = "",
    expertise: str = "",
    strengths: Sequence[str] = (),
    capacity: int = CAPACITY_DEFAULT,
    phone: str = "",
    email: str = "",
) -> Mentor:
    """Register a training mentor at a host unit.

    ``strengths`` are ability codes (each once; stored in the taxonomy's order);
    ``capacity`` is how many trainees the mentor takes at once.
    """
    mentor = Mentor(
        code=code,
        name=name,
        unit=unit,
        position=position,
        expertise=expertise,
        strengths=list(strengths),
        capacity=capacity,
        phone=phone,
        email=email,
    )
    mentor.full_clean()
    mentor.save()
    return mentor


#: The fields :func:`mentor_update` may change (the code identifies the mentor).
MENTOR_EDITABLE_FIELDS: Final = frozenset(
    {"name", "unit", "position", "expertise", "strengths", "capacity", "phone", "email"}
)


@transaction.atomic
def mentor_update(*, mentor: Mentor, values: Mapping[str, Any]) -> bool:
    """Set the given fields of a mentor; save and return True when anything changed.

    ``values`` maps field names of :data:`MENTOR_EDITABLE_FIELDS` to their new
    values (``unit`` a :class:`Unit`); fields not given keep theirs.
    """
    unknown = set(values) - MENTOR_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"导师没有可修改的字段：{'、'.join(sorted(unknown))}")
    before = {name: _mentor_value(mentor, name) for name in values}
    for name, value in values.items():
        setattr(mentor, name, list(value) if name == "strengths" else value)
    mentor.full_clean()  # also puts the strengths in the taxonomy's order
    if all(_mentor_value(mentor, name) == before[name] for name in values):
        return False
    mentor.save()
    return True


def _mentor_value(mentor: Mentor, name: str) -> Any:
    return mentor.unit_id if name == "unit" else getattr(mentor, name)


@transaction.atomic
def cadre_save(
    *,
    cadre: Cadre,
    version: int | None,
    token: str,
    values_of: Callable[[Cadre], versioning.Values],
) -> Cadre:
    """Save a cadre edited in a form loaded at ``version``; refused if someone saved since.

    Raises :class:`versioning.RecordChangedError` naming what changed.
    """
    return versioning.versioned_save(
        instance=cadre, version=version, token=token, values_of=values_of
    )

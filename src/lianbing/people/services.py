"""Writes of units, cadres, work history, assessments and mentors."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence

from django.db import transaction

from lianbing.engine import taxonomy
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
def mentor_create(*, code: str, name: str, unit: Unit, position: str = "") -> Mentor:
    """Register a training mentor at a host unit."""
    mentor = Mentor(code=code, name=name, unit=unit, position=position)
    mentor.full_clean()
    mentor.save()
    return mentor


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

"""Writes of units, cadres, work history, assessments and mentors."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


def unit_create(*, name: str, kind: str, short_name: str = "") -> Unit:
    """A new unit added by the department (the name must be new; audited as every Unit write)."""
    name = name.strip()
    if Unit.objects.filter(name=name).exists():
        raise ValidationError({"name": _("单位“%(name)s”已存在。") % {"name": name}})
    unit = Unit(name=name, kind=taxonomy.unit_kind(kind).code, short_name=short_name.strip())
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


#: Rows a bulk write sends in one INSERT/UPDATE (below SQLite's variable limit at every width).
BULK_BATCH: Final = 500


@transaction.atomic
def cadres_create_many(
    *,
    rows: Sequence[tuple[CadreProfile, str, bool]],
    units: Mapping[str, Unit],
    assessed_on: datetime.date,
    source: str = AssessmentSource.IMPORT,
) -> tuple[list[Cadre], list[AbilityAssessment]]:
    """:func:`cadre_create` for many cadres at once: a few INSERTs per batch, not per row.

    ``rows`` are (profile, category code, derived) whose values the caller has
    already checked with the model's ``full_clean`` (the import's check does,
    reporting every bad cell before anything is written); ``units`` holds every
    unit the profiles name. Bulk inserts send no signals: the caller records the
    audit lines of the returned cadres and assessments.
    """
    cadres = [
        Cadre(
            **cadre_field_values(profile),
            origin_unit=units[profile.origin_unit],
            category=taxonomy.category(category).code,
            category_derived=derived,
        )
        for profile, category, derived in rows
    ]
    Cadre.objects.bulk_create(cadres, batch_size=BULK_BATCH)
    avoided = Cadre.avoided_units.through
    Cadre.avoided_units.through.objects.bulk_create(
        [
            avoided(cadre_id=cadre.pk, unit_id=unit_id)
            for cadre, (profile, _c, _d) in zip(cadres, rows, strict=True)
            for unit_id in sorted({units[n].pk for n in profile.avoided_units})
        ],
        batch_size=BULK_BATCH,
    )
    assessments = ability_assessments_create_many(
        scores={
            cadre: profile.abilities for cadre, (profile, _c, _d) in zip(cadres, rows, strict=True)
        },
        assessed_on=assessed_on,
        source=source,
    )
    return cadres, assessments


@transaction.atomic
def ability_assessments_create_many(
    *,
    scores: Mapping[Cadre, Sequence[float]],
    assessed_on: datetime.date,
    source: str = AssessmentSource.REVIEW,
    note: str = "",
) -> list[AbilityAssessment]:
    """:func:`ability_assessment_create` for many cadres, in bulk; each scored 0–100 by its reader."""
    assessments = []
    for cadre, values in scores.items():
        if len(values) != len(taxonomy.ABILITY_CODES):
            raise ValueError(
                f"能力评分应为 {len(taxonomy.ABILITY_CODES)} 项，实际为 {len(values)} 项。"
            )
        assessments.append(
            AbilityAssessment(
                cadre=cadre,
                source=source,
                assessed_on=assessed_on,
                note=note,
                **{
                    code: round(float(s))
                    for code, s in zip(taxonomy.ABILITY_CODES, values, strict=True)
                },
            )
        )
    AbilityAssessment.objects.bulk_create(assessments, batch_size=BULK_BATCH)
    return assessments


@transaction.atomic
def cadres_update_many(*, changes: Sequence[tuple[Cadre, Sequence[str]]]) -> None:
    """Save the named fields of cadres changed in memory, in bulk (``full_clean`` on each first).

    Uniqueness and the table's constraints are left to the database (the
    code never changes here); a row it refuses rolls the caller's transaction back.
    """
    fields: set[str] = set()
    now = timezone.now()
    for cadre, names in changes:
        cadre.full_clean(
            exclude=["avoided_units"], validate_unique=False, validate_constraints=False
        )
        cadre.updated_at = now
        fields.update(names)
    if fields:
        Cadre.objects.bulk_update(
            [c for c, _n in changes], sorted(fields | {"updated_at"}), batch_size=BULK_BATCH
        )


@transaction.atomic
def cadres_set_avoided_units(*, wanted: Mapping[Cadre, set[int]]) -> None:
    """Make each cadre's 回避单位 exactly the given unit ids, in one DELETE and bulk INSERTs."""
    if not wanted:
        return
    through = Cadre.avoided_units.through
    ids = [c.pk for c in wanted]
    for start in range(0, len(ids), BULK_BATCH):
        through.objects.filter(cadre_id__in=ids[start : start + BULK_BATCH]).delete()
    through.objects.bulk_create(
        [through(cadre_id=c.pk, unit_id=u) for c, units in wanted.items() for u in sorted(units)],
        batch_size=BULK_BATCH,
    )

"""Writing a checked plan: programs, units, mentors, posts, cadres and assessments through their services.

Called inside the import's one transaction (see :mod:`.services`); every write
goes through the owning app's services, so the rules of a row written by hand
and of a row imported are the same (:mod:`.check` has run each row's values
through the model's ``full_clean``). Posts, cadres and their assessments are
written in bulk (``*_create_many``: a few statements per 500 rows, so 10,000
cadres take seconds, not minutes); bulk writes send no signals, so the audit
trail gets its line per object here, chained in one insert (:func:`audit.record_many`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction
from lianbing.demand import services as demand_services
from lianbing.demand.models import Post, Program
from lianbing.engine.mentor_profiles import MentorProfile
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.people import services as people_services
from lianbing.people.adapters import (
    CADRE_PROFILE_FIELDS,
    MENTOR_PROFILE_FIELDS,
    cadre_field_values,
    mentor_field_values,
)
from lianbing.people.models import AssessmentSource, Cadre, Mentor, Unit
from lianbing.xlsx.reader import ReadResult

from .check import CADRE_HEADERS, MENTOR_HEADERS, ImportPlan
from .models import ImportKind
from .read import Progress


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote; ``program`` is None for a workbook of mentors alone."""

    program: Program | None
    program_created: bool
    kind: str
    cadres_created: int = 0
    cadres_updated: int = 0
    cadres_unchanged: int = 0
    assessments_added: int = 0
    posts_created: int = 0
    units_created: int = 0
    mentors_linked: int = 0
    mentors_created: int = 0
    mentors_updated: int = 0
    mentors_unchanged: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def mentors_total(self) -> int:
        """The rows of the 导师 sheet; 0 when the workbook had none."""
        return self.mentors_created + self.mentors_updated + self.mentors_unchanged

    def summary(self) -> str:
        """One Chinese sentence with the counts."""
        parts = []
        if self.program is not None:
            name = {"name": self.program.name}
            parts.append(
                _("批次“%(name)s”（新建）") % name
                if self.program_created
                else _("批次“%(name)s”") % name
            )
        if self.kind in (ImportKind.CADRES, ImportKind.BOTH):
            parts.append(
                _(
                    "干部新增 %(created)d 名、更新 %(updated)d 名、"
                    "未变 %(unchanged)d 名，新增能力评定 %(assessments)d 条"
                )
                % {
                    "created": self.cadres_created,
                    "updated": self.cadres_updated,
                    "unchanged": self.cadres_unchanged,
                    "assessments": self.assessments_added,
                }
            )
        if self.kind in (ImportKind.POSTS, ImportKind.BOTH):
            parts.append(
                _("岗位新增 %(posts)d 个，关联导师 %(mentors)d 名")
                % {"posts": self.posts_created, "mentors": self.mentors_linked}
            )
        if self.mentors_total:
            parts.append(
                _("导师新增 %(created)d 名、更新 %(updated)d 名、未变 %(unchanged)d 名")
                % {
                    "created": self.mentors_created,
                    "updated": self.mentors_updated,
                    "unchanged": self.mentors_unchanged,
                }
            )
        parts.append(_("新建单位 %(units)d 个") % {"units": self.units_created})
        return _("导入完成：%(parts)s。") % {"parts": "；".join(parts)}


def import_plan_write(
    plan: ImportPlan,
    cadres: ReadResult[CadreProfile] | None,
    posts: ReadResult[PostProfile] | None,
    mentors: ReadResult[MentorProfile] | None = None,
    *,
    today: datetime.date,
    kind: str,
    progress: Progress,
) -> ImportResult:
    """Write a plan without problems; the caller holds the transaction.

    Mentors are written before posts, so a post names a mentor of the same workbook.
    """
    cadre_rows: list[CadreProfile] = cadres.rows if cadres else []
    post_rows: list[PostProfile] = posts.rows if posts else []
    mentor_rows: list[MentorProfile] = mentors.rows if mentors else []
    total = max(1, len(cadre_rows) + len(post_rows) + len(mentor_rows))
    done = 0

    def step(rows: int = 1) -> None:
        nonlocal done
        done += rows
        progress(50 + 49 * done // total, _("写入第 %(n)d / %(m)d 条") % {"n": done, "m": total})

    program = plan.program
    if plan.new_program is not None:
        program = demand_services.program_create(
            name=plan.new_program.name.strip(),
            started_on=plan.new_program.started_on,
            ended_on=plan.new_program.ended_on,
        )
    assert program is not None or not (cadre_rows or post_rows)
    units = dict(plan.units)
    for name, unit_kind in plan.new_units.items():
        units[name] = people_services.unit_ensure(name=name, kind=unit_kind)

    mentor_counts = _write_mentors(
        plan,
        mentor_rows,
        units=units,
        headers=mentors.headers if mentors else frozenset(),
        step=step,
    )

    linked = {code for code in plan.post_mentors.values() if code is not None}
    mentors_by_code = {m.code: m for m in Mentor.objects.filter(code__in=linked)} if linked else {}
    new_posts: list[Post] = []
    if post_rows:
        assert program is not None
        new_posts, cores = demand_services.posts_create_many(
            program=program,
            rows=[
                (
                    profile,
                    units[profile.unit],
                    mentors_by_code[code]
                    if (code := plan.post_mentors.get(profile.id)) is not None
                    else None,
                )
                for profile in post_rows
            ],
        )
        audit.record_many(action=AuditAction.CREATE, objects=new_posts)
        audit.record_many(action=AuditAction.CREATE, objects=cores)
        step(len(post_rows))

    created = updated = unchanged = assessments = 0
    imported: dict[str, Cadre] = {}
    headers = cadres.headers if cadres else frozenset()
    fresh = [p for p in cadre_rows if p.id not in plan.existing_cadres]
    if fresh:
        new_cadres, first = people_services.cadres_create_many(
            rows=[(p, *plan.categories[p.id]) for p in fresh],
            units=units,
            assessed_on=today,
            source=AssessmentSource.IMPORT,
        )
        audit.record_many(action=AuditAction.CREATE, objects=new_cadres)
        audit.record_many(action=AuditAction.CREATE, objects=first)
        imported.update(zip([p.id for p in fresh], new_cadres, strict=True))
        created = assessments = len(new_cadres)
        step(len(fresh))
    changes: list[tuple[Cadre, list[str]]] = []
    avoided: dict[Cadre, set[int]] = {}
    rescored: dict[Cadre, tuple[float, ...]] = {}
    for profile in cadre_rows:
        existing = plan.existing_cadres.get(profile.id)
        if existing is None:
            continue
        category, derived = plan.categories[profile.id]
        names = _cadre_changes(
            existing,
            profile,
            category=(category, derived) if "类别" in headers else None,
            units=units,
            headers=headers,
        )
        changed = bool(names)
        if names:
            changes.append((existing, names))
        if "回避单位" in headers:
            wanted = {units[n].pk for n in profile.avoided_units}
            if wanted != {u.pk for u in existing.avoided_units.all()}:
                avoided[existing] = wanted
                changed = True
        latest = next(iter(existing.assessments.all()), None)
        if latest is None or latest.scores() != _scores(profile):
            rescored[existing] = profile.abilities
            changed = True
        if changed:
            updated += 1
        else:
            unchanged += 1
        imported[profile.id] = existing
    if changes:
        people_services.cadres_update_many(changes=changes)
        verbose = {f.name: str(f.verbose_name) for f in Cadre._meta.concrete_fields}
        by_cadre = {c.pk: names for c, names in changes}
        audit.record_many(
            action=AuditAction.UPDATE,
            objects=[c for c, _n in changes],
            detail_of=lambda c: _("修改字段：") + "、".join(verbose[n] for n in by_cadre[c.pk]),
        )
    people_services.cadres_set_avoided_units(wanted=avoided)
    if rescored:
        added = people_services.ability_assessments_create_many(
            scores=rescored, assessed_on=today, source=AssessmentSource.IMPORT, note=_("名册导入")
        )
        audit.record_many(action=AuditAction.CREATE, objects=added)
        assessments += len(added)
    step(len(cadre_rows) - len(fresh))

    if imported:
        assert program is not None
        demand_services.program_add_cadres(program=program, cadres=imported.values())
        if "志愿岗位" in headers:
            wanted_posts: dict[str, set[int]] = {}
            for profile in cadre_rows:
                for post_code in profile.preferred_posts:
                    wanted_posts.setdefault(post_code, set()).add(imported[profile.id].pk)
            demand_services.program_set_preferences(
                program=program, cadres=imported.values(), wanted=wanted_posts
            )

    return ImportResult(
        program=program,
        program_created=plan.new_program is not None,
        kind=kind,
        cadres_created=created,
        cadres_updated=updated,
        cadres_unchanged=unchanged,
        assessments_added=assessments,
        posts_created=len(new_posts),
        units_created=len(plan.new_units),
        mentors_linked=len([c for c in plan.post_mentors.values() if c is not None]),
        mentors_created=mentor_counts[0],
        mentors_updated=mentor_counts[1],
        mentors_unchanged=mentor_counts[2],
        warnings=tuple(plan.warnings),
    )


def _write_mentors(
    plan: ImportPlan,
    rows: Sequence[MentorProfile],
    *,
    units: Mapping[str, Unit],
    headers: frozenset[str],
    step: Callable[[], None],
) -> tuple[int, int, int]:
    """Create the new mentors and update the existing ones; (created, updated, unchanged).

    As for cadres, a column missing from the sheet leaves an existing mentor's
    field as it is, and the 导师编号 is never changed.
    """
    created = updated = unchanged = 0
    for profile in rows:
        values = mentor_field_values(profile)
        existing = plan.existing_mentors.get(profile.id)
        if existing is None:
            people_services.mentor_create(**values, unit=units[profile.unit])
            created += 1
        else:
            given = {
                name: values[name]
                for name in MENTOR_PROFILE_FIELDS
                if name != "code" and MENTOR_HEADERS[name] in headers
            }
            if people_services.mentor_update(
                mentor=existing, values={**given, "unit": units[profile.unit]}
            ):
                updated += 1
            else:
                unchanged += 1
        step()
    return created, updated, unchanged


def _scores(profile: CadreProfile) -> tuple[int, ...]:
    return tuple(round(float(s)) for s in profile.abilities)


def _cadre_changes(
    cadre: Cadre,
    profile: CadreProfile,
    *,
    category: tuple[str, bool] | None,
    units: Mapping[str, Unit],
    headers: frozenset[str],
) -> list[str]:
    """Bring an existing cadre's fields in line with its row, in memory; the fields changed.

    A column missing from the sheet leaves its field as it is (a sheet without
    回避单位 does not clear a cadre's avoided units); ``category`` is None when
    the 类别 column is missing. The caller saves the changed cadres in bulk.
    """
    changed: list[str] = []
    values = cadre_field_values(profile)
    for name in CADRE_PROFILE_FIELDS:
        # The 编号 is how the cadre was found: it is never changed.
        if name == "code" or CADRE_HEADERS[name] not in headers:
            continue
        if getattr(cadre, name) != values[name]:
            setattr(cadre, name, values[name])
            changed.append(name)
    origin = units[profile.origin_unit]
    if cadre.origin_unit_id != origin.pk:
        cadre.origin_unit = origin
        changed.append("origin_unit")
    if category is not None and (cadre.category, cadre.category_derived) != category:
        cadre.category, cadre.category_derived = category
        changed.extend(["category", "category_derived"])
    return changed

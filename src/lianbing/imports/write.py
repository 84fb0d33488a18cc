"""Writing a checked plan: programs, units, mentors, posts, cadres and assessments through their services.

Called inside the import's one transaction (see :mod:`.services`); every write
goes through the owning app's services, so the rules of a row written by hand
and of a row imported are the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

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

    def step() -> None:
        nonlocal done
        done += 1
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

    posts_by_code: dict[str, Post] = {}
    linked = {code for code in plan.post_mentors.values() if code is not None}
    mentors_by_code = {m.code: m for m in Mentor.objects.filter(code__in=linked)} if linked else {}
    for post_profile in post_rows:
        assert program is not None
        code = plan.post_mentors.get(post_profile.id)
        posts_by_code[post_profile.id] = demand_services.post_create(
            program=program,
            profile=post_profile,
            unit=units[post_profile.unit],
            mentor=mentors_by_code[code] if code is not None else None,
        )
        step()

    created = updated = unchanged = assessments = 0
    imported: dict[str, Cadre] = {}
    headers = cadres.headers if cadres else frozenset()
    for profile in cadre_rows:
        category, derived = plan.categories[profile.id]
        existing = plan.existing_cadres.get(profile.id)
        if existing is None:
            imported[profile.id] = people_services.cadre_create(
                profile=profile,
                category=category,
                category_derived=derived,
                assessed_on=today,
                source=AssessmentSource.IMPORT,
            )
            created += 1
            assessments += 1
            step()
            continue
        changed = _cadre_update(
            existing,
            profile,
            category=(category, derived) if "类别" in headers else None,
            units=units,
            headers=headers,
        )
        latest = next(iter(existing.assessments.all()), None)
        if latest is None or latest.scores() != _scores(profile):
            people_services.ability_assessment_create(
                cadre=existing,
                scores=profile.abilities,
                assessed_on=today,
                source=AssessmentSource.IMPORT,
                note=_("名册导入"),
            )
            assessments += 1
            changed = True
        if changed:
            updated += 1
        else:
            unchanged += 1
        imported[profile.id] = existing
        step()

    if imported:
        assert program is not None
        demand_services.program_add_cadres(program=program, cadres=imported.values())
        if "志愿岗位" in headers:
            _set_preferences(program, cadre_rows, imported)

    return ImportResult(
        program=program,
        program_created=plan.new_program is not None,
        kind=kind,
        cadres_created=created,
        cadres_updated=updated,
        cadres_unchanged=unchanged,
        assessments_added=assessments,
        posts_created=len(posts_by_code),
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


def _cadre_update(
    cadre: Cadre,
    profile: CadreProfile,
    *,
    category: tuple[str, bool] | None,
    units: Mapping[str, Unit],
    headers: frozenset[str],
) -> bool:
    """Bring an existing cadre's profile in line with its row; return whether anything changed.

    A column missing from the sheet leaves its field as it is (a sheet without
    回避单位 does not clear a cadre's avoided units); ``category`` is None when
    the 类别 column is missing.
    """
    changed = False
    values = cadre_field_values(profile)
    for name in CADRE_PROFILE_FIELDS:
        # The 编号 is how the cadre was found: it is never changed.
        if name == "code" or CADRE_HEADERS[name] not in headers:
            continue
        if getattr(cadre, name) != values[name]:
            setattr(cadre, name, values[name])
            changed = True
    origin = units[profile.origin_unit]
    if cadre.origin_unit_id != origin.pk:
        cadre.origin_unit = origin
        changed = True
    if category is not None and (cadre.category, cadre.category_derived) != category:
        cadre.category, cadre.category_derived = category
        changed = True
    if changed:
        cadre.full_clean()
        cadre.save()
    if "回避单位" in headers:
        wanted = {units[n].pk for n in profile.avoided_units}
        if wanted != {u.pk for u in cadre.avoided_units.all()}:
            cadre.avoided_units.set(sorted(wanted))
            changed = True
    return changed


def _set_preferences(
    program: Program, rows: Sequence[CadreProfile], imported: Mapping[str, Cadre]
) -> None:
    """Each imported cadre's 志愿岗位 in this program become exactly its row's list."""
    mine = {c.pk for c in imported.values()}
    wanted: dict[str, set[int]] = {}
    for profile in rows:
        for code in profile.preferred_posts:
            wanted.setdefault(code, set()).add(imported[profile.id].pk)
    for post in Post.objects.filter(program=program).prefetch_related("preferred_by"):
        current = {c.pk for c in post.preferred_by.all()}
        target = (current - mine) | wanted.get(post.code, set())
        if target != current:
            demand_services.post_set_preferred_by(
                post=post, cadres=Cadre.objects.filter(pk__in=target)
            )

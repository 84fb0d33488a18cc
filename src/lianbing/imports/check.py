"""Checking the rows read against the database, before anything is written.

:func:`import_plan` looks at every row as the write would see it (the program,
units, existing posts, cadres and mentors) and returns an :class:`ImportPlan`:
what the write needs, and every problem found. A plan with problems is never
written.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from lianbing.demand.adapters import POST_PROFILE_FIELDS, post_field_values
from lianbing.demand.models import Post, Program
from lianbing.demand.selectors import current_program
from lianbing.engine import scoring, taxonomy
from lianbing.engine.mentor_profiles import MentorProfile
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.people.adapters import (
    CADRE_PROFILE_FIELDS,
    MENTOR_PROFILE_FIELDS,
    cadre_field_values,
    mentor_field_values,
)
from lianbing.people.models import AbilityAssessment, Cadre, Mentor, Unit
from lianbing.training.selectors.pairing import mentor_loads
from lianbing.xlsx.columns import CADRES, MENTORS, POSTS, SheetSpec
from lianbing.xlsx.problems import CellProblem
from lianbing.xlsx.reader import ReadResult

from .read import Progress, file_problem

_DEPARTMENT: Final = taxonomy.unit_kind("department").code
#: A mentor cell may add the position in brackets: "李俊（副镇长）".
_MENTOR_NAME: Final = re.compile(r"^\s*([^（(]+?)\s*(?:[（(].*)?$")


def _headers(spec: SheetSpec[Any], fields: Mapping[str, str]) -> dict[str, str]:
    """The sheet header of each model field, through the profile attribute both share."""
    by_attribute = {col.field: col.header for col in spec.columns if col.position is None}
    return {name: by_attribute[attribute] for name, attribute in fields.items()}


#: The sheet header of each cadre, post and mentor model field an import fills.
CADRE_HEADERS: Final[dict[str, str]] = _headers(CADRES, CADRE_PROFILE_FIELDS)
POST_HEADERS: Final[dict[str, str]] = _headers(POSTS, POST_PROFILE_FIELDS)
MENTOR_HEADERS: Final[dict[str, str]] = {
    **_headers(MENTORS, MENTOR_PROFILE_FIELDS),
    "unit": MENTORS.column("单位").header,
}


@dataclass(frozen=True)
class NewProgram:
    """A program (练兵批次) the import creates, in the same transaction."""

    name: str
    started_on: datetime.date
    ended_on: datetime.date


@dataclass
class ImportPlan:
    """Everything the write phase needs, decided before anything is written."""

    program: Program | None
    new_program: NewProgram | None
    units: dict[str, Unit]
    new_units: dict[str, str]  # name -> kind code, in creation order
    post_mentors: dict[str, str | None]  # post id -> mentor code (existing or of the sheet)
    existing_cadres: dict[str, Cadre]
    categories: dict[str, tuple[str, bool]]  # cadre id -> (category code, derived)
    existing_mentors: dict[str, Mentor] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_plan(
    cadres: ReadResult[CadreProfile] | None,
    posts: ReadResult[PostProfile] | None,
    mentors: ReadResult[MentorProfile] | None = None,
    *,
    program: Program | None,
    new_program: NewProgram | None,
    progress: Progress,
) -> ImportPlan:
    """Check the rows read against the database; the plan lists every problem found.

    Mentors belong to no program: a workbook of mentors alone needs none (and
    creates none).
    """
    problems: list[CellProblem] = []
    warnings: list[str] = []
    if cadres is not None or posts is not None:
        program = _resolve_program(program, new_program, problems)
    else:
        program = None
        if new_program is not None:
            warnings.append(
                _("工作簿只有导师，导师不属于练兵批次，未新建批次“%(name)s”")
                % {"name": new_program.name.strip()}
            )
            new_program = None
    cadre_rows = list(zip(cadres.rows, cadres.row_numbers, strict=True)) if cadres else []
    post_rows = list(zip(posts.rows, posts.row_numbers, strict=True)) if posts else []
    mentor_rows = list(zip(mentors.rows, mentors.row_numbers, strict=True)) if mentors else []
    total = max(1, len(cadre_rows) + len(post_rows) + len(mentor_rows))
    done = 0
    shown = -1

    def step() -> None:
        nonlocal done, shown
        done += 1
        # Reported once a percent, not once a row: 10,000 rows would print 10,000 lines.
        percent = 20 + 30 * done // total
        if percent != shown:
            shown = percent
            progress(percent, _("核对第 %(n)d / %(m)d 条") % {"n": done, "m": total})

    units, new_units = _plan_units(cadre_rows, post_rows, mentor_rows, problems)
    existing_mentors = _check_mentors(mentor_rows, units, new_units, problems, step)
    post_mentors = _check_posts(post_rows, mentor_rows, program, problems, warnings, step)
    existing_cadres = _existing_cadres([p for p, _row in cadre_rows])
    post_codes = {p.id for p, _row in post_rows}
    if program is not None:
        post_codes |= set(Post.objects.filter(program=program).values_list("code", flat=True))
    categories = _check_cadres(
        cadre_rows,
        existing_cadres,
        known_units=set(units) | set(new_units),
        post_codes=post_codes,
        problems=problems,
        step=step,
    )
    return ImportPlan(
        program=program,
        new_program=new_program,
        units=units,
        new_units=new_units,
        post_mentors=post_mentors,
        existing_cadres=existing_cadres,
        categories=categories,
        existing_mentors=existing_mentors,
        problems=problems,
        warnings=warnings,
    )


def _resolve_program(
    program: Program | None, new_program: NewProgram | None, problems: list[CellProblem]
) -> Program | None:
    if program is not None and new_program is not None:
        problems.append(file_problem(_("只能选择一个已有批次或新建一个批次，不能同时两者")))
        return None
    if new_program is not None:
        candidate = Program(
            name=new_program.name.strip(),
            started_on=new_program.started_on,
            ended_on=new_program.ended_on,
        )
        try:
            candidate.full_clean()
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                problems.append(file_problem(_("新建批次：") + "；".join(messages)))
        return None
    if program is None:
        program = current_program()
        if program is None:
            problems.append(
                file_problem(
                    _(
                        "数据库中还没有练兵批次，无处导入。请新建一个批次：网页上填写批次名称和起止日期；"
                        "命令行加 --program 批次名称 --start 开始日期 --end 结束日期"
                    )
                )
            )
    return program


def _plan_units(
    cadre_rows: Sequence[tuple[CadreProfile, int]],
    post_rows: Sequence[tuple[PostProfile, int]],
    mentor_rows: Sequence[tuple[MentorProfile, int]],
    problems: list[CellProblem],
) -> tuple[dict[str, Unit], dict[str, str]]:
    """The units named that exist, and those to create (name -> kind) in creation order.

    A mentor's unit is never created: it must exist, or be a post's unit of
    the same workbook (see :func:`_check_mentors`).
    """
    names = {p.unit for p, _row in post_rows} | {c.origin_unit for c, _row in cadre_rows}
    names |= {u for c, _row in cadre_rows for u in c.avoided_units}
    names |= {m.unit for m, _row in mentor_rows}
    units = {u.name: u for u in Unit.objects.filter(name__in=names)}
    new_units: dict[str, str] = {}
    first_use: dict[str, tuple[str, int, str]] = {}
    # Host units first: their kind is given by the post sheet, while a cadre's
    # 现单位 can only be assumed to be a city department.
    for post_profile, row in post_rows:
        if post_profile.unit not in units and post_profile.unit not in new_units:
            new_units[post_profile.unit] = post_profile.unit_kind
            first_use[post_profile.unit] = (POSTS.title, row, "单位")
    for profile, row in cadre_rows:
        if profile.origin_unit not in units and profile.origin_unit not in new_units:
            new_units[profile.origin_unit] = _DEPARTMENT
            first_use[profile.origin_unit] = (CADRES.title, row, "现单位")
    for name, kind in new_units.items():
        try:
            Unit(name=name, kind=kind).full_clean(validate_unique=False)
        except ValidationError as exc:
            sheet, row, header = first_use[name]
            problems.extend(_field_problems(exc, sheet, row, {"name": header}, {"name": name}))
    return units, new_units


def _check_mentors(
    mentor_rows: Sequence[tuple[MentorProfile, int]],
    units: Mapping[str, Unit],
    new_units: Mapping[str, str],
    problems: list[CellProblem],
    step: Callable[[], None],
) -> dict[str, Mentor]:
    """Mentors: a known host unit, the same person when the 导师编号 exists, valid fields.

    Returns the existing mentors the sheet names, by code (the write updates them).
    """
    if not mentor_rows:
        return {}
    existing = {
        m.code: m
        for m in Mentor.objects.filter(code__in=[p.id for p, _row in mentor_rows]).select_related(
            "unit"
        )
    }
    sheet = MENTORS.title
    unit_header = MENTOR_HEADERS["unit"]
    loads = mentor_loads([m.pk for m in existing.values()]) if existing else {}
    for profile, row in mentor_rows:
        # A unit the workbook creates counts only as a post's host unit: one
        # created for a cadre's 现单位 is a department, and still unknown here.
        kind = units[profile.unit].kind if profile.unit in units else new_units.get(profile.unit)
        if kind is None or (profile.unit not in units and kind == _DEPARTMENT):
            problems.append(
                CellProblem(
                    sheet,
                    row,
                    unit_header,
                    profile.unit,
                    _(
                        "不是系统中已有的单位（可能写错了）；请核对单位全称，"
                        "或先在“单位”中添加该单位（或在同一工作簿的“岗位”表中加入该单位的岗位）后再导入"
                    ),
                )
            )
        elif kind not in {t.code for t in taxonomy.HOST_UNIT_KINDS}:
            problems.append(
                CellProblem(
                    sheet,
                    row,
                    unit_header,
                    profile.unit,
                    _("是市级部门；导师应来自用人单位（镇街道或市级平台），请核对单位"),
                )
            )
        found = existing.get(profile.id)
        if found is not None and found.name != profile.name:
            problems.append(
                CellProblem(
                    sheet,
                    row,
                    MENTOR_HEADERS["code"],
                    profile.id,
                    _(
                        "已被导师“%(existing)s”使用，与本行姓名“%(name)s”不一致；"
                        "如是同一人请把姓名改为一致，如是另一人请换一个编号"
                    )
                    % {"existing": found.name, "name": profile.name},
                )
            )
        load = loads.get(found.pk, 0) if found is not None else 0
        if profile.capacity < load:
            problems.append(
                CellProblem(
                    sheet,
                    row,
                    MENTOR_HEADERS["capacity"],
                    str(profile.capacity),
                    _(
                        "少于该导师已确认的学员数（%(load)s 名）；请先在“导师结对”中为多出的学员"
                        "改选导师，或把可带人数改为不少于 %(load)s"
                    )
                    % {"load": load},
                )
            )
        values = mentor_field_values(profile)
        try:
            Mentor(**values).full_clean(
                exclude=["unit", "phone"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            shown = {name: value for name, value in values.items() if name != "strengths"}
            problems.extend(_field_problems(exc, sheet, row, MENTOR_HEADERS, shown))
        step()
    return existing


def _check_posts(
    post_rows: Sequence[tuple[PostProfile, int]],
    mentor_rows: Sequence[tuple[MentorProfile, int]],
    program: Program | None,
    problems: list[CellProblem],
    warnings: list[str],
    step: Callable[[], None],
) -> dict[str, str | None]:
    """Posts: a code new to the program, valid fields, the mentor found at the unit.

    A post's 导师 is looked for among the mentors in the database and those of
    the workbook's 导师 sheet (which wins for a code it names). Returns the
    code of each post's mentor, or None.
    """
    existing_codes: dict[str, Post] = {}
    if program is not None and post_rows:
        existing_codes = {
            p.code: p
            for p in Post.objects.filter(program=program, code__in=[r.id for r, _n in post_rows])
        }
    mentor_names = {p.id: _mentor_name(p.mentor) for p, _row in post_rows if p.mentor.strip()}
    sheet_mentors = {m.id: m for m, _row in mentor_rows}
    candidates: dict[tuple[str, str], list[str]] = {}
    if mentor_names:
        for code, unit_name, name in (
            Mentor.objects.filter(
                name__in=set(mentor_names.values()),
                unit__name__in=[p.unit for p, _row in post_rows],
            )
            .exclude(code__in=sheet_mentors)
            .values_list("code", "unit__name", "name")
        ):
            candidates.setdefault((unit_name, name), []).append(code)
    for mentor in sheet_mentors.values():
        candidates.setdefault((mentor.unit, mentor.name), []).append(mentor.id)
    mentors: dict[str, str | None] = {}
    sheet = POSTS.title
    for post_profile, row in post_rows:
        if post_profile.id in existing_codes:
            problems.append(
                CellProblem(
                    sheet,
                    row,
                    POST_HEADERS["code"],
                    post_profile.id,
                    _(
                        "在本批次中已有岗位（%(name)s），"
                        "请改用新的岗位编号；如要修改已有岗位，请在管理后台修改"
                    )
                    % {"name": existing_codes[post_profile.id].name},
                )
            )
        values = post_field_values(post_profile)
        try:
            Post(category=post_profile.category, **values).full_clean(
                exclude=["program", "unit", "mentor"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            problems.extend(_field_problems(exc, sheet, row, POST_HEADERS, values))
        mentors[post_profile.id] = None
        if post_profile.id in mentor_names:
            found = candidates.get((post_profile.unit, mentor_names[post_profile.id]), [])
            if len(found) == 1:
                mentors[post_profile.id] = found[0]
            else:
                why = _("有多名同名导师") if found else _("没有这名导师")
                warnings.append(
                    _(
                        "工作表“%(sheet)s”第 %(row)d 行“导师”列：单位“%(unit)s”%(why)s"
                        "（“%(mentor)s”），导师已留空；请在“练兵导师”中添加或核对导师"
                        "（可用“导师”工作表导入）后再为岗位指定"
                    )
                    % {
                        "sheet": sheet,
                        "row": row,
                        "unit": post_profile.unit,
                        "why": why,
                        "mentor": post_profile.mentor,
                    }
                )
        step()
    return mentors


def _existing_cadres(profiles: Sequence[CadreProfile]) -> dict[str, Cadre]:
    """The cadres whose 编号 the sheet names, with what the write compares against."""
    if not profiles:
        return {}
    return {
        c.code: c
        for c in Cadre.objects.filter(code__in=[r.id for r in profiles])
        .select_related("origin_unit")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=AbilityAssessment.objects.order_by("-assessed_on", "-id"),
            ),
            "avoided_units",
        )
    }


def _check_cadres(
    cadre_rows: Sequence[tuple[CadreProfile, int]],
    existing_cadres: Mapping[str, Cadre],
    *,
    known_units: set[str],
    post_codes: set[str],
    problems: list[CellProblem],
    step: Callable[[], None],
) -> dict[str, tuple[str, bool]]:
    """Cadres: the same person when the 编号 exists, valid fields, known avoided units,
    preferred posts among the program's. Returns each cadre's (category, derived)."""
    categories: dict[str, tuple[str, bool]] = {}
    sheet = CADRES.title
    for profile, row in cadre_rows:
        existing = existing_cadres.get(profile.id)
        problems.extend(_identity_problems(profile, existing, row))
        derived = profile.category is None
        category = scoring.derive_category(profile) if derived else profile.category
        assert category is not None
        categories[profile.id] = (category, derived)
        values = cadre_field_values(profile)
        try:
            Cadre(category=category, **values).full_clean(
                exclude=["origin_unit", "avoided_units", "id_number", "phone"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            # A problem with the 编号 itself is shown without its value, as it always was.
            shown = {name: value for name, value in values.items() if name != "code"}
            problems.extend(_field_problems(exc, sheet, row, CADRE_HEADERS, shown))
        for name in profile.avoided_units:
            if name not in known_units:
                problems.append(
                    CellProblem(
                        sheet,
                        row,
                        "回避单位",
                        name,
                        _(
                            "不是系统中已有的单位（可能写错了）；请核对单位全称，"
                            "或先在“单位”中添加该单位后再导入"
                        ),
                    )
                )
        for code in profile.preferred_posts:
            if code not in post_codes:
                problems.append(
                    CellProblem(
                        sheet,
                        row,
                        "志愿岗位",
                        code,
                        _("不是本批次的岗位编号；请核对编号，或在同一工作簿的“岗位”表中加入该岗位"),
                    )
                )
        step()
    return categories


def _identity_problems(
    profile: CadreProfile, existing: Cadre | None, row: int
) -> list[CellProblem]:
    """A 编号 already used by another person: a different name, or a different birth month."""
    if existing is None:
        return []
    if existing.name != profile.name:
        return [
            CellProblem(
                CADRES.title,
                row,
                CADRE_HEADERS["code"],
                profile.id,
                _(
                    "已被干部“%(existing)s”使用，与本行姓名“%(name)s”不一致；"
                    "如是同一人请把姓名改为一致，如是另一人请换一个编号"
                )
                % {"existing": existing.name, "name": profile.name},
            )
        ]
    if existing.birth_month and profile.birth_month and existing.birth_month != profile.birth_month:
        return [
            CellProblem(
                CADRES.title,
                row,
                CADRE_HEADERS["birth_month"],
                profile.birth_month,
                _(
                    "与系统中同编号干部“%(name)s”的出生年月 %(month)s 不一致；"
                    "请核对是否为同一人，是同一人请改为一致，不是请换一个编号"
                )
                % {"name": existing.name, "month": existing.birth_month},
            )
        ]
    return []


def _field_problems(
    error: ValidationError,
    sheet: str,
    row: int,
    headers: Mapping[str, str],
    values: Mapping[str, Any],
) -> list[CellProblem]:
    found: list[CellProblem] = []
    for name, messages in error.message_dict.items():
        header = headers.get(name)
        if header is None:
            continue  # fields the sheet does not fill are set by the import itself
        value = values.get(name)
        shown = None if value in (None, "") else _shown(value)
        found.append(
            CellProblem(
                sheet,
                row,
                header,
                shown,
                _("不符合要求：%(messages)s，请修改")
                % {"messages": "；".join(m.rstrip("。. ") for m in messages)},
            )
        )
    return found


def _shown(value: Any) -> str:
    # Decimals and floats as the sheet shows them: 75, not 75.0.
    if isinstance(value, (float, Decimal)) and value == int(value):
        return str(int(value))
    return str(value)


def _mentor_name(text: str) -> str:
    match = _MENTOR_NAME.match(text)
    return match.group(1) if match else text.strip()

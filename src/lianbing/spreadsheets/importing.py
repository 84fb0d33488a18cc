"""Importing the department's workbooks into the database, all or nothing.

:func:`import_workbook` is the use case behind ``lianbing import`` and the
import page: it reads the sheets ``干部`` and/or ``岗位`` with the validating
readers, checks every row against the database, and only when no problem is
left writes everything in one transaction through the people and demand
services. Any problem, in the file or against the database, raises
:class:`ImportProblemsError` listing all of them (sheet, row, column, value,
what to do) and nothing is written.

The web page runs the same function in a background task
(:func:`import_job_execute`), with progress on the :class:`ImportJob` row and a
cancel flag checked at every step.
"""

from __future__ import annotations

import datetime
import io
import json
import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from lianbing.accounts import audit
from lianbing.accounts.models import AuditAction
from lianbing.background.services import background_work_cancel
from lianbing.demand import services as demand_services
from lianbing.demand.models import Post, Program
from lianbing.demand.selectors import current_program
from lianbing.engine import scoring, taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.people import services as people_services
from lianbing.people.models import AbilityAssessment, AssessmentSource, Cadre, Mentor, Unit
from lianbing.spreadsheets.cell_text import safe_cell
from lianbing.spreadsheets.columns import CADRES, POSTS, SheetSpec
from lianbing.spreadsheets.problems import CellProblem, SpreadsheetError
from lianbing.spreadsheets.reader import NOT_XLSX, ZIP_MAGIC, read_cadres, read_posts
from lianbing.spreadsheets.upload_safety import MAX_UPLOAD_BYTES, UnsafeUploadError, check_xlsx

from .models import IMPORT_DIR_NAME, IMPORT_FINISHED, ImportJob, ImportKind, ImportStatus

logger = logging.getLogger(__name__)

#: Called with a percentage and a Chinese message; may raise :class:`ImportCancelledError`.
Progress = Callable[[int, str], None]

_DEPARTMENT: Final = taxonomy.unit_kind("department").code
#: A mentor cell may add the position in brackets: "李俊（副镇长）".
_MENTOR_NAME: Final = re.compile(r"^\s*([^（(]+?)\s*(?:[（(].*)?$")

#: Cadre model fields filled from the profile, with the sheet header of each.
_CADRE_FIELDS: Final[dict[str, str]] = {
    "name": "姓名",
    "gender": "性别",
    "birth_month": "出生年月",
    "education": "学历",
    "major": "专业",
    "position": "现职务",
    "rank": "职级",
    "grassroots_years": "基层工作年限",
    "expertise": "专长",
    "experience": "工作经历",
    "shortcomings": "短板",
}
_POST_FIELDS: Final[dict[str, str]] = {
    "code": "岗位编号",
    "name": "岗位名称",
    "duties": "岗位职责",
    "key_tasks": "重点任务",
    "expertise_needed": "所需专长",
    "develops": "锻炼方向",
    "seats": "名额",
    "duration_months": "练兵期限",
}


# --------------------------------------------------------------------- results


class ImportProblemsError(SpreadsheetError):
    """The workbook cannot be imported; ``problems`` lists every reason, nothing was written."""

    def __init__(
        self, problems: Iterable[CellProblem], *, source: str = "", warnings: Sequence[str] = ()
    ) -> None:
        self.warnings = tuple(warnings)
        super().__init__(problems, source=source)

    def render(self) -> str:
        return super().render().replace("请修改后重试", "未导入任何数据，请修改后重试", 1)


class ImportCancelledError(Exception):
    """The import was cancelled by the user (or stopped as stale); nothing was written."""


@dataclass(frozen=True)
class NewProgram:
    """A program (练兵批次) the import creates, in the same transaction."""

    name: str
    started_on: datetime.date
    ended_on: datetime.date


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    program: Program
    program_created: bool
    kind: str
    cadres_created: int = 0
    cadres_updated: int = 0
    cadres_unchanged: int = 0
    assessments_added: int = 0
    posts_created: int = 0
    units_created: int = 0
    mentors_linked: int = 0
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        """One Chinese sentence with the counts."""
        parts = [f"批次“{self.program.name}”" + ("（新建）" if self.program_created else "")]
        if self.kind in (ImportKind.CADRES, ImportKind.BOTH):
            parts.append(
                f"干部新增 {self.cadres_created} 名、更新 {self.cadres_updated} 名、"
                f"未变 {self.cadres_unchanged} 名，新增能力评定 {self.assessments_added} 条"
            )
        if self.kind in (ImportKind.POSTS, ImportKind.BOTH):
            parts.append(f"岗位新增 {self.posts_created} 个，关联导师 {self.mentors_linked} 名")
        parts.append(f"新建单位 {self.units_created} 个")
        return "导入完成：" + "；".join(parts) + "。"


def _quiet(percent: int, message: str) -> None:
    """The default progress callback: report nothing."""


# --------------------------------------------------------------------- reading


@dataclass
class _Sheet:
    """One sheet as read: profiles, their Excel row numbers, the headers present."""

    rows: list[Any]
    row_numbers: list[int]
    headers: set[str]


def _problem(expected: str) -> CellProblem:
    return CellProblem(None, None, None, None, expected)


def _sheet_titles(path: Path) -> list[str]:
    """The sheet names of a workbook, after the upload-safety checks."""
    source = path.name
    if not path.is_file():
        raise ImportProblemsError([_problem(f"找不到文件“{path}”")], source=source)
    with path.open("rb") as handle:
        if handle.read(len(ZIP_MAGIC)) != ZIP_MAGIC:
            raise ImportProblemsError([_problem(NOT_XLSX)], source=source)
    try:
        check_xlsx(path)
    except UnsafeUploadError as exc:
        raise ImportProblemsError([_problem(str(exc))], source=source) from None
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError):
        raise ImportProblemsError([_problem(NOT_XLSX)], source=source) from None
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _layout(path: Path, spec: SheetSpec[Any]) -> tuple[list[int], set[str]]:
    """Row numbers of the data rows (blank rows skipped, as the reader does) and the headers."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook[spec.title].iter_rows(values_only=True)
        header = next(rows, ())
        headers = {str(v).strip().rstrip("*＊").strip() for v in header if not _blank(v)}
        numbers = [
            n for n, values in enumerate(rows, start=2) if not all(_blank(v) for v in values)
        ]
        return numbers, headers
    finally:
        workbook.close()


def _read(path: Path, progress: Progress) -> tuple[_Sheet | None, _Sheet | None, list[str]]:
    titles = _sheet_titles(path)
    has_cadres, has_posts = CADRES.title in titles, POSTS.title in titles
    if not (has_cadres or has_posts):
        present = "、".join(titles)
        raise ImportProblemsError(
            [
                _problem(
                    f"文件中既没有“{CADRES.title}”工作表，也没有“{POSTS.title}”工作表（现有：{present}）。"
                    "请使用导入模板（lianbing template cadres 或 lianbing template posts，"
                    "或在导入页面下载模板）填写后再导入"
                )
            ],
            source=path.name,
        )
    problems: list[CellProblem] = []
    warnings: list[str] = []
    sheets: list[_Sheet | None] = []
    for wanted, spec, reader, percent in (
        (has_cadres, CADRES, read_cadres, 10),
        (has_posts, POSTS, read_posts, 20),
    ):
        if not wanted:
            sheets.append(None)
            continue
        progress(percent - 8, _("读取工作表“%(sheet)s”") % {"sheet": spec.title})
        try:
            result = reader(path)
        except SpreadsheetError as exc:
            problems.extend(exc.problems)
            sheets.append(None)
            continue
        numbers, headers = _layout(path, spec)
        warnings.extend(result.warnings)
        sheets.append(_Sheet(list(result.rows), numbers, headers))
    if problems:
        raise ImportProblemsError(problems, source=path.name, warnings=warnings)
    return sheets[0], sheets[1], warnings


# --------------------------------------------------------------------- checking


@dataclass
class _Plan:
    """Everything the write phase needs, decided before anything is written."""

    program: Program | None
    new_program: NewProgram | None
    units: dict[str, Unit]
    new_units: dict[str, str]  # name -> kind code, in creation order
    mentors: dict[str, Mentor | None]  # post id -> mentor
    existing_cadres: dict[str, Cadre]
    categories: dict[str, tuple[str, bool]]  # cadre id -> (category code, derived)
    problems: list[CellProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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
                "不符合要求：" + "；".join(m.rstrip("。. ") for m in messages) + "，请修改",
            )
        )
    return found


def _shown(value: Any) -> str:
    # Decimals and floats as the sheet shows them: 75, not 75.0.
    if isinstance(value, (float, Decimal)) and value == int(value):
        return str(int(value))
    return str(value)


def _resolve_program(
    program: Program | None, new_program: NewProgram | None, problems: list[CellProblem]
) -> Program | None:
    if program is not None and new_program is not None:
        problems.append(_problem("只能选择一个已有批次或新建一个批次，不能同时两者"))
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
                problems.append(_problem("新建批次：" + "；".join(messages)))
        return None
    if program is None:
        program = current_program()
        if program is None:
            problems.append(
                _problem(
                    "数据库中还没有练兵批次，无处导入。请新建一个批次：网页上填写批次名称和起止日期；"
                    "命令行加 --program 批次名称 --start 开始日期 --end 结束日期"
                )
            )
    return program


def _check(
    cadres: _Sheet | None,
    posts: _Sheet | None,
    *,
    program: Program | None,
    new_program: NewProgram | None,
    progress: Progress,
) -> _Plan:
    problems: list[CellProblem] = []
    warnings: list[str] = []
    program = _resolve_program(program, new_program, problems)
    cadre_rows: list[CadreProfile] = cadres.rows if cadres else []
    post_rows: list[PostProfile] = posts.rows if posts else []
    total = max(1, len(cadre_rows) + len(post_rows))

    names = {p.unit for p in post_rows} | {c.origin_unit for c in cadre_rows}
    names |= {u for c in cadre_rows for u in c.avoided_units}
    units = {u.name: u for u in Unit.objects.filter(name__in=names)}
    new_units: dict[str, str] = {}
    first_use: dict[str, tuple[str, int, str]] = {}
    # Host units first: their kind is given by the post sheet, while a cadre's
    # 现单位 can only be assumed to be a city department.
    for post_profile, row in zip(post_rows, posts.row_numbers if posts else [], strict=True):
        if post_profile.unit not in units and post_profile.unit not in new_units:
            new_units[post_profile.unit] = post_profile.unit_kind
            first_use[post_profile.unit] = (POSTS.title, row, "单位")
    for profile, row in zip(cadre_rows, cadres.row_numbers if cadres else [], strict=True):
        if profile.origin_unit not in units and profile.origin_unit not in new_units:
            new_units[profile.origin_unit] = _DEPARTMENT
            first_use[profile.origin_unit] = (CADRES.title, row, "现单位")
    for name, kind in new_units.items():
        try:
            Unit(name=name, kind=kind).full_clean(validate_unique=False)
        except ValidationError as exc:
            sheet, row, header = first_use[name]
            problems.extend(_field_problems(exc, sheet, row, {"name": header}, {"name": name}))

    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        progress(20 + 30 * done // total, _("核对第 %(n)d / %(m)d 条") % {"n": done, "m": total})

    # Posts: a code new to the program, valid fields, the mentor found at the unit.
    existing_codes: dict[str, Post] = {}
    if program is not None and post_rows:
        existing_codes = {
            p.code: p
            for p in Post.objects.filter(program=program, code__in=[r.id for r in post_rows])
        }
    mentor_names = {p.id: _mentor_name(p.mentor) for p in post_rows if p.mentor.strip()}
    candidates: dict[tuple[str, str], list[Mentor]] = {}
    for mentor in Mentor.objects.filter(
        name__in=set(mentor_names.values()), unit__name__in=[p.unit for p in post_rows]
    ).select_related("unit"):
        candidates.setdefault((mentor.unit.name, mentor.name), []).append(mentor)
    mentors: dict[str, Mentor | None] = {}
    for post_profile, row in zip(post_rows, posts.row_numbers if posts else [], strict=True):
        sheet = POSTS.title
        if post_profile.id in existing_codes:
            problems.append(
                CellProblem(
                    sheet,
                    row,
                    "岗位编号",
                    post_profile.id,
                    f"在本批次中已有岗位（{existing_codes[post_profile.id].name}），"
                    "请改用新的岗位编号；如要修改已有岗位，请在管理后台修改",
                )
            )
        values = {
            "code": post_profile.id,
            "name": post_profile.name,
            "duties": post_profile.duties,
            "key_tasks": post_profile.key_tasks,
            "expertise_needed": post_profile.expertise_needed,
            "develops": post_profile.develops,
            "seats": post_profile.seats,
            "duration_months": post_profile.duration_months,
        }
        try:
            Post(category=post_profile.category, **values).full_clean(
                exclude=["program", "unit", "mentor"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            problems.extend(_field_problems(exc, sheet, row, _POST_FIELDS, values))
        mentors[post_profile.id] = None
        if post_profile.id in mentor_names:
            found = candidates.get((post_profile.unit, mentor_names[post_profile.id]), [])
            if len(found) == 1:
                mentors[post_profile.id] = found[0]
            else:
                why = "有多名同名导师" if found else "没有这名导师"
                warnings.append(
                    f"工作表“{sheet}”第 {row} 行“导师”列：单位“{post_profile.unit}”{why}"
                    f"（“{post_profile.mentor}”），导师已留空；请在管理后台添加或核对导师后再为岗位指定"
                )
        step()

    # Cadres: the same person when the 编号 exists, valid fields, known avoided
    # units, preferred posts among the program's.
    existing_cadres: dict[str, Cadre] = {}
    if cadre_rows:
        existing_cadres = {
            c.code: c
            for c in Cadre.objects.filter(code__in=[r.id for r in cadre_rows])
            .select_related("origin_unit")
            .prefetch_related(
                Prefetch(
                    "assessments",
                    queryset=AbilityAssessment.objects.order_by("-assessed_on", "-id"),
                ),
                "avoided_units",
            )
        }
    known_units = set(units) | set(new_units)
    post_codes = {p.id for p in post_rows}
    if program is not None:
        post_codes |= set(Post.objects.filter(program=program).values_list("code", flat=True))
    categories: dict[str, tuple[str, bool]] = {}
    for profile, row in zip(cadre_rows, cadres.row_numbers if cadres else [], strict=True):
        sheet = CADRES.title
        existing = existing_cadres.get(profile.id)
        if existing is not None and existing.name != profile.name:
            problems.append(
                CellProblem(
                    sheet,
                    row,
                    "编号",
                    profile.id,
                    f"已被干部“{existing.name}”使用，与本行姓名“{profile.name}”不一致；"
                    "如是同一人请把姓名改为一致，如是另一人请换一个编号",
                )
            )
        elif (
            existing is not None
            and existing.birth_month
            and profile.birth_month
            and existing.birth_month != profile.birth_month
        ):
            problems.append(
                CellProblem(
                    sheet,
                    row,
                    "出生年月",
                    profile.birth_month,
                    f"与系统中同编号干部“{existing.name}”的出生年月 {existing.birth_month} 不一致；"
                    "请核对是否为同一人，是同一人请改为一致，不是请换一个编号",
                )
            )
        derived = profile.category is None
        category = scoring.derive_category(profile) if derived else profile.category
        assert category is not None
        categories[profile.id] = (category, derived)
        values = {name: getattr(profile, name) for name in _CADRE_FIELDS}
        values["grassroots_years"] = Decimal(str(round(profile.grassroots_years, 1)))
        try:
            Cadre(code=profile.id, category=category, **values).full_clean(
                exclude=["origin_unit", "avoided_units", "id_number", "phone"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            problems.extend(
                _field_problems(exc, sheet, row, {"code": "编号", **_CADRE_FIELDS}, values)
            )
        for name in profile.avoided_units:
            if name not in known_units:
                problems.append(
                    CellProblem(
                        sheet,
                        row,
                        "回避单位",
                        name,
                        "不是系统中已有的单位（可能写错了）；请核对单位全称，"
                        "或先在“单位”中添加该单位后再导入",
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
                        "不是本批次的岗位编号；请核对编号，或在同一工作簿的“岗位”表中加入该岗位",
                    )
                )
        step()

    return _Plan(
        program=program,
        new_program=new_program,
        units=units,
        new_units=new_units,
        mentors=mentors,
        existing_cadres=existing_cadres,
        categories=categories,
        problems=problems,
        warnings=warnings,
    )


def _mentor_name(text: str) -> str:
    match = _MENTOR_NAME.match(text)
    return match.group(1) if match else text.strip()


# --------------------------------------------------------------------- writing


def _scores(profile: CadreProfile) -> tuple[int, ...]:
    return tuple(round(float(s)) for s in profile.abilities)


def _cadre_update(
    cadre: Cadre,
    profile: CadreProfile,
    *,
    category: tuple[str, bool] | None,
    units: Mapping[str, Unit],
    headers: set[str],
) -> bool:
    """Bring an existing cadre's profile in line with its row; return whether anything changed.

    A column missing from the sheet leaves its field as it is (a sheet without
    回避单位 does not clear a cadre's avoided units); ``category`` is None when
    the 类别 column is missing.
    """
    changed = False
    for name, header in _CADRE_FIELDS.items():
        if header not in headers:
            continue
        value: Any = getattr(profile, name)
        if name == "grassroots_years":
            value = Decimal(str(round(profile.grassroots_years, 1)))
        if getattr(cadre, name) != value:
            setattr(cadre, name, value)
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


def _write(
    plan: _Plan,
    cadres: _Sheet | None,
    posts: _Sheet | None,
    *,
    today: datetime.date,
    kind: str,
    progress: Progress,
) -> ImportResult:
    cadre_rows: list[CadreProfile] = cadres.rows if cadres else []
    post_rows: list[PostProfile] = posts.rows if posts else []
    total = max(1, len(cadre_rows) + len(post_rows))
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
    assert program is not None
    units = dict(plan.units)
    for name, unit_kind in plan.new_units.items():
        units[name] = people_services.unit_ensure(name=name, kind=unit_kind)

    posts_by_code: dict[str, Post] = {}
    for post_profile in post_rows:
        posts_by_code[post_profile.id] = demand_services.post_create(
            program=program,
            profile=post_profile,
            unit=units[post_profile.unit],
            mentor=plan.mentors.get(post_profile.id),
        )
        step()

    created = updated = unchanged = assessments = 0
    imported: dict[str, Cadre] = {}
    headers = cadres.headers if cadres else set()
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
        demand_services.program_add_cadres(program=program, cadres=imported.values())
    if imported and "志愿岗位" in headers:
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
        mentors_linked=sum(1 for m in plan.mentors.values() if m is not None),
        warnings=tuple(plan.warnings),
    )


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


# --------------------------------------------------------------------- the use case


def import_workbook(
    *,
    path: Path | str,
    program: Program | None = None,
    new_program: NewProgram | None = None,
    today: datetime.date | None = None,
    progress: Progress | None = None,
    before_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import the sheets 干部 and/or 岗位 of ``path`` into a program, all or nothing.

    The program is ``program``, or ``new_program`` created in the same
    transaction, or else the current program. Units named in 现单位 and 单位
    that do not exist are created (现单位 as 市级部门, a post's unit with the
    row's 单位类型). A cadre whose 编号 exists is updated (same 姓名 required)
    and gets a new ability assessment when the scores differ; every cadre of
    the sheet joins the program's pool. A blank 类别 is derived and marked so.
    A post's 导师 is linked when the unit has exactly one mentor of that name,
    otherwise left empty with a warning.

    ``before_commit`` is called with the result inside the write transaction,
    just before it commits: whatever it raises rolls the whole import back.

    Raises :class:`ImportProblemsError` with every problem found, having
    written nothing; :class:`ImportCancelledError` when ``progress`` or
    ``before_commit`` raises it.
    """
    path = Path(path)
    report = progress or _quiet
    today = today or timezone.localdate()
    report(1, _("读取表格"))
    cadres, posts, warnings = _read(path, report)
    kind = (
        ImportKind.BOTH if cadres and posts else (ImportKind.CADRES if cadres else ImportKind.POSTS)
    )
    report(20, _("核对数据库"))
    plan = _check(cadres, posts, program=program, new_program=new_program, progress=report)
    plan.warnings[:0] = warnings
    if plan.problems:
        raise ImportProblemsError(plan.problems, source=path.name, warnings=plan.warnings)
    report(50, _("写入数据库"))
    try:
        with transaction.atomic():
            result = _write(plan, cadres, posts, today=today, kind=kind, progress=report)
            if before_commit is not None:
                before_commit(result)
    except (ValidationError, IntegrityError) as exc:
        # Another writer got there between the check and the write (or a rule
        # only the database knows): the transaction is rolled back.
        logger.warning("import of %s refused at write time: %s", path.name, exc)
        detail = "；".join(exc.messages) if isinstance(exc, ValidationError) else ""
        raise ImportProblemsError(
            [
                _problem(
                    "写入时数据库拒绝了数据"
                    + (f"（{detail}）" if detail else "")
                    + "，可能有人同时修改了数据；未导入任何数据，请稍后重新导入"
                )
            ],
            source=path.name,
            warnings=plan.warnings,
        ) from exc
    report(100, _("导入完成"))
    return result


# --------------------------------------------------------------------- background jobs


class ImportRequestError(ValueError):
    """An upload that cannot be queued; the message says what to do, in Chinese."""


def import_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / IMPORT_DIR_NAME


def import_job_create(
    *,
    upload: UploadedFile,
    created_by: User,
    program: Program | None = None,
    new_program: NewProgram | None = None,
) -> ImportJob:
    """Keep the uploaded workbook, record the job and queue the import in the background.

    The file is refused before it is kept when it is too large or not a plain
    .xlsx archive. Returns the job (already finished when the task backend
    runs tasks immediately).
    """
    if program is not None and new_program is not None:
        raise ImportRequestError(_("请只选择一个已有批次，或只填写新建批次，不要两者都填。"))
    if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
        raise ImportRequestError(
            _("文件过大（上限 %(mb)d MB）。请拆分为多个文件后分别导入。")
            % {"mb": MAX_UPLOAD_BYTES // 1048576}
        )
    if new_program is not None:
        _check_new_program(new_program)
    elif program is None:
        program = current_program()
        if program is None:
            raise ImportRequestError(
                _("系统中还没有练兵批次。请填写新建批次的名称和起止日期，导入时一并创建。")
            )
    try:
        check_xlsx(upload)  # type: ignore[arg-type]  # an UploadedFile reads, seeks and tells
    except UnsafeUploadError as exc:
        raise ImportRequestError(str(exc)) from None
    with transaction.atomic():
        job = ImportJob(
            created_by=created_by,
            file_name=Path(upload.name or "").name[:200],
            file_size=upload.size,
            program=program,
            new_program_name=new_program.name.strip() if new_program else "",
            new_program_started_on=new_program.started_on if new_program else None,
            new_program_ended_on=new_program.ended_on if new_program else None,
            progress_message=_("排队等待导入"),
        )
        job.file.save("upload.xlsx", upload, save=False)
        try:
            job.full_clean()
        except ValidationError as exc:
            job.file.delete(save=False)
            raise ImportRequestError("；".join(exc.messages)) from None
        job.save()
    # Enqueued once the row is committed, so a database worker always finds it.
    from .tasks import import_job_task

    result = import_job_task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def _check_new_program(new_program: NewProgram) -> None:
    if not new_program.name.strip():
        raise ImportRequestError(_("请填写新建批次的名称。"))
    if new_program.ended_on <= new_program.started_on:
        raise ImportRequestError(_("新建批次的结束日期应晚于开始日期，请修改日期。"))
    if Program.objects.filter(name=new_program.name.strip()).exists():
        raise ImportRequestError(
            _("已有名为“%(name)s”的批次。请在“导入到批次”中直接选择它，或换一个名称。")
            % {"name": new_program.name.strip()}
        )


def _progress_file(job_id: int) -> Path:
    return import_directory() / f"job-{job_id}.progress.json"


def live_progress(job: ImportJob) -> tuple[int, str]:
    """The progress of a running job: the row's, or the newer figure written during the transaction.

    Inside the import's single transaction the job row cannot be updated
    visibly (the row would only change at commit, and SQLite allows a single
    writer), so the write phase reports through a small file next to the upload.
    """
    if job.status == ImportStatus.RUNNING:
        try:
            data = json.loads(_progress_file(job.pk).read_text(encoding="utf-8"))
            if int(data["progress"]) >= job.progress:
                return int(data["progress"]), str(data["message"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return job.progress, job.progress_message


class _JobReporter:
    """Progress of a job: on the row between transactions, in a file inside one."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.last = -1

    def __call__(self, percent: int, message: str) -> None:
        # At most one report (and one look at the cancel flag) per percent.
        if percent == self.last:
            return
        self.last = percent
        if ImportJob.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise ImportCancelledError
        if connection.in_atomic_block:
            target = _progress_file(self.job_id)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"progress": percent, "message": message[:200]}, out)
            os.replace(name, target)
        else:
            # A job stopped meanwhile (see import_job_cancel) keeps its message.
            ImportJob.objects.filter(pk=self.job_id, status=ImportStatus.RUNNING).update(
                progress=percent, progress_message=message[:200]
            )


def _acting_request(job: ImportJob) -> HttpRequest:
    """A stand-in request so the audit trail attributes the import's writes to the uploader."""
    request = HttpRequest()
    request.user = job.created_by  # type: ignore[assignment]
    request.path = job.get_absolute_url()
    return request


def _problem_dicts(problems: Iterable[CellProblem]) -> list[dict[str, Any]]:
    return [
        {
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "value": p.value,
            "expected": p.expected,
            "text": str(p),
        }
        for p in problems
    ]


def import_job_execute(*, job_id: int) -> str:
    """Run a queued import job; returns its final status. Called by the background task.

    Every write to the job is conditional on it still running. Its outcome is
    written inside the import's own transaction: a job cancelled, or stopped
    as stale (see :func:`import_job_cancel`), by then rolls the import back and
    keeps its status, so a worker that was only slow never brings it back.
    """
    started = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING,
        started_at=timezone.now(),
        progress=1,
        progress_message=_("读取表格"),
    )
    if not started:
        return ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""
    job = ImportJob.objects.select_related("program", "created_by").get(pk=job_id)
    new_program = (
        NewProgram(
            name=job.new_program_name,
            started_on=job.new_program_started_on,
            ended_on=job.new_program_ended_on,
        )
        if job.new_program_name and job.new_program_started_on and job.new_program_ended_on
        else None
    )
    reporter = _JobReporter(job_id)
    running = ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING)

    def record_done(result: ImportResult) -> None:
        if not running.filter(cancel_requested=False).update(
            status=ImportStatus.DONE,
            kind=result.kind,
            program=result.program,
            program_created=result.program_created,
            cadres_created=result.cadres_created,
            cadres_updated=result.cadres_updated,
            cadres_unchanged=result.cadres_unchanged,
            assessments_added=result.assessments_added,
            posts_created=result.posts_created,
            units_created=result.units_created,
            mentors_linked=result.mentors_linked,
            warnings=list(result.warnings),
            progress=100,
            progress_message=_("导入完成"),
            finished_at=timezone.now(),
        ):
            raise ImportCancelledError

    try:
        with audit.request_context(_acting_request(job)):
            import_workbook(
                path=job.file.path,
                program=job.program,
                new_program=new_program,
                progress=reporter,
                before_commit=record_done,
            )
    except ImportCancelledError:
        running.update(
            status=ImportStatus.CANCELLED,
            progress_message=_("已取消，未导入任何数据"),
            finished_at=timezone.now(),
        )
    except ImportProblemsError as exc:
        running.update(
            status=ImportStatus.REJECTED,
            problems=_problem_dicts(exc.problems),
            warnings=list(exc.warnings),
            progress_message=_("发现问题，未导入任何数据"),
            finished_at=timezone.now(),
        )
    except Exception as exc:
        logger.exception("import job %s failed", job_id)
        running.update(
            status=ImportStatus.FAILED,
            error=_("导入出错（%(error)s），未导入任何数据。请重试；仍失败请联系系统管理员。")
            % {"error": type(exc).__name__},
            progress_message=_("导入出错"),
            finished_at=timezone.now(),
        )
    finally:
        _progress_file(job_id).unlink(missing_ok=True)
    # Each import also clears the uploads past their retention period; the
    # prune_files command does the same from cron. Pruning never fails an import.
    try:
        import_uploads_prune()
    except Exception:
        logger.exception("pruning expired uploads after import job %s failed", job_id)
    return ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first() or ""


def import_uploads_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the uploaded workbooks of jobs finished before ``now`` minus the retention.

    Returns how many uploads were removed. Only finished jobs (imported,
    rejected, failed or cancelled) lose their file (a file already gone is
    fine); the job row stays with its counts, problems and warnings, and
    records when the file went (``upload_removed_at``) so its page says so.
    Queued and running jobs are never touched, whatever their age. The
    retention is ``settings.LIANBING_UPLOAD_RETENTION_DAYS``; each removal is
    recorded in the audit trail.
    """
    now = now or timezone.now()
    days = settings.LIANBING_UPLOAD_RETENTION_DAYS
    cutoff = now - datetime.timedelta(days=days)
    old = ImportJob.objects.filter(
        status__in=IMPORT_FINISHED, finished_at__lt=cutoff, upload_removed_at__isnull=True
    ).order_by("pk")
    removed = 0
    # The system removes the files, not whoever's request happens to run the task.
    with audit.request_context(None):
        for job in old:
            try:
                if job.file.name:
                    job.file.storage.delete(job.file.name)
            except OSError:
                # Kept as it is and tried again next time.
                logger.exception("could not delete the upload of import job %s", job.pk)
                continue
            # Counted once even when two workers prune at the same time.
            if not ImportJob.objects.filter(
                pk=job.pk, status__in=IMPORT_FINISHED, upload_removed_at__isnull=True
            ).update(upload_removed_at=now):
                continue
            removed += 1
            audit.record(
                action=AuditAction.UPDATE,
                obj=job,
                detail=_("上传的文件已按保留期限删除（保留 %(days)d 天）") % {"days": days},
            )
    return removed


class ImportCancelError(ImportRequestError):
    """The job has already finished."""


@transaction.atomic
def import_job_cancel(*, job: ImportJob) -> ImportJob:
    """Stop a queued job at once, or ask a running one to stop at its next step (nothing is written).

    A job still running past ``settings.LIANBING_STALE_WORK_MINUTES`` has most
    likely lost its worker: it ends at once as failed, saying so (see
    ``lianbing.background.stale``); the import being one transaction, nothing
    of it was written.
    """
    if not background_work_cancel(
        rows=ImportJob.objects.filter(pk=job.pk),
        statuses=(
            ImportStatus.QUEUED,
            ImportStatus.RUNNING,
            ImportStatus.CANCELLED,
            ImportStatus.FAILED,
        ),
        cancelled_message=_("已取消，未导入任何数据"),
        cancelling_message=_("正在取消……"),
    ):
        raise ImportCancelError(_("该导入已经结束，无需取消。"))
    job.refresh_from_db()
    return job


def import_problems_workbook(job: ImportJob) -> bytes:
    """The problems (and warnings) of a job as a workbook the department can work through."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "问题清单"
    sheet.append(["序号", "工作表", "行", "列", "值", "问题与修改办法"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, p in enumerate(job.problems, start=1):
        sheet.append(
            [
                number,
                safe_cell(p.get("sheet") or ""),
                p.get("row"),
                safe_cell(p.get("column") or ""),
                safe_cell(p.get("value") or ""),
                safe_cell(p.get("expected") or ""),
            ]
        )
    for column, width in zip("ABCDEF", (6, 10, 6, 14, 20, 80), strict=True):
        sheet.column_dimensions[column].width = width
    if job.warnings:
        notes = workbook.create_sheet("提示")
        notes.append(["提示（不影响导入）"])
        for text in job.warnings:
            notes.append([safe_cell(text)])
        notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

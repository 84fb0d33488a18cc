"""Importing the department's workbooks into the database, all or nothing.

:func:`import_workbook` is the use case behind ``lianbing import`` and the
import page: it reads the sheets ``干部``, ``岗位`` and ``导师`` with the validating
readers (:mod:`.read`), checks every row against the database (:mod:`.check`),
and only when no problem is left writes everything in one transaction through
the people and demand services (:mod:`.write`). Any problem, in the file or
against the database, raises :class:`ImportProblemsError` listing all of them
(sheet, row, column, value, what to do) and nothing is written.

The web page runs the same function in a background task (:mod:`.submit` queues
it, :mod:`.job` runs it).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianbing.background.models import JobStatus
from lianbing.demand.models import Program
from lianbing.training import clock
from lianbing.xlsx.columns import MENTORS, POSTS

from .check import NewProgram, import_plan
from .models import ImportJob, ImportKind
from .problems import problem_dicts
from .read import ImportProblemsError, Progress, WorkbookRead, file_problem, read_workbook
from .write import ImportResult, import_plan_write

logger = logging.getLogger(__name__)


def _quiet(percent: int, message: str) -> None:
    """The default progress callback: report nothing."""


def import_workbook(
    *,
    path: Path | str,
    program: Program | None = None,
    new_program: NewProgram | None = None,
    today: datetime.date | None = None,
    progress: Progress | None = None,
    before_commit: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Import the sheets 干部, 岗位 and 导师 of ``path`` (any of them) into a program, all or nothing.

    The program is ``program``, or ``new_program`` created in the same
    transaction, or else the current program; mentors belong to no program,
    so a workbook of mentors alone needs none. Units named in 现单位 and a
    post's 单位 that do not exist are created (现单位 as 市级部门, a post's
    unit with the row's 单位类型); a mentor's 单位 must be a host unit that
    exists or that the workbook's posts create. A cadre whose 编号 exists is
    updated (same 姓名 required) and gets a new ability assessment when the
    scores differ; every cadre of the sheet joins the program's pool. A blank
    类别 is derived and marked so. A mentor whose 导师编号 exists is updated
    (same 姓名 required). A post's 导师 is linked when the unit has exactly
    one mentor of that name (in the database or the 导师 sheet), otherwise
    left empty with a warning.

    ``before_commit`` is called with the result inside the write transaction,
    just before it commits: whatever it raises rolls the whole import back.

    Raises :class:`ImportProblemsError` with every problem found, having
    written nothing; whatever ``progress`` or ``before_commit`` raises (the
    job's :class:`~lianbing.background.jobs.JobCancelled`) passes through.
    """
    path = Path(path)
    report = progress or _quiet
    today = today or clock.today()
    report(1, _("读取表格"))
    try:
        sheets = read_workbook(path, report)
    except ImportProblemsError as error:
        raise _with_reference_problems(error, program, new_program) from None
    cadres, posts, mentors = sheets.cadres, sheets.posts, sheets.mentors
    kind = _kind(cadres is not None, posts is not None)
    report(20, _("核对数据库"))
    plan = import_plan(
        cadres, posts, mentors, program=program, new_program=new_program, progress=report
    )
    plan.warnings[:0] = sheets.warnings
    if plan.problems:
        raise ImportProblemsError(plan.problems, source=path.name, warnings=plan.warnings)
    report(50, _("写入数据库"))
    try:
        with transaction.atomic():
            result = import_plan_write(
                plan, cadres, posts, mentors, today=today, kind=kind, progress=report
            )
            if before_commit is not None:
                before_commit(result)
    except (ValidationError, IntegrityError) as exc:
        # Another writer got there between the check and the write (or a rule
        # only the database knows): the transaction is rolled back.
        logger.warning("import of %s refused at write time: %s", path.name, exc)
        detail = "；".join(exc.messages) if isinstance(exc, ValidationError) else ""
        text = (
            _(
                "写入时数据库拒绝了数据（%(detail)s），可能有人同时修改了数据；未导入任何数据，请稍后重新导入"
            )
            % {"detail": detail}
            if detail
            else _("写入时数据库拒绝了数据，可能有人同时修改了数据；未导入任何数据，请稍后重新导入")
        )
        raise ImportProblemsError(
            [file_problem(text)], source=path.name, warnings=plan.warnings
        ) from exc
    report(100, _("导入完成"))
    return result


def _kind(has_cadres: bool, has_posts: bool) -> str:
    """What the job imported: mentors alongside cadres or posts show in its mentor counts."""
    if has_cadres and has_posts:
        return ImportKind.BOTH
    if has_cadres:
        return ImportKind.CADRES
    return ImportKind.POSTS if has_posts else ImportKind.MENTORS


#: Problems the database check finds in a row that reads well: named units and posts.
_REFERENCE_COLUMNS = frozenset({"回避单位", "志愿岗位"})


def _with_reference_problems(
    error: ImportProblemsError, program: Program | None, new_program: NewProgram | None
) -> ImportProblemsError:
    """The file's problems plus the database problems of its good rows that cannot mislead.

    "一次列出所有问题": a misspelt unit should not surface only once the
    file's other problems are fixed. Added: the unknown 回避单位 and 志愿岗位
    of the cadres (a 志愿岗位 only when the 岗位 sheet, if any, read whole, so
    a post on a bad row is not reported as missing) and every problem of the
    good mentor rows (their unit, a 导师编号 used by someone else).
    """
    read = error.partial
    if not isinstance(read, WorkbookRead):
        return error
    cadres = read.cadres if read.cadres is not None and read.cadres.rows else None
    mentors = read.mentors if read.mentors is not None and read.mentors.rows else None
    if cadres is None and mentors is None:
        return error
    posts_whole = read.posts is None or not any(p.sheet == POSTS.title for p in error.problems)
    plan = import_plan(
        cadres, read.posts, mentors, program=program, new_program=new_program, progress=_quiet
    )
    extra = [
        p
        for p in plan.problems
        if p.sheet == MENTORS.title
        or (p.column in _REFERENCE_COLUMNS and (p.column != "志愿岗位" or posts_whole))
    ]
    if not extra:
        return error
    return ImportProblemsError(
        [*error.problems, *extra], source=error.source, warnings=error.warnings
    )


def import_job_record_command(
    *,
    path: Path,
    result: ImportResult | None = None,
    refused: ImportProblemsError | None = None,
    program: Program | None = None,
) -> ImportJob:
    """Record an import run by ``lianbing import`` as a finished job, done or refused.

    The department reads every import in the web's 导入记录, wherever it was
    run; a console import keeps no copy of the file and has no uploader.
    """
    now = timezone.now()
    job = ImportJob(
        from_command=True,
        file_name=path.name[:200],
        file_size=path.stat().st_size if path.exists() else 0,
        started_at=now,
        finished_at=now,
        progress=100,
    )
    if result is not None:
        job.status = JobStatus.DONE
        job.progress_message = _("导入完成")
        job.kind = result.kind
        job.program = result.program
        job.program_created = result.program_created
        job.cadres_created = result.cadres_created
        job.cadres_updated = result.cadres_updated
        job.cadres_unchanged = result.cadres_unchanged
        job.assessments_added = result.assessments_added
        job.posts_created = result.posts_created
        job.units_created = result.units_created
        job.mentors_linked = result.mentors_linked
        job.mentors_created = result.mentors_created
        job.mentors_updated = result.mentors_updated
        job.mentors_unchanged = result.mentors_unchanged
        job.warnings = list(result.warnings)
    elif refused is not None:
        job.status = JobStatus.REJECTED
        job.progress_message = _("发现问题，未导入任何数据")
        job.program = program
        job.problems = problem_dicts(refused.problems)
        job.warnings = list(refused.warnings)
    job.save()
    return job

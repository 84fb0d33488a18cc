"""Reading an uploaded workbook: its sheets 干部, 岗位 and 导师, from one opening of the file.

The validating readers of :mod:`lianbing.xlsx.reader` do the work (the same as
``lianbing match``); this module adds what an import needs: any of the sheets
may be missing but not all, and the problems of every sheet are reported together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from lianbing.engine.mentor_profiles import MentorProfile
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.xlsx.columns import CADRES, MENTORS, POSTS, SheetSpec
from lianbing.xlsx.problems import CellProblem, SpreadsheetError
from lianbing.xlsx.reader import ReadResult, open_workbook, read_opened

#: Called with a percentage and a Chinese message; may raise to stop the import
#: (the job's :class:`lianbing.background.jobs.JobCancelled`).
Progress = Callable[[int, str], None]


class ImportProblemsError(SpreadsheetError):
    """The workbook cannot be imported; ``problems`` lists every reason, nothing was written."""

    def __init__(
        self,
        problems: Iterable[CellProblem],
        *,
        source: str = "",
        warnings: Sequence[str] = (),
        partial: Any = None,
    ) -> None:
        self.warnings = tuple(warnings)
        super().__init__(problems, source=source, partial=partial)

    def render(self) -> str:
        return super().render().replace("请修改后重试", _("未导入任何数据，请修改后重试"), 1)


def file_problem(expected: str) -> CellProblem:
    """A problem of the whole file (or of the database), not of one cell."""
    return CellProblem(None, None, None, None, expected)


@dataclass(frozen=True)
class WorkbookRead:
    """The sheets of a workbook as read; a sheet the workbook does not have is None."""

    cadres: ReadResult[CadreProfile] | None
    posts: ReadResult[PostProfile] | None
    mentors: ReadResult[MentorProfile] | None
    warnings: list[str]
    #: False when a sheet had problems and holds only its good rows (or is None).
    complete: bool = True


def read_workbook(path: Path, progress: Progress) -> WorkbookRead:
    """Read the sheets 干部, 岗位 and 导师 of ``path``, opening the file once.

    Raises :class:`ImportProblemsError` with every problem of the file or of
    any sheet, or when the workbook has none of them.
    """
    source = path.name
    try:
        with open_workbook(path) as workbook:
            titles = list(workbook.sheetnames)
            present = {spec.kind: spec.title in titles for spec in (CADRES, POSTS, MENTORS)}
            if not any(present.values()):
                raise ImportProblemsError([_no_sheet(titles)], source=source)
            problems: list[CellProblem] = []
            warnings: list[str] = []
            sheets: list[ReadResult[Any] | None] = []
            partial_only = False
            wanted: tuple[tuple[SheetSpec[Any], int], ...] = (
                (CADRES, 10),
                (POSTS, 15),
                (MENTORS, 20),
            )
            for spec, percent in wanted:
                if not present[spec.kind]:
                    sheets.append(None)
                    continue
                progress(percent - 8, _("读取工作表“%(sheet)s”") % {"sheet": spec.title})
                try:
                    result = read_opened(workbook, spec, source=source)
                except SpreadsheetError as exc:
                    problems.extend(exc.problems)
                    sheets.append(exc.partial)
                    partial_only = True
                    continue
                warnings.extend(result.warnings)
                sheets.append(result)
    except ImportProblemsError:
        raise
    except SpreadsheetError as exc:
        raise ImportProblemsError(exc.problems, source=source) from None
    read = WorkbookRead(
        cadres=sheets[0],
        posts=sheets[1],
        mentors=sheets[2],
        warnings=warnings,
        complete=not partial_only,
    )
    if problems:
        # The rows read well go with the error, to be checked against the database too.
        raise ImportProblemsError(problems, source=source, warnings=warnings, partial=read)
    return read


def _no_sheet(titles: Sequence[str]) -> CellProblem:
    return file_problem(
        _(
            "文件中既没有“%(cadres)s”工作表，也没有“%(posts)s”工作表（现有：%(present)s），"
            "也没有“%(mentors)s”工作表。请使用导入模板（lianbing template cadres、posts 或 mentors，"
            "或在导入页面下载模板）填写后再导入"
        )
        % {
            "cadres": CADRES.title,
            "posts": POSTS.title,
            "mentors": MENTORS.title,
            "present": "、".join(titles),
        }
    )

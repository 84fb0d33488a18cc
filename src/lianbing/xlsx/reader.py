"""Reading the 干部, 岗位 and 导师 sheets into engine profiles, with full validation.

Every problem of a file is collected and raised together as one
:class:`SpreadsheetError`; nothing is returned from a file with a problem.
Columns not in the layout are ignored and reported as warnings.

Workbooks are read with python-calamine (a Rust reader, about ten times faster
than openpyxl's read-only mode on a 10,000-row sheet; docs/decisions/0009):
cells give their last computed value, never a formula. Only a file that has
passed :func:`.upload_safety.check_xlsx` (size, entries, compression ratio,
nesting, no DOCTYPE or ENTITY in any XML part) is ever handed to it.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from python_calamine import CalamineError, CalamineWorkbook

from lianbing.engine.mentor_profiles import MentorProfile
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.xlsx.cell_text import restore_text
from lianbing.xlsx.cells import CellValueError
from lianbing.xlsx.columns import CADRES, MENTORS, POSTS, Column, SheetSpec
from lianbing.xlsx.problems import CellProblem, SpreadsheetError
from lianbing.xlsx.upload_safety import UnsafeUploadError, check_xlsx

P = TypeVar("P", CadreProfile, PostProfile, MentorProfile)

#: The first bytes of every zip archive, hence of every .xlsx file.
ZIP_MAGIC = b"PK\x03\x04"
NOT_XLSX = "文件不是有效的 Excel（.xlsx）文件，请在 Excel 中“另存为”.xlsx 格式后重试"
DAMAGED = "内容已损坏或含有不允许的内容，无法读取；请在 Excel 中打开后“另存为”新的 .xlsx 文件"
#: What the reader raises for a file that is not a readable workbook (calamine's
#: own errors: a damaged zip part, bad XML, a password; a value it cannot convert).
#: The upload checks stream every part first, so these are a second line.
_UNREADABLE = (
    CalamineError,
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    SyntaxError,
    NotImplementedError,
    zlib.error,
    EOFError,
)


@dataclass(frozen=True)
class ReadResult(Generic[P]):
    """What a reader returns: the profiles in sheet order and Chinese warnings.

    Warnings do not stop the import (an unknown extra column, for instance);
    errors do, and are raised as :class:`SpreadsheetError` instead.
    """

    rows: list[P]
    warnings: list[str] = field(default_factory=list)
    #: The Excel row number of each profile of ``rows`` (blank rows are skipped).
    row_numbers: list[int] = field(default_factory=list)
    #: Every non-blank header of the sheet, "*" marks removed (unknown ones too):
    #: a column missing from the sheet is told apart from a blank one.
    headers: frozenset[str] = frozenset()


def read_cadres(path: Path | str) -> ReadResult[CadreProfile]:
    """Read the sheet ``干部`` of ``path`` into cadre profiles.

    Raises :class:`SpreadsheetError` listing every problem of the file.
    """
    return read_sheet(Path(path), CADRES)


def read_posts(path: Path | str) -> ReadResult[PostProfile]:
    """Read the sheet ``岗位`` of ``path`` into post profiles.

    Raises :class:`SpreadsheetError` listing every problem of the file.
    """
    return read_sheet(Path(path), POSTS)


def read_mentors(path: Path | str) -> ReadResult[MentorProfile]:
    """Read the sheet ``导师`` of ``path`` into mentor profiles.

    Raises :class:`SpreadsheetError` listing every problem of the file.
    """
    return read_sheet(Path(path), MENTORS)


def read_sheet(path: Path, spec: SheetSpec[P]) -> ReadResult[P]:
    """Read one sheet laid out as ``spec``; the generic reader behind the readers above."""
    with open_workbook(path) as workbook:
        return read_opened(workbook, spec, source=path.name)


class OpenedBook:
    """A workbook opened for reading: its sheet names and each sheet's rows of values.

    An empty cell is None (calamine gives ""), so blank cells read as they
    always did; numbers are floats, date cells ``datetime.date`` or ``datetime``.
    """

    def __init__(self, book: CalamineWorkbook) -> None:
        self._book = book
        self.sheetnames: list[str] = list(book.sheet_names)

    def rows(self, title: str) -> Iterator[tuple[Any, ...]]:
        """The rows of sheet ``title`` from A1 (leading blank rows and columns kept)."""
        values = self._book.get_sheet_by_name(title).to_python(skip_empty_area=False)
        for row in values:
            yield tuple(None if v == "" else v for v in row)

    def close(self) -> None:
        self._book.close()


@contextmanager
def open_workbook(path: Path) -> Iterator[OpenedBook]:
    """The workbook at ``path``, opened read-only once the file passed the upload checks.

    Raises :class:`SpreadsheetError` when the file is missing, not an .xlsx
    archive, unsafe (see :func:`.upload_safety.check_xlsx`) or unreadable.
    Read several sheets of one open workbook with :func:`read_opened`.
    """
    source = path.name
    problem = _file_problem(path)
    if problem is not None:
        raise SpreadsheetError([problem], source=source)
    try:
        check_xlsx(path)  # size, entries, ratio, nesting, DOCTYPE: before any parsing
    except UnsafeUploadError as exc:
        raise SpreadsheetError(
            [CellProblem(None, None, None, None, str(exc))], source=source
        ) from None
    try:
        workbook = OpenedBook(CalamineWorkbook.from_path(str(path)))
    except _UNREADABLE:
        problem = CellProblem(None, None, None, None, NOT_XLSX)
        raise SpreadsheetError([problem], source=source) from None
    try:
        yield workbook
    finally:
        workbook.close()


def read_opened(workbook: OpenedBook, spec: SheetSpec[P], *, source: str) -> ReadResult[P]:
    """Read the sheet laid out as ``spec`` from a workbook :func:`open_workbook` opened.

    Raises :class:`SpreadsheetError` listing every problem of the sheet
    (``source`` names the file in it).
    """
    try:
        if spec.title not in workbook.sheetnames:
            present = "、".join(workbook.sheetnames)
            expected = (
                f"文件中没有名为“{spec.title}”的工作表（现有：{present}），"
                f"请使用 lianbing template {spec.kind} 生成的模板"
            )
            raise SpreadsheetError([CellProblem(None, None, None, None, expected)], source=source)
        return _read_rows(workbook.rows(spec.title), spec, source)
    except SpreadsheetError:
        raise
    except _UNREADABLE:
        # The sheet's XML is parsed while iterating: a damaged part, or one that
        # defusedxml refuses (entity declarations, external references), ends here.
        problem = CellProblem(spec.title, None, None, None, DAMAGED)
        raise SpreadsheetError([problem], source=source) from None


def _file_problem(path: Path) -> CellProblem | None:
    if not path.is_file():
        return CellProblem(None, None, None, None, f"找不到文件“{path}”")
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(ZIP_MAGIC))
    except OSError:
        return CellProblem(None, None, None, None, f"无法打开文件“{path}”")
    if magic != ZIP_MAGIC:
        return CellProblem(None, None, None, None, NOT_XLSX)
    return None


def _header_text(value: Any) -> str:
    # Users mark required headers with "*" as the layout document does; accept it.
    return "" if value is None else str(value).strip().rstrip("*＊").strip()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_rows(rows: Iterator[tuple[Any, ...]], spec: SheetSpec[P], source: str) -> ReadResult[P]:
    sheet = spec.title
    problems: list[CellProblem] = []
    warnings: list[str] = []
    header = next(rows, None)
    if header is None or all(_is_blank(v) for v in header):
        raise SpreadsheetError(
            [
                CellProblem(
                    sheet, None, None, None, "是空表：第 1 行应为列名，第 2 行起每行一条记录"
                )
            ],
            source=source,
        )

    position: dict[Column, int] = {}
    known = {col.header: col for col in spec.columns}
    headers: set[str] = set()
    for index, raw in enumerate(header):
        name = _header_text(raw)
        if not name:
            continue
        headers.add(name)
        col = known.get(name)
        if col is None:
            warnings.append(f"工作表“{sheet}”的列“{name}”不在模板中，已忽略")
        elif col in position:
            problems.append(CellProblem(sheet, 1, name, None, "列名重复，每列只能出现一次"))
        else:
            position[col] = index
    for col in spec.columns:
        if col.required and col not in position:
            problems.append(CellProblem(sheet, None, col.header, None, "是必填列，表中缺少此列"))

    header_problems = bool(problems)
    profiles: list[P] = []
    row_numbers: list[int] = []
    first_row_of: dict[str, int] = {}
    id_column = spec.id_column
    data_rows = 0
    for row_number, values in enumerate(rows, start=2):
        if all(_is_blank(v) for v in values):
            continue
        data_rows += 1
        parsed: dict[Column, Any] = {}
        row_ok = True
        for col, index in position.items():
            raw = values[index] if index < len(values) else None
            if _is_blank(raw):
                if col.required:
                    problems.append(CellProblem(sheet, row_number, col.header, None, "不能为空"))
                    row_ok = False
                parsed[col] = col.default
                continue
            if isinstance(raw, str):
                raw = restore_text(raw.strip())
            try:
                parsed[col] = col.parse(raw)
            except CellValueError as error:
                shown = raw if isinstance(raw, str) else _shown(raw)
                problems.append(CellProblem(sheet, row_number, col.header, shown, error.expected))
                row_ok = False
        for col in spec.columns:
            if col not in position:
                parsed[col] = col.default
        key = parsed.get(id_column)
        if isinstance(key, str) and key:
            if key in first_row_of:
                problems.append(
                    CellProblem(
                        sheet,
                        row_number,
                        id_column.header,
                        key,
                        f"与第 {first_row_of[key]} 行重复，{id_column.header}必须唯一",
                    )
                )
                row_ok = False
            else:
                first_row_of[key] = row_number
        # Rows are built only under a sound header (all required columns, none
        # twice); the good rows of a sheet with bad rows are kept as ``partial``.
        if row_ok and not header_problems:
            profiles.append(spec.build(parsed))
            row_numbers.append(row_number)
    if data_rows == 0:
        problems.append(
            CellProblem(sheet, None, None, None, "没有数据行，请从第 2 行起每行填写一条记录")
        )
    result = ReadResult(
        rows=profiles, warnings=warnings, row_numbers=row_numbers, headers=frozenset(headers)
    )
    if problems:
        raise SpreadsheetError(problems, source=source, partial=None if header_problems else result)
    return result


def _shown(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)

"""A program's secondments (练兵安排) as an Excel workbook the department can print.

One sheet ``练兵安排``: a title row naming the program and the filter, the
column headings, one row a secondment (who, from where, to which unit and
post, the mentor and whether the department has confirmed it, the dates).
Text is formula-safe and rid of the control characters a sheet cannot hold
(a search typed into the page ends up in the title); dates are real dates.
The caller formats the lines.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lianbing.xlsx.cell_text import safe_cell
from lianbing.xlsx.printing import print_setup
from lianbing.xlsx.templates import header_cells

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

SHEET_TITLE: Final[str] = "练兵安排"
HEADERS: Final[tuple[str, ...]] = (
    "序号",
    "干部编号",
    "姓名",
    "原单位",
    "练兵单位",
    "岗位编号",
    "岗位名称",
    "导师",
    "导师职务",
    "导师状态",
    "开始日期",
    "结束日期",
    "期限（月）",
    "备注",
)
WIDTHS: Final[tuple[int, ...]] = (6, 10, 10, 18, 16, 10, 18, 10, 14, 10, 12, 12, 10, 30)
DATE_FORMAT: Final[str] = "yyyy-mm-dd"
#: Rows above the data: the title and the column headings (repeated on every printed page).
HEADER_ROWS: Final[tuple[int, int]] = (1, 2)


@dataclass(frozen=True, slots=True)
class SecondmentLine:
    """One secondment as the sheet shows it."""

    cadre_code: str
    cadre_name: str
    origin_unit: str
    host_unit: str
    post_code: str
    post_name: str
    mentor: str
    mentor_position: str
    mentor_state: str
    started_on: datetime.date
    ends_on: datetime.date
    duration_months: int
    note: str = ""


def secondments_workbook(
    lines: Iterable[SecondmentLine],
    *,
    program: str,
    scope: str = "",
    on: datetime.date | None = None,
) -> bytes:
    """The workbook of ``lines`` for ``program``; ``scope`` describes the filter ("" = all).

    ``on`` is the date printed in the page header (today by default).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    heading = _text(f"{program} · {SHEET_TITLE}" + (f"（{scope}）" if scope else ""))
    print_setup(sheet, title=heading, columns=len(HEADERS), header_rows=HEADER_ROWS, on=on)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    title = WriteOnlyCell(sheet, value=_cell(heading))
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    sheet.append(header_cells(sheet, HEADERS))
    for number, line in enumerate(lines, start=1):
        sheet.append(
            [
                number,
                *(
                    _cell(text)
                    for text in (
                        line.cadre_code,
                        line.cadre_name,
                        line.origin_unit,
                        line.host_unit,
                        line.post_code,
                        line.post_name,
                        line.mentor,
                        line.mentor_position,
                        line.mentor_state,
                    )
                ),
                _date(sheet, line.started_on),
                _date(sheet, line.ends_on),
                line.duration_months,
                _cell(line.note),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value: str) -> str:
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def _cell(value: str) -> object:
    return safe_cell(_text(value))


def _date(sheet: WriteOnlyWorksheet, day: datetime.date) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=day)
    cell.number_format = DATE_FORMAT
    return cell

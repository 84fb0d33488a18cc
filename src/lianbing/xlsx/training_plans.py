"""The training plans of a program (练兵计划汇总) as a workbook the department prints.

Two sheets: 练兵计划, one row per secondment (the plan version shown, its
status and how far its milestones are), and 练兵节点, one row per milestone of
that version. The rows come in as plain values; nothing here reads a database.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from lianbing.xlsx.cell_text import safe_cell
from lianbing.xlsx.printing import print_setup

PLANS_SHEET: Final[str] = "练兵计划"
MILESTONES_SHEET: Final[str] = "练兵节点"

PLAN_HEADERS: Final[tuple[str, ...]] = (
    "干部",
    "原单位",
    "练兵单位",
    "岗位",
    "导师",
    "起止日期",
    "计划版本",
    "状态",
    "批准日期",
    "目标数",
    "节点数",
    "已完成节点",
    "逾期节点",
)
MILESTONE_HEADERS: Final[tuple[str, ...]] = (
    "干部",
    "练兵单位",
    "岗位",
    "计划版本",
    "序号",
    "完成时限",
    "节点",
    "内容",
    "完成日期",
    "状态",
)
_DATE_FORMAT: Final[str] = "yyyy-mm-dd"


@dataclass(frozen=True)
class PlanRow:
    """One secondment and the plan version shown for it (``version`` None: no plan yet)."""

    cadre: str
    origin_unit: str
    host_unit: str
    post: str
    mentor: str
    started_on: datetime.date
    ended_on: datetime.date
    version: int | None
    status: str
    approved_on: datetime.date | None
    goals: int
    milestones: int
    done: int
    late: int


@dataclass(frozen=True)
class MilestoneRow:
    """One milestone of a shown plan version, with its state's label (已完成, 已逾期, ...)."""

    cadre: str
    host_unit: str
    post: str
    version: int
    number: int
    due_on: datetime.date
    title: str
    detail: str
    done_on: datetime.date | None
    status: str


def _version(number: int | None) -> str:
    return f"第{number}版" if number is not None else ""


def _sheet(
    book: Workbook,
    name: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    title: str,
    on: datetime.date,
    widths: Sequence[int],
) -> Worksheet:
    sheet = book.create_sheet(name)
    print_setup(sheet, title=f"{title} · {name}", columns=len(headers), landscape=True, on=on)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    for column, width in zip(sheet.iter_cols(min_row=1, max_row=1), widths, strict=True):
        letter = column[0].column_letter
        sheet.column_dimensions[letter].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, datetime.date):
                cell.number_format = _DATE_FORMAT
            cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str))
    sheet.freeze_panes = "A2"
    return sheet


def training_plans_workbook(
    *,
    title: str,
    plans: Sequence[PlanRow],
    milestones: Sequence[MilestoneRow],
    on: datetime.date,
) -> bytes:
    """The workbook's bytes: sheets 练兵计划 and 练兵节点, set up for A4 landscape.

    ``title`` (the program) heads every printed page with the date ``on``. Text
    is formula-safe (:func:`~lianbing.xlsx.cell_text.safe_cell`); dates are dates.
    """
    book = Workbook()
    book.remove(book.worksheets[0])
    _sheet(
        book,
        PLANS_SHEET,
        PLAN_HEADERS,
        [
            [
                p.cadre,
                p.origin_unit,
                p.host_unit,
                p.post,
                p.mentor,
                f"{p.started_on.isoformat()} 至 {p.ended_on.isoformat()}",
                _version(p.version),
                p.status,
                p.approved_on,
                p.goals,
                p.milestones,
                p.done,
                p.late,
            ]
            for p in plans
        ],
        title=title,
        on=on,
        widths=(10, 18, 16, 18, 10, 24, 9, 12, 12, 7, 7, 10, 9),
    )
    _sheet(
        book,
        MILESTONES_SHEET,
        MILESTONE_HEADERS,
        [
            [
                m.cadre,
                m.host_unit,
                m.post,
                _version(m.version),
                m.number,
                m.due_on,
                m.title,
                m.detail,
                m.done_on,
                m.status,
            ]
            for m in milestones
        ],
        title=title,
        on=on,
        widths=(10, 16, 18, 9, 6, 12, 24, 40, 12, 10),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

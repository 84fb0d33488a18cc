"""A series of empowerment activities (赋能活动) and its results as an Excel workbook.

Sheet ``汇总`` first: one row a participant of any activity of the series,
their result (0-100) in each activity, the mean over the activities they were
scored in and how many that is. Then one sheet an activity: a title row, the
activity's facts (kind, date, place, status, topic, scale, reliability), the
column headings and one row a participant: group, the mean score per tested
ability on the activity's scale, the total, the same on 0-100, the rank and
the number of assessors. Text is formula-safe; numbers are numbers, blank
where there is no score. The caller computes every figure.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Sequence
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

SUMMARY_TITLE: Final[str] = "汇总"
SUMMARY_HEADERS: Final[tuple[str, ...]] = ("序号", "姓名", "原单位", "练兵单位")
SUMMARY_TAIL: Final[tuple[str, ...]] = ("平均成绩（0–100）", "参加评分活动数")
ACTIVITY_HEADERS: Final[tuple[str, ...]] = ("名次", "姓名", "原单位", "练兵单位", "小组")
ACTIVITY_TAIL: Final[tuple[str, ...]] = ("总分", "折算成绩（0–100）", "评分人数")
#: Rows of an activity sheet above the headings: title, facts (6 rows), a blank row.
FACT_ROWS: Final[int] = 6
NUMBER_FORMAT: Final[str] = "0.00"
DATE_FORMAT: Final[str] = "yyyy-mm-dd"
#: Characters Excel refuses in a sheet name, and its length limit.
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31


@dataclass(frozen=True, slots=True)
class ParticipantLine:
    """One participant's result in one activity."""

    name: str
    origin_unit: str
    host_unit: str
    group: str
    means: tuple[float | None, ...]
    total: float | None
    percent: float | None
    rank: int | None
    assessors: int


@dataclass(frozen=True, slots=True)
class ActivitySheet:
    """One activity and its results, participants best first."""

    title: str
    kind: str
    held_on: datetime.date
    place: str
    status: str
    topic: str
    scale: str
    abilities: tuple[str, ...]
    reliability: str
    lines: tuple[ParticipantLine, ...]


@dataclass(frozen=True, slots=True)
class PersonLine:
    """One participant over the series: 0-100 per activity (``None`` = not scored there)."""

    name: str
    origin_unit: str
    host_unit: str
    percents: tuple[float | None, ...]

    @property
    def scored(self) -> tuple[float, ...]:
        return tuple(p for p in self.percents if p is not None)

    @property
    def mean(self) -> float | None:
        scored = self.scored
        return sum(scored) / len(scored) if scored else None


def sheet_names(titles: Sequence[str]) -> list[str]:
    """A valid, unique sheet name per activity: "1 标题", cut to Excel's 31 characters."""
    names: list[str] = []
    taken = {SUMMARY_TITLE}
    for number, title in enumerate(titles, start=1):
        base = _SHEET_UNSAFE.sub("_", _text(f"{number} {title}")).strip("'") or str(number)
        name = base[:_SHEET_MAX]
        suffix = 2
        while name in taken:
            tail = f"~{suffix}"
            name = base[: _SHEET_MAX - len(tail)] + tail
            suffix += 1
        taken.add(name)
        names.append(name)
    return names


def series_workbook(
    sheets: Sequence[ActivitySheet],
    people: Sequence[PersonLine],
    *,
    program: str,
    series: str,
    on: datetime.date | None = None,
) -> bytes:
    """The workbook of a series: the summary, then one sheet per activity in ``sheets`` order.

    ``people[i].percents`` has one entry per activity of ``sheets``. ``on`` is
    the date printed in the page header (today by default).
    """
    workbook = Workbook(write_only=True)
    names = sheet_names([s.title for s in sheets])
    _summary(workbook, sheets, people, names, heading=f"{program} · {series} · 成绩汇总", on=on)
    for sheet_data, name in zip(sheets, names, strict=True):
        _activity(workbook, sheet_data, name, heading=f"{series} · {sheet_data.title}", on=on)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary(
    workbook: Workbook,
    sheets: Sequence[ActivitySheet],
    people: Sequence[PersonLine],
    names: Sequence[str],
    *,
    heading: str,
    on: datetime.date | None,
) -> None:
    sheet = workbook.create_sheet(SUMMARY_TITLE)
    headers = (*SUMMARY_HEADERS, *names, *SUMMARY_TAIL)
    print_setup(sheet, title=_text(heading), columns=len(headers), header_rows=(1, 2), on=on)
    for index, width in enumerate((6, 10, 18, 16, *([14] * len(names)), 16, 14), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "E3"
    sheet.append([_title(sheet, heading)])
    sheet.append(header_cells(sheet, headers))
    for number, person in enumerate(people, start=1):
        mean = person.mean
        sheet.append(
            [
                number,
                _cell(person.name),
                _cell(person.origin_unit),
                _cell(person.host_unit),
                *(_number(sheet, p) for p in person.percents),
                _number(sheet, mean),
                len(person.scored),
            ]
        )


def _activity(
    workbook: Workbook,
    data: ActivitySheet,
    name: str,
    *,
    heading: str,
    on: datetime.date | None,
) -> None:
    sheet = workbook.create_sheet(name)
    headers = (*ACTIVITY_HEADERS, *data.abilities, *ACTIVITY_TAIL)
    first_heading_row = 2 + FACT_ROWS + 1
    print_setup(
        sheet,
        title=_text(heading),
        columns=len(headers),
        header_rows=(first_heading_row, first_heading_row),
        on=on,
    )
    for index, width in enumerate(
        (6, 10, 18, 16, 8, *([12] * len(data.abilities)), 8, 14, 8), start=1
    ):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append([_title(sheet, heading)])
    date_cell = WriteOnlyCell(sheet, value=data.held_on)
    date_cell.number_format = DATE_FORMAT
    facts: list[tuple[str, object]] = [
        ("活动类型", _cell(data.kind)),
        ("活动日期", date_cell),
        ("地点", _cell(data.place)),
        ("状态", _cell(data.status)),
        ("题目", _cell(data.topic)),
        ("评分量程 / 信度", _cell(f"{data.scale}；{data.reliability}")),
    ]
    for label, value in facts:
        sheet.append([_cell(label), value])
    sheet.append([])
    sheet.append(header_cells(sheet, headers))
    for line in data.lines:
        sheet.append(
            [
                line.rank if line.rank else None,
                _cell(line.name),
                _cell(line.origin_unit),
                _cell(line.host_unit),
                _cell(line.group),
                *(_number(sheet, m) for m in line.means),
                _number(sheet, line.total),
                _number(sheet, line.percent),
                line.assessors,
            ]
        )


def _text(value: str) -> str:
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def _cell(value: str) -> object:
    return safe_cell(_text(value))


def _title(sheet: WriteOnlyWorksheet, heading: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=_cell(heading))
    cell.font = Font(bold=True, size=14)
    return cell


def _number(sheet: WriteOnlyWorksheet, value: float | None) -> WriteOnlyCell | None:
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=round(value, 4))
    cell.number_format = NUMBER_FORMAT
    return cell

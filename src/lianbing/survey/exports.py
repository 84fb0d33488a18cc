"""The gap analysis as an Excel workbook the department can print and forward."""

from __future__ import annotations

import io
import math

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from lianbing.xlsx.cell_text import safe_cell
from lianbing.xlsx.printing import print_setup

from .selectors import GapReport


def _sheet(
    book: Workbook, title: str, header: list[str], rows: list[list[object]], *, heading: str
) -> Worksheet:
    sheet = book.create_sheet(title)
    print_setup(sheet, title=f"{heading} · {title}", columns=len(header))
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(8, 2 * width), 60)
    return sheet


def _percent(value: float) -> object:
    return None if math.isnan(value) else round(100 * value, 1)


def gap_workbook(report: GapReport) -> bytes:
    """Four sheets: 缺口热力表, 未满足需求, 专长缺口, 需求明细. Text is formula-safe."""
    analysis = report.analysis
    book = Workbook()
    book.remove(book.worksheets[0])
    labels = [t.label for t in report.categories]
    heading = str(report.survey_round)
    _sheet(
        book,
        "缺口热力表",
        ["用人单位", *[f"{label}缺口指数（%）" for label in labels], "需求名额", "未满足名额"],
        [
            [
                unit.name,
                *[_percent(cell.gap) for cell in cells],
                sum(c.demand for c in cells),
                sum(c.unmet for c in cells),
            ]
            for unit, cells in report.rows()
        ],
        heading=heading,
    )
    _sheet(
        book,
        "未满足需求",
        [
            "序号",
            "用人单位",
            "岗位名称",
            "类别",
            "紧迫程度",
            "需求名额",
            "本单位现有",
            "干部库可补",
            "未满足",
            "缺口指数（%）",
            "原因",
            "专长标签",
            "重点任务",
        ],
        [
            [
                rank,
                demand.unit.name,
                demand.title,
                demand.get_category_display(),
                demand.get_priority_display(),
                g.need.seats,
                g.own,
                g.pool,
                g.unmet,
                _percent(g.gap),
                g.reason_text,
                demand.tags,
                demand.key_task,
            ]
            for rank, (g, demand) in enumerate(report.unmet(), start=1)
        ],
        heading=heading,
    )
    _sheet(
        book,
        "专长缺口",
        [
            "用人单位",
            "专长",
            "需求名额",
            "本单位现有",
            "干部库可补",
            "未满足",
            "缺口指数（%）",
            "可胜任干部数",
        ],
        [
            [c.unit, c.label, c.demand, c.own, c.pool, c.unmet, _percent(c.gap), c.candidates]
            for c in analysis.by_tag
        ],
        heading=heading,
    )
    _sheet(
        book,
        "需求明细",
        [
            "用人单位",
            "岗位名称",
            "类别",
            "名额",
            "本单位现有",
            "干部库可补",
            "未满足",
            "可胜任干部数",
            "状态",
        ],
        [
            [
                report.demands[g.need.id].unit.name,
                g.need.title,
                report.demands[g.need.id].get_category_display(),
                g.need.seats,
                g.own,
                g.pool,
                g.unmet,
                g.candidates,
                report.demands[g.need.id].get_status_display(),
            ]
            for g in analysis.needs
        ],
        heading=heading,
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

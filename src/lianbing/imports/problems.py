"""The problems of a rejected import: as stored on its job, and as a workbook to work through."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from lianbing.xlsx.cell_text import safe_cell
from lianbing.xlsx.printing import print_setup
from lianbing.xlsx.problems import CellProblem

from .models import ImportJob


def problem_dicts(problems: Iterable[CellProblem]) -> list[dict[str, Any]]:
    """The problems as the job keeps them (JSON): sheet, row, column, value, expected, text."""
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


def import_problems_workbook(job: ImportJob) -> bytes:
    """The problems (and warnings) of a job as a workbook the department can work through."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("问题清单")
    # Six columns, but the last is wide: landscape.
    print_setup(sheet, title=f"{job} · {sheet.title}", columns=6, landscape=True)
    sheet.append([_("序号"), _("工作表"), _("行"), _("列"), _("值"), _("问题与修改办法")])
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
        notes = workbook.create_sheet(_("提示"))
        print_setup(notes, title=f"{job} · {notes.title}", columns=1)
        notes.append([_("提示（不影响导入）")])
        for text in job.warnings:
            notes.append([safe_cell(text)])
        notes.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

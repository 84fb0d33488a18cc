"""Workbooks in the import layout: blank templates and filled sheets.

``write_template`` gives the department a blank sheet to fill in: a bold,
frozen header row, column widths, drop-down lists for the fixed vocabularies,
number validation for the scores and durations, and an instructions sheet
``填写说明`` describing every column with an example. Examples live only on the
instructions sheet so that they can never be imported by accident.

``write_cadres`` / ``write_posts`` / ``write_mentors`` write profiles in the same layout (the
benchmark and the demo export use them); reading such a file gives back equal
profiles.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from lianbing.engine.mentor_profiles import MentorProfile
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.xlsx.cell_text import safe_cell
from lianbing.xlsx.columns import CADRES, MENTORS, POSTS, Column, SheetSpec, sheet_spec
from lianbing.xlsx.printing import print_setup
from lianbing.xlsx.saving import save_workbook

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

P = TypeVar("P", CadreProfile, PostProfile, MentorProfile)

INSTRUCTIONS_TITLE: Final[str] = "填写说明"
#: Excel's last row; validations cover the whole column below the header.
LAST_ROW: Final[int] = 1_048_576

HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT: Final = Font(bold=True)
REQUIRED_FONT: Final = Font(bold=True, color="C00000")


def write_template(kind: str, path: Path | str) -> Path:
    """Write the blank import template for ``kind`` (``cadres``, ``posts`` or ``mentors``) to ``path``.

    Returns the path written. ``ValueError`` (Chinese message) for another kind.
    """
    spec = sheet_spec(kind)
    return _write(spec, (), path)


def write_cadres(profiles: Iterable[CadreProfile], path: Path | str) -> Path:
    """Write cadre profiles as a filled ``干部`` sheet (template layout) to ``path``."""
    return _write(CADRES, profiles, path)


def write_posts(profiles: Iterable[PostProfile], path: Path | str) -> Path:
    """Write post profiles as a filled ``岗位`` sheet (template layout) to ``path``."""
    return _write(POSTS, profiles, path)


def write_mentors(profiles: Iterable[MentorProfile], path: Path | str) -> Path:
    """Write mentor profiles as a filled ``导师`` sheet (template layout) to ``path``."""
    return _write(MENTORS, profiles, path)


def _write(spec: SheetSpec[P], profiles: Iterable[P], path: Path | str) -> Path:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.title)
    print_setup(sheet, title=spec.title, columns=len(spec.columns))
    _prepare_data_sheet(sheet, spec)
    for profile in profiles:
        sheet.append([safe_cell(value) for value in spec.cells(profile)])
    _write_instructions(workbook.create_sheet(INSTRUCTIONS_TITLE), spec)
    return save_workbook(workbook, path)


def header_cells(sheet: WriteOnlyWorksheet, headers: Iterable[str]) -> list[WriteOnlyCell]:
    """Bold, shaded header cells for a write-only sheet (shared by every writer)."""
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=safe_cell(header))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cells.append(cell)
    return cells


def _prepare_data_sheet(sheet: WriteOnlyWorksheet, spec: SheetSpec[Any]) -> None:
    sheet.freeze_panes = "A2"
    for index, col in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(
            col.width, 2 * len(col.header) + 2
        )
        validation = _validation(col)
        if validation is not None:
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.data_validations.append(validation)
    cells = header_cells(sheet, (col.header for col in spec.columns))
    for cell, col in zip(cells, spec.columns, strict=True):
        if col.required:
            cell.font = REQUIRED_FONT
    sheet.append(cells)


def _validation(col: Column) -> DataValidation | None:
    if col.choices:
        validation = DataValidation(
            type="list", formula1='"' + ",".join(col.choices) + '"', allow_blank=True
        )
    elif col.minimum is not None:
        kind = "whole" if col.whole else "decimal"
        if col.maximum is not None:
            validation = DataValidation(
                type=kind,
                operator="between",
                formula1=_formula_number(col.minimum),
                formula2=_formula_number(col.maximum),
                allow_blank=True,
            )
        else:
            validation = DataValidation(
                type=kind,
                operator="greaterThanOrEqual",
                formula1=_formula_number(col.minimum),
                allow_blank=True,
            )
    else:
        return None
    validation.showErrorMessage = True
    validation.showInputMessage = True
    validation.errorTitle = f"“{col.header}”填写有误"
    validation.error = f"{col.header}应为：{col.allowed}"
    validation.promptTitle = col.header
    validation.prompt = f"{col.format}：{col.allowed}"[:255]
    return validation


def _formula_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _write_instructions(sheet: WriteOnlyWorksheet, spec: SheetSpec[Any]) -> None:
    widths = (14, 8, 40, 26, 36, 30)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    title = WriteOnlyCell(sheet, value=f"“{spec.title}”工作表填写说明")
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    notes = (
        f"1. 在工作表“{spec.title}”中填写，第 1 行为列名，请勿修改、删除或调换列名；"
        f"从第 2 行起每行填写一个{spec.noun}。",
        "2. 红色列名为必填列，每行都必须填写；其他列可以留空。",
        "3. 带下拉箭头的列请从列表中选择；多个值之间用中文分号“；”分隔。",
        "4. 下表“示例”一列仅作填写参考，不会被导入。",
    )
    for note in notes:
        sheet.append([note])
    sheet.append([])
    sheet.append(header_cells(sheet, ("列名", "是否必填", "含义", "格式", "可选值/范围", "示例")))
    for col in spec.columns:
        row = [
            col.header,
            "必填" if col.required else "选填",
            col.meaning,
            col.format,
            col.allowed,
            col.example,
        ]
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=safe_cell(value))
            cell.alignment = wrap
            cells.append(cell)
        if col.required:
            cells[0].font = REQUIRED_FONT
        sheet.append(cells)

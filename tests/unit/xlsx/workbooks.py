"""Building input workbooks for the spreadsheet tests, as a user would fill them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook

from lianbing.engine import taxonomy
from lianbing.xlsx.columns import sheet_spec
from lianbing.xlsx.templates import write_template

ABILITY_SCORES = (80, 75, 70, 65, 60, 55, 85)
ABILITIES_OK = dict(zip(taxonomy.ABILITY_LABELS, ABILITY_SCORES, strict=True))
CONSTRUCTION = taxonomy.category("construction").label


def cadre_row(**overrides: Any) -> dict[str, Any]:
    """A valid 干部 row keyed by header; keyword overrides use the header as key."""
    row: dict[str, Any] = {"编号": "C1", "姓名": "孙杰", "现单位": "市建设局", **ABILITIES_OK}
    row.update(overrides)
    return row


def post_row(**overrides: Any) -> dict[str, Any]:
    """A valid 岗位 row keyed by header."""
    row: dict[str, Any] = {
        "岗位编号": "P1",
        "岗位名称": "美丽城镇项目建设岗",
        "单位": "新仓镇",
        "类别": CONSTRUCTION,
    }
    row.update(overrides)
    return row


def mentor_row(**overrides: Any) -> dict[str, Any]:
    """A valid 导师 row keyed by header."""
    row: dict[str, Any] = {"导师编号": "M1", "姓名": "李俊", "单位": "新仓镇"}
    row.update(overrides)
    return row


def fill_template(kind: str, path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """Write the template for ``kind`` and fill ``rows`` (header -> value) into its data sheet."""
    write_template(kind, path)
    spec = sheet_spec(kind)
    workbook = load_workbook(path)
    sheet = workbook[spec.title]
    headers = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(str(h)) for h in headers])
    workbook.save(path)
    return path


def raw_sheet(
    path: Path, title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]] = ()
) -> Path:
    """A workbook with one sheet laid out freely (for missing or extra columns)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path

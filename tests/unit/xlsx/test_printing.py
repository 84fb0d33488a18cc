"""Exported sheets print on A4 one page wide, with headings, a title and page numbers."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from lianbing.xlsx.printing import print_setup
from lianbing.xlsx.saving import save_workbook


@pytest.mark.parametrize("write_only", [False, True])
def test_a_wide_sheet_prints_landscape_one_page_wide_with_title_headings_and_page_numbers(
    tmp_path: Path, write_only: bool
) -> None:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("平衡表")
    print_setup(
        sheet,
        title="2026 年百岗大练兵 · 方案 #1 · 平衡表",
        columns=12,
        header_rows=(1, 2),
        on=datetime.date(2026, 3, 1),
    )
    sheet.append(["说明"])
    sheet.append([f"列{k}" for k in range(12)])
    for n in range(200):
        sheet.append([n] * 12)

    saved = openpyxl.load_workbook(save_workbook(book, tmp_path / "book.xlsx"))

    printed = saved["平衡表"]
    assert printed.page_setup.orientation == "landscape"
    assert printed.page_setup.paperSize == 9  # A4
    assert printed.sheet_properties.pageSetUpPr.fitToPage
    assert printed.page_setup.fitToWidth == 1
    assert printed.page_setup.fitToHeight == 0
    assert printed.print_title_rows == "$1:$2"
    assert printed.oddHeader.center.text == "2026 年百岗大练兵 · 方案 #1 · 平衡表"
    assert printed.oddHeader.right.text == "2026-03-01"
    assert "&P" in printed.oddFooter.center.text
    assert "&N" in printed.oddFooter.center.text


def test_a_narrow_sheet_prints_upright() -> None:
    sheet = Workbook().active

    print_setup(sheet, title="审计日志", columns=4)

    assert sheet.page_setup.orientation == "portrait"


def test_an_ampersand_in_the_title_is_printed_not_read_as_a_field_code() -> None:
    sheet = Workbook().active

    print_setup(sheet, title="研究&决定", columns=4)

    assert sheet.oddHeader.center.text == "研究&&决定"


def test_a_sheet_of_few_but_wide_columns_can_be_asked_to_print_landscape() -> None:
    sheet = Workbook().active

    print_setup(sheet, title="问题清单", columns=6, landscape=True)

    assert sheet.page_setup.orientation == "landscape"

"""The run workbook and the cadre and post lists carry the print setup on every sheet."""

from __future__ import annotations

import datetime
from pathlib import Path

from openpyxl import load_workbook

from lianbing.demodata.generator import generate
from lianbing.engine.pipeline import run
from lianbing.xlsx.match_report import DecisionLine, SecondmentLine, write_match_workbook
from lianbing.xlsx.templates import write_cadres, write_posts


def test_every_sheet_of_the_run_workbook_prints_one_page_wide_under_the_run_title(
    tmp_path: Path,
) -> None:
    program = generate(seed=3, n_cadres=12, n_posts=8)
    result = run(program.cadres, program.posts)
    decision = DecisionLine(
        "指定配置", "C1", "甲", "P1", "岗", "镇", "理由", "干部科", "2026-03-01"
    )
    secondment = SecondmentLine("C1", "甲", "P1", "岗", "镇", "乙", datetime.date(2026, 3, 1), 12)

    path = write_match_workbook(
        result,
        tmp_path / "run.xlsx",
        decisions=[decision],
        secondments=[secondment],
        title="2026 年百岗大练兵 · 方案 #1",
    )

    book = load_workbook(path)
    assert len(book.worksheets) == 6
    for sheet in book.worksheets:
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.page_setup.fitToWidth == 1, sheet.title
        assert sheet.print_title_rows, sheet.title
        assert sheet.oddHeader.center.text == f"2026 年百岗大练兵 · 方案 #1 · {sheet.title}"
        assert "&P" in sheet.oddFooter.center.text
    assert book["干部选配平衡表"].page_setup.orientation == "landscape"
    assert book["评分明细"].print_title_rows == "$1:$2"


def test_the_cadre_and_post_lists_print_landscape_with_their_headings_on_every_page(
    tmp_path: Path,
) -> None:
    program = generate(seed=3, n_cadres=4, n_posts=3)

    for path in (
        write_cadres(program.cadres, tmp_path / "cadres.xlsx"),
        write_posts(program.posts, tmp_path / "posts.xlsx"),
    ):
        sheet = load_workbook(path).worksheets[0]
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage

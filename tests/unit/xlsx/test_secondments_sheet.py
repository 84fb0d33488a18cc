"""The 练兵安排 workbook: one row a secondment, formula-safe text, real dates, ready to print."""

from __future__ import annotations

import datetime
import io

from openpyxl import load_workbook

from lianbing.xlsx.secondments import HEADERS, SHEET_TITLE, SecondmentLine, secondments_workbook


def _line(**changes: object) -> SecondmentLine:
    values: dict[str, object] = {
        "cadre_code": "C001",
        "cadre_name": "孙杰",
        "origin_unit": "市发改委",
        "host_unit": "新仓镇",
        "post_code": "P001",
        "post_name": "招商引资岗",
        "mentor": "李俊",
        "mentor_position": "副镇长",
        "mentor_state": "已确认",
        "started_on": datetime.date(2026, 3, 1),
        "ends_on": datetime.date(2027, 2, 28),
        "duration_months": 12,
    }
    values.update(changes)
    return SecondmentLine(**values)  # type: ignore[arg-type]


def _read(content: bytes) -> list[tuple[object, ...]]:
    return list(load_workbook(io.BytesIO(content))[SHEET_TITLE].iter_rows(values_only=True))


def test_each_secondment_is_a_numbered_row_under_the_title_and_the_headings() -> None:
    content = secondments_workbook(
        [
            _line(),
            _line(
                cadre_code="C002",
                cadre_name="王楠楠",
                mentor="",
                mentor_position="",
                mentor_state="导师待定",
            ),
        ],
        program="2026年度百岗大练兵",
        scope="新仓镇",
        on=datetime.date(2026, 5, 15),
    )

    rows = _read(content)

    assert rows[0][0] == "2026年度百岗大练兵 · 练兵安排（新仓镇）"
    assert rows[1] == HEADERS
    assert rows[2][:3] == (1, "C001", "孙杰")
    assert rows[2][10:13] == (datetime.datetime(2026, 3, 1), datetime.datetime(2027, 2, 28), 12)
    assert rows[3][:3] == (2, "C002", "王楠楠")
    assert rows[3][7:10] == (None, None, "导师待定")


def test_text_that_looks_like_a_formula_stays_text() -> None:
    content = secondments_workbook(
        [_line(cadre_name="=1+1", note="@SUM(A1)")], program="=批次", on=datetime.date(2026, 5, 15)
    )

    rows = _read(content)

    assert rows[0][0] == "'=批次 · 练兵安排"
    assert rows[2][2] == "'=1+1"
    assert rows[2][13] == "'@SUM(A1)"


def test_the_sheet_prints_landscape_one_page_wide_with_title_and_headings_repeated() -> None:
    content = secondments_workbook([_line()], program="批次", on=datetime.date(2026, 5, 15))

    sheet = load_workbook(io.BytesIO(content))[SHEET_TITLE]

    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.oddHeader.right.text == "2026-05-15"
    assert sheet.freeze_panes == "A3"


def test_control_characters_of_a_search_are_left_out_of_the_title() -> None:
    content = secondments_workbook(
        [_line(note="备注\x07")],
        program="批次",
        scope="搜索“孙\x00杰\x1b”",
        on=datetime.date(2026, 5, 15),
    )

    rows = _read(content)

    assert rows[0][0] == "批次 · 练兵安排（搜索“孙杰”）"
    assert rows[2][13] == "备注"

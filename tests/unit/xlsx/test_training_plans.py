"""The workbook of a program's training plans: two sheets, plain rows in, ready to print."""

from __future__ import annotations

import datetime
import io

from openpyxl import load_workbook

from lianbing.xlsx.training_plans import (
    MILESTONE_HEADERS,
    PLAN_HEADERS,
    MilestoneRow,
    PlanRow,
    training_plans_workbook,
)

MARCH = datetime.date(2026, 3, 1)


def _plan(**changes: object) -> PlanRow:
    values: dict[str, object] = {
        "cadre": "孙杰",
        "origin_unit": "市发改局",
        "host_unit": "新仓镇",
        "post": "城镇建设岗",
        "mentor": "李俊",
        "started_on": MARCH,
        "ended_on": datetime.date(2027, 2, 28),
        "version": 2,
        "status": "已批准",
        "approved_on": datetime.date(2026, 3, 20),
        "goals": 5,
        "milestones": 12,
        "done": 2,
        "late": 1,
    }
    values.update(changes)
    return PlanRow(**values)  # type: ignore[arg-type]


def _milestone(number: int, **changes: object) -> MilestoneRow:
    values: dict[str, object] = {
        "cadre": "孙杰",
        "host_unit": "新仓镇",
        "post": "城镇建设岗",
        "version": 2,
        "number": number,
        "due_on": datetime.date(2026, 3, 31),
        "title": "熟悉镇情",
        "detail": "走访 12 个村（社区）",
        "done_on": datetime.date(2026, 3, 28),
        "status": "已完成",
    }
    values.update(changes)
    return MilestoneRow(**values)  # type: ignore[arg-type]


def _book(plans: list[PlanRow], milestones: list[MilestoneRow]):  # type: ignore[no-untyped-def]
    data = training_plans_workbook(
        title="2026 年百岗大练兵",
        plans=plans,
        milestones=milestones,
        on=datetime.date(2026, 5, 15),
    )
    return load_workbook(io.BytesIO(data))


def test_one_row_per_secondment_and_one_per_milestone_under_the_chinese_headings() -> None:
    plans = [_plan(), _plan(cadre="王楠楠", version=None, status="未制订", approved_on=None)]
    milestones = [_milestone(1), _milestone(2, done_on=None, status="已逾期")]

    book = _book(plans, milestones)

    assert book.sheetnames == ["练兵计划", "练兵节点"]
    rows = list(book["练兵计划"].iter_rows(values_only=True))
    assert rows[0] == PLAN_HEADERS
    assert rows[1][:8] == (
        "孙杰",
        "市发改局",
        "新仓镇",
        "城镇建设岗",
        "李俊",
        "2026-03-01 至 2027-02-28",
        "第2版",
        "已批准",
    )
    assert rows[1][8].date() == datetime.date(2026, 3, 20)
    assert rows[1][9:] == (5, 12, 2, 1)
    assert rows[2][6:9] == (None, "未制订", None)
    steps = list(book["练兵节点"].iter_rows(values_only=True))
    assert steps[0] == MILESTONE_HEADERS
    assert [s[4] for s in steps[1:]] == [1, 2]
    assert steps[2][8:] == (None, "已逾期")


def test_every_sheet_prints_landscape_one_page_wide_with_its_headings_title_and_page_numbers() -> (
    None
):
    book = _book([_plan()], [_milestone(1)])

    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.oddHeader.center.text == f"2026 年百岗大练兵 · {sheet.title}"
        assert sheet.oddHeader.right.text == "2026-05-15"
        assert "&P" in sheet.oddFooter.center.text


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    book = _book([_plan(cadre="=HYPERLINK(1)")], [_milestone(1, title="+1")])

    assert book["练兵计划"]["A2"].value == "'=HYPERLINK(1)"
    assert book["练兵计划"]["A2"].data_type == "s"
    assert book["练兵节点"]["G2"].value == "'+1"


def test_an_empty_program_still_gives_both_sheets_with_their_headings() -> None:
    book = _book([], [])

    assert [list(s.iter_rows(values_only=True)) for s in book.worksheets] == [
        [PLAN_HEADERS],
        [MILESTONE_HEADERS],
    ]

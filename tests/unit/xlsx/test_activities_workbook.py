"""The series results workbook, read back with openpyxl."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from lianbing.xlsx.activities import (
    ActivitySheet,
    ParticipantLine,
    PersonLine,
    series_workbook,
    sheet_names,
)


def _sheet(title: str, lines: tuple[ParticipantLine, ...] = ()) -> ActivitySheet:
    return ActivitySheet(
        title=title,
        kind="破难比拼赛",
        held_on=datetime.date(2026, 7, 10),
        place="市委党校",
        status="已结束",
        topic='=HYPERLINK("http://x")',
        scale="1–5 分",
        abilities=("科学决策能力", "改革攻坚能力"),
        reliability="信度：无法计算",
        lines=lines,
    )


def _line(name: str, rank: int | None, total: float | None) -> ParticipantLine:
    return ParticipantLine(
        name=name,
        origin_unit="市发改委",
        host_unit="新仓镇",
        group="第 1 组",
        means=(total, None),
        total=total,
        percent=None if total is None else (total - 1) * 25,
        rank=rank,
        assessors=2 if total is not None else 0,
    )


def test_sheet_names_are_unique_short_and_free_of_forbidden_characters() -> None:
    names = sheet_names(["讨论：强村/富民?", "讨论：强村/富民?", "汇总", "很" * 40])

    assert len(set(names)) == 4
    assert all(len(n) <= 31 for n in names)
    assert all(not set(n) & set("[]:*?/\\") for n in names)
    assert "汇总" not in names


def test_the_workbook_has_a_summary_and_one_sheet_per_activity_with_real_numbers() -> None:
    sheets = [
        _sheet("论坛", (_line("孙杰", 1, 4.5), _line("王楠楠", None, None))),
        _sheet("讨论", (_line("孙杰", 1, 3.0),)),
    ]
    people = [
        PersonLine(name="孙杰", origin_unit="市发改委", host_unit="新仓镇", percents=(87.5, 50.0)),
        PersonLine(
            name="王楠楠", origin_unit="市财政局", host_unit="曹桥街道", percents=(None, None)
        ),
    ]

    content = series_workbook(
        sheets, people, program="2026 年练兵", series="第一期", on=datetime.date(2026, 9, 1)
    )

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["汇总", "1 论坛", "2 讨论"]
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[0][0] == "2026 年练兵 · 第一期 · 成绩汇总"
    assert summary[1] == (
        "序号",
        "姓名",
        "原单位",
        "练兵单位",
        "1 论坛",
        "2 讨论",
        "平均成绩（0–100）",
        "参加评分活动数",
    )
    assert summary[2] == (1, "孙杰", "市发改委", "新仓镇", 87.5, 50.0, pytest.approx(68.75), 2)
    assert summary[3] == (2, "王楠楠", "市财政局", "曹桥街道", None, None, None, 0)
    forum = workbook["1 论坛"]
    assert forum["B3"].value == datetime.datetime(2026, 7, 10)
    # A topic that looks like a formula stays text.
    assert forum["B6"].value.startswith("'=")
    rows = list(forum.iter_rows(min_row=9, values_only=True))
    assert rows[0] == (
        "名次", "姓名", "原单位", "练兵单位", "小组", "科学决策能力", "改革攻坚能力",
        "总分", "折算成绩（0–100）", "评分人数",
    )  # fmt: skip
    assert rows[1] == (1, "孙杰", "市发改委", "新仓镇", "第 1 组", 4.5, None, 4.5, 87.5, 2)
    assert rows[2] == (None, "王楠楠", "市发改委", "新仓镇", "第 1 组", None, None, None, None, 0)
    assert forum.print_title_rows == "$9:$9"

"""The 导师 sheet: its template, its reading and writing, every problem reported at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from lianbing.engine import taxonomy
from lianbing.engine.mentor_profiles import CAPACITY_MAX, CAPACITY_MIN, MentorProfile
from lianbing.xlsx.columns import MENTORS, columns_markdown, sheet_spec
from lianbing.xlsx.commands import EXIT_OK, run_template
from lianbing.xlsx.problems import SpreadsheetError
from lianbing.xlsx.reader import read_mentors
from lianbing.xlsx.templates import INSTRUCTIONS_TITLE, write_mentors, write_template
from tests.unit.xlsx.workbooks import fill_template, mentor_row, raw_sheet

MENTOR_HEADERS = ["导师编号", "姓名", "单位", "职务", "专长", "擅长能力", "可带人数", "电子邮箱"]
MASS_WORK = taxonomy.ability("mass_work").label
EMERGENCY = taxonomy.ability("emergency").label


def _rows(path: Path, title: str) -> list[list[object]]:
    return [[c.value for c in row] for row in load_workbook(path)[title].iter_rows()]


def test_the_mentor_template_has_the_documented_headers_required_ones_in_red(
    tmp_path: Path,
) -> None:
    path = write_template("mentors", tmp_path / "t.xlsx")

    workbook = load_workbook(path)

    assert workbook.sheetnames == ["导师", INSTRUCTIONS_TITLE]
    sheet = workbook["导师"]
    assert [c.value for c in sheet[1]] == MENTOR_HEADERS
    red = {c.value for c in sheet[1] if c.font.color is not None and c.font.color.rgb == "00C00000"}
    assert red == {"导师编号", "姓名", "单位"}
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1


def test_the_mentor_template_limits_the_number_of_trainees_to_whole_numbers_in_range(
    tmp_path: Path,
) -> None:
    path = write_template("mentors", tmp_path / "t.xlsx")

    sheet = load_workbook(path)["导师"]

    (validation,) = sheet.data_validations.dataValidation
    assert str(validation.sqref).startswith("G2:")
    assert (validation.type, validation.formula1, validation.formula2) == (
        "whole",
        str(CAPACITY_MIN),
        str(CAPACITY_MAX),
    )


def test_the_mentor_instructions_describe_every_column_with_an_example(tmp_path: Path) -> None:
    path = write_template("mentors", tmp_path / "t.xlsx")

    rows = _rows(path, INSTRUCTIONS_TITLE)

    header_at = rows.index(["列名", "是否必填", "含义", "格式", "可选值/范围", "示例"])
    described = {row[0]: row for row in rows[header_at + 1 :]}
    assert list(described) == MENTOR_HEADERS
    assert [described[h][1] for h in ("导师编号", "姓名", "单位")] == ["必填"] * 3
    assert described["可带人数"][1] == "选填"
    assert described["可带人数"][4] == f"{CAPACITY_MIN}–{CAPACITY_MAX}"
    assert described["擅长能力"][4] == "、".join(taxonomy.ABILITY_LABELS)
    assert all(row[5] for row in described.values())
    assert "“导师”工作表填写说明" in str(rows[0][0])


def test_lianbing_template_mentors_writes_the_blank_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_template("mentors", tmp_path / "导师.xlsx")

    assert code == EXIT_OK
    assert "已生成模板" in capsys.readouterr().out
    assert _rows(tmp_path / "导师.xlsx", "导师") == [MENTOR_HEADERS]


def test_the_mentor_layout_is_reachable_by_its_kind_and_documented() -> None:
    text = columns_markdown("mentors")

    assert sheet_spec("mentors") is MENTORS
    assert text.startswith("工作表“导师”（每行一个导师）")
    for header in MENTOR_HEADERS:
        assert f"| {header} |" in text


def test_a_filled_mentor_sheet_reads_back_with_codes_and_defaults(tmp_path: Path) -> None:
    path = fill_template(
        "mentors",
        tmp_path / "m.xlsx",
        [
            mentor_row(
                职务="副镇长",
                专长=" 征迁协调 ",
                擅长能力=f"{MASS_WORK}；应急处突, 抓落实能力",
                可带人数=2,
                电子邮箱="lijun@example.gov.cn",
            ),
            mentor_row(导师编号=1002, 姓名="韩文霞", 单位="曹桥街道"),
        ],
    )

    result = read_mentors(path)

    assert result.warnings == []
    assert result.rows == [
        MentorProfile(
            id="M1",
            name="李俊",
            unit="新仓镇",
            position="副镇长",
            expertise="征迁协调",
            strengths=("mass_work", "emergency", "execution"),
            capacity=2,
            email="lijun@example.gov.cn",
        ),
        MentorProfile(id="1002", name="韩文霞", unit="曹桥街道"),
    ]
    assert result.rows[1].capacity == 1


def test_every_problem_of_a_mentor_sheet_is_reported_with_row_and_column(tmp_path: Path) -> None:
    path = fill_template(
        "mentors",
        tmp_path / "m.xlsx",
        [
            mentor_row(擅长能力=f"{MASS_WORK}；写材料能力"),
            mentor_row(导师编号="M2", 可带人数=9),
            mentor_row(导师编号="M1", 姓名="王五"),
            mentor_row(导师编号="M3", 擅长能力=f"{EMERGENCY}；{EMERGENCY}", 电子邮箱="不是邮箱"),
            mentor_row(导师编号="M4", 单位=None, 可带人数=1.5),
        ],
    )

    with pytest.raises(SpreadsheetError) as error:
        read_mentors(path)

    found = {(p.row, p.column): p for p in error.value.problems}
    assert set(found) == {
        (2, "擅长能力"),
        (3, "可带人数"),
        (4, "导师编号"),
        (5, "擅长能力"),
        (5, "电子邮箱"),
        (6, "单位"),
        (6, "可带人数"),
    }
    assert "“写材料能力”不是七种能力之一" in found[(2, "擅长能力")].expected
    assert found[(3, "可带人数")].expected == (
        f"超出范围，应为 {CAPACITY_MIN}–{CAPACITY_MAX} 的整数"
    )
    assert found[(4, "导师编号")].expected == "与第 2 行重复，导师编号必须唯一"
    assert f"“{EMERGENCY}”重复" in found[(5, "擅长能力")].expected
    assert found[(6, "单位")].expected == "不能为空"
    assert "不是整数" in found[(6, "可带人数")].expected
    assert all(p.sheet == "导师" for p in error.value.problems)


def test_a_mentor_sheet_without_a_required_column_says_which(tmp_path: Path) -> None:
    path = raw_sheet(
        tmp_path / "m.xlsx", "导师", ["导师编号", "姓名", "备注"], [["M1", "李俊", "x"]]
    )

    with pytest.raises(SpreadsheetError) as error:
        read_mentors(path)

    (problem,) = error.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("导师", None, "单位")
    assert problem.expected == "是必填列，表中缺少此列"


_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S"), exclude_characters="'"),
    max_size=12,
).map(str.strip)
_id = st.text(alphabet="ABCDEFGHJK0123456789", min_size=1, max_size=6).filter(
    lambda s: not s.isdigit()
)

mentors = st.lists(
    st.builds(
        MentorProfile,
        id=_id,
        name=_text.filter(bool),
        unit=_text.filter(bool),
        position=_text,
        expertise=_text,
        strengths=st.lists(st.sampled_from(taxonomy.ABILITY_CODES), unique=True, max_size=4).map(
            tuple
        ),
        capacity=st.integers(CAPACITY_MIN, CAPACITY_MAX),
        email=st.sampled_from(["", "lijun@example.gov.cn", "han.wx@pinghu.gov.cn"]),
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda m: m.id,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(profiles=mentors)
def test_mentors_written_then_read_are_equal(tmp_path: Path, profiles: list[MentorProfile]) -> None:
    path = write_mentors(profiles, tmp_path / "m.xlsx")

    result = read_mentors(path)

    assert result.rows == profiles
    assert result.warnings == []

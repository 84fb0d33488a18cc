"""Blank templates and filled sheets in the import layout."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from lianbing.engine import taxonomy
from lianbing.engine.profiles import CadreProfile, PostProfile
from lianbing.xlsx.columns import CADRES, POSTS, columns_markdown
from lianbing.xlsx.reader import read_cadres, read_posts
from lianbing.xlsx.templates import (
    INSTRUCTIONS_TITLE,
    write_cadres,
    write_posts,
    write_template,
)

CADRE_HEADERS = [
    "编号",
    "姓名",
    "性别",
    "出生年月",
    "学历",
    "专业",
    "现单位",
    "现职务",
    "职级",
    "类别",
    *taxonomy.ABILITY_LABELS,
    "基层工作年限",
    "专长",
    "工作经历",
    "短板",
    "回避单位",
    "志愿岗位",
]
POST_HEADERS = [
    "岗位编号",
    "岗位名称",
    "单位",
    "单位类型",
    "类别",
    "岗位职责",
    "重点任务",
    "所需专长",
    "核心能力",
    "锻炼方向",
    "名额",
    "练兵期限",
    "导师",
]


@pytest.mark.parametrize(
    ("kind", "title", "headers"),
    [("cadres", "干部", CADRE_HEADERS), ("posts", "岗位", POST_HEADERS)],
)
def test_a_template_has_the_documented_headers_bold_and_frozen(
    tmp_path: Path, kind: str, title: str, headers: list[str]
) -> None:
    path = write_template(kind, tmp_path / "t.xlsx")

    workbook = load_workbook(path)

    assert workbook.sheetnames == [title, INSTRUCTIONS_TITLE]
    sheet = workbook[title]
    assert [c.value for c in sheet[1]] == headers
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1
    assert sheet.column_dimensions["A"].width >= 8


def _validations(path: Path, title: str) -> dict[str, tuple[str, str | None, str | None]]:
    sheet = load_workbook(path)[title]
    headers = {c.column_letter: c.value for c in sheet[1]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            letter = cell_range.coord.split(":")[0].rstrip("0123456789")
            found[headers[letter]] = (validation.type, validation.formula1, validation.formula2)
    return found


def test_the_cadre_template_validates_lists_and_ability_ranges(tmp_path: Path) -> None:
    path = write_template("cadres", tmp_path / "t.xlsx")

    found = _validations(path, "干部")

    assert found["类别"] == ("list", '"' + ",".join(taxonomy.CATEGORY_LABELS) + '"', None)
    assert found["性别"] == ("list", '"男,女"', None)
    for label in taxonomy.ABILITY_LABELS:
        assert found[label] == ("decimal", "0", "100")


def test_the_post_template_validates_unit_kind_category_and_duration(tmp_path: Path) -> None:
    path = write_template("posts", tmp_path / "t.xlsx")

    found = _validations(path, "岗位")

    host_labels = ",".join(t.label for t in taxonomy.HOST_UNIT_KINDS)
    assert found["单位类型"] == ("list", f'"{host_labels}"', None)
    assert found["类别"][0] == "list"
    assert found["练兵期限"] == ("whole", "6", "12")
    assert found["名额"] == ("whole", "1", None)


def test_the_instructions_sheet_describes_every_column_with_an_example(tmp_path: Path) -> None:
    path = write_template("posts", tmp_path / "t.xlsx")

    sheet = load_workbook(path)[INSTRUCTIONS_TITLE]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]

    header_at = rows.index(["列名", "是否必填", "含义", "格式", "可选值/范围", "示例"])
    described = {row[0]: row for row in rows[header_at + 1 :]}
    assert list(described) == POST_HEADERS
    assert described["岗位编号"][1] == "必填"
    assert described["导师"][1] == "选填"
    assert described["练兵期限"][4] == "6–12"
    assert all(row[5] for row in described.values())


def test_an_unknown_template_kind_is_refused_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="未知的模板类型"):
        write_template("units", tmp_path / "t.xlsx")


def test_the_column_reference_lists_every_column() -> None:
    text = columns_markdown("cadres")

    for column in CADRES.columns:
        assert f"| {column.header} |" in text
    assert len(POSTS.columns) == len(POST_HEADERS)


_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S"), exclude_characters="'"),
    max_size=12,
).map(str.strip)
_item = st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=6)
_id = st.text(alphabet="ABCDEFGHJK0123456789", min_size=1, max_size=6).filter(
    lambda s: not s.isdigit()
)
_score = st.integers(0, 100).map(float) | st.sampled_from([0.5, 72.25, 99.75])

cadres = st.lists(
    st.builds(
        CadreProfile,
        id=_id,
        name=_text.filter(bool),
        origin_unit=_text.filter(bool),
        abilities=st.tuples(*[_score] * len(taxonomy.ABILITIES)),
        category=st.none() | st.sampled_from(taxonomy.CATEGORY_CODES),
        grassroots_years=st.sampled_from([0.0, 1.5, 12.0]),
        expertise=_text,
        experience=_text,
        shortcomings=_text,
        avoided_units=st.lists(_item, max_size=3).map(tuple),
        preferred_posts=st.lists(_item, max_size=3).map(tuple),
        gender=st.sampled_from(["", "男", "女"]),
        birth_month=st.sampled_from(["", "1980-01", "1999-12"]),
        education=_text,
        major=_text,
        position=_text,
        rank=_text,
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda c: c.id,
)

posts = st.lists(
    st.builds(
        PostProfile,
        id=_id,
        name=_text.filter(bool),
        unit=_text.filter(bool),
        category=st.sampled_from(taxonomy.CATEGORY_CODES),
        unit_kind=st.sampled_from([t.code for t in taxonomy.HOST_UNIT_KINDS]),
        duties=_text,
        key_tasks=_text,
        expertise_needed=_text,
        core_abilities=st.lists(
            st.tuples(st.sampled_from(taxonomy.ABILITY_CODES), st.sampled_from([1.0, 2.0, 0.5])),
            max_size=3,
            unique_by=lambda pair: pair[0],
        ).map(tuple),
        develops=_text,
        seats=st.integers(1, 3),
        duration_months=st.integers(taxonomy.DURATION_MIN_MONTHS, taxonomy.DURATION_MAX_MONTHS),
        mentor=_text,
    ),
    min_size=1,
    max_size=4,
    unique_by=lambda p: p.id,
)

_files = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_files
@given(profiles=cadres)
def test_cadres_written_then_read_are_equal(tmp_path: Path, profiles: list[CadreProfile]) -> None:
    path = write_cadres(profiles, tmp_path / "c.xlsx")

    result = read_cadres(path)

    assert result.rows == profiles
    assert result.warnings == []


@_files
@given(profiles=posts)
def test_posts_written_then_read_are_equal(tmp_path: Path, profiles: list[PostProfile]) -> None:
    path = write_posts(profiles, tmp_path / "p.xlsx")

    result = read_posts(path)

    assert result.rows == profiles


def test_text_that_looks_like_a_formula_is_stored_as_text_and_reads_back(tmp_path: Path) -> None:
    cadre = CadreProfile(
        id="C1",
        name='=HYPERLINK("http://x","点我")',
        origin_unit="+市建设局",
        abilities=(50.0,) * 7,
        expertise="-项目推进",
        experience="@工作经历",
    )

    path = write_cadres([cadre], tmp_path / "c.xlsx")

    sheet = load_workbook(path)["干部"]
    row = {h.value: c for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert row["姓名"].data_type == "s"
    assert row["姓名"].value.startswith("'=")
    assert row["现单位"].value == "'+市建设局"
    assert read_cadres(path).rows == [cadre]

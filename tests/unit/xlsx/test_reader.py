"""Reading the 干部 and 岗位 sheets: values, defaults, and every problem reported at once."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from lianbing.engine import taxonomy
from lianbing.xlsx.problems import CellProblem, SpreadsheetError
from lianbing.xlsx.reader import read_cadres, read_posts
from tests.unit.xlsx.workbooks import (
    ABILITY_SCORES,
    cadre_row,
    fill_template,
    post_row,
    raw_sheet,
)

POLITICAL = taxonomy.ability("political").label
MASS_WORK = taxonomy.ability("mass_work").label
EMERGENCY = taxonomy.ability("emergency").label
TOWN = taxonomy.unit_kind("town").label
PLATFORM = taxonomy.unit_kind("platform").label
ECONOMY = taxonomy.category("economy").label
ABILITY_HEADERS = list(taxonomy.ABILITY_LABELS)


def _problems(error: pytest.ExceptionInfo[SpreadsheetError]) -> list[CellProblem]:
    return list(error.value.problems)


def test_a_filled_template_reads_back_as_cadre_profiles(tmp_path: Path) -> None:
    path = fill_template(
        "cadres",
        tmp_path / "c.xlsx",
        [
            cadre_row(
                性别="男",
                出生年月="1986-4",
                类别=ECONOMY,
                基层工作年限=2.5,
                回避单位="新埭镇；乍浦镇, 广陈镇、林埭镇",
                志愿岗位="P1;P2",
                专长="  项目推进  ",
            )
        ],
    )

    result = read_cadres(path)

    (cadre,) = result.rows
    assert result.warnings == []
    assert cadre.id == "C1"
    assert cadre.abilities == tuple(float(x) for x in ABILITY_SCORES)
    assert cadre.category == "economy"
    assert cadre.birth_month == "1986-04"
    assert cadre.grassroots_years == 2.5
    assert cadre.avoided_units == ("新埭镇", "乍浦镇", "广陈镇", "林埭镇")
    assert cadre.preferred_posts == ("P1", "P2")
    assert cadre.expertise == "项目推进"


def test_a_blank_cadre_category_is_left_for_derivation(tmp_path: Path) -> None:
    path = fill_template("cadres", tmp_path / "c.xlsx", [cadre_row()])

    (cadre,) = read_cadres(path).rows

    assert cadre.category is None


def test_numeric_ids_and_excel_dates_are_read_as_text(tmp_path: Path) -> None:
    path = fill_template(
        "cadres", tmp_path / "c.xlsx", [cadre_row(编号=1001, 出生年月=dt.datetime(1990, 7, 1))]
    )

    (cadre,) = read_cadres(path).rows

    assert cadre.id == "1001"
    assert cadre.birth_month == "1990-07"


def test_core_abilities_accept_both_separators_and_default_weight(tmp_path: Path) -> None:
    cell = f"{MASS_WORK}：3;{EMERGENCY}:2，{POLITICAL}"
    path = fill_template("posts", tmp_path / "p.xlsx", [post_row(核心能力=cell)])

    (post,) = read_posts(path).rows

    assert post.core_abilities == (("mass_work", 3.0), ("emergency", 2.0), ("political", 1.0))


def test_post_defaults_fill_blank_optional_cells(tmp_path: Path) -> None:
    path = fill_template(
        "posts",
        tmp_path / "p.xlsx",
        [post_row(), post_row(岗位编号="P2", 单位="数字化改革专班")],
    )

    town, platform = read_posts(path).rows

    assert (town.seats, town.duration_months) == (1, taxonomy.DURATION_MAX_MONTHS)
    assert town.unit_kind == "town"
    assert platform.unit_kind == "platform"


def test_an_explicit_unit_kind_wins_over_the_unit_name(tmp_path: Path) -> None:
    path = fill_template("posts", tmp_path / "p.xlsx", [post_row(单位类型=PLATFORM)])

    (post,) = read_posts(path).rows

    assert post.unit_kind == "platform"


def test_an_unknown_extra_column_is_ignored_with_a_warning(tmp_path: Path) -> None:
    headers = ["岗位编号", "岗位名称", "单位", "类别", "备注"]
    path = raw_sheet(tmp_path / "p.xlsx", "岗位", headers, [["P1", "岗", "新仓镇", ECONOMY, "x"]])

    result = read_posts(path)

    assert len(result.rows) == 1
    assert result.warnings == ["工作表“岗位”的列“备注”不在模板中，已忽略"]


def test_headers_marked_with_a_star_are_recognised(tmp_path: Path) -> None:
    headers = ["岗位编号*", "岗位名称 *", "单位＊", "类别*"]
    path = raw_sheet(tmp_path / "p.xlsx", "岗位", headers, [["P1", "岗", "新仓镇", ECONOMY]])

    (post,) = read_posts(path).rows

    assert post.id == "P1"


def test_an_ability_of_130_is_reported_with_sheet_row_and_column(tmp_path: Path) -> None:
    rows = [cadre_row(编号=f"C{k}") for k in range(1, 4)] + [
        cadre_row(编号="C4", **{POLITICAL: 130})
    ]
    path = fill_template("cadres", tmp_path / "c.xlsx", rows)

    with pytest.raises(SpreadsheetError) as error:
        read_cadres(path)

    assert [str(p) for p in _problems(error)] == [
        f"工作表“干部”第 5 行“{POLITICAL}”列：值“130”超出范围，应为 0–100 的数字"
    ]


def test_every_problem_of_a_file_is_reported_together(tmp_path: Path) -> None:
    rows = [
        cadre_row(),
        cadre_row(编号="C2", 姓名=None, **{MASS_WORK: "很好"}),
        cadre_row(编号="C1", 类别="经济", 出生年月="86年4月"),
        cadre_row(编号="C4", 性别="未知", 基层工作年限=-1),
    ]
    path = fill_template("cadres", tmp_path / "c.xlsx", rows)

    with pytest.raises(SpreadsheetError) as error:
        read_cadres(path)

    located = [(p.sheet, p.row, p.column) for p in _problems(error)]
    assert located == [
        ("干部", 3, "姓名"),
        ("干部", 3, MASS_WORK),
        ("干部", 4, "出生年月"),
        ("干部", 4, "类别"),
        ("干部", 4, "编号"),
        ("干部", 5, "性别"),
        ("干部", 5, "基层工作年限"),
    ]
    messages = error.value.lines()
    assert "不能为空" in messages[0]
    assert "不是数字" in messages[1]
    assert "YYYY-MM" in messages[2]
    assert "不是规定的类别" in messages[3]
    assert ECONOMY in messages[3]
    assert "与第 2 行重复" in messages[4]


def test_post_value_problems_are_all_named(tmp_path: Path) -> None:
    rows = [
        post_row(名额=0),
        post_row(岗位编号="P2", 练兵期限=13, 类别="经济"),
        post_row(岗位编号="P3", 核心能力=f"群众能力:3；{EMERGENCY}:-1", 单位类型="市级部门"),
        post_row(岗位编号="P4", 名额=1.5, 练兵期限=5),
    ]
    path = fill_template("posts", tmp_path / "p.xlsx", rows)

    with pytest.raises(SpreadsheetError) as error:
        read_posts(path)

    located = [(p.row, p.column) for p in _problems(error)]
    assert located == [
        (2, "名额"),
        (3, "类别"),
        (3, "练兵期限"),
        (4, "单位类型"),
        (4, "核心能力"),
        (5, "名额"),
        (5, "练兵期限"),
    ]
    by_place = {(p.row, p.column): str(p) for p in _problems(error)}
    assert "应为不小于 1 的整数" in by_place[(2, "名额")]
    assert "应为 6–12 的整数" in by_place[(3, "练兵期限")]
    assert "“群众能力”不是七种能力之一" in by_place[(4, "核心能力")]
    assert "权重应为正数" in by_place[(4, "核心能力")]
    assert f"应为 {TOWN}、{PLATFORM} 之一" in by_place[(4, "单位类型")]


def test_a_duplicate_post_id_names_both_rows(tmp_path: Path) -> None:
    path = fill_template("posts", tmp_path / "p.xlsx", [post_row(), post_row()])

    with pytest.raises(SpreadsheetError) as error:
        read_posts(path)

    assert [str(p) for p in _problems(error)] == [
        "工作表“岗位”第 3 行“岗位编号”列：值“P1”与第 2 行重复，岗位编号必须唯一"
    ]


def test_a_missing_required_column_is_reported_with_the_row_problems(tmp_path: Path) -> None:
    headers = ["岗位编号", "单位", "类别"]
    path = raw_sheet(tmp_path / "p.xlsx", "岗位", headers, [["P1", "新仓镇", "经济"]])

    with pytest.raises(SpreadsheetError) as error:
        read_posts(path)

    assert [str(p) for p in _problems(error)] == [
        "工作表“岗位”“岗位名称”列：是必填列，表中缺少此列",
        f"工作表“岗位”第 2 行“类别”列：值“经济”不是规定的类别，应为 "
        f"{'、'.join(taxonomy.CATEGORY_LABELS)} 之一",
    ]


def test_a_template_without_data_rows_is_an_empty_sheet(tmp_path: Path) -> None:
    path = fill_template("cadres", tmp_path / "c.xlsx", [])

    with pytest.raises(SpreadsheetError) as error:
        read_cadres(path)

    assert [str(p) for p in _problems(error)] == [
        "工作表“干部”：没有数据行，请从第 2 行起每行填写一条记录"
    ]


def test_a_sheet_without_even_a_header_is_empty(tmp_path: Path) -> None:
    path = raw_sheet(tmp_path / "c.xlsx", "干部", [])

    with pytest.raises(SpreadsheetError) as error:
        read_cadres(path)

    assert "是空表" in str(error.value)


def test_a_workbook_without_the_sheet_names_the_sheets_it_has(tmp_path: Path) -> None:
    path = raw_sheet(tmp_path / "c.xlsx", "Sheet1", ["编号"])

    with pytest.raises(SpreadsheetError) as error:
        read_cadres(path)

    (problem,) = _problems(error)
    assert "没有名为“干部”的工作表" in str(problem)
    assert "Sheet1" in str(problem)


def test_a_text_file_renamed_to_xlsx_is_not_an_excel_file(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    path.write_text("编号,姓名\nC1,孙杰\n", encoding="utf-8")

    with pytest.raises(SpreadsheetError) as error:
        read_cadres(path)

    assert "文件不是有效的 Excel（.xlsx）文件" in str(error.value)
    assert error.value.source == "c.xlsx"


def test_a_zip_that_is_not_a_workbook_is_not_an_excel_file(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")

    with pytest.raises(SpreadsheetError) as error:
        read_posts(path)

    assert "文件不是有效的 Excel（.xlsx）文件" in str(error.value)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetError) as error:
        read_cadres(tmp_path / "nope.xlsx")

    assert "找不到文件" in str(error.value)


def test_blank_rows_between_records_are_skipped(tmp_path: Path) -> None:
    path = fill_template("posts", tmp_path / "p.xlsx", [post_row(), {}, post_row(岗位编号="P2")])

    posts = read_posts(path).rows

    assert [p.id for p in posts] == ["P1", "P2"]


def test_a_formula_cell_is_read_as_its_cached_value_not_as_a_formula(tmp_path: Path) -> None:
    # A workbook saved by openpyxl has no cached value, so the cell reads as blank:
    # the reader never sees formula text.
    path = fill_template("cadres", tmp_path / "c.xlsx", [cadre_row(姓名="=1+1")])

    with pytest.raises(SpreadsheetError) as error:
        read_cadres(path)

    assert [(p.row, p.column) for p in _problems(error)] == [(2, "姓名")]


def test_openpyxl_parses_workbooks_through_defusedxml() -> None:
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def _with_sheet_xml(source: Path, target: Path, transform: Callable[[str], str]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = transform(data.decode("utf-8")).encode("utf-8")
            new.writestr(info, data)
    return target


def test_a_sheet_declaring_xml_entities_is_refused(tmp_path: Path) -> None:
    filled = fill_template("cadres", tmp_path / "c.xlsx", [cadre_row()])
    doctype = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    path = _with_sheet_xml(filled, tmp_path / "evil.xlsx", lambda xml: doctype + xml)

    with pytest.raises(SpreadsheetError) as error:
        read_cadres(path)

    (problem,) = _problems(error)
    assert "Excel" in str(problem)
    assert "root:" not in str(problem)


def test_a_damaged_sheet_is_reported_not_raised_as_a_crash(tmp_path: Path) -> None:
    filled = fill_template("cadres", tmp_path / "c.xlsx", [cadre_row()])
    path = _with_sheet_xml(filled, tmp_path / "bad.xlsx", lambda xml: xml[: len(xml) // 2])

    with pytest.raises(SpreadsheetError) as error:
        read_cadres(path)

    assert "已损坏" in str(error.value)


def test_a_read_sheet_gives_each_profiles_row_number_and_the_headers_present(
    tmp_path: Path,
) -> None:
    headers = ["编号", "姓名*", "现单位", *ABILITY_HEADERS, "备注"]
    row = ["C1", "张三", "市委办", *ABILITY_SCORES, "x"]
    path = raw_sheet(
        tmp_path / "c.xlsx",
        "干部",
        headers,
        [row, [None] * len(headers), ["C2", "李四", "市委办", *ABILITY_SCORES, ""]],
    )

    result = read_cadres(path)

    assert [c.id for c in result.rows] == ["C1", "C2"]
    assert result.row_numbers == [2, 4]
    assert result.headers == {"编号", "姓名", "现单位", *ABILITY_HEADERS, "备注"}

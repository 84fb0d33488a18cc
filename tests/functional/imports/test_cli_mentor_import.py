"""`lianbing template mentors` and `lianbing import` of a 导师 sheet, as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.functional.imports.test_cli_import import _count, _lianbing, _migrated, var_dir
from tests.integration.imports.books import mentor_row, post_row, workbook

pytestmark = [pytest.mark.slow, pytest.mark.embedded_db]

__all__ = ["_migrated", "var_dir"]  # the fixtures, shared with the cadre and post imports


def test_the_template_command_writes_the_mentor_template(var_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "导师模板.xlsx"

    done = _lianbing(var_dir, "template", "mentors", "-o", str(out))

    assert done.returncode == 0, done.stderr
    assert load_workbook(out).sheetnames == ["导师", "填写说明"]


def test_the_import_command_imports_mentors_and_refuses_a_bad_sheet_whole(
    var_dir: Path, tmp_path: Path
) -> None:
    # The posts create the host unit the mentors belong to.
    good = workbook(
        tmp_path / "good.xlsx",
        posts=[post_row(岗位编号="P1", 单位="新仓镇", 导师="李俊")],
        mentors=[mentor_row(导师编号="M1", 单位="新仓镇", 可带人数=2)],
    )
    bad = workbook(
        tmp_path / "bad.xlsx",
        mentors=[mentor_row(导师编号="M2", 单位="无此镇"), mentor_row(导师编号="M3", 可带人数=0)],
    )

    first = _lianbing(
        var_dir, "import", str(good), "--program", "批次一", "--start", "2026-03-01",
        "--end", "2027-02-28",
    )  # fmt: skip
    second = _lianbing(var_dir, "import", str(bad))

    assert first.returncode == 0, first.stderr
    assert "导师新增 1 名" in first.stdout
    assert "关联导师 1 名" in first.stdout
    assert second.returncode == 2
    assert "工作表“导师”第 2 行“单位”列：值“无此镇”不是系统中已有的单位" in second.stderr
    assert "工作表“导师”第 3 行“可带人数”列" in second.stderr
    assert _count(var_dir, "people_mentor") == 1

"""`lianbing import` as a user runs it: a real process on an embedded SQLite database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.imports.books import cadre_row, cadres_book, post_row, workbook

pytestmark = [pytest.mark.slow, pytest.mark.embedded_db]


def _env(var_dir: Path) -> dict[str, str]:
    # The command's own embedded database, whatever the test run's DATABASE_URL.
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["LIANBING_VAR_DIR"] = str(var_dir)
    return env


def _lianbing(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianbing.cli", *args],
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _count(var_dir: Path, table: str) -> int:
    with sqlite3.connect(var_dir / "lianbing.sqlite3") as conn:
        return int(conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var dir whose embedded database ``lianbing manage migrate`` created, once a session."""
    folder = tmp_path_factory.mktemp("migrated") / "var"
    migrated = _lianbing(folder, "manage", "migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    return folder


@pytest.fixture
def var_dir(_migrated: Path, tmp_path: Path) -> Path:
    """A test's own copy of the freshly migrated var dir (migrating takes seconds)."""
    return Path(shutil.copytree(_migrated, tmp_path / "var"))


def test_the_import_command_creates_the_program_and_prints_the_counts(
    var_dir: Path, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path / "both.xlsx",
        cadres=[cadre_row(编号="C1", 志愿岗位="P1"), cadre_row(编号="C2", 姓名="金伟")],
        posts=[post_row(岗位编号="P1")],
    )

    done = _lianbing(
        var_dir, "import", str(path), "--program", "2026年百岗大练兵",
        "--start", "2026-03-01", "--end", "2027-02-28",
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "导入完成" in done.stdout
    assert "干部新增 2 名" in done.stdout
    assert "岗位新增 1 个" in done.stdout
    assert "写入第" in done.stderr  # progress lines
    assert _count(var_dir, "people_cadre") == 2
    assert _count(var_dir, "demand_program_cadres") == 2


def test_the_import_command_lists_every_problem_exits_2_and_writes_nothing(
    var_dir: Path, tmp_path: Path
) -> None:
    good = cadres_book(tmp_path / "good.xlsx", [cadre_row(编号="C1")])
    first = _lianbing(
        var_dir, "import", str(good), "--program", "批次一", "--start", "2026-03-01",
        "--end", "2027-02-28",
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    bad = cadres_book(
        tmp_path / "bad.xlsx",
        [cadre_row(编号="C2", 姓名="金伟", 回避单位="无此单位"), cadre_row(编号="C1", 姓名="别人")],
    )

    refused = _lianbing(var_dir, "import", str(bad))

    assert refused.returncode == 2
    assert refused.stdout == ""
    assert "有 2 处问题，未导入任何数据" in refused.stderr
    assert "工作表“干部”第 2 行“回避单位”列：值“无此单位”" in refused.stderr
    assert "工作表“干部”第 3 行“编号”列：值“C1”已被干部“孙杰”使用" in refused.stderr
    assert _count(var_dir, "people_cadre") == 1


def test_an_unknown_program_without_dates_is_refused_with_what_to_do(
    var_dir: Path, tmp_path: Path
) -> None:
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row()])

    refused = _lianbing(var_dir, "import", str(path), "--program", "不存在的批次")

    assert refused.returncode == 2
    assert "没有名为“不存在的批次”的批次" in refused.stderr
    assert "--start" in refused.stderr
    assert _count(var_dir, "people_cadre") == 0

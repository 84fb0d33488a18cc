"""`lianbing template` and `lianbing match` as a user runs them: a real process, no database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from lianbing.demodata.generator import generate
from lianbing.engine import taxonomy
from lianbing.xlsx.templates import write_cadres, write_posts
from tests.article_cases import (
    article_cadres,
    article_placements,
    article_posts,
)
from tests.unit.xlsx.workbooks import cadre_row, fill_template


def _command() -> list[str]:
    installed = Path(sys.executable).with_name("lianbing")
    if installed.exists():
        return [str(installed)]
    return [sys.executable, "-m", "lianbing.cli"]


def lianbing(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [*_command(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("pool")
    program = generate(seed=17, n_cadres=40, n_posts=30)
    return (
        write_cadres(program.cadres, folder / "cadres.xlsx"),
        write_posts(program.posts, folder / "posts.xlsx"),
    )


@pytest.fixture(scope="module")
def matched(
    pool: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], Path]:
    output = tmp_path_factory.mktemp("out") / "balance.xlsx"
    cadres, posts = pool
    completed = lianbing("match", "--cadres", cadres, "--posts", posts, "--json", "-o", output)
    return completed, output


def test_template_writes_a_workbook_with_instructions(tmp_path: Path) -> None:
    completed = lianbing("template", "posts", "-o", tmp_path / "posts.xlsx")

    assert completed.returncode == 0, completed.stderr
    assert load_workbook(tmp_path / "posts.xlsx").sheetnames == ["岗位", "填写说明"]


def test_match_json_follows_the_documented_schema(
    matched: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    completed, _ = matched

    data: dict[str, Any] = json.loads(completed.stdout)

    assert completed.returncode == 0, completed.stderr
    assert list(data) == [
        "assignments",
        "balance_table",
        "unassigned_cadres",
        "unfilled_posts",
        "total",
        "greedy_total",
        "optimal",
        "objective",
        "optimum_total",
        "effective_weights",
        "sensitivity",
        "blocking_pairs",
    ]
    assert data["objective"] == "total"
    assert data["optimum_total"] == data["total"]
    first = data["assignments"][0]
    assert list(first) == [
        "cadre_id",
        "post_id",
        "score",
        "fit",
        "development",
        "complement",
        "reasons",
    ]
    assert all(isinstance(s, str) for s in first["reasons"])
    assert data["total"] >= data["greedy_total"]
    assert "评分" in completed.stderr
    assert "配置" in completed.stderr


def test_every_post_has_two_candidates_and_lists_its_assigned_cadre(
    matched: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    completed, _ = matched

    data = json.loads(completed.stdout)

    candidates = {
        post["post_id"]: [c["cadre_id"] for c in post["candidates"]]
        for post in data["balance_table"]
    }
    assert all(len(ids) >= 2 for ids in candidates.values())
    for entry in data["assignments"]:
        assert entry["cadre_id"] in candidates[entry["post_id"]]


def test_the_output_workbook_has_the_four_sheets(
    matched: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, output = matched

    workbook = load_workbook(output, read_only=True)

    assert workbook.sheetnames == ["干部选配平衡表", "配置方案", "评分明细", "未配置"]
    first_rows = {s.title: next(s.iter_rows(values_only=True)) for s in workbook}
    assert first_rows["干部选配平衡表"][:2] == ("岗位编号", "岗位名称")
    assert first_rows["配置方案"][:2] == ("干部编号", "姓名")
    assert "可选派的人岗配对" in str(first_rows["评分明细"][0])
    assert "未配置的干部" in str(first_rows["未配置"][0])


def test_the_article_cadres_matched_from_spreadsheets_go_where_the_article_says(
    tmp_path: Path,
) -> None:
    cadres = write_cadres(article_cadres(), tmp_path / "c.xlsx")
    posts = write_posts(article_posts(), tmp_path / "p.xlsx")

    completed = lianbing("match", "--cadres", cadres, "--posts", posts, "--json")

    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    placements = {a["cadre_id"]: a["post_id"] for a in data["assignments"]}
    assert placements == article_placements()


def test_bad_spreadsheets_give_every_error_exit_2_and_no_output(tmp_path: Path) -> None:
    political = taxonomy.ability("political").label
    cadres = fill_template(
        "cadres",
        tmp_path / "c.xlsx",
        [
            cadre_row(**{political: 130}),
            cadre_row(类别="经济"),
        ],
    )
    posts = tmp_path / "p.xlsx"
    posts.write_text("这不是表格", encoding="utf-8")
    output = tmp_path / "out.xlsx"

    completed = lianbing("match", "--cadres", cadres, "--posts", posts, "-o", output, "--json")

    assert completed.returncode == 2
    assert completed.stdout == ""
    assert not output.exists()
    assert f"工作表“干部”第 2 行“{political}”列：值“130”超出范围" in completed.stderr
    assert "第 3 行“类别”列：值“经济”不是规定的类别" in completed.stderr
    assert "第 3 行“编号”列：值“C1”与第 2 行重复" in completed.stderr
    assert "文件不是有效的 Excel（.xlsx）文件" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_the_stable_objective_leaves_no_blocking_pair_and_reports_the_optimum_beside_it(
    pool: tuple[Path, Path], matched: tuple[subprocess.CompletedProcess[str], Path]
) -> None:
    cadres, posts = pool
    best = json.loads(matched[0].stdout)

    completed = lianbing(
        "match", "--cadres", cadres, "--posts", posts, "--objective", "stable", "--json"
    )

    assert completed.returncode == 0, completed.stderr
    data = json.loads(completed.stdout)
    assert data["objective"] == "stable"
    assert data["blocking_pairs"] == []
    assert data["total"] <= data["optimum_total"] == best["total"]
    assert len(data["assignments"]) == len(best["assignments"])


def test_an_unknown_objective_is_refused_in_chinese(pool: tuple[Path, Path]) -> None:
    cadres, posts = pool

    completed = lianbing("match", "--cadres", cadres, "--posts", posts, "--objective", "best")

    assert completed.returncode == 2
    assert "--objective" in completed.stderr


def test_bad_weights_exit_2_before_reading(pool: tuple[Path, Path], tmp_path: Path) -> None:
    cadres, posts = pool

    completed = lianbing(
        "match", "--cadres", cadres, "--posts", posts, "--weights", "fit=abc", "--json"
    )

    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "不是数字" in completed.stderr

"""`run_template` and `run_match` called in process: exit codes, stdout and stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lianbing.xlsx.commands import run_match, run_template
from lianbing.xlsx.templates import write_cadres, write_posts
from tests.article_cases import article_cadres, article_posts


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("sheets")
    cadres = article_cadres()
    cadres[0] = type(cadres[0])(**{**cadres[0].__dict__, "preferred_posts": ("P01", "X99")})
    return (
        write_cadres(cadres, folder / "c.xlsx"),
        write_posts(article_posts(), folder / "p.xlsx"),
    )


def test_template_refuses_an_output_that_is_not_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_template("cadres", tmp_path / "t.csv")

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "应以 .xlsx 结尾" in err
    assert not (tmp_path / "t.csv").exists()


def test_template_refuses_an_unknown_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_template("units", tmp_path / "t.xlsx")

    _, err = capsys.readouterr()
    assert code == 2
    assert "未知的模板类型" in err


def test_match_without_json_or_output_prints_a_summary(
    sheets: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    cadres, posts = sheets

    code = run_match(cadres=cadres, posts=posts, output=None, as_json=False)

    out, err = capsys.readouterr()
    assert code == 0
    assert "P01 文旅发展岗（曹桥街道） ← C01 王楠楠" in out
    assert "共配置 6 名干部" in out
    assert "读取" in err


def test_a_preferred_post_missing_from_the_post_sheet_is_a_warning(
    sheets: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    cadres, posts = sheets

    code = run_match(cadres=cadres, posts=posts, output=None, as_json=True)

    out, err = capsys.readouterr()
    assert code == 0
    assert "志愿岗位 X99 不在岗位表中" in err
    assert json.loads(out)["optimal"] is True


def test_per_post_and_max_per_cadre_reach_the_balance_table(
    sheets: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    cadres, posts = sheets

    code = run_match(
        cadres=cadres, posts=posts, output=None, as_json=True, per_post=3, max_per_cadre=20
    )

    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert all(len(p["candidates"]) == 3 for p in data["balance_table"])


def test_a_bad_option_is_an_input_error(
    sheets: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    cadres, posts = sheets

    code = run_match(cadres=cadres, posts=posts, output=None, as_json=True, per_post=0)

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "候选人数至少为 1" in err


def test_an_existing_output_is_left_untouched_when_the_input_is_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "out.xlsx"
    output.write_bytes(b"old")
    broken = tmp_path / "c.xlsx"
    broken.write_text("x", encoding="utf-8")

    code = run_match(cadres=broken, posts=broken, output=output, as_json=False)

    _, err = capsys.readouterr()
    assert code == 2
    assert output.read_bytes() == b"old"
    assert err.count("文件不是有效的 Excel（.xlsx）文件") == 2

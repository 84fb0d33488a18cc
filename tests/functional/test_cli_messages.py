"""`lianbing --help` and its error messages are Chinese throughout."""

from __future__ import annotations

import pytest

from lianbing import cli


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stopped:
        cli.build_parser().parse_args(list(argv))
    captured = capsys.readouterr()
    return int(stopped.value.code or 0), captured.out + captured.err


def test_the_help_has_no_english_headings(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(capsys, "--help")

    assert code == 0
    assert text.startswith("用法：lianbing")
    assert "显示帮助并退出" in text
    for english in ("usage:", "positional arguments", "options:", "show this help message"):
        assert english not in text


def test_a_missing_argument_is_named_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _run(capsys, "match")

    assert code == 2
    assert "参数错误：缺少必填参数：--cadres, --posts" in text
    assert "required" not in text


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ("template", "bogus", "-o", "x.xlsx"),
            "参数 类型 的值 'bogus' 无效，可选：'cadres', 'posts'",
        ),
        (("demo", "--port", "x"), "参数 --port 须为整数，收到 'x'"),
        (("demo", "--bogus"), "无法识别的参数：--bogus"),
        (("match", "--cadres"), "参数 --cadres 后面需要一个值"),
    ],
)
def test_bad_arguments_are_explained_in_chinese(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], expected: str
) -> None:
    code, text = _run(capsys, *argv)

    assert code == 2
    assert expected in text
    assert "usage:" not in text

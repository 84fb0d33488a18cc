"""The user guide (docs/guide/) names nothing that does not exist.

- every picture it shows is in docs/guide/img/, and every picture there is shown;
- every chapter it links to exists;
- every ``lianbing`` subcommand it names is one of the command's, and every
  ``lianbing manage`` command is a management command of the project;
- every label of a button, menu, page or field, written 「…」, appears in the
  templates or the source, as the user sees it.
"""

from __future__ import annotations

import argparse
import re
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

GUIDE = REPO_ROOT / "docs" / "guide"
SOURCE = REPO_ROOT / "src" / "lianbing"
CHAPTERS = sorted(GUIDE.glob("*.md"))

IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)#]+\.md)(?:#[^)]*)?\)")
# Not the database named lianbing in a URL (…:5432/lianbing), but .venv/bin/lianbing.
SUBCOMMAND = re.compile(r"(?<![\w.:@-])(?<!\d/)lianbing ([a-z][a-z_-]*)(?: ([a-z][a-z_]*))?")
LABEL = re.compile(r"「([^」]+)」")


def _text(chapter: Path) -> str:
    return chapter.read_text(encoding="utf-8")


@cache
def _source_text() -> str:
    """The templates, Python sources and scripts of the application, as one text."""
    parts = [
        path.read_text(encoding="utf-8")
        for suffix in ("*.html", "*.py", "*.js", "*.txt")
        for path in SOURCE.rglob(suffix)
        if "vendor" not in path.parts
    ]
    return "\n".join(parts)


def test_the_guide_has_its_index_and_one_chapter_per_role() -> None:
    names = {chapter.name for chapter in CHAPTERS}
    assert {
        "README.md",
        "staff.md",
        "host-contact.md",
        "mentor.md",
        "trainee.md",
        "inspector.md",
        "public.md",
        "admin.md",
    } <= names
    index = _text(GUIDE / "README.md")
    for chapter in names - {"README.md"}:
        assert f"]({chapter})" in index, f"目录中没有链接到 {chapter}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_every_picture_and_chapter_linked_exists(chapter: Path) -> None:
    text = _text(chapter)
    missing = [src for src in IMAGE.findall(text) if not (GUIDE / src).is_file()]
    missing += [href for href in LINK.findall(text) if not (GUIDE / href).is_file()]
    assert not missing, f"{chapter.name} 链接了不存在的文件：{missing}"


def test_every_picture_of_the_guide_is_shown_somewhere() -> None:
    shown = {src for chapter in CHAPTERS for src in IMAGE.findall(_text(chapter))}
    pictures = {f"img/{path.name}" for path in (GUIDE / "img").glob("*.png")}
    assert pictures, "docs/guide/img 中没有图片"
    assert not pictures - shown, f"没有被指南引用的图片：{sorted(pictures - shown)}"


def test_every_lianbing_command_named_exists() -> None:
    from django.core.management import get_commands

    from lianbing.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    subcommands = set(subparsers.choices)
    management = set(get_commands())
    named = [m for chapter in CHAPTERS for m in SUBCOMMAND.findall(_text(chapter))]
    assert named, "指南中没有出现 lianbing 命令"
    unknown = sorted({sub for sub, _ in named if sub not in subcommands})
    assert not unknown, f"指南写了不存在的 lianbing 子命令：{unknown}"
    unknown = sorted(
        {cmd for sub, cmd in named if sub == "manage" and cmd and cmd not in management}
    )
    assert not unknown, f"指南写了不存在的管理命令：{unknown}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_every_label_written_in_the_guide_is_on_a_page(chapter: Path) -> None:
    source = _source_text()
    labels = LABEL.findall(_text(chapter))
    missing = sorted({label for label in labels if label not in source})
    assert not missing, f"{chapter.name} 中这些界面文字在模板和源码中都找不到：{missing}"


def test_the_checks_find_what_is_wrong(tmp_path: Path) -> None:
    """The patterns catch a label, a picture and a command that do not exist."""
    text = (
        "点「并不存在的按钮」。![图](img/none.png) `lianbing frobnicate` 与 `lianbing manage nope`"
    )
    assert LABEL.findall(text) == ["并不存在的按钮"]
    assert "并不存在的按钮" not in _source_text()
    assert IMAGE.findall(text) == ["img/none.png"]
    assert [m[0] for m in SUBCOMMAND.findall(text)] == ["frobnicate", "manage"]
    assert SUBCOMMAND.findall(text)[1][1] == "nope"

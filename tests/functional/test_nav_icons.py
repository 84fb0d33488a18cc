"""Every sidebar icon is a glyph some installed font draws, not an empty box."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from lianbing.web.context_processors import NAVIGATION


def _drawn(character: str, fc_list: str) -> bool:
    query = f":charset={ord(character):x}"
    done = subprocess.run([fc_list, query, "family"], capture_output=True, text=True, check=True)
    return bool(done.stdout.strip())


def test_every_sidebar_icon_is_drawn_by_an_installed_font() -> None:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        pytest.skip("fontconfig (fc-list) is not installed: the fonts cannot be asked")
    icons = {item.icon for section in NAVIGATION for item in section.items}
    assert icons
    missing = sorted(i for i in icons if not all(_drawn(c, fc_list) for c in i))
    assert missing == []

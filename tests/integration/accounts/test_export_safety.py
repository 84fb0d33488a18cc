"""Exports neutralise formula injection: every workbook writer goes through safe_cell."""

from __future__ import annotations

from pathlib import Path

import pytest

import lianbing
from lianbing.xlsx.cell_text import restore_text, safe_cell

SOURCE = Path(lianbing.__file__).parent


@pytest.mark.parametrize("text", ["=1+2", "+cmd", "-2+3", "@SUM(A1)", '=HYPERLINK("x")'])
def test_text_that_excel_could_run_gets_a_leading_quote(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert restore_text(str(safe_cell(text))) == text


def test_numbers_and_plain_text_pass_unchanged() -> None:
    assert safe_cell(-5) == -5
    assert safe_cell("王楠楠") == "王楠楠"


def test_every_module_that_writes_a_workbook_uses_safe_cell() -> None:
    writers = [
        p
        for p in SOURCE.rglob("*.py")
        if "migrations" not in p.parts and "Workbook(" in p.read_text(encoding="utf-8")
    ]

    unsafe = [
        str(p.relative_to(SOURCE)) for p in writers if "safe_cell" not in p.read_text("utf-8")
    ]

    assert writers
    assert unsafe == []

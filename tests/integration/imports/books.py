"""Workbooks to import, filled as the department fills the templates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from lianbing.xlsx.columns import CADRES, MENTORS, POSTS
from tests.unit.xlsx.workbooks import cadre_row, fill_template, mentor_row, post_row

__all__ = [
    "cadre_row",
    "cadres_book",
    "mentor_row",
    "mentors_book",
    "post_row",
    "posts_book",
    "workbook",
]


def cadres_book(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """The cadre template with ``rows`` (header -> value) filled in."""
    return fill_template("cadres", path, rows)


def posts_book(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """The post template with ``rows`` filled in."""
    return fill_template("posts", path, rows)


def mentors_book(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """The mentor template with ``rows`` filled in."""
    return fill_template("mentors", path, rows)


def workbook(
    path: Path,
    *,
    cadres: Sequence[Mapping[str, Any]] | None = None,
    posts: Sequence[Mapping[str, Any]] | None = None,
    mentors: Sequence[Mapping[str, Any]] | None = None,
    extra_sheet: str | None = None,
) -> Path:
    """One workbook holding the sheets asked for (full template headers)."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for spec, rows in ((CADRES, cadres), (POSTS, posts), (MENTORS, mentors)):
        if rows is None:
            continue
        sheet = book.create_sheet(spec.title)
        headers = [c.header for c in spec.columns]
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h) for h in headers])
    if extra_sheet or not book.sheetnames:
        book.create_sheet(extra_sheet or "Sheet1").append(["随便写的内容"])
    book.save(path)
    return path

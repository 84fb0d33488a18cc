"""The department's lists as workbooks in the import-template layout.

A list exported here can be edited in Excel and read back by the same
template reader, so nothing is laid out twice.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from lianbing.demand.adapters import post_profile
from lianbing.demand.models import Post
from lianbing.people.adapters import cadre_profile, mentor_profile
from lianbing.people.models import Cadre, Mentor
from lianbing.xlsx.templates import write_cadres, write_mentors, write_posts


def _target(folder: str) -> Path:
    return Path(folder) / "export.xlsx"


def cadres_workbook(cadres: Iterable[Cadre], *, program_post_codes: Mapping[int, str]) -> bytes:
    """Sheet 干部 with one row a cadre (newest assessment); raises MissingAssessmentError."""
    profiles = [cadre_profile(c, program_post_codes=program_post_codes) for c in cadres]
    with tempfile.TemporaryDirectory(prefix="lianbing-export-") as folder:
        return write_cadres(profiles, _target(folder)).read_bytes()


def posts_workbook(posts: Iterable[Post]) -> bytes:
    """Sheet 岗位 with one row a post."""
    profiles = [post_profile(p) for p in posts]
    with tempfile.TemporaryDirectory(prefix="lianbing-export-") as folder:
        return write_posts(profiles, _target(folder)).read_bytes()


def mentors_workbook(mentors: Iterable[Mentor]) -> bytes:
    """Sheet 导师 with one row a mentor (``unit`` selected)."""
    profiles = [mentor_profile(m) for m in mentors]
    with tempfile.TemporaryDirectory(prefix="lianbing-export-") as folder:
        return write_mentors(profiles, _target(folder)).read_bytes()

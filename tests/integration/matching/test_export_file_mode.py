"""An exported run workbook holds cadres' data: owner-only whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lianbing.matching.services.export_files import export_directory
from lianbing.matching.services.exports import match_export_create
from lianbing.matching.services.runs import match_run_create
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def lax_umask(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("lax_umask")
def test_an_exported_run_workbook_and_its_folder_are_owner_only_whatever_the_umask() -> None:
    user = factories.staff_user()
    run = match_run_create(program=factories.matching_program(), created_by=user)  # type: ignore[arg-type]

    export = match_export_create(run=run, created_by=user)  # type: ignore[arg-type]

    export.refresh_from_db()
    path = export_directory() / export.file_name
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700

"""A workbook damaged inside its zip is refused in Chinese, never a crash or a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lianbing.cli import main
from lianbing.imports.import_command import run_import
from lianbing.imports.models import ImportJob
from lianbing.people.models import Cadre
from lianbing.xlsx.upload_safety import UnsafeUploadError, check_xlsx
from tests import factories
from tests.integration.accounts.malformed_zips import MALFORMED
from tests.unit.xlsx.workbooks import cadre_row, fill_template, post_row

Builder = Callable[[Path, Path], Path]
CASES = pytest.mark.parametrize("make", MALFORMED.values(), ids=MALFORMED.keys())


def _damaged(tmp_path: Path, make: Builder) -> Path:
    good = fill_template("cadres", tmp_path / "good.xlsx", [cadre_row()])
    return make(good, tmp_path / "damaged.xlsx")


@CASES
def test_a_damaged_zip_part_is_refused_by_the_upload_checks_in_chinese(
    tmp_path: Path, make: Builder
) -> None:
    with pytest.raises(UnsafeUploadError, match="文件已损坏"):
        check_xlsx(_damaged(tmp_path, make))


@CASES
def test_the_match_command_reports_a_damaged_zip_without_a_traceback(
    tmp_path: Path, make: Builder, capsys: pytest.CaptureFixture[str]
) -> None:
    posts = fill_template("posts", tmp_path / "posts.xlsx", [post_row()])
    out = tmp_path / "out.xlsx"

    code = main(
        ["match", "--cadres", str(_damaged(tmp_path, make)), "--posts", str(posts), "-o", str(out)]
    )

    assert code != 0
    assert "文件已损坏" in capsys.readouterr().err
    assert not out.exists()


@CASES
@pytest.mark.django_db
def test_the_import_command_reports_a_damaged_zip_and_imports_nothing(
    tmp_path: Path, make: Builder, capsys: pytest.CaptureFixture[str]
) -> None:
    program = factories.program()

    code = run_import(_damaged(tmp_path, make), program=program.name)

    assert code != 0
    assert "文件已损坏" in capsys.readouterr().err
    assert Cadre.objects.count() == 0


@CASES
@pytest.mark.django_db
def test_the_upload_page_refuses_a_damaged_zip_in_chinese_and_keeps_nothing(
    tmp_path: Path, make: Builder
) -> None:
    factories.program()
    staff = Client()
    staff.force_login(factories.staff_user())  # type: ignore[arg-type]
    upload = SimpleUploadedFile("干部名册.xlsx", _damaged(tmp_path, make).read_bytes())

    response = staff.post(reverse("imports:import_list"), {"file": upload}, follow=True)

    assert response.status_code == 200
    assert "文件已损坏" in response.content.decode()
    assert ImportJob.objects.count() == 0
    assert Cadre.objects.count() == 0

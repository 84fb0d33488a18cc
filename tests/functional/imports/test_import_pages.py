"""The import pages through Django's test client."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianbing.accounts.models import Role
from lianbing.background.models import JobStatus
from lianbing.demand.models import Program
from lianbing.imports import job as worker
from lianbing.imports.models import ImportJob
from lianbing.people.models import Cadre
from tests import factories
from tests.integration.imports.books import cadre_row, cadres_book

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _file(path: Path, name: str = "干部名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, path.read_bytes())


def test_staff_upload_a_cadres_workbook_and_see_the_counts(staff: Client, tmp_path: Path) -> None:
    program = factories.program()
    path = cadres_book(
        tmp_path / "c.xlsx", [cadre_row(编号="C1"), cadre_row(编号="C2", 姓名="金伟")]
    )

    response = staff.post(
        reverse("imports:import_list"),
        {"file": _file(path), "program": program.pk},
        follow=True,
    )

    page = response.content.decode()
    assert 'data-testid="import-done"' in page
    assert '<div class="fs-4 fw-bold" data-testid="cadres-created">2</div>' in page
    assert "已导入到批次“测试批次”" in page
    assert program.cadres.count() == 2


def test_a_bad_workbook_shows_every_problem_and_imports_nothing(
    staff: Client, tmp_path: Path
) -> None:
    factories.program()
    path = cadres_book(
        tmp_path / "c.xlsx",
        [cadre_row(编号="C1", 政治能力=130), cadre_row(编号="C2", 回避单位="无此单位")],
    )

    response = staff.post(reverse("imports:import_list"), {"file": _file(path)}, follow=True)

    page = response.content.decode()
    # Every problem at once: the unknown unit of a good row beside the bad cell.
    assert "发现 2 处问题，未导入任何数据" in page
    assert "政治能力" in page
    assert "无此单位" in page
    assert Cadre.objects.count() == 0


def test_the_problem_list_downloads_as_a_workbook(staff: Client, tmp_path: Path) -> None:
    factories.program()
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row(回避单位="无此单位；乍浦真")])
    staff.post(reverse("imports:import_list"), {"file": _file(path)})
    job = ImportJob.objects.get()

    response = staff.get(reverse("imports:import_problems", args=[job.pk]))

    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    values = [r[4] for r in book["问题清单"].iter_rows(min_row=2, values_only=True)]
    assert values == ["无此单位", "乍浦真"]


def test_a_file_that_is_not_a_workbook_gets_a_form_error_and_no_job(staff: Client) -> None:
    factories.program()

    response = staff.post(
        reverse("imports:import_list"),
        {"file": SimpleUploadedFile("名册.xlsx", b"%PDF-1.4 not a workbook")},
    )

    assert response.status_code == 200
    assert "文件不是 .xlsx 格式" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_without_a_program_the_page_asks_for_one_and_the_import_creates_it(
    staff: Client, tmp_path: Path
) -> None:
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row()])
    page = staff.get(reverse("imports:import_list")).content.decode()
    refused = staff.post(reverse("imports:import_list"), {"file": _file(path)})

    response = staff.post(
        reverse("imports:import_list"),
        {
            "file": _file(path),
            "new_program_name": "2026年百岗大练兵",
            "new_program_started_on": "2026-03-01",
            "new_program_ended_on": "2027-02-28",
        },
        follow=True,
    )

    assert "系统中还没有练兵批次" in page
    assert "请填写新建批次的名称和起止日期" in refused.content.decode()
    assert 'data-testid="import-done"' in response.content.decode()
    assert Program.objects.get().cadres.count() == 1


def test_a_new_program_that_ends_before_it_starts_is_refused_with_what_to_do(
    staff: Client, tmp_path: Path
) -> None:
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row()])

    response = staff.post(
        reverse("imports:import_list"),
        {
            "file": _file(path),
            "new_program_name": "新批次",
            "new_program_started_on": "2026-03-01",
            "new_program_ended_on": "2026-01-01",
        },
    )

    assert "结束日期应晚于开始日期" in response.content.decode()
    assert not Program.objects.exists()


def test_a_queued_import_shows_a_progress_bar_and_can_be_cancelled(
    staff: Client, tmp_path: Path, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.program()
    staff.post(
        reverse("imports:import_list"),
        {"file": _file(cadres_book(tmp_path / "c.xlsx", [cadre_row()]))},
    )
    job = ImportJob.objects.get()

    page = staff.get(reverse("imports:import_detail", args=[job.pk])).content.decode()
    staff.post(reverse("imports:import_cancel", args=[job.pk]))

    assert 'data-testid="import-progress"' in page
    assert "every 500ms" in page
    assert "取消导入" in page
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert worker.import_job_execute(job_id=job.pk) == JobStatus.CANCELLED
    assert not Cadre.objects.exists()


def test_the_status_partial_asks_the_page_to_reload_when_the_import_ends(
    staff: Client, tmp_path: Path
) -> None:
    factories.program()
    staff.post(
        reverse("imports:import_list"),
        {"file": _file(cadres_book(tmp_path / "c.xlsx", [cadre_row()]))},
    )
    job = ImportJob.objects.get()

    response = staff.get(reverse("imports:import_status", args=[job.pk]) + "?polling=1", **HTMX)

    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert "<html" not in response.content.decode()


def test_the_import_list_makes_a_constant_number_of_queries(staff: Client, tmp_path: Path) -> None:
    factories.program()
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row()])
    url = reverse("imports:import_list")
    staff.post(url, {"file": _file(path)})
    with CaptureQueriesContext(connection) as one:
        staff.get(url)
    for k in range(4):
        staff.post(url, {"file": _file(path, f"第{k}版.xlsx")})

    with CaptureQueriesContext(connection) as five:
        response = staff.get(url)

    assert response.content.decode().count("第") >= 4
    assert len(five) == len(one)


def test_the_blank_templates_download_and_an_unknown_kind_is_not_found(staff: Client) -> None:
    response = staff.get(reverse("imports:template_download", args=["cadres"]))
    missing = staff.get(reverse("imports:template_download", args=["x"]))

    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert "干部" in book.sheetnames
    assert missing.status_code == 404


@pytest.mark.parametrize("role", [Role.HOST_CONTACT, Role.MENTOR, Role.AUDITOR])
def test_only_department_staff_may_open_the_import_page(role: str) -> None:
    client = Client()
    kwargs: dict[str, Any] = {}
    if role == Role.HOST_CONTACT:
        kwargs["unit_"] = factories.unit(kind="town")
    if role == Role.MENTOR:
        from lianbing.people import services as people_services

        kwargs["mentor"] = people_services.mentor_create(
            code="M1", name="李俊", unit=factories.unit(kind="town")
        )
    client.force_login(factories.account(role, **kwargs))

    response = client.get(reverse("imports:import_list"))

    assert response.status_code == 403


def test_the_sidebar_offers_the_import_page_to_staff(staff: Client) -> None:
    page = staff.get(reverse("web:dashboard")).content.decode()

    assert "导入名册" in page
    assert reverse("imports:import_list") in page


def test_the_program_select_appears_once_so_choosing_a_new_program_imports_into_it(
    staff: Client, tmp_path: Path
) -> None:
    factories.program()
    path = cadres_book(tmp_path / "c.xlsx", [cadre_row()])

    page = staff.get(reverse("imports:import_list")).content.decode()
    response = staff.post(
        reverse("imports:import_list"),
        {
            "file": _file(path),
            "program": "",
            "new_program_name": "第二批",
            "new_program_started_on": "2027-03-01",
            "new_program_ended_on": "2028-02-28",
        },
        follow=True,
    )

    assert page.count('id="id_program"') == 1
    assert page.count('name="program"') == 1
    assert 'data-testid="import-done"' in response.content.decode()
    assert Program.objects.get(name="第二批").cadres.count() == 1


def test_imports_run_at_the_console_appear_in_the_web_import_list(
    staff: Client, tmp_path: Path
) -> None:
    from lianbing.imports.import_command import run_import

    factories.program()
    good = cadres_book(tmp_path / "命令行名册.xlsx", [cadre_row(编号="C1")])
    bad = cadres_book(tmp_path / "有错的名册.xlsx", [cadre_row(编号="C2", 政治能力=130)])

    assert run_import(good) == 0
    assert run_import(bad) != 0
    page = staff.get(reverse("imports:import_list")).content.decode()

    assert "命令行名册.xlsx" in page
    assert "有错的名册.xlsx" in page
    assert page.count('data-testid="from-command"') == 2
    done = ImportJob.objects.get(file_name="命令行名册.xlsx")
    assert (done.status, done.cadres_created, done.created_by) == (JobStatus.DONE, 1, None)
    refused = ImportJob.objects.get(file_name="有错的名册.xlsx")
    assert refused.status == JobStatus.REJECTED
    assert refused.problems

"""The mentor list, its export, and mentors imported through the upload page."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianbing.accounts.models import Role
from lianbing.engine import taxonomy
from lianbing.engine.mentor_profiles import MentorProfile
from lianbing.imports.models import ImportJob
from lianbing.people import services as people_services
from lianbing.people.models import Mentor, Unit
from lianbing.xlsx.reader import read_mentors
from tests import factories
from tests.integration.imports.books import mentor_row, mentors_book

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
MASS_WORK = taxonomy.ability("mass_work").label
EXECUTION = taxonomy.ability("execution").label


@pytest.fixture
def towns() -> tuple[Unit, Unit]:
    return factories.unit("新仓镇", kind="town"), factories.unit("乍浦镇", kind="town")


@pytest.fixture
def mentors(towns: tuple[Unit, Unit]) -> list[Mentor]:
    xincang, zhapu = towns
    return [
        people_services.mentor_create(
            code="M1",
            name="李俊",
            unit=xincang,
            position="副镇长",
            expertise="征迁协调",
            strengths=["execution", "mass_work"],
            capacity=2,
            phone="13857301234",
            email="lijun@example.gov.cn",
        ),
        people_services.mentor_create(code="M2", name="韩文霞", unit=zhapu, position="党委委员"),
    ]


def _download(response: Any, tmp_path: Path) -> Path:
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def test_staff_see_each_mentors_profile_with_the_phone_masked(
    staff: Client, mentors: list[Mentor]
) -> None:
    response = staff.get(reverse("web:mentor_list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "共 2 名导师" in page
    assert f"{MASS_WORK}、{EXECUTION}" in page
    assert "征迁协调" in page
    assert "lijun@example.gov.cn" in page
    assert "138****1234" in page
    assert "13857301234" not in page


def test_the_list_filters_by_unit_and_searches_by_name(
    staff: Client, mentors: list[Mentor], towns: tuple[Unit, Unit]
) -> None:
    by_unit = staff.get(reverse("web:mentor_list"), {"unit": towns[1].pk}, **HTMX)
    by_name = staff.get(reverse("web:mentor_list"), {"q": "李"}, **HTMX)

    assert 'data-testid="mentor-name">韩文霞<' in by_unit.content.decode()
    assert "李俊" not in by_unit.content.decode()
    assert 'data-testid="mentor-name">李俊<' in by_name.content.decode()
    assert "韩文霞" not in by_name.content.decode()
    # htmx swaps only the results.
    assert "<html" not in by_name.content.decode()


def test_the_list_is_paginated_and_its_queries_do_not_grow_with_the_mentors(
    staff: Client, towns: tuple[Unit, Unit]
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(reverse("web:mentor_list")).status_code == 200
        return len(ctx.captured_queries)

    people_services.mentor_create(code="M00", name="导师00", unit=towns[0])
    few = queries()
    for i in range(1, 27):
        people_services.mentor_create(code=f"M{i:02d}", name=f"导师{i:02d}", unit=towns[i % 2])
    many = queries()
    second = staff.get(reverse("web:mentor_list"), {"page": 2}).content.decode()

    assert many == few
    assert "共 27 名导师" in second
    assert "第 2 / 2 页" in second


def test_the_export_is_the_filtered_list_in_the_import_layout(
    staff: Client, mentors: list[Mentor], towns: tuple[Unit, Unit], tmp_path: Path
) -> None:
    response = staff.get(reverse("web:mentor_export"), {"unit": towns[0].pk})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    result = read_mentors(_download(response, tmp_path))
    assert result.rows == [
        MentorProfile(
            id="M1",
            name="李俊",
            unit="新仓镇",
            position="副镇长",
            expertise="征迁协调",
            strengths=("mass_work", "execution"),
            capacity=2,
            email="lijun@example.gov.cn",
        )
    ]


def test_the_list_page_links_to_the_export_with_its_filters(
    staff: Client, mentors: list[Mentor]
) -> None:
    page = staff.get(reverse("web:mentor_list"), {"q": "李", "page": 1}).content.decode()

    assert f'href="{reverse("web:mentor_export")}?q=%E6%9D%8E"' in page


def test_the_sidebar_lists_mentors_under_basic_data_for_staff(staff: Client) -> None:
    page = staff.get(reverse("web:dashboard")).content.decode()

    sidebar = page.split('id="lb-sidebar"', 1)[1].split("</nav>", 1)[0]
    basic = sidebar.split("基础数据", 1)[1]
    assert f'href="{reverse("web:mentor_list")}"' in basic
    assert basic.index("单位") < basic.index("练兵导师")


@pytest.mark.parametrize("role", [Role.HOST_CONTACT, Role.MENTOR, Role.INSPECTOR, Role.TRAINEE])
def test_other_roles_may_neither_list_nor_export_mentors(role: str, mentors: list[Mentor]) -> None:
    kwargs: dict[str, Any] = {}
    if role == Role.HOST_CONTACT:
        kwargs["unit_"] = mentors[0].unit
    if role == Role.MENTOR:
        kwargs["mentor"] = mentors[0]
    if role == Role.TRAINEE:
        kwargs["cadre_"] = factories.cadre()
    client = Client()
    client.force_login(factories.account(role, **kwargs))

    listed = client.get(reverse("web:mentor_list"))
    exported = client.get(reverse("web:mentor_export"))

    assert (listed.status_code, exported.status_code) == (403, 403)
    assert "李俊" not in listed.content.decode()


def test_staff_upload_a_mentors_workbook_and_see_the_counts(
    staff: Client, towns: tuple[Unit, Unit], tmp_path: Path
) -> None:
    factories.program()
    people_services.mentor_create(code="M1", name="李俊", unit=towns[0])
    path = mentors_book(
        tmp_path / "导师.xlsx",
        [
            mentor_row(导师编号="M1", 擅长能力=MASS_WORK, 可带人数=2),
            mentor_row(导师编号="M2", 姓名="韩文霞", 单位="乍浦镇"),
        ],
    )

    response = staff.post(
        reverse("imports:import_list"),
        {"file": SimpleUploadedFile("导师.xlsx", path.read_bytes())},
        follow=True,
    )

    page = response.content.decode()
    assert "已导入导师。" in page
    assert '<div class="fs-4 fw-bold" data-testid="mentors-created">1</div>' in page
    assert "更新 1 名 · 未变 0 名" in page
    assert f'href="{reverse("web:mentor_list")}"' in page
    assert 'data-testid="cadres-created"' not in page
    job = ImportJob.objects.get()
    assert (job.kind, job.mentors_created, job.mentors_updated, job.program) == (
        "mentors",
        1,
        1,
        None,
    )
    assert Mentor.objects.get(code="M1").capacity == 2


def test_a_bad_mentors_workbook_shows_every_problem_on_the_page(
    staff: Client, towns: tuple[Unit, Unit], tmp_path: Path
) -> None:
    factories.program()
    path = mentors_book(
        tmp_path / "导师.xlsx",
        [mentor_row(单位="无此镇"), mentor_row(导师编号="M2", 可带人数=7)],
    )

    response = staff.post(
        reverse("imports:import_list"),
        {"file": SimpleUploadedFile("导师.xlsx", path.read_bytes())},
        follow=True,
    )

    page = response.content.decode()
    assert "发现 2 处问题，未导入任何数据" in page
    assert "无此镇" in page
    assert "超出范围，应为 1–5 的整数" in page
    assert not Mentor.objects.exists()


def test_the_import_page_offers_the_mentor_template(staff: Client) -> None:
    page = staff.get(reverse("imports:import_list")).content.decode()
    url = reverse("imports:template_download", args=["mentors"])

    response = staff.get(url)

    assert f'href="{url}"' in page
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert book.sheetnames == ["导师", "填写说明"]
    assert quote("导师导入模板.xlsx") in response["Content-Disposition"]

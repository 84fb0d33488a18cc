"""The department imports its rosters in Chromium: progress, result, and a refused workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from lianbing.people.models import Cadre
from tests import factories
from tests.integration.imports.books import cadre_row, cadres_book

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Lianbing-Admin-2026"


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    # A real database queue: the page shows the job waiting, then the worker runs it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    factories.program("2026年百岗大练兵")
    User.objects.create_superuser(username="admin", password=PASSWORD, email="")
    return str(live_server.url)


def _log_in(page: Any, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def _run_worker() -> None:
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def test_upload_watch_progress_see_the_result_then_a_bad_workbook_is_refused(
    page: Any, site: str, tmp_path: Path
) -> None:
    good = cadres_book(
        tmp_path / "干部名册.xlsx",
        [cadre_row(编号="C1"), cadre_row(编号="C2", 姓名="金伟", 现单位="市农业农村局")],
    )
    bad = cadres_book(
        tmp_path / "有错的名册.xlsx",
        [
            cadre_row(编号="C3", 姓名="徐菊", 回避单位="当湖街到"),
            cadre_row(编号="C1", 姓名="屠东君"),
        ],
    )
    _log_in(page, site)

    page.get_by_role("link", name="导入名册").click()
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(good))
    page.get_by_role("button", name="上传并导入").click()
    progress = page.get_by_test_id("import-progress")
    progress.wait_for()
    assert page.get_by_role("button", name="取消导入").is_visible()
    _run_worker()
    page.get_by_test_id("import-done").wait_for()  # the polling reloads the page
    assert page.get_by_test_id("cadres-created").inner_text() == "2"
    assert page.get_by_test_id("units-created").inner_text() == "2"
    assert Cadre.objects.count() == 2

    page.get_by_role("link", name="返回导入名册").click()
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_test_id("import-progress").wait_for()
    _run_worker()
    page.get_by_test_id("import-rejected").wait_for()
    page.wait_for_load_state()
    problems = page.get_by_test_id("import-problems").locator("tbody tr")
    expect(problems).to_have_count(2)
    assert problems.nth(0).locator("td").all_inner_texts()[:4] == [
        "干部",
        "2",
        "回避单位",
        "当湖街到",
    ]
    assert problems.nth(1).locator("td").all_inner_texts()[:4] == ["干部", "3", "编号", "C1"]
    assert "已被干部“孙杰”使用" in problems.nth(1).inner_text()
    assert Cadre.objects.count() == 2
    assert not Cadre.objects.filter(code="C3").exists()

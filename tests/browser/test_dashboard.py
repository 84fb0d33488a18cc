"""A user logs in to the running demo and sees the program's counts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo_server import DemoServer, free_port, start_demo

pytestmark = pytest.mark.embedded_db


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    server = start_demo(tmp_path_factory.mktemp("demo-var"), free_port())
    yield server
    server.stop()


def _log_in(page: Any, demo: DemoServer) -> None:
    page.goto(f"{demo.url}/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(demo.admin_password)
    page.get_by_role("button", name="登录").click()


def test_logging_in_shows_the_dashboard_with_110_cadres_and_100_posts(
    page: Any, demo: DemoServer
) -> None:
    _log_in(page, demo)

    page.get_by_role("heading", name="工作台").wait_for()
    assert page.get_by_test_id("count-cadres").inner_text() == "110"
    assert page.get_by_test_id("count-posts").inner_text() == "100"
    # ECharts drew both charts from the locally served library.
    page.wait_for_selector("[data-chart='category-chart'][data-chart-ready='1'] canvas")
    page.wait_for_selector("[data-chart='host-unit-chart'][data-chart-ready='1'] canvas")


def test_a_wrong_password_is_refused_in_chinese(page: Any, demo: DemoServer) -> None:
    page.goto(f"{demo.url}/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()

    assert page.get_by_role("alert").inner_text().startswith("用户名或密码不正确")


def test_typing_in_the_search_box_filters_the_cadre_list_in_place(
    page: Any, demo: DemoServer
) -> None:
    _log_in(page, demo)
    page.get_by_role("link", name="干部库").click()
    page.get_by_text("共 110 名干部").wait_for()

    page.get_by_placeholder("搜索姓名、编号、专长、经历、职务").fill("赛艇")

    page.get_by_text("共 1 名干部").wait_for()
    assert page.get_by_role("link", name="王楠楠").is_visible()
    assert "q=" in page.url


def test_the_sidebar_opens_on_a_phone(browser: Any, demo: DemoServer, tmp_path: Path) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    _log_in(phone, demo)

    phone.get_by_role("button", name="打开导航").click()
    phone.get_by_role("link", name="练兵岗位").click()

    phone.get_by_role("heading", name="练兵岗位").wait_for()
    context.close()

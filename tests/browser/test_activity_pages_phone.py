"""On a 375 px phone a trainee reads the activity list and an activity: no sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from tests.functional.activities import conftest as activities_conftest
from tests.functional.activities.conftest import Activities
from tests.functional.training import conftest as training

pytestmark = pytest.mark.django_db(transaction=True)

placed = training.placed
activities = activities_conftest.activities

PASSWORD = "Lianbing-2026!"
PHONE = {"width": 375, "height": 812}


def _overflow(page: Any) -> int:
    """How many pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_the_trainee_reads_the_activities_on_a_phone(
    live_server: Any, browser: Any, activities: Activities, settings: Any
) -> None:
    settings.LIANBING_TODAY = "2026-07-01"
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("sunjie")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{live_server.url}/activities/")
    listed = _overflow(page)
    page.get_by_test_id("month-list").get_by_role("link", name="无领导小组讨论：强村富民").click()
    page.get_by_test_id("topic").wait_for()
    detail = _overflow(page)
    page.goto(f"{live_server.url}/activities/series/{activities.series.pk}/")
    series = page.get_by_test_id("activity-row").count()
    context.close()

    assert listed == 0
    assert detail == 0
    assert series == 1

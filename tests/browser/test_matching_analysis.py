"""The run page shows the result at once, "分析中" meanwhile, and the analysis as the worker adds it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import expect

from lianbing.matching.models import MatchRun
from lianbing.matching.services.run_compute import match_run_execute
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Lianbing-Admin-2026"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PHONE = {"width": 375, "height": 812}


def _computed_run(settings: Any) -> MatchRun:
    """A run stored by the worker's service; its analysis is queued for the worker."""
    settings.TASKS = DATABASE_TASKS
    user = User.objects.create_superuser(username="admin", password=PASSWORD, email="")
    run = factories.match_run(user, cadres=8, posts=3)
    match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run


def test_the_analysis_fills_in_on_the_open_run_page_when_the_worker_has_it(
    live_server: Any, browser: Any, settings: Any
) -> None:
    run = _computed_run(settings)
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{live_server.url}{run.get_absolute_url()}")
    # The result is there; the analysis is announced, not yet shown.
    expect(page.get_by_test_id("run-total")).to_be_visible()
    expect(page.get_by_test_id("analysis-pending")).to_contain_text("分析中")
    expect(page.get_by_test_id("run-analysis")).to_have_count(0)
    width = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(width) == 0
    page.evaluate("window.__same_page = true")  # a reload would drop it

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    # The section's polling brings the analysis in without a reload.
    expect(page.get_by_test_id("run-analysis")).to_be_visible()
    expect(page.get_by_test_id("sensitivity")).to_contain_text("调低 20%")
    expect(page.get_by_test_id("analysis-pending")).to_have_count(0)
    assert page.evaluate("window.__same_page === true")
    context.close()

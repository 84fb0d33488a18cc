"""Real Chromium: sign-in works under Referrer-Policy no-referrer and the CSP is never violated."""

from __future__ import annotations

from typing import Any

import pytest

from lianbing.accounts.models import AuditAction, AuditEvent, Role
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Lianbing-2026!"


def _watch_console(page: Any) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return problems


def _sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_user_signs_in_with_no_referrer_and_the_pages_break_no_csp_rule(
    page: Any, live_server: Any
) -> None:
    factories.program("2026年度百岗大练兵")
    factories.account(Role.STAFF, username="ganbuke", password=PASSWORD)
    problems = _watch_console(page)

    _sign_in(page, live_server.url, "ganbuke", PASSWORD)
    page.get_by_role("heading", name="工作台").wait_for()
    page.wait_for_selector("[data-chart-ready='1'] canvas")  # ECharts ran under the CSP
    page.goto(f"{live_server.url}/cadres/")
    page.get_by_role("heading", name="干部库").wait_for()

    assert page.evaluate("document.referrer") == ""
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, username="ganbuke").exists()
    assert problems == []


def test_the_sixth_attempt_in_a_browser_shows_the_chinese_lockout_page(
    page: Any, live_server: Any
) -> None:
    factories.account(Role.STAFF, username="ganbuke", password=PASSWORD)
    for _ in range(5):
        _sign_in(page, live_server.url, "ganbuke", "wrong-password")

    _sign_in(page, live_server.url, "ganbuke", PASSWORD)

    assert page.get_by_test_id("locked-out").is_visible()
    assert "30 分钟" in page.get_by_test_id("locked-out").inner_text()

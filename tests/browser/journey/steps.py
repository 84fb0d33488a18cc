"""Steps shared by the journey: signing in, the home page's 我的待办, the worker, screenshots."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import OperationalError

from tests.conftest import REPO_ROOT

GUIDE_IMAGES = REPO_ROOT / "docs" / "guide" / "img"
#: The password every account is given when it is created, and the one it sets at first sign-in.
FIRST_PASSWORD = "Lianbing-2026!"
OWN_PASSWORD = "Lianbing-Year-2026"


def shots_folder(tmp_path: Path) -> Path:
    """The guide's pictures when ``LIANBING_GUIDE_SCREENSHOTS`` is set, else a temporary folder."""
    if os.environ.get("LIANBING_GUIDE_SCREENSHOTS"):
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        return GUIDE_IMAGES
    return tmp_path


def shot(page: Any, folder: Path, name: str, *, full_page: bool = True) -> None:
    """A picture of the page, from its top (the sticky header stays where it belongs)."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / f"year-{name}.png"), full_page=full_page)


def sign_in(
    browser: Any,
    base: str,
    username: str,
    password: str = OWN_PASSWORD,
    *,
    first_time: bool = False,
    **viewport: Any,
) -> Any:
    """A browser of its own for one account, signed in through the login page.

    ``first_time``: the account was just given its role, so the site asks for a
    new password before anything else; it is set to ``OWN_PASSWORD``.
    """
    context = browser.new_context(
        locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900}, has_touch=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(FIRST_PASSWORD if first_time else password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if first_time:
        page.wait_for_url("**/accounts/password/")
        page.get_by_text("这是您首次登录").wait_for()
        page.get_by_label("旧密码").fill(FIRST_PASSWORD)
        page.get_by_label("新密码", exact=True).fill(OWN_PASSWORD)
        page.get_by_label("新密码确认").fill(OWN_PASSWORD)
        page.get_by_role("button", name="保存新密码").click()
        page.wait_for_url(lambda url: "/accounts/password/" not in url)
    return page


def home(page: Any, base: str) -> Any:
    """The home page's 我的待办 card."""
    page.goto(f"{base}/")
    card = page.get_by_test_id("due-card")
    card.wait_for()
    return card


def due(card: Any, kind: str) -> Any:
    """The 我的待办 line of one kind (``data-kind``)."""
    return card.locator(f"[data-testid=due-item][data-kind={kind}]")


def run_worker() -> None:
    """The background worker takes every queued job, then stops (as ``lianbing worker`` would).

    On SQLite the test database is one in-memory database shared by the live
    server's thread and this one; a page polling while the worker claims a job
    can find a table locked for a moment, in which case the worker starts again.
    """
    for attempt in range(5):
        try:
            call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
            return
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 4:
                raise
            time.sleep(0.5)


def status_of(page: Any, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return int(response.status)

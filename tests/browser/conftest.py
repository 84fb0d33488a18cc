"""Real Chromium (Debian's package) driven by Playwright.

The set-up installs chromium with apt-get when it is missing and the tests run
as root; otherwise the browser tests are skipped with the reason.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API keeps an event loop in this thread; the ORM calls the
# tests make between browser steps are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _install_chromium() -> str:
    """Install Debian's chromium; return "" on success or the reason it failed."""
    if os.geteuid() != 0:
        return "未找到 chromium，且当前用户不是 root，无法自动安装（请先运行：apt-get install chromium）"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"自动安装 chromium 失败（{' '.join(cmd)}）：{done.stderr.strip()[-300:]}"
    return ""


@pytest.fixture(scope="session")
def chromium_executable(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = _chromium_path()
    if path is None:
        # Parallel test workers share one lock, so only one of them runs apt-get.
        lock = tmp_path_factory.getbasetemp().parent / "chromium-install.lock"
        with lock.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            path = _chromium_path()
            reason = "" if path else _install_chromium()
        path = _chromium_path()
        if path is None:
            pytest.skip(reason or "chromium 安装后仍未找到")
    return path


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)

"""Real Chromium (Debian's package) driven by Playwright.

The set-up installs chromium with apt-get when it is missing and the tests run
as root; otherwise the browser tests are skipped with the reason. It installs a
CJK font (fonts-noto-cjk) the same way, so that screenshots show Chinese, not
boxes; without it the tests still run, with a warning.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import warnings
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
    # Date inputs and number formats as a user in China sees them.
    "--lang=zh-CN",
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


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")  # fontconfig's, which chromium depends on
    if fc_list is None:
        return False
    done = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True)
    return bool(done.stdout.strip())


def _missing_packages() -> list[str]:
    missing = [] if _chromium_path() else ["chromium"]
    return missing + ([] if _has_cjk_font() else ["fonts-noto-cjk"])


def _apt_install(packages: list[str]) -> str:
    """Install Debian packages; return "" on success or the reason it failed."""
    names = " ".join(packages)
    if os.geteuid() != 0:
        return f"未找到 {names}，且当前用户不是 root，无法自动安装（请先运行：apt-get install {names}）"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"自动安装 {names} 失败（{' '.join(cmd)}）：{done.stderr.strip()[-300:]}"
    return ""


@pytest.fixture(scope="session")
def chromium_executable(tmp_path_factory: pytest.TempPathFactory) -> str:
    reason = ""
    if _missing_packages():
        # Parallel test workers share one lock, so only one of them runs apt-get.
        lock = tmp_path_factory.getbasetemp().parent / "chromium-install.lock"
        with lock.open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            missing = _missing_packages()
            reason = _apt_install(missing) if missing else ""
    path = _chromium_path()
    if path is None:
        pytest.skip(reason or "chromium 安装后仍未找到")
    if not _has_cjk_font():
        warnings.warn(f"未安装中文字体，截图中的中文会显示为方框。{reason}", stacklevel=1)
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

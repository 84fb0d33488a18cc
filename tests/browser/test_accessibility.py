"""Every role's main pages pass axe-core's WCAG 2.1 A/AA rules, on a desktop and on a phone.

Government sites in China follow GB/T 37668, which rests on the same WCAG
criteria. axe-core comes from npm like the other front-end libraries, but only
the tests read it (from node_modules): no page the program serves loads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo_server import DemoServer, free_port, start_demo

pytestmark = pytest.mark.embedded_db

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# The administrator, then one demo account per role (lianbing.demodata.accounts).
ACCOUNTS = [
    "admin",
    "ganbuke",
    "caoqiao",
    "daoshi",
    "kaocha",
    "shenji",
    "anquan",
    "xitong",
    "xueyuan",
]

RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}
"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `npm ci` (make assets) to install axe-core")
    return AXE_SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    server = start_demo(tmp_path_factory.mktemp("demo-var"), free_port())
    yield server
    server.stop()


def _password(demo: DemoServer, username: str) -> str:
    if username == "admin":
        return demo.admin_password
    found = re.search(r"共同密码：(\S+?)，", "".join(demo.output))
    assert found, "the demo did not print the role accounts' password"
    return found.group(1)


def _log_in(page: Any, demo: DemoServer, username: str) -> None:
    page.goto(f"{demo.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(_password(demo, username))
    page.get_by_role("button", name="登录").click()
    # Each role lands on its own first page (accounts.views.home).
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


Problems = dict[str, list[str]]  # a failing element (rule, element, why) -> its pages


def _check(page: Any, axe: str, path: str, problems: Problems) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    _check_here(page, axe, problems)


def _check_here(page: Any, axe: str, problems: Problems) -> None:
    """Run axe on the page as it is now; add each failing element to problems."""
    # Evaluated through the DevTools protocol, so the pages' CSP (no inline
    # script) stays on and the pages are checked as users get them.
    page.evaluate(axe)
    found = page.evaluate(RUN_AXE, WCAG_TAGS)
    page_path = page.evaluate("location.pathname")
    for violation in found:
        for node in violation["nodes"]:
            why = " ".join(node["summary"].split())
            key = (
                f"[{violation['id']}, {violation['impact']}] {violation['help']}\n"
                f"    element: {node['target']}\n    {why}"
            )
            pages = problems.setdefault(key, [])
            if page_path not in pages:
                pages.append(page_path)


def _assert_none(problems: Problems, who: str) -> None:
    # One entry per failing element of the shared layout, not one per page.
    if problems:
        report = "\n".join(f"{k}\n    on: {' '.join(pages)}" for k, pages in problems.items())
        pytest.fail(f"{who}: {len(problems)} WCAG 2.1 A/AA violations\n{report}", pytrace=False)


def _sidebar_paths(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "#lb-sidebar a.nav-link", "links => links.map((a) => a.getAttribute('href'))"
    )
    return list(dict.fromkeys(hrefs))


@pytest.mark.parametrize("username", ACCOUNTS)
def test_each_roles_dashboard_and_sidebar_pages_break_no_wcag_21_aa_rule(
    browser: Any, demo: DemoServer, axe_source: str, username: str
) -> None:
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, base_url=demo.url)
    context.set_default_timeout(30_000)
    page = context.new_page()
    _log_in(page, demo, username)
    landing = page.evaluate("location.pathname")
    sidebar = _sidebar_paths(page)
    # The sidebar lists the landing page, except in /admin/ (its own layout).
    assert landing in sidebar or landing.startswith("/admin/"), (landing, sidebar)
    # The landing page, the sidebar's pages and the user menu's password page.
    paths = list(dict.fromkeys([landing, *sidebar, "/accounts/password/"]))

    problems: Problems = {}
    for path in paths:
        _check(page, axe_source, path, problems)
    context.close()

    _assert_none(problems, username)


@pytest.mark.parametrize("username", ACCOUNTS)
def test_each_roles_dashboard_on_a_phone_breaks_no_wcag_21_aa_rule(
    browser: Any, demo: DemoServer, axe_source: str, username: str
) -> None:
    context = browser.new_context(locale="zh-CN", viewport=PHONE, base_url=demo.url)
    context.set_default_timeout(30_000)
    page = context.new_page()
    _log_in(page, demo, username)

    problems: Problems = {}
    page.wait_for_load_state("networkidle")
    _check_here(page, axe_source, problems)  # the dashboard, or the role's first page
    # The navigation opened over the page, as a phone user reaches every page
    # (the system administrator lands in /admin/, which has its own).
    if page.locator("#lb-sidebar").count():
        page.get_by_role("button", name="打开导航").click()
        page.locator("#lb-sidebar.show").wait_for()
        page.wait_for_timeout(400)  # the slide-in transition, so colours are final
        _check_here(page, axe_source, problems)
    context.close()

    _assert_none(problems, f"{username}, phone")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_sign_in_page_breaks_no_wcag_21_aa_rule(
    browser: Any, demo: DemoServer, axe_source: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(locale="zh-CN", viewport=viewport, base_url=demo.url)
    page = context.new_page()

    problems: Problems = {}
    _check(page, axe_source, "/accounts/login/", problems)
    context.close()

    _assert_none(problems, "sign-in page")

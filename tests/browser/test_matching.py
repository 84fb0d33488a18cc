"""The department runs a match, reviews it, re-optimises, finalises and exports, in Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from lianbing.demand.selectors import current_program
from lianbing.demodata.loader import demo_program_load
from lianbing.training.models import Secondment

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Lianbing-Admin-2026"


@pytest.fixture
def demo_site(live_server: Any) -> str:
    demo_program_load()
    User.objects.create_superuser(username="admin", password=PASSWORD, email="")
    return str(live_server.url)


def _log_in(page: Any, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def _decide(page: Any, candidate: Any, label: str, reason: str) -> None:
    cadre, post = candidate.get_attribute("data-cadre"), candidate.get_attribute("data-post")
    candidate.locator("a").click()
    panel = page.locator(f"[data-testid=pair-detail][data-cadre='{cadre}'][data-post='{post}']")
    panel.wait_for()
    panel.get_by_label(f"{label}的理由").fill(reason)
    panel.get_by_role("button", name=label).click()
    panel.get_by_text(reason).wait_for()  # listed among the pair's decisions


def test_run_review_reoptimise_finalise_and_export(
    page: Any, demo_site: str, tmp_path: Path
) -> None:
    _log_in(page, demo_site)
    page.get_by_role("link", name="新建匹配").click()
    page.get_by_label("方案名称").fill("常委会讨论稿")
    page.get_by_role("button", name="运行匹配").click()
    page.get_by_test_id("run-total").wait_for()
    page.get_by_role("link", name="打开干部选配平衡表").click()
    page.wait_for_url("**/balance/")
    page.wait_for_load_state()  # the click returns once the page starts to arrive
    expect(page.locator("tr[data-post]")).to_have_count(50)
    expect(page.get_by_test_id("balance-count")).to_contain_text("共 100 个岗位，第 1 / 2 页")
    # A search narrows the posts in place; clearing it brings the first page back.
    search = page.get_by_label("搜索岗位、单位或干部姓名")
    first_post = page.locator("tr[data-post]").first.get_attribute("data-post")
    search.fill(first_post or "")
    expect(page.locator("tr[data-post]")).to_have_count(1)
    search.fill("")
    expect(page.locator("tr[data-post]")).to_have_count(50)
    # The decisions are made on the second page of posts, which the reloads keep.
    page.get_by_test_id("balance-pages").get_by_role("link", name="下一页").click()
    expect(page.get_by_test_id("balance-count")).to_contain_text("第 2 / 2 页")
    expect(page.locator("tr[data-post]")).to_have_count(50)

    # Pin a second-ranked candidate to the post where they are listed.
    row = (
        page.locator("tr[data-post]")
        .filter(has=page.locator("li.lb-candidate:not([data-recommended])"))
        .first
    )
    pin_post = row.get_attribute("data-post")
    candidate = row.locator("li.lb-candidate:not([data-recommended])").first
    pin_cadre = candidate.get_attribute("data-cadre")
    _decide(page, candidate, "指定配置", "熟悉该镇情况，组织研究指定")
    page.get_by_text("待纳入优化的研判决定：1 项").wait_for()

    # Forbid the recommended cadre of another post.
    rows = page.locator("tr[data-post]")
    for k in range(rows.count()):
        other = rows.nth(k)
        recommended = other.locator("li[data-recommended]").first
        if (
            other.get_attribute("data-post") != pin_post
            and recommended.get_attribute("data-cadre") != pin_cadre
        ):
            break
    forbid_post = other.get_attribute("data-post")
    forbid_cadre = recommended.get_attribute("data-cadre")
    _decide(page, recommended, "排除配对", "与该单位负责人有亲属关系，需回避")
    page.get_by_text("待纳入优化的研判决定：2 项").wait_for()

    # A mistaken decision, made in the pair panel still open, is withdrawn with a reason;
    # it stays listed, struck through.
    panel = page.get_by_test_id("pair-detail")
    panel.get_by_label("移出人选的理由").fill("误以为已另有任用")
    panel.get_by_role("button", name="移出人选").click()
    mistaken = panel.get_by_test_id("pair-decisions").locator("li", has_text="误以为已另有任用")
    mistaken.wait_for()
    page.get_by_text("待纳入优化的研判决定：3 项").wait_for()
    mistaken.get_by_label("撤销的理由").fill("核实后仍在人选之列")
    mistaken.get_by_role("button", name="撤销决定").click()
    page.get_by_text("撤销：核实后仍在人选之列").wait_for()
    page.get_by_text("待纳入优化的研判决定：2 项").wait_for()

    page.get_by_role("button", name="重新优化").click()
    moves = page.get_by_test_id("moves")
    moves.wait_for()
    assert f"（{pin_cadre}）" in moves.inner_text()
    assert f"（{forbid_cadre}）" in moves.inner_text()
    page.get_by_test_id("pair-panel-reset").wait_for()  # the panel no longer shows the old pair
    page.get_by_text("待纳入优化的研判决定：0 项").wait_for()
    expect(page.get_by_test_id("balance-count")).to_contain_text("第 2 / 2 页")
    expect(page.locator(f"tr[data-post='{pin_post}']")).to_have_count(1)

    page.get_by_role("link", name="概况").click()
    page.get_by_label("我已核对配置方案").check()
    page.get_by_role("button", name="定案并生成练兵安排").click()
    page.get_by_test_id("finalised-badge").wait_for()
    page.wait_for_load_state()
    # The demo's earlier program has its own secondments; count this program's.
    placed = Secondment.objects.filter(program=current_program())
    assert placed.count() >= 100
    # The run page lists them fifty at a time; the next page swaps in place.
    expect(page.get_by_test_id("secondments").locator("tbody tr")).to_have_count(50)
    page.get_by_test_id("secondment-pages").get_by_role("link", name="下一页").click()
    expect(page.get_by_test_id("secondment-count")).to_contain_text(
        f"共 {placed.count()} 人，第 2 / "
    )

    page.get_by_role("button", name="导出 Excel（平衡表与配置方案）").click()
    with page.expect_download() as download:
        page.get_by_test_id("export-download").first.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    book = openpyxl.load_workbook(saved, read_only=True)
    placed = {
        r[0]: r[4]
        for r in book["配置方案"].iter_rows(min_row=2, values_only=True)
        if len(r) > 4 and r[0] and r[4]
    }
    assert placed[pin_cadre] == pin_post
    assert placed.get(forbid_cadre) != forbid_post
    header, *lines = book["干部选配平衡表"].iter_rows(values_only=True)
    recommended_column = header.index("推荐人选")
    balance = {r[0]: r for r in lines}
    assert len(balance) == 100
    assert pin_cadre in balance[pin_post][recommended_column]

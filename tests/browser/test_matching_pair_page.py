"""The pair page on its own and the pair panel on a phone, in Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from lianbing.matching.models import Decision, MatchRun
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server: Any) -> tuple[str, MatchRun]:
    staff = factories.staff_user()
    return str(live_server.url), factories.match_run(staff, cadres=6, posts=3)


def _log_in(page: Any, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill("ganbuke")
    page.get_by_label("密码").fill("Lianbing-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="工作台").wait_for()


def test_a_cadre_can_be_pinned_from_the_pair_page_opened_on_its_own(
    page: Any, site: tuple[str, MatchRun]
) -> None:
    url, run = site
    _log_in(page, url)
    placed = set(run.placements.values_list("cadre_id", flat=True))
    cadre = run.cadres.exclude(pk__in=placed).order_by("pk").first()
    post = run.posts.order_by("pk").first()
    assert cadre is not None
    assert post is not None
    page.goto(f"{url}/matching/{run.pk}/pair/{cadre.pk}/{post.pk}/")
    panel = page.get_by_test_id("pair-detail")

    panel.get_by_label("指定配置的理由").fill("熟悉该镇情况，组织研究指定")
    panel.get_by_role("button", name="指定配置").click()

    page.get_by_test_id("pair-decisions").get_by_text("熟悉该镇情况，组织研究指定").wait_for()
    assert Decision.objects.filter(run=run, cadre=cadre, post=post, kind="pin").exists()


def test_on_a_phone_tapping_a_candidate_scrolls_to_the_explanation(
    browser: Any, live_server: Any
) -> None:
    run = factories.match_run(factories.staff_user(), cadres=24, posts=14)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    phone = context.new_page()
    _log_in(phone, str(live_server.url))
    phone.goto(f"{live_server.url}/matching/{run.pk}/balance/")
    candidate = phone.locator("li.lb-candidate a").first

    candidate.tap()

    phone.get_by_test_id("pair-detail").wait_for()
    # The page scrolls smoothly (Bootstrap's scroll-behavior): wait for it to come to rest.
    phone.wait_for_function(
        "() => { const top = document.getElementById('pair-panel').getBoundingClientRect().top;"
        " return top >= 0 && top < window.innerHeight / 2; }",
        timeout=5_000,
    )
    context.close()

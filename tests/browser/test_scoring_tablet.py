"""An assessor scores a discussion on a tablet held upright (768 x 1024) and sideways (1024 x 768).

Nothing scrolls sideways, every level is a touch target at least 44 px high
(Apple's and WCAG 2.5.5's minimum), and "保存，下一位" walks the participants.
"""

from __future__ import annotations

from typing import Any

import pytest

from lianbing.activities.models import ActivityScore
from tests.functional.activities import conftest as activities_conftest
from tests.functional.activities.conftest import TESTED, Activities
from tests.functional.activities.scores_fixtures import scoring
from tests.functional.training import conftest as training

pytestmark = pytest.mark.django_db(transaction=True)

placed = training.placed
activities = activities_conftest.activities

PASSWORD = "Lianbing-2026!"
TABLETS = ({"width": 768, "height": 1024}, {"width": 1024, "height": 768})
TOUCH_MIN = 44


def _tablet(browser: Any, base_url: str, viewport: dict[str, int]) -> Any:
    context = browser.new_context(locale="zh-CN", viewport=viewport, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill("lijun")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _overflow(page: Any) -> int:
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_an_assessor_scores_two_participants_on_a_tablet_either_way_round(
    live_server: Any, browser: Any, activities: Activities
) -> None:
    made = scoring(activities.activity)
    first, second = activities.trainees[:2]

    for viewport, target, levels in zip(
        TABLETS, (first, second), ((4, 3, 5), (2, 5, 3)), strict=True
    ):
        page = _tablet(browser, live_server.url, viewport)
        page.goto(f"{live_server.url}/activities/{made.pk}/score/")
        assert _overflow(page) == 0
        page.locator(f'[data-testid="score-row"][data-secondment="{target.pk}"]').click()
        page.get_by_test_id("score-form").wait_for()
        assert _overflow(page) == 0
        for code, level in zip(TESTED, levels, strict=True):
            label = page.locator(f'label[for="{code}-{level}"]')
            box = label.bounding_box()
            assert box is not None
            assert box["height"] >= TOUCH_MIN
            label.tap()
        page.get_by_test_id("save-next").tap()
        page.get_by_text("已保存对").wait_for()
        assert "/score/" in page.url
        page.context.close()

        saved = ActivityScore.objects.get(assessor=activities.placed.mentor, secondment=target)
        assert saved.scores == dict(zip(TESTED, levels, strict=True))

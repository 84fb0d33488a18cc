"""A leaderless group discussion in Chromium, from its creation to the trainee's growth record.

Set up with the ORM and services: the ``activities`` fixture's twelve trainees
and series (tests/functional/activities/conftest.py) and a released mid-term
round of their program, one team covering them all, closing after the discussion. Everything of the
discussion happens through the pages:

- the department creates a 无领导小组讨论 testing three abilities, every
  trainee taking part, 李俊 (a mentor) assessing, in groups of 4;
- it generates balanced groups (3 groups of 4, the balance beside random
  splits shown), swaps 孙杰 with a member of another group, and starts scoring;
- on a tablet held upright (768 x 1024) 李俊 scores every participant;
- the department finishes the activity after the confirmation page;
- 孙杰 opens his growth record and finds the discussion with his mean score.

A screenshot of each step goes to docs/guide/img/activities-*.png (the user
guide's pictures) when ``LIANBING_GUIDE_SCREENSHOTS`` is set, otherwise to
the test's temporary folder.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lianbing.activities.models import Activity, ActivityScore, ActivityStatus, GroupMember
from lianbing.evaluation.models import EvaluationRound, InspectionTeam, RoundStatus
from tests.functional.activities import conftest as activities_conftest
from tests.functional.activities.conftest import TESTED, Activities
from tests.functional.evaluation.conftest import default_items
from tests.functional.training import conftest as training

pytestmark = pytest.mark.django_db(transaction=True)

placed = training.placed
activities = activities_conftest.activities

STAFF_PASSWORD = "Lianbing-2026"  # tests.factories.staff_user
PASSWORD = "Lianbing-2026!"  # tests.factories.account
TITLE = "无领导小组讨论：小微企业纾困"
GUIDE_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"
#: 李俊's level on every tested ability, by participant's position in the fixture.
LEVELS = (5, 4, 3, 2, 1, 3, 4, 5, 2, 3, 4, 1)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where the step screenshots go: the guide's pictures on request, else a temporary folder."""
    if os.environ.get("LIANBING_GUIDE_SCREENSHOTS"):
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        return GUIDE_IMAGES
    return tmp_path


def _sign_in(browser: Any, base_url: str, username: str, password: str, **viewport: int) -> Any:
    context = browser.new_context(
        locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900}, has_touch=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _released_round(made: Activities) -> EvaluationRound:
    round_ = EvaluationRound.objects.create(
        program=made.series.program,
        name="中期考察",
        closes_on=datetime.date(2026, 7, 31),
        status=RoundStatus.RELEASED,
        created_by=made.placed.staff,
    )
    default_items(round_)
    team = InspectionTeam.objects.create(round=round_, name="第一专项考察组")
    team.secondments.set(made.trainees)
    return round_


def test_a_discussion_is_grouped_scored_on_a_tablet_and_read_in_the_growth_record(
    live_server: Any, browser: Any, activities: Activities, shots: Path
) -> None:
    base = live_server.url
    round_ = _released_round(activities)
    sun_jie = activities.placed.secondment

    # The department creates the discussion.
    staff = _sign_in(browser, base, "ganbuke", STAFF_PASSWORD)
    staff.goto(f"{base}/activities/series/{activities.series.pk}/")
    staff.get_by_test_id("activity-create").click()
    staff.get_by_label("活动类型").select_option(label="无领导小组讨论")
    staff.get_by_label("活动名称").fill(TITLE)
    staff.get_by_label("题目").fill("辖区小微企业订单下滑，请小组讨论形成纾困方案。")
    staff.get_by_label("活动日期").fill("2026-07-15")
    staff.get_by_label("地点").fill("市委党校 203 教室")
    for label in ("科学决策能力", "改革攻坚能力", "群众工作能力"):
        staff.get_by_test_id("abilities").get_by_label(label).check()
    staff.get_by_label("全部在岗练兵干部参加").check()
    staff.get_by_test_id("assessors").get_by_label(re.compile("^李俊")).check()
    staff.get_by_label("每组人数").fill("4")
    staff.screenshot(path=shots / "activities-1-create.png", full_page=True)
    staff.get_by_role("button", name=re.compile("保存|创建")).click()
    expect(staff.get_by_test_id("activity-status")).to_have_text("筹备中")
    made = Activity.objects.get(title=TITLE)
    assert sorted(made.abilities) == sorted(TESTED)
    assert made.participants.count() == 12

    # Balanced groups, then 孙杰 swaps places with a member of another group.
    staff.goto(f"{base}/activities/{made.pk}/groups/")
    staff.get_by_test_id("generate-button").click()
    expect(staff.get_by_test_id("group")).to_have_count(3)
    expect(staff.get_by_test_id("percentile")).to_contain_text("%")
    before = GroupMember.objects.get(activity=made, secondment=sun_jie).group.number
    partner = GroupMember.objects.filter(activity=made).exclude(group__number=before).first()
    assert partner is not None
    target = partner.group.number
    swap = staff.get_by_test_id("swap-form")
    swap.get_by_label("成员甲").select_option(str(sun_jie.pk))
    swap.get_by_label("与成员乙互换").select_option(str(partner.secondment_id))
    swap.get_by_role("button", name="互换").click()
    expect(
        staff.locator(f'[data-testid="group"][data-number="{target}"]').get_by_text("孙杰")
    ).to_be_visible()
    assert GroupMember.objects.get(activity=made, secondment=sun_jie).group.number == target
    assert (
        GroupMember.objects.get(activity=made, secondment=partner.secondment).group.number == before
    )
    staff.evaluate("window.scrollTo(0, 0)")
    staff.screenshot(path=shots / "activities-2-groups.png", full_page=True)
    staff.goto(f"{base}/activities/{made.pk}/groups/print/")
    staff.screenshot(path=shots / "activities-3-sheet.png", full_page=True)

    staff.goto(f"{base}/activities/{made.pk}/")
    staff.get_by_test_id("start-scoring").click()
    expect(staff.get_by_test_id("activity-status")).to_have_text("评分中")

    # 李俊 scores everyone on a tablet held upright.
    tablet = _sign_in(browser, base, "lijun", PASSWORD, width=768, height=1024)
    levels = dict(zip((s.pk for s in activities.trainees), LEVELS, strict=True))
    for trainee in activities.trainees:
        tablet.goto(f"{base}/activities/{made.pk}/score/")
        tablet.locator(f'[data-testid="score-row"][data-secondment="{trainee.pk}"]').click()
        tablet.get_by_test_id("score-form").wait_for()
        for code in TESTED:
            tablet.locator(f'label[for="{code}-{levels[trainee.pk]}"]').tap()
        if trainee == sun_jie:
            tablet.screenshot(path=shots / "activities-4-tablet.png", full_page=True)
        tablet.get_by_test_id("save-next").tap()
        tablet.get_by_text("已保存对").wait_for()
    assert ActivityScore.objects.filter(activity=made).count() == 12
    tablet.context.close()

    # The department finishes the activity after confirming.
    staff.goto(f"{base}/activities/{made.pk}/")
    staff.get_by_test_id("finish").click()
    expect(staff.get_by_test_id("consequence")).to_be_visible()
    staff.get_by_role("button", name="确认结束").click()
    expect(staff.get_by_test_id("activity-status")).to_have_text("已结束")
    made.refresh_from_db()
    assert made.status == ActivityStatus.FINISHED
    staff.goto(f"{base}/activities/{made.pk}/results/")
    expect(staff.get_by_text("ICC(2,1)").first).to_be_visible()
    staff.screenshot(path=shots / "activities-5-results.png", full_page=True)
    staff.context.close()

    # 孙杰 reads the discussion in his growth record.
    trainee = _sign_in(browser, base, "sunjie", PASSWORD)
    trainee.goto(f"{base}/evaluation/{round_.pk}/record/{sun_jie.pk}/")
    section = trainee.get_by_test_id("activities")
    expect(section).to_contain_text(TITLE)
    expect(section).to_contain_text(f"{levels[sun_jie.pk]:.2f}")
    section.screenshot(path=shots / "activities-6-record.png")
    trainee.context.close()

"""One month of the training period in Chromium, each role in its own browser.

Only what precedes the month is set up with the ORM: the program, the post,
the cadre 孙杰 placed at 新仓镇 with his confirmed mentor 李俊, and the
accounts. Everything of the month happens through the pages, with the clock
(``LIANBING_TODAY``) moved on between steps:

- the mentor drafts the plan (a goal tied to an ability, the default monthly
  milestones) and submits it; the department returns it with a reason;
- the mentor reads the reason, revises into version 2 and submits; the
  department approves it;
- the trainee reads the approved plan and files two logs, one with a picture;
- the mentor comments on a log and records the monthly assessment;
- the trainee marks the first milestone done;
- past the second milestone's date, the department's 跟踪督办 lists it as
  late, and not the done one; the plan page keeps version 1 returned with its
  reason beside version 2 approved.

A screenshot of each step goes to docs/guide/img/training-*.png (the user
guide's pictures) when ``LIANBING_GUIDE_SCREENSHOTS`` is set, otherwise to
the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from lianbing.training.models import LogComment, MonthlyAssessment, PlanStatus, TrainingPlan
from tests.conftest import REPO_ROOT
from tests.functional.training import conftest as training
from tests.functional.training.conftest import Placed

pytestmark = pytest.mark.django_db(transaction=True)

# The placed pair of the functional tests, with its accounts around it.
placed = training.placed

STAFF_PASSWORD = "Lianbing-2026"  # tests.factories.staff_user
PASSWORD = "Lianbing-2026!"  # tests.factories.account
GUIDE_IMAGES = REPO_ROOT / "docs" / "guide" / "img"

RETURN_REASON = "目标只有一项，请补充调查研究方面的目标，并写明衡量标准。"
FIRST_GOAL = "熟悉全镇 12 个村（社区）情况，能独立接待群众来访"
SECOND_GOAL = "围绕美丽城镇创建完成一篇专题调研报告"
FIRST_MONTH = "第1个月（2026年3月）"
SECOND_MONTH = "第2个月（2026年4月）"


def _png() -> bytes:
    """A real 2×2 PNG picture (red), as a phone camera would send a small one."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where the step screenshots go: the guide's pictures on request, else a temporary folder."""
    if os.environ.get("LIANBING_GUIDE_SCREENSHOTS"):
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        return GUIDE_IMAGES
    return tmp_path


def _sign_in(browser: Any, base_url: str, username: str, password: str = PASSWORD) -> Any:
    """A browser of its own for one account, signed in through the login page."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _home(page: Any, base_url: str) -> Any:
    """The home page's 我的待办 card."""
    page.goto(f"{base_url}/")
    return page.get_by_test_id("due-card")


def _due(card: Any, kind: str) -> Any:
    return card.locator(f"[data-testid=due-item][data-kind={kind}]")


def _shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"training-{name}.png"), full_page=True)


def _text(locator: Any) -> str:
    return re.sub(r"\s+", " ", str(locator.inner_text()))


def test_one_month_from_the_first_draft_to_a_late_milestone_on_the_overview(
    live_server: Any,
    browser: Any,
    placed: Placed,
    settings: Any,
    media: Path,
    tmp_path: Path,
    shots: Path,
) -> None:
    base = str(live_server.url)
    secondment = placed.secondment
    program = secondment.program
    program.name = "2026年百岗大练兵"
    program.save(update_fields=["name"])
    post = secondment.post
    post.duties = "协助分管领导做好城镇建设和人居环境整治工作，跟踪镇级重点项目进度。"
    post.key_tasks = "服务美丽城镇省级样板镇创建；跟踪文体中心等在建项目"
    post.save(update_fields=["duties", "key_tasks"])
    for account, name in ((placed.mentor, "李俊"), (placed.trainee, "孙杰")):
        account.first_name = name
        account.save(update_fields=["first_name"])
    photo = tmp_path / "芦湾村走访现场.png"
    photo.write_bytes(_png())

    # ------------------------------------------------ 3月2日: the mentor drafts version 1
    settings.LIANBING_TODAY = "2026-03-02"
    mentor = _sign_in(browser, base, "lijun")
    card = _home(mentor, base)
    expect(_due(card, "plan-draft")).to_contain_text("为 孙杰 起草练兵计划")
    _due(card, "plan-draft").get_by_role("link").click()
    expect(mentor.get_by_test_id("no-plan")).to_contain_text("尚未制订练兵计划")
    expect(mentor.get_by_test_id("secondment-caption")).to_contain_text("新仓镇")
    expect(mentor.get_by_test_id("secondment-caption")).to_contain_text("导师 李俊")
    mentor.get_by_test_id("plan-start").click()

    expect(mentor.get_by_text("已按岗位职责和练兵期限生成计划草稿")).to_be_visible()
    expect(mentor.get_by_label("岗位职责")).to_have_value(re.compile("协助分管领导"))
    dates = mentor.locator("[data-testid=milestone-rows] input[type=date]")
    expect(dates).to_have_count(12)  # a milestone a month, from the defaults
    expect(dates.first).to_have_value("2026-03-31")
    expect(dates.nth(1)).to_have_value("2026-04-30")
    expect(mentor.locator("#id_milestone-0-title")).to_have_value(FIRST_MONTH)
    mentor.get_by_test_id("add-goal").click()
    mentor.locator("#id_goal-0-ability").select_option(label="群众工作能力")
    mentor.locator("#id_goal-0-key_task").select_option(label="服务美丽城镇省级样板镇创建")
    mentor.locator("#id_goal-0-goal").fill(FIRST_GOAL)
    mentor.locator("#id_goal-0-measure").fill("走访农户不少于 50 户")
    _shot(mentor, shots, "1-draft")
    mentor.get_by_test_id("plan-save").click()

    expect(mentor.get_by_text("计划草稿已保存。")).to_be_visible()
    expect(mentor.get_by_test_id("plan-status").first).to_have_text("草稿")
    expect(mentor.get_by_test_id("plan-goals")).to_contain_text(FIRST_GOAL)
    expect(mentor.get_by_test_id("plan-goals")).to_contain_text("群众工作能力")
    mentor.locator("summary", has_text="提交审批").click()
    mentor.get_by_test_id("plan-submit").click()
    expect(mentor.get_by_text("已提交组织部审批。")).to_be_visible()
    expect(mentor.get_by_test_id("plan-status").first).to_have_text("待审批")
    expect(mentor.get_by_test_id("plan-edit")).to_have_count(0)

    # ------------------------------------------------ the department returns it
    staff = _sign_in(browser, base, "ganbuke", STAFF_PASSWORD)
    card = _home(staff, base)
    expect(_due(card, "plan-submitted")).to_contain_text("孙杰 的第 1 版练兵计划待审批")
    _due(card, "plan-submitted").get_by_role("link").click()
    open_plan = staff.get_by_test_id("open-plan")
    expect(open_plan).to_contain_text("待审批（第 1 版）")
    expect(open_plan).to_contain_text(FIRST_GOAL)
    open_plan.get_by_role("link", name="审批").click()
    staff.locator("summary", has_text="退回修改").click()
    staff.get_by_label("退回理由（必填，导师将看到）").fill(RETURN_REASON)
    _shot(staff, shots, "2-return")
    staff.get_by_test_id("plan-return").click()
    expect(staff.get_by_text("已退回导师修改。")).to_be_visible()
    expect(staff.get_by_test_id("returned-reason")).to_contain_text(RETURN_REASON)
    expect(staff.get_by_test_id("plan-approve")).to_have_count(0)

    # ------------------------------------------------ the mentor revises into version 2
    card = _home(mentor, base)
    expect(_due(card, "plan-return")).to_contain_text(
        "孙杰 的第 1 版练兵计划被退回，请修改后重新提交"
    )
    _due(card, "plan-return").get_by_role("link").click()
    expect(mentor.get_by_test_id("returned-reason")).to_contain_text(
        f"第 1 版已退回：{RETURN_REASON}"
    )
    _shot(mentor, shots, "3-returned")
    mentor.get_by_test_id("plan-revise").click()
    expect(mentor.get_by_text("已在第 1 版基础上生成第 2 版草稿。")).to_be_visible()
    expect(mentor.get_by_role("heading", level=1)).to_contain_text("练兵计划第 2 版（草稿）")
    expect(mentor.locator("#id_goal-0-goal")).to_have_value(FIRST_GOAL)  # copied from v1
    mentor.get_by_test_id("add-goal").click()
    mentor.locator("#id_goal-1-ability").select_option(label="调查研究能力")
    mentor.locator("#id_goal-1-key_task").select_option(label="服务美丽城镇省级样板镇创建")
    mentor.locator("#id_goal-1-goal").fill(SECOND_GOAL)
    mentor.locator("#id_goal-1-measure").fill("报告经镇党委会研究采纳")
    mentor.get_by_test_id("plan-save").click()
    expect(mentor.get_by_text("计划草稿已保存。")).to_be_visible()
    expect(mentor.get_by_test_id("plan-goals").locator("li")).to_have_count(2)
    mentor.locator("summary", has_text="提交审批").click()
    mentor.get_by_test_id("plan-submit").click()
    expect(mentor.get_by_text("已提交组织部审批。")).to_be_visible()

    # ------------------------------------------------ the department approves version 2
    card = _home(staff, base)
    expect(_due(card, "plan-submitted")).to_contain_text("孙杰 的第 2 版练兵计划待审批")
    _due(card, "plan-submitted").get_by_role("link").click()
    staff.get_by_test_id("open-plan").get_by_role("link", name="审批").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("练兵计划第 2 版")
    expect(staff.get_by_test_id("plan-goals")).to_contain_text(SECOND_GOAL)
    staff.locator("summary", has_text="批准").click()
    staff.get_by_test_id("plan-approve").click()
    expect(staff.get_by_text("练兵计划第 2 版已批准。")).to_be_visible()
    approved = staff.get_by_test_id("approved-plan")
    expect(approved).to_contain_text("现行计划（第 2 版）")
    expect(staff.get_by_test_id("open-plan")).to_have_count(0)
    _shot(staff, shots, "4-approved")

    # ------------------------------------------------ 3月10日–12日: the trainee reads it and files two logs
    settings.LIANBING_TODAY = "2026-03-12"
    trainee = _sign_in(browser, base, "sunjie")
    trainee.goto(f"{base}/")
    placement = trainee.get_by_test_id("placement")
    expect(placement).to_contain_text("新仓镇")
    expect(placement).to_contain_text("李俊")
    trainee.get_by_test_id("placement-card").get_by_role("link", name="练兵计划").click()
    approved = trainee.get_by_test_id("approved-plan")
    expect(approved).to_contain_text("现行计划（第 2 版）")
    expect(approved).to_contain_text(FIRST_GOAL)
    expect(approved).to_contain_text(SECOND_GOAL)
    expect(approved.get_by_test_id("plan-milestones")).to_contain_text(FIRST_MONTH)
    expect(trainee.get_by_test_id("plan-revise")).to_have_count(0)
    expect(trainee.get_by_role("link", name="修改草稿")).to_have_count(0)

    trainee.goto(f"{base}/training/{secondment.pk}/")
    expect(trainee.get_by_test_id("plan-state")).to_contain_text("第 2 版已批准")
    trainee.locator("#log_on").fill("2026-03-10")
    trainee.locator("#log_work").fill("随李俊副镇长走访芦湾村，了解人居环境整治进展")
    trainee.locator("#log_results").fill("走访农户 23 户，收集意见 12 条，形成问题清单 1 份")
    trainee.locator("#log_attachments").set_input_files(str(photo))
    trainee.get_by_role("button", name="提交日志").click()
    expect(trainee.get_by_text("练兵日志已保存。")).to_be_visible()
    trainee.locator("#log_work").fill("参加文体中心项目推进会，跟踪施工进度")
    trainee.locator("#log_results").fill("梳理问题 5 个，已协调解决 2 个")
    trainee.get_by_role("button", name="提交日志").click()
    expect(trainee.get_by_text("练兵日志已保存。")).to_be_visible()
    logs = trainee.get_by_test_id("log")
    expect(logs).to_have_count(2)
    expect(trainee.locator("#timeline-title")).to_contain_text("共 2 篇日志")
    expect(logs.filter(has_text="2026年3月12日")).to_contain_text("梳理问题 5 个")
    expect(logs.filter(has_text="2026年3月10日").get_by_test_id("attachment")).to_have_text(
        photo.name
    )
    _shot(trainee, shots, "5-logs")

    # ------------------------------------------------ 3月20日: the mentor comments and assesses
    settings.LIANBING_TODAY = "2026-03-20"
    card = _home(mentor, base)
    expect(_due(card, "log-comment")).to_contain_text("孙杰 2026-03-10 的练兵日志待点评")
    expect(_due(card, "log-comment")).to_contain_text("孙杰 2026-03-12 的练兵日志待点评")
    expect(_due(card, "assessment-month")).to_contain_text("孙杰 2026年3月 的月度评价")
    _due(card, "log-comment").get_by_role("link").click()
    first_log = mentor.get_by_test_id("log").filter(has_text="2026年3月10日")
    with mentor.expect_download() as download:
        first_log.get_by_test_id("attachment").click()
    assert download.value.suggested_filename == photo.name
    first_log.get_by_placeholder("点评这篇日志").fill(
        "问题清单要逐条明确责任人和时限，下周一起过一遍"
    )
    first_log.get_by_role("button", name="点评", exact=True).click()
    expect(mentor.get_by_text("点评已保存。")).to_be_visible()
    expect(mentor.get_by_test_id("comment")).to_contain_text("问题清单要逐条明确责任人和时限")

    form = mentor.get_by_test_id("assessment-form")
    expect(mentor.locator("#assessment-title")).to_contain_text("填写2026年3月月度评价")
    for code, score in {
        "political": 4,
        "research": 3,
        "decision": 3,
        "reform": 3,
        "emergency": 3,
        "mass_work": 4,
        "execution": 4,
    }.items():
        form.locator(f"#assessment_score_{code}").fill(str(score))
    form.get_by_label("本月评价（一句话）").fill("下村勤、情况摸得实，调研材料还需提炼。")
    _shot(mentor, shots, "6-assessment")
    form.get_by_role("button", name="保存月度评价").click()
    expect(mentor.get_by_text("2026-03 月度评价已保存，本月内可以修改。")).to_be_visible()
    entry = mentor.get_by_test_id("assessment")
    expect(entry).to_contain_text("2026年3月")
    expect(entry).to_contain_text("群众工作能力 4/5")
    expect(entry).to_contain_text("下村勤、情况摸得实")
    card = _home(mentor, base)
    expect(_due(card, "log-comment")).to_have_count(1)  # the second log still waits
    expect(_due(card, "assessment-month")).to_have_count(0)

    # ------------------------------------------------ 3月28日: the trainee marks the first milestone done
    settings.LIANBING_TODAY = "2026-03-28"
    trainee.goto(f"{base}/training/{secondment.pk}/")
    expect(trainee.get_by_test_id("comment")).to_contain_text("李俊 · 练兵导师")
    expect(trainee.get_by_test_id("comment")).to_contain_text("问题清单要逐条明确责任人和时限")
    expect(trainee.get_by_test_id("assessment")).to_contain_text("下村勤、情况摸得实")
    expect(trainee.get_by_test_id("assessment-form")).to_have_count(0)
    milestones = trainee.get_by_test_id("milestone")
    expect(milestones.filter(has_text=FIRST_MONTH)).to_have_attribute("data-state", "on_track")
    trainee.locator("#milestone_milestone").select_option(label=f"2026-03-31 {FIRST_MONTH}")
    trainee.locator("#milestone_note").fill("已走遍 12 个村（社区），问题清单报送镇党委")
    trainee.get_by_label("该节点已完成").check()
    trainee.get_by_role("button", name="保存进展").click()
    expect(trainee.get_by_text("节点已标记为完成。")).to_be_visible()
    first = milestones.filter(has_text=FIRST_MONTH)
    expect(first).to_have_attribute("data-state", "done")
    expect(first).to_contain_text("已完成")
    expect(first).to_contain_text("2026年3月28日完成")
    expect(milestones.filter(has_text=SECOND_MONTH)).to_contain_text("按期推进")
    _shot(trainee, shots, "7-milestone")

    # ------------------------------------------------ 5月4日: past the second milestone, the overview
    settings.LIANBING_TODAY = "2026-05-04"
    card = _home(staff, base)
    expect(_due(card, "late")).to_contain_text(
        f"孙杰：{SECOND_MONTH}（2026-04-30 到期），已逾期 4 天"
    )
    card.get_by_role("link", name="跟踪督办").click()
    staff.wait_for_url(f"{base}/training/overview/")
    expect(staff.get_by_test_id("overview-program")).to_have_text("2026年百岗大练兵")
    expect(staff.get_by_test_id("overview-rules")).to_contain_text("截至 2026年5月4日")
    late = staff.get_by_test_id("late-row")
    expect(late).to_have_count(1)
    assert _text(late) == f"孙杰 新仓镇 {SECOND_MONTH} 2026-04-30 4"
    expect(staff.get_by_test_id("late-table")).not_to_contain_text(FIRST_MONTH)
    unit = staff.get_by_test_id("unit-row").filter(has_text="新仓镇")
    # 用人单位 | 练兵干部 | 日志超期 | 节点逾期 | 计划未批准 | 评价未填 | 导师未确认
    expect(unit.locator("td").nth(3)).to_have_text("1")
    expect(unit.locator("td").nth(4)).to_have_text("0")
    expect(staff.get_by_test_id("plan-row").filter(has_text="孙杰")).to_have_count(0)
    expect(staff.get_by_test_id("silent-row").filter(has_text="孙杰")).to_contain_text("2026-03-12")
    _shot(staff, shots, "8-overview")

    # ------------------------------------------------ the plan keeps both versions
    late.get_by_role("link", name=SECOND_MONTH).click()
    versions = staff.get_by_test_id("plan-versions").locator("tbody tr")
    expect(versions).to_have_count(2)
    first_version = versions.filter(has_text="第 1 版")
    expect(first_version).to_contain_text("已退回")
    expect(first_version).to_contain_text(RETURN_REASON)
    second_version = versions.filter(has_text="第 2 版")
    expect(second_version).to_contain_text("已批准")
    expect(second_version).not_to_contain_text(RETURN_REASON)
    rows = staff.get_by_test_id("approved-plan").get_by_test_id("plan-milestones")
    expect(rows.locator("tr", has_text=FIRST_MONTH)).to_contain_text("已完成")
    expect(rows.locator("tr", has_text=SECOND_MONTH)).to_contain_text("已逾期")
    expect(staff.get_by_test_id("approved-plan")).to_contain_text("已完成 1，逾期 1")
    _shot(staff, shots, "9-versions")

    for page in (mentor, staff, trainee):
        page.context.close()

    # What the pages did is what the database holds.
    plans = list(TrainingPlan.objects.filter(secondment=secondment).order_by("version"))
    assert [(p.version, p.status, p.return_reason) for p in plans] == [
        (1, PlanStatus.RETURNED, RETURN_REASON),
        (2, PlanStatus.APPROVED, ""),
    ]
    assert [g.ability for g in plans[1].goals.all()] == ["mass_work", "research"]
    assert LogComment.objects.get().author == placed.mentor
    assessment = MonthlyAssessment.objects.get(secondment=secondment)
    assert (str(assessment.month), assessment.scores["mass_work"]) == ("2026-03-01", 4)

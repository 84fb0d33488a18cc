"""An on-site inspection round in Chromium, from the team to the released growth record.

Only what precedes the round is set up with the ORM: the program with three
trainees placed (孙杰 with his confirmed mentor 李俊, 赵磊 and 钱芳 with
mentors of their own), a monthly assessment of each, and the accounts (the
department, 李俊, the inspector 陈明, the trainee 孙杰). Everything of the
round happens through the pages:

- the department creates the round, a team covering the three trainees with
  李俊, 陈明 and two public representatives, and opens it;
- it issues 孙杰's QR sheet; on a phone-sized screen a representative opens
  the link (the token leaves the address bar), rates and gets the thanks; the
  used link is refused afterwards;
- 李俊 and 陈明 rate the three trainees on their rating pages;
- the department closes the round, computes the index with equal weights,
  opens 孙杰's growth record (index, the representative's comment without a
  name) and downloads it as a Word file;
- the trainee cannot see the record before the release and sees it after.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from docx import Document
from playwright.sync_api import expect

from lianbing.accounts.models import Role
from lianbing.engine import taxonomy
from lianbing.evaluation.models import EvaluationRound, GrowthScore, Rating, RoundStatus
from lianbing.training.models import MonthlyAssessment, Secondment
from tests import factories
from tests.functional.training import conftest as training
from tests.functional.training.conftest import Placed, second

pytestmark = pytest.mark.django_db(transaction=True)

placed = training.placed

STAFF_PASSWORD = "Lianbing-2026"  # tests.factories.staff_user
PASSWORD = "Lianbing-2026!"  # tests.factories.account
PUBLIC_COMMENT = "常到村里走访，群众有事愿意找他。"
#: What the mentor and the inspector give every item of each trainee.
TEAM_SCORES = {"孙杰": 5, "赵磊": 3, "钱芳": 2}


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


def _assess(secondment: Secondment, author: User, value: int) -> None:
    MonthlyAssessment.objects.create(
        secondment=secondment,
        month=datetime.date(2026, 6, 1),
        scores=dict.fromkeys(taxonomy.ABILITY_CODES, value),
        remark="按计划推进",
        author=author,
    )


def _status(page: Any, base: str, round_id: int, button: str, status: str) -> None:
    """Change the round's status from its page, through the confirmation page."""
    page.goto(f"{base}{reverse('evaluation:round_detail', args=[round_id])}")
    page.get_by_test_id("status-actions").get_by_role("button", name=button).click()
    expect(page.get_by_test_id("consequence")).to_be_visible()
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", status)


def _rate_all(page: Any, base: str, round_id: int, who: str) -> None:
    """Rate every trainee waiting on the rater's page, with ``TEAM_SCORES``."""
    page.goto(f"{base}/evaluation/")
    expect(page.get_by_test_id("rater-round")).to_contain_text("已评 0 / 3")
    page.get_by_test_id("rater-round").click()
    rows = page.get_by_test_id("rate-row")
    expect(rows).to_have_count(3)
    for name, score in TEAM_SCORES.items():
        rows.filter(has_text=name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"评价{name}")
        items = page.get_by_test_id("rate-item")
        expect(items).to_have_count(9)
        for k in range(9):
            items.nth(k).locator(f"input[type=radio][value='{score}']").check()
        page.locator("#comment").fill(f"{who}：{name}工作扎实。")
        page.get_by_role("button", name="提交评价").click()
        expect(page.get_by_text(f"已提交对{name}的评价，谢谢。")).to_be_visible()
        expect(rows.filter(has_text=name)).to_have_attribute("data-rated", "1")
    expect(page.get_by_test_id("rate-row").filter(has_text="待评价")).to_have_count(0)


def test_a_round_from_the_team_to_the_released_growth_record(
    live_server: Any, browser: Any, placed: Placed, settings: Any
) -> None:
    base = str(live_server.url)
    settings.LIANBING_TODAY = "2026-09-01"
    program = placed.secondment.program
    program.name = "2026年百岗大练兵"
    program.save(update_fields=["name"])
    trainees = {
        "孙杰": placed.secondment,
        "赵磊": second(placed.run, cadre_name="赵磊", town="沈荡镇", mentor_name="钱卫东"),
        "钱芳": second(placed.run, cadre_name="钱芳", town="百步镇", mentor_name="沈丽"),
    }
    for secondment, value in zip(trainees.values(), (4, 3, 2), strict=True):
        _assess(secondment, placed.mentor, value)
    placed.mentor.first_name = "李俊"
    placed.mentor.save(update_fields=["first_name"])
    inspector = factories.account(Role.INSPECTOR, username="kaocha1")
    inspector.first_name = "陈明"
    inspector.save(update_fields=["first_name"])
    sunjie = trainees["孙杰"]

    # ------------------------------------------------ the department builds the round
    staff = _sign_in(browser, base, "ganbuke", STAFF_PASSWORD)
    staff.goto(f"{base}/evaluation/")
    create = staff.get_by_test_id("program-rounds").filter(has_text=program.name)
    create.get_by_label("考察名称").fill("中期考察")
    create.get_by_label("评价截止日期").fill("2026-09-30")
    create.get_by_role("button", name="新建考察").click()
    expect(staff.get_by_text("已创建“中期考察”")).to_be_visible()
    expect(staff.get_by_test_id("round-status")).to_have_attribute("data-status", "draft")
    expect(staff.get_by_test_id("form-item")).to_have_count(9)
    expect(staff.get_by_test_id("open-problems")).to_contain_text("至少需要一个")
    round_ = EvaluationRound.objects.get(name="中期考察")

    staff.get_by_test_id("team-create").get_by_label("考察组名称").fill("第一考察组")
    staff.get_by_role("button", name="建立考察组").click()
    expect(staff.get_by_text("已建立第一考察组")).to_be_visible()
    for name, secondment in trainees.items():
        unit = secondment.post.unit.name
        staff.get_by_test_id("cover-form").locator("select").select_option(
            label=f"{name}（{unit}）"
        )
        staff.get_by_role("button", name="加入考察").click()
        expect(staff.get_by_text(f"本组已覆盖{name}。")).to_be_visible()
    expect(staff.get_by_test_id("covered")).to_have_count(3)
    staff.locator("#pick-mentor").select_option(label="李俊（新仓镇）")
    staff.get_by_test_id("add-mentor").get_by_role("button", name="添加").click()
    expect(staff.get_by_text("已添加成员")).to_be_visible()
    staff.locator("#pick-account").select_option(label="陈明")
    staff.get_by_test_id("add-host").get_by_label("所在单位").fill("新仓镇")
    staff.get_by_test_id("add-host").get_by_role("button", name="添加").click()
    for representative in ("村民代表甲", "村民代表乙"):
        public = staff.get_by_test_id("add-public")
        public.get_by_label("群众代表（无需账号）").fill(representative)
        public.get_by_label("所在村（社区）").fill("新仓村")
        public.get_by_role("button", name="添加").click()
        expect(staff.get_by_test_id("member").filter(has_text=representative)).to_be_visible()
    members = staff.get_by_test_id("member")
    expect(members).to_have_count(4)
    expect(members.filter(has_text="陈明")).to_contain_text("新仓镇")

    _status(staff, base, round_.pk, "开始评价", "open")
    coverage = staff.get_by_test_id("coverage-row")
    expect(coverage).to_have_count(3)
    expect(coverage.filter(has_text="孙杰").locator("[data-kind=public]")).to_have_text("2")

    # ------------------------------------------------ 孙杰's QR sheet
    staff.goto(f"{base}{reverse('evaluation:qr_sheet', args=[round_.pk, sunjie.pk])}")
    expect(staff.get_by_test_id("qr-members")).to_contain_text("村民代表甲")
    staff.get_by_role("button", name="确认生成并打印").click()
    cards = staff.get_by_test_id("qr-card")
    expect(cards).to_have_count(2)
    expect(staff.get_by_test_id("qr-sheet")).to_contain_text("被评价干部：孙杰")
    card = cards.filter(has_text="村民代表甲")
    expect(card.locator("img")).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
    link = str(card.get_attribute("data-link"))
    assert link.startswith(f"{base}/evaluation/r/"), link
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 16

    # ------------------------------------------------ a representative rates on a phone
    phone_context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    phone_context.set_default_timeout(15_000)
    phone = phone_context.new_page()
    phone.goto(link)
    phone.wait_for_url(f"{base}/evaluation/r/")
    assert token not in phone.url
    expect(phone.get_by_test_id("public-trainee")).to_have_text("孙杰")
    expect(phone.locator("body")).to_contain_text("村民代表甲，您好！")
    # The first page says what to do, how long it takes and that the link works once.
    howto = phone.get_by_test_id("public-howto")
    expect(howto).to_contain_text("共 9 项，每项选一个等级")
    expect(howto).to_contain_text("大约需要 2 到 3 分钟")
    expect(howto).to_contain_text("这个链接只能使用一次")
    expect(phone.locator("body")).not_to_contain_text("赵磊")
    # Made for the phone: nothing wider than the screen.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    fieldsets = phone.get_by_test_id("public-form").locator("fieldset")
    expect(fieldsets).to_have_count(9)
    for k in range(9):
        fieldsets.nth(k).locator("label.lb-public-choice").filter(
            has=phone.locator("input[value='4']")
        ).tap()
    phone.locator("#lb-comment").fill(PUBLIC_COMMENT)
    phone.get_by_role("button", name="提交评价").tap()
    expect(phone.get_by_test_id("public-thanks")).to_contain_text("感谢您的评价")
    expect(phone.get_by_test_id("public-thanks")).to_contain_text("您的评价已提交")
    assert token not in phone.url
    used = phone.goto(link)
    assert used is not None
    assert used.status == 410  # used: refused, without a form
    expect(phone.get_by_test_id("public-form")).to_have_count(0)
    phone_context.close()

    # ------------------------------------------------ the mentor and the inspector rate
    mentor = _sign_in(browser, base, "lijun")
    _rate_all(mentor, base, round_.pk, "李俊")
    mentor.context.close()
    chen = _sign_in(browser, base, "kaocha1")
    _rate_all(chen, base, round_.pk, "陈明")
    index_url = f"{base}{reverse('evaluation:index', args=[round_.pk])}"
    assert chen.goto(index_url).status == 403  # an inspector rates, the department computes
    chen.context.close()

    staff.goto(f"{base}{reverse('evaluation:round_detail', args=[round_.pk])}")
    expect(
        staff.get_by_test_id("coverage-row").filter(has_text="孙杰").get_by_test_id("received")
    ).to_have_text("3")
    _status(staff, base, round_.pk, "结束评价", "closed")

    # ------------------------------------------------ the index, with equal weights
    staff.goto(index_url)
    expect(staff.get_by_test_id("index-empty")).to_be_visible()
    staff.get_by_label("等权").check()
    staff.get_by_test_id("compute-button").click()
    expect(staff.get_by_text("成长指数已计算。")).to_be_visible()
    expect(staff.get_by_test_id("latest-method")).to_have_text("等权")
    ranking = staff.get_by_test_id("rank-row")
    expect(ranking).to_have_count(3)
    expect(ranking.first).to_have_attribute("data-secondment", str(sunjie.pk))
    expect(ranking.first).to_have_attribute("data-rank", "1")
    score = GrowthScore.objects.get(secondment=sunjie)
    shown = f"{score.index:.1f}"
    expect(ranking.first).to_contain_text(shown)

    # ------------------------------------------------ 孙杰's growth record and its Word file
    record_url = f"{base}{reverse('evaluation:record', args=[round_.pk, sunjie.pk])}"
    trainee = _sign_in(browser, base, "sunjie")
    assert trainee.goto(record_url).status == 404  # not released yet

    staff.goto(record_url)
    record = staff.get_by_test_id("growth-record")
    expect(record.get_by_test_id("record-header")).to_contain_text("孙杰")
    expect(record.get_by_test_id("index-value")).to_have_text(shown)
    expect(record.get_by_test_id("index-rank")).to_contain_text("第 1 名 / 共 3 人")
    comments = record.get_by_test_id("comment")
    public_comment = comments.filter(has_text=PUBLIC_COMMENT)
    expect(public_comment).to_have_count(1)
    expect(public_comment).to_contain_text("群众代表")
    expect(record).not_to_contain_text("村民代表甲")
    expect(comments.filter(has_text="李俊：孙杰工作扎实。")).to_contain_text("李俊")
    expect(staff.get_by_text("本轮考察结果尚未发布")).to_be_visible()

    with staff.expect_download() as download:
        staff.get_by_test_id("docx-link").click()
    assert download.value.suggested_filename == "成长档案-孙杰-中期考察.docx"
    with open(download.value.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for row in t.rows for c in row.cells]
    )
    assert "孙杰" in text
    assert f"成长指数：{shown}（第 1 名 / 共 3 人" in text
    assert PUBLIC_COMMENT in text
    assert "村民代表甲" not in text

    # ------------------------------------------------ the release; the trainee reads the record
    _status(staff, base, round_.pk, "发布成长档案", "released")
    assert trainee.goto(record_url).status == 200
    mine = trainee.get_by_test_id("growth-record")
    expect(mine.get_by_test_id("index-value")).to_have_text(shown)
    expect(mine).to_contain_text(PUBLIC_COMMENT)
    expect(mine).not_to_contain_text("村民代表甲")
    expect(trainee.get_by_text("本轮考察结果尚未发布")).to_have_count(0)
    zhaolei = reverse("evaluation:record", args=[round_.pk, trainees["赵磊"].pk])
    assert trainee.goto(f"{base}{zhaolei}").status == 404  # another trainee's record

    for page in (staff, trainee):
        page.context.close()

    # What the pages did is what the database holds.
    round_.refresh_from_db()
    assert round_.status == RoundStatus.RELEASED
    assert Rating.objects.filter(round=round_).count() == 7
    public = Rating.objects.get(round=round_, member__name="村民代表甲")
    assert (public.secondment_id, public.comment) == (sunjie.pk, PUBLIC_COMMENT)

"""One program through its year, in Chromium, on a fresh database, through the pages only.

Only three accounts are made with the ORM, to start from: the department's
(ganbuke), the system administrator's (xitong) and the security
administrator's (anquan). The system administrator creates the others in
管理后台, and the security administrator grants their roles on the role page. Everything else happens in the pages,
each role in its own browser, with the clock (``LIANBING_TODAY``) moved on
between the phases:

1. 2026年2月: the department imports the rosters (cadres and the posts already
   agreed with 新仓镇 and 曹桥街道, which creates the program and the host
   units), then the mentor roster; the security administrator grants the
   roles; the department opens a survey round; the contacts of 曹桥街道 and
   新仓镇 each file a demand; the department accepts both and turns them into
   posts; it runs the match (a real worker), pins one pair, forbids another,
   re-optimises and finalises; it confirms the proposed mentors;
2. 2026年3月: 李俊 drafts his trainee's plan, the department approves it;
   the trainee files a log; 李俊 records the monthly assessment;
3. 2026年6月: an activity series; a leaderless discussion is grouped, scored
   by 李俊 on a tablet and finished;
4. 2026年9月: the mid-term inspection: a team, a public representative's
   rating through the one-time link on a phone, the mentor's and the
   inspector's ratings, the growth index, the growth record downloaded as a
   Word file, and its release to the trainee and to the host unit's contact;
5. the auditor finds the download in the audit trail, reads the index and
   cannot open the cadre roster.

At each step the test checks what the role sees (the home page's 我的待办
lines by ``data-kind``, the pages) and that a role which must not see a page
is refused. A screenshot of the main steps goes to docs/guide/img/year-*.png
(the user guide's pictures) when ``LIANBING_GUIDE_SCREENSHOTS`` is set,
otherwise to the test's temporary folder.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from lianbing.accounts.models import Role
from lianbing.demand.models import Post, Program
from lianbing.evaluation.models import EvaluationRound, Rating, RoundStatus
from lianbing.training.models import PlanStatus, Secondment, TrainingPlan
from lianbing.xlsx.columns import POSTS as POST_SHEET
from tests import factories
from tests.browser.journey.steps import (
    FIRST_PASSWORD,
    due,
    home,
    run_worker,
    shot,
    shots_folder,
    sign_in,
    status_of,
)
from tests.integration.imports.books import (
    cadre_row,
    cadres_book,
    mentor_row,
    mentors_book,
    post_row,
)

pytestmark = pytest.mark.django_db(transaction=True)

PROGRAM = "2026年度百岗大练兵"
ROUND = "2026年人才缺口调研"
TOURISM, WATER = "文旅发展岗", "治水岗"
GOAL = "牵头完成一条河道的雨污分流排查，形成问题清单"
PUBLIC_COMMENT = "常到村里走访，群众有事愿意找他。"
DISCUSSION = "无领导小组讨论：河道长效管护"

#: The cadre roster: two suited to each of the four posts of the year.
CADRES = [
    cadre_row(编号="C01", 姓名="王楠楠", 现单位="市文化广电旅游局", 专长="赛艇运动、旅游策划"),
    cadre_row(编号="C02", 姓名="高佳敏", 现单位="市体育局", 专长="赛事组织、全域旅游"),
    cadre_row(编号="C03", 姓名="金伟", 现单位="市生态环境局", 专长="污水治理、五水共治"),
    cadre_row(编号="C04", 姓名="徐菊", 现单位="市水利局", 专长="河道治理、雨污分流"),
    cadre_row(编号="C05", 姓名="孙杰", 现单位="市建设局", 专长="建设工程管理、项目推进"),
    cadre_row(编号="C06", 姓名="屠东君", 现单位="市住房和城乡建设局", 专长="城镇规划、项目建设"),
    cadre_row(编号="C07", 姓名="陆文涛", 现单位="市商务局", 专长="招商引资、产业招商"),
    cadre_row(编号="C08", 姓名="沈佳怡", 现单位="市发展和改革委员会", 专长="项目招引、产业经济"),
]
#: The posts agreed with the two towns before the survey (which adds one post to each).
POSTS = [
    post_row(
        岗位编号="P01",
        岗位名称="美丽城镇项目建设岗",
        单位="新仓镇",
        类别="城建交通",
        重点任务="服务美丽城镇省级样板镇创建；跟踪文体中心等在建项目",
    ),
    post_row(
        岗位编号="P02",
        岗位名称="招商引资岗",
        单位="曹桥街道",
        类别="经济管理",
        重点任务="围绕赛艇小镇开展产业招商，引进文旅项目",
    ),
]
MENTORS = [
    mentor_row(
        导师编号="M01", 姓名="李俊", 单位="新仓镇", 职务="副镇长", 专长="治水、项目建设", 可带人数=2
    ),
    mentor_row(
        导师编号="M02",
        姓名="沈丽",
        单位="曹桥街道",
        职务="党工委委员",
        专长="文旅、招商",
        可带人数=2,
    ),
]


def _rosters(path: Path) -> Path:
    """The cadre template filled in, with the post template's sheet filled in beside it."""
    cadres_book(path, CADRES)
    book = openpyxl.load_workbook(path)
    sheet = book.create_sheet(POST_SHEET.title)
    headers = [c.header for c in POST_SHEET.columns]
    sheet.append(headers)
    for row in POSTS:
        sheet.append([row.get(h) for h in headers])
    book.save(path)
    return path


def _import(page: Any, base: str, book: Path, *, new_program: bool = False) -> None:
    """Upload a workbook on 导入名册, let the worker run it, and see it done."""
    page.goto(f"{base}/imports/")
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(book))
    if new_program:
        page.get_by_label("新建批次名称").fill(PROGRAM)
        page.get_by_label("开始日期").fill("2026-03-01")
        page.get_by_label("结束日期").fill("2027-02-28")
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_test_id("import-progress").wait_for()
    run_worker()
    page.locator("[data-testid=import-done], [data-testid=import-rejected]").first.wait_for()
    problems = page.get_by_test_id("import-problems")
    assert not problems.count(), problems.inner_text()
    page.get_by_test_id("import-done").wait_for()


def _create_account(page: Any, base: str, username: str, name: str) -> None:
    """The system administrator adds an account (and its holder's name) in 管理后台."""
    page.goto(f"{base}/admin/auth/user/add/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password1").fill(FIRST_PASSWORD)
    page.locator("#id_password2").fill(FIRST_PASSWORD)
    page.locator("input[name=_continue]").click()
    page.wait_for_url("**/change/")
    if name:
        page.locator("#id_first_name").fill(name)
        page.locator("input[name=_save]").click()
        page.wait_for_url(f"{base}/admin/auth/user/")


def _grant(page: Any, base: str, username: str, role: str, **whom: str) -> None:
    """The security administrator gives ``username`` its role on 角色授予."""
    page.goto(f"{base}/accounts/roles/")
    page.get_by_label("账号").select_option(label=username)
    page.get_by_label("角色").select_option(label=role)
    if "unit" in whom:
        page.get_by_label("所属单位（用人单位联系人）").select_option(label=whom["unit"])
    if "mentor" in whom:
        select = page.get_by_label("导师（练兵导师）")
        value = select.locator("option", has_text=whom["mentor"]).get_attribute("value")
        select.select_option(value=value)
    if "cadre" in whom:
        page.get_by_label("干部编号（练兵干部）").fill(whom["cadre"])
    page.get_by_role("button", name="授予角色").click()
    expect(page.locator("tr", has_text=username)).to_contain_text(role)


def _file_demand(page: Any, base: str, title: str, key_task: str) -> None:
    """A contact files one demand in the open round, adopting the suggestion."""
    page.goto(f"{base}/survey/")
    page.get_by_role("link", name=ROUND).click()
    page.get_by_role("link", name="填报需求").click()
    page.get_by_label("岗位名称").fill(title)
    page.get_by_label("重点任务").fill(key_task)
    page.get_by_test_id("suggested-category").wait_for()
    page.get_by_role("button", name="采用建议（可再修改）").click()
    page.get_by_text("已按建议填入").wait_for()
    page.get_by_role("button", name="提交需求").click()
    page.get_by_text(f"需求“{title}”已提交").wait_for()


def _decide(page: Any, candidate: Any, label: str, reason: str) -> None:
    """Pin or forbid a pair from the balance table's pair panel, with the reason."""
    cadre, post = candidate.get_attribute("data-cadre"), candidate.get_attribute("data-post")
    candidate.locator("a").click()
    panel = page.locator(f"[data-testid=pair-detail][data-cadre='{cadre}'][data-post='{post}']")
    panel.wait_for()
    panel.get_by_label(f"{label}的理由").fill(reason)
    panel.get_by_role("button", name=label).click()
    panel.get_by_text(reason).wait_for()


def _status(page: Any, base: str, round_id: int, button: str, status: str) -> None:
    """Change the inspection round's status from its page, through the confirmation page."""
    page.goto(f"{base}{reverse('evaluation:round_detail', args=[round_id])}")
    page.get_by_test_id("status-actions").get_by_role("button", name=button).click()
    expect(page.get_by_test_id("consequence")).to_be_visible()
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", status)


def _rate_all(page: Any, base: str, scores: dict[str, int], who: str) -> None:
    """A rater rates every trainee of the round on the rating page, ``scores`` by name."""
    names = list(scores)
    card = home(page, base)
    expect(due(card, "rating")).to_contain_text("中期考察：待评价的练兵干部")
    due(card, "rating").get_by_role("link").first.click()
    page.goto(f"{base}/evaluation/")
    expect(page.get_by_test_id("rater-round")).to_contain_text(f"已评 0 / {len(names)}")
    page.get_by_test_id("rater-round").click()
    rows = page.get_by_test_id("rate-row")
    expect(rows).to_have_count(len(names))
    for name, score in scores.items():
        rows.filter(has_text=name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"评价{name}")
        items = page.get_by_test_id("rate-item")
        for k in range(items.count()):
            items.nth(k).locator(f"input[type=radio][value='{score}']").check()
        page.locator("#comment").fill(f"{who}：{name}工作扎实。")
        page.get_by_role("button", name="提交评价").click()
        expect(page.get_by_text(f"已提交对{name}的评价，谢谢。")).to_be_visible()
    expect(page.get_by_test_id("rate-row").filter(has_text="待评价")).to_have_count(0)


def test_one_program_through_its_year(
    live_server: Any, browser: Any, settings: Any, tmp_path: Path
) -> None:
    base = str(live_server.url)
    shots = shots_folder(tmp_path)
    # A real database queue: the pages show the jobs waiting, then the worker runs them.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.LIANBING_TODAY = "2026-02-02"
    factories.account(Role.STAFF, username="ganbuke", password=FIRST_PASSWORD)
    factories.account(Role.SECURITY_ADMIN, username="anquan", password=FIRST_PASSWORD)
    people = {
        "caoqiao": "曹桥街道联系人",
        "xincang": "新仓镇联系人",
        "lijun": "李俊",
        "shenli": "沈丽",
        "kaocha": "陈明",
        "shenji": "周敏",
        "xueyuan1": "",
        "xueyuan2": "",
    }
    factories.account(Role.SYSTEM_ADMIN, username="xitong", password=FIRST_PASSWORD)

    # ================================================ 2月: the accounts, the program and its people
    # The system administrator creates the accounts in 管理后台; they have no role yet.
    system = sign_in(browser, base, "xitong", FIRST_PASSWORD)
    # A fresh install: the system administrator's home page has nothing due yet.
    expect(home(system, base).get_by_test_id("due-empty")).to_be_visible()
    for username, name in people.items():
        _create_account(system, base, username, name)
    assert status_of(system, f"{base}/accounts/roles/") == 403  # 三员分立: it grants no role
    system.context.close()

    staff = sign_in(browser, base, "ganbuke", FIRST_PASSWORD)
    home(staff, base)
    # The rosters open the program; the host units come with their posts.
    rosters = _rosters(tmp_path / "干部和岗位名册.xlsx")
    _import(staff, base, rosters, new_program=True)
    assert staff.get_by_test_id("cadres-created").inner_text() == "8"
    shot(staff, shots, "01-import")
    mentors = mentors_book(tmp_path / "练兵导师名册.xlsx", MENTORS)
    _import(staff, base, mentors)
    program = Program.objects.get(name=PROGRAM)
    assert (program.started_on, program.ended_on) == (
        datetime.date(2026, 3, 1),
        datetime.date(2027, 2, 28),
    )

    security = sign_in(browser, base, "anquan", FIRST_PASSWORD)
    # The security administrator's home page counts the new accounts still without a role.
    waiting = due(home(security, base), "account-no-role")
    without_role = int(waiting.locator(".badge").inner_text())
    assert without_role >= 6
    waiting.get_by_role("link").click()
    expect(security.get_by_role("heading", name="角色授予")).to_be_visible()
    _grant(security, base, "caoqiao", "用人单位联系人", unit="曹桥街道")
    _grant(security, base, "xincang", "用人单位联系人", unit="新仓镇")
    _grant(security, base, "lijun", "练兵导师", mentor="李俊")
    _grant(security, base, "shenli", "练兵导师", mentor="沈丽")
    _grant(security, base, "kaocha", "考察组成员")
    _grant(security, base, "shenji", "审计员")
    left = due(home(security, base), "account-no-role")
    if without_role == 6:
        expect(left).to_have_count(0)
    else:
        expect(left.locator(".badge")).to_have_text(str(without_role - 6))
    security.goto(f"{base}/accounts/roles/")
    shot(security, shots, "02-roles")
    # 三员分立: the security administrator grants roles and sees no program data.
    assert status_of(security, f"{base}/cadres/") == 403

    # ------------------------------------------------ the survey round
    staff.goto(f"{base}/survey/")
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    staff.get_by_label("调研名称").fill(ROUND)
    staff.get_by_label("填报截止时间").fill(f"{deadline.isoformat()}T17:00")
    staff.get_by_label("对应练兵批次").select_option(label=PROGRAM)
    staff.get_by_role("button", name="发起调研").click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text(ROUND)
    expect(staff.get_by_test_id("deadline")).to_contain_text(f"{deadline:%Y年%-m月%-d日} 17:00")
    expect(due(home(staff, base), "survey-open")).to_contain_text(ROUND)

    caoqiao = sign_in(browser, base, "caoqiao", first_time=True)
    # The contact's home page asks for the unit's demands before the deadline.
    expect(due(home(caoqiao, base), "survey-file")).to_contain_text(ROUND)
    _file_demand(caoqiao, base, TOURISM, "推动赛艇小镇提升发展，承办赛艇赛事，发展全域旅游")
    xincang = sign_in(browser, base, "xincang", first_time=True)
    _file_demand(xincang, base, WATER, "巩固污水零直排区创建成果，推进五水共治和雨污分流")
    # A contact sees only their own unit's demands, and no match.
    xincang.goto(f"{base}/survey/")
    xincang.get_by_role("link", name=ROUND).click()
    expect(xincang.get_by_test_id("demand-table")).to_contain_text(WATER)
    expect(xincang.get_by_test_id("demand-table")).not_to_contain_text(TOURISM)
    assert status_of(xincang, f"{base}/matching/") == 403
    expect(due(home(staff, base), "demand-review").locator(".badge")).to_have_text("2")

    for title in (TOURISM, WATER):
        staff.goto(f"{base}/survey/")
        staff.get_by_role("link", name=ROUND).click()
        staff.get_by_role("link", name=title).click()
        staff.get_by_role("button", name="采纳").click()
        staff.get_by_text(f"已采纳需求“{title}”").wait_for()
    expect(due(home(staff, base), "demand-convert").locator(".badge")).to_have_text("2")
    staff.goto(f"{base}/survey/")
    staff.get_by_role("link", name=ROUND).click()
    for title in (TOURISM, WATER):
        staff.get_by_label(f"选择“{title}”").check()
    shot(staff, shots, "03-survey")
    staff.get_by_role("button", name="将勾选的需求批量转为岗位").click()
    staff.get_by_label("转入练兵批次").select_option(label=PROGRAM)
    staff.get_by_role("button", name="确认转为岗位").click()
    staff.wait_for_load_state()
    posts = {p.name: p for p in Post.objects.filter(program=program)}
    assert sorted(posts) == sorted([TOURISM, WATER, "美丽城镇项目建设岗", "招商引资岗"])
    assert (posts[TOURISM].unit.name, posts[WATER].unit.name) == ("曹桥街道", "新仓镇")

    assert program.cadres.count() == 8

    # ------------------------------------------------ the match, reviewed and finalised
    card = home(staff, base)
    expect(due(card, "demand-convert")).to_have_count(0)
    expect(due(card, "match-none")).to_contain_text("8 名干部、4 个岗位")
    staff.goto(f"{base}/matching/new/")
    staff.get_by_label("方案名称").fill("部务会讨论稿")
    staff.get_by_role("button", name="运行匹配").click()
    staff.get_by_test_id("run-progress").wait_for()
    run_worker()
    staff.get_by_test_id("run-total").wait_for()
    staff.get_by_role("link", name="打开干部选配平衡表").click()
    staff.wait_for_url("**/balance/")
    rows = staff.locator("tr[data-post]")
    expect(rows).to_have_count(4)
    water = rows.filter(has_text=WATER)
    tourism = rows.filter(has_text=TOURISM)
    # 以事择人: each post has at least two candidates.
    assert water.locator("li.lb-candidate").count() >= 2
    assert tourism.locator("li.lb-candidate").count() >= 2
    pinned = water.locator("li.lb-candidate:not([data-recommended])").first
    pin_cadre = pinned.get_attribute("data-cadre")
    _decide(staff, pinned, "指定配置", "熟悉新仓镇治水情况，组织研究指定")
    forbidden = tourism.locator("li[data-recommended]").first
    forbid_cadre = forbidden.get_attribute("data-cadre")
    _decide(staff, forbidden, "排除配对", "与该单位负责人有亲属关系，需回避")
    staff.get_by_text("待纳入优化的研判决定：2 项").wait_for()
    shot(staff, shots, "04-balance")
    balance_url = staff.url
    card = home(staff, base)
    expect(due(card, "match-finalise")).to_be_visible()
    expect(due(card, "reoptimise").locator(".badge")).to_have_text("2")
    staff.goto(balance_url)
    staff.get_by_role("button", name="重新优化").click()
    staff.get_by_test_id("reoptimisation-progress").wait_for()
    run_worker()
    moves = staff.get_by_test_id("moves")
    moves.wait_for()
    assert f"（{pin_cadre}）" in moves.inner_text()
    staff.get_by_text("待纳入优化的研判决定：0 项").wait_for()

    staff.get_by_role("link", name="概况").click()
    staff.get_by_label("我已核对配置方案").check()
    staff.get_by_role("button", name="定案并生成练兵安排").click()
    staff.get_by_test_id("finalised-badge").wait_for()
    staff.wait_for_load_state()
    placed = {s.post.name: s for s in Secondment.objects.filter(program=program)}
    assert sorted(placed) == sorted(posts)
    assert placed[WATER].cadre.code == pin_cadre
    assert placed[TOURISM].cadre.code != forbid_cadre
    water_trainee, tourism_trainee = placed[WATER], placed[TOURISM]
    assert water_trainee.started_on == datetime.date(2026, 3, 1)
    shot(staff, shots, "05-finalised")

    # ------------------------------------------------ the mentors, proposed and confirmed
    card = home(staff, base)
    expect(due(card, "pairing")).to_be_visible()
    due(card, "pairing").get_by_role("link").first.click()
    staff.goto(f"{base}/training/pairing/")
    staff.get_by_test_id("propose").click()
    pairs = staff.get_by_test_id("pairing-row")
    expect(pairs).to_have_count(4)
    expect(pairs.filter(has_text=WATER)).to_contain_text("李俊")
    expect(pairs.filter(has_text=TOURISM)).to_contain_text("沈丽")
    shot(staff, shots, "06-pairing")
    staff.get_by_role("button", name="全部确认建议（4 对）").click()
    staff.get_by_role("button", name="确认这 4 对").click()
    expect(staff.get_by_test_id("mentor-state").filter(has_text="已确认")).to_have_count(4)

    # The trainees' accounts, now that they are placed.
    _grant(security, base, "xueyuan1", "练兵干部", cadre=water_trainee.cadre.code)
    _grant(security, base, "xueyuan2", "练兵干部", cadre=tourism_trainee.cadre.code)
    security.context.close()
    water_name, tourism_name = water_trainee.cadre.name, tourism_trainee.cadre.name

    # ================================================ 3月: the plan, the logs, the assessment
    settings.LIANBING_TODAY = "2026-03-02"
    lijun = sign_in(browser, base, "lijun", first_time=True)
    card = home(lijun, base)
    expect(due(card, "plan-draft")).to_contain_text(f"为 {water_name} 起草练兵计划")
    shot(lijun, shots, "07-mentor-home")
    due(card, "plan-draft").get_by_role("link").first.click()
    lijun.get_by_test_id("plan-start").click()
    expect(lijun.get_by_text("已按岗位职责和练兵期限生成计划草稿")).to_be_visible()
    lijun.get_by_test_id("add-goal").click()
    lijun.locator("#id_goal-0-ability").select_option(label="群众工作能力")
    lijun.locator("#id_goal-0-goal").fill(GOAL)
    lijun.locator("#id_goal-0-measure").fill("问题清单经镇党委会研究")
    lijun.get_by_test_id("plan-save").click()
    expect(lijun.get_by_text("计划草稿已保存。")).to_be_visible()
    lijun.locator("summary", has_text="提交审批").click()
    lijun.get_by_test_id("plan-submit").click()
    expect(lijun.get_by_text("已提交组织部审批。")).to_be_visible()
    # A contact follows the unit's trainee but approves nothing.
    plan = TrainingPlan.objects.get(secondment=water_trainee)
    approve = f"{base}{reverse('training:plan_approve', args=[plan.pk])}"
    assert status_of(xincang, approve) in (403, 405)

    card = home(staff, base)
    expect(due(card, "plan-submitted")).to_contain_text(f"{water_name} 的第 1 版练兵计划待审批")
    due(card, "plan-submitted").get_by_role("link").first.click()
    staff.get_by_test_id("open-plan").get_by_role("link", name="审批").click()
    staff.locator("summary", has_text="批准").click()
    staff.get_by_test_id("plan-approve").click()
    expect(staff.get_by_text("练兵计划第 1 版已批准。")).to_be_visible()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED

    settings.LIANBING_TODAY = "2026-03-12"
    trainee = sign_in(browser, base, "xueyuan1", first_time=True)
    trainee.goto(f"{base}/")
    expect(trainee.get_by_test_id("placement")).to_contain_text("新仓镇")
    expect(trainee.get_by_test_id("placement")).to_contain_text("李俊")
    trainee.goto(f"{base}/training/{water_trainee.pk}/")
    expect(trainee.get_by_test_id("plan-state")).to_contain_text("第 1 版已批准")
    trainee.locator("#log_on").fill("2026-03-10")
    trainee.locator("#log_work").fill("随李俊副镇长沿盐嘉塘排查雨污管网")
    trainee.locator("#log_results").fill("排查排口 14 个，发现混接点 3 处，形成问题清单 1 份")
    trainee.get_by_role("button", name="提交日志").click()
    expect(trainee.get_by_text("练兵日志已保存。")).to_be_visible()
    shot(trainee, shots, "08-log")
    # A trainee sees no one else's file; the host unit's contact reads its own trainees' files.
    assert status_of(trainee, f"{base}/training/{tourism_trainee.pk}/") == 404
    xincang.goto(f"{base}/training/{water_trainee.pk}/")
    expect(xincang.get_by_test_id("log")).to_contain_text("排查排口 14 个")
    expect(xincang.get_by_test_id("assessment-form")).to_have_count(0)
    assert status_of(xincang, f"{base}/training/{tourism_trainee.pk}/") == 404

    settings.LIANBING_TODAY = "2026-03-20"
    card = home(lijun, base)
    expect(due(card, "log-comment")).to_contain_text(f"{water_name} 2026-03-10 的练兵日志待点评")
    expect(due(card, "assessment-month")).to_contain_text(f"{water_name} 2026年3月 的月度评价")
    due(card, "assessment-month").get_by_role("link").first.click()
    form = lijun.get_by_test_id("assessment-form")
    for box in form.locator("input[id^=assessment_score_]").all():
        box.fill("4")
    form.get_by_label("本月评价（一句话）").fill("下村勤、情况摸得实。")
    form.get_by_role("button", name="保存月度评价").click()
    expect(lijun.get_by_text("2026-03 月度评价已保存，本月内可以修改。")).to_be_visible()

    # ================================================ 6月: an empowerment activity
    settings.LIANBING_TODAY = "2026-06-01"
    staff.goto(f"{base}/activities/?program={program.pk}")
    staff.get_by_test_id("series-create").click()
    staff.get_by_label("系列名称").fill("青鸢赋能计划")
    staff.get_by_test_id("series-form").get_by_label(water_name).check()
    staff.get_by_test_id("series-form").get_by_label(tourism_name).check()
    staff.get_by_role("button", name="保存").click()
    staff.get_by_test_id("activity-create").click()
    staff.get_by_label("活动类型").select_option(label="无领导小组讨论")
    staff.get_by_label("活动名称").fill(DISCUSSION)
    staff.get_by_label("题目").fill("河道治理后如何长效管护？请讨论形成方案。")
    staff.get_by_label("活动日期").fill("2026-06-15")
    staff.get_by_label("地点").fill("市委党校 203 教室")
    for label in ("科学决策能力", "群众工作能力"):
        staff.get_by_test_id("abilities").get_by_label(label).check()
    staff.get_by_label("全部在岗练兵干部参加").check()
    staff.get_by_test_id("assessors").get_by_label("李俊", exact=False).first.check()
    staff.get_by_label("每组人数").fill("2")
    staff.get_by_role("button", name="保存").click()
    expect(staff.get_by_test_id("activity-status")).to_have_text("筹备中")
    activity_url = staff.url
    staff.goto(f"{activity_url}groups/")
    staff.get_by_test_id("generate-button").click()
    expect(staff.get_by_test_id("group")).to_have_count(2)
    staff.goto(activity_url)
    staff.get_by_test_id("start-scoring").click()
    expect(staff.get_by_test_id("activity-status")).to_have_text("评分中")

    settings.LIANBING_TODAY = "2026-06-15"
    card = home(trainee, base)
    expect(due(card, "activity-ahead")).to_contain_text(DISCUSSION)
    tablet = sign_in(browser, base, "lijun", width=768, height=1024)
    card = home(tablet, base)
    expect(due(card, "activity-score")).to_contain_text(DISCUSSION)
    due(card, "activity-score").get_by_role("link").first.click()
    for secondment, level in zip(placed.values(), (5, 4, 3, 2), strict=True):
        tablet.goto(f"{activity_url}score/")
        tablet.locator(f'[data-testid="score-row"][data-secondment="{secondment.pk}"]').click()
        tablet.get_by_test_id("score-form").wait_for()
        for code in ("decision", "mass_work"):
            tablet.locator(f'label[for="{code}-{level}"]').tap()
        tablet.locator("[data-testid=save-next], [data-testid=save]").first.tap()
        tablet.get_by_text("已保存对").wait_for()
    tablet.context.close()
    staff.goto(activity_url)
    staff.get_by_test_id("finish").click()
    staff.get_by_role("button", name="确认结束").click()
    expect(staff.get_by_test_id("activity-status")).to_have_text("已结束")

    # ================================================ 9月: the mid-term inspection
    settings.LIANBING_TODAY = "2026-09-01"
    staff.goto(f"{base}/evaluation/")
    create = staff.get_by_test_id("program-rounds").filter(has_text=PROGRAM)
    create.get_by_label("考察名称").fill("中期考察")
    create.get_by_label("评价截止日期").fill("2026-09-30")
    create.get_by_role("button", name="新建考察").click()
    expect(staff.get_by_text("已创建“中期考察”")).to_be_visible()
    round_ = EvaluationRound.objects.get(name="中期考察")
    staff.get_by_test_id("team-create").get_by_label("考察组名称").fill("第一考察组")
    staff.get_by_role("button", name="建立考察组").click()
    expect(staff.get_by_text("已建立第一考察组")).to_be_visible()
    for secondment in placed.values():
        name, unit = secondment.cadre.name, secondment.post.unit.name
        staff.get_by_test_id("cover-form").locator("select").select_option(
            label=f"{name}（{unit}）"
        )
        staff.get_by_role("button", name="加入考察").click()
        expect(staff.get_by_text(f"本组已覆盖{name}。")).to_be_visible()
    staff.locator("#pick-mentor").select_option(label="李俊（新仓镇）")
    staff.get_by_test_id("add-mentor").get_by_role("button", name="添加").click()
    expect(staff.get_by_text("已添加成员")).to_be_visible()
    staff.locator("#pick-account").select_option(label="陈明")
    staff.get_by_test_id("add-host").get_by_label("所在单位").fill("新仓镇")
    staff.get_by_test_id("add-host").get_by_role("button", name="添加").click()
    public = staff.get_by_test_id("add-public")
    public.get_by_label("群众代表（无需账号）").fill("村民代表甲")
    public.get_by_label("所在村（社区）").fill("新仓村")
    public.get_by_role("button", name="添加").click()
    expect(staff.get_by_test_id("member")).to_have_count(3)
    _status(staff, base, round_.pk, "开始评价", "open")

    staff.goto(f"{base}{reverse('evaluation:qr_sheet', args=[round_.pk, water_trainee.pk])}")
    staff.get_by_role("button", name="确认生成并打印").click()
    card = staff.get_by_test_id("qr-card").filter(has_text="村民代表甲")
    link = str(card.get_attribute("data-link"))
    assert link.startswith(f"{base}/evaluation/r/"), link
    shot(staff, shots, "09-qr-sheet")

    phone_context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    phone_context.set_default_timeout(20_000)
    phone = phone_context.new_page()
    phone.goto(link)
    phone.wait_for_url(f"{base}/evaluation/r/")
    expect(phone.get_by_test_id("public-trainee")).to_have_text(water_name)
    expect(phone.locator("body")).to_contain_text("村民代表甲，您好！")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, shots, "10-public-phone", full_page=False)
    fieldsets = phone.get_by_test_id("public-form").locator("fieldset")
    for k in range(fieldsets.count()):
        fieldsets.nth(k).locator("label.lb-public-choice").filter(
            has=phone.locator("input[value='4']")
        ).tap()
    phone.locator("#lb-comment").fill(PUBLIC_COMMENT)
    phone.get_by_role("button", name="提交评价").tap()
    expect(phone.get_by_test_id("public-thanks")).to_contain_text("感谢您的评价")
    assert status_of(phone, link) == 410  # the link works once
    phone_context.close()

    names = [s.cadre.name for s in placed.values()]
    # The team tells the trainees apart: the index is normalised across them.
    _rate_all(lijun, base, dict(zip(names, (5, 4, 3, 2), strict=True)), "李俊")
    chen = sign_in(browser, base, "kaocha", first_time=True)
    _rate_all(chen, base, dict(zip(names, (4, 4, 3, 2), strict=True)), "陈明")
    index_url = f"{base}{reverse('evaluation:index', args=[round_.pk])}"
    assert status_of(chen, index_url) == 403  # an inspector rates, the department computes
    chen.context.close()
    _status(staff, base, round_.pk, "结束评价", "closed")

    staff.goto(index_url)
    staff.get_by_label("等权").check()
    staff.get_by_test_id("compute-button").click()
    expect(staff.get_by_text("成长指数已计算。")).to_be_visible()
    expect(staff.get_by_test_id("rank-row")).to_have_count(4)
    shot(staff, shots, "11-index")

    record_url = f"{base}{reverse('evaluation:record', args=[round_.pk, water_trainee.pk])}"
    assert status_of(trainee, record_url) == 404  # not released yet
    staff.goto(record_url)
    record = staff.get_by_test_id("growth-record")
    expect(record.get_by_test_id("record-header")).to_contain_text(water_name)
    expect(record.get_by_test_id("comment").filter(has_text=PUBLIC_COMMENT)).to_contain_text(
        "群众代表"
    )
    expect(record).not_to_contain_text("村民代表甲")
    expect(staff.get_by_test_id("activities")).to_contain_text(DISCUSSION)
    with staff.expect_download() as download:
        staff.get_by_test_id("docx-link").click()
    assert download.value.suggested_filename == f"成长档案-{water_name}-中期考察.docx"
    with open(download.value.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for row in t.rows for c in row.cells]
    )
    assert water_name in text
    assert PUBLIC_COMMENT in text
    assert "村民代表甲" not in text

    _status(staff, base, round_.pk, "发布成长档案", "released")
    assert status_of(trainee, record_url) == 200
    expect(trainee.get_by_test_id("growth-record")).to_contain_text(PUBLIC_COMMENT)
    shot(trainee, shots, "12-record")
    other = reverse("evaluation:record", args=[round_.pk, tourism_trainee.pk])
    assert status_of(trainee, f"{base}{other}") == 404
    # The host unit's contact reads the records of its own unit's trainees only.
    assert status_of(xincang, record_url) == 200
    assert status_of(xincang, f"{base}{other}") == 404

    # ------------------------------------------------ the auditor reads the trail of the year
    auditor = sign_in(browser, base, "shenji", first_time=True)
    auditor.goto(f"{base}/accounts/audit/")
    trail = auditor.locator("table")
    expect(trail).to_contain_text(f"成长档案-{water_name}-中期考察.docx")
    assert status_of(auditor, index_url) == 200  # read only: the index, not the roster
    expect(auditor.get_by_test_id("compute-button")).to_have_count(0)
    assert status_of(auditor, f"{base}/cadres/") == 403
    auditor.context.close()

    for page in (staff, caoqiao, xincang, lijun, trainee):
        page.context.close()

    # What the pages did is what the database holds.
    round_.refresh_from_db()
    assert round_.status == RoundStatus.RELEASED
    assert Rating.objects.filter(round=round_).count() == 9
    assert Rating.objects.get(round=round_, member__name="村民代表甲").comment == PUBLIC_COMMENT

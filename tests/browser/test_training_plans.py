"""Training plans in Chromium: the 练兵计划书 prints on one A4 page; the draft is edited on a phone."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from lianbing.training.models import TrainingPlan
from lianbing.training.services import plans as services
from tests.functional.training.conftest import Placed, placed  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Lianbing-2026!"
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _log_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda u: "/login/" not in u)


def _full_plan(placed: Placed) -> TrainingPlan:  # noqa: F811
    """An approved plan of 5 goals and 12 milestones, with text as long as a real one."""
    s = placed.secondment
    s.post.duties = (
        "协助分管领导做好城镇建设、项目推进和人居环境整治工作；参与镇级重点项目的谋划、"
        "协调和督促，跟踪在建项目进度，建立问题清单并督促整改；完成镇党委、政府交办的其他工作。"
    )
    s.post.key_tasks = "服务美丽城镇省级样板镇创建；跟踪文体中心、政务服务中心等在建项目"
    s.post.save()
    plan = services.plan_start(secondment=s, user=placed.mentor)
    goals = [
        services.GoalInput(
            ability=ability,
            key_task="跟踪文体中心、政务服务中心等在建项目",
            goal=f"牵头推进一项在建项目的问题清单销号，掌握项目协调的方法（目标 {n}）",
            measure="问题清单销号率不低于 90%",
        )
        for n, ability in enumerate(
            ("political", "research", "decision", "mass_work", "execution"), start=1
        )
    ]
    milestones = [
        services.MilestoneInput(
            title=f"第{n}个月：走访与项目跟踪",
            due_on=datetime.date(2026, 3, 1) + datetime.timedelta(days=30 * n - 1),
            detail="走访在建项目工地和责任单位，更新问题清单，向导师汇报一次进展",
        )
        for n in range(1, 13)
    ]
    services.plan_update(
        plan=plan,
        user=placed.mentor,
        duties=plan.duties,
        summary="",
        goals=goals,
        milestones=milestones,
    )
    services.plan_submit(plan=plan, user=placed.mentor)
    return services.plan_approve(plan=plan, user=placed.staff)


def test_the_plan_of_five_goals_and_twelve_milestones_prints_on_one_a4_page(
    page: Any,
    live_server: Any,
    placed: Placed,  # noqa: F811
) -> None:
    plan = _full_plan(placed)
    _log_in(page, str(live_server.url), "lijun")

    page.goto(f"{live_server.url}/training/plan/{plan.pk}/print/")
    page.get_by_test_id("print-signatures").wait_for()
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)

    assert len(_PAGE.findall(pdf)) == 1


def test_the_mentor_edits_the_draft_on_a_phone(
    browser: Any,
    live_server: Any,
    placed: Placed,  # noqa: F811
) -> None:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    phone = context.new_page()
    _log_in(phone, str(live_server.url), "lijun")
    phone.goto(f"{live_server.url}/training/{placed.secondment.pk}/plan/")

    phone.get_by_test_id("plan-start").click()
    phone.get_by_test_id("add-goal").click()
    phone.get_by_label("目标", exact=True).fill("熟悉全镇 12 个村（社区）情况")
    phone.get_by_label("对应能力").select_option(label="群众工作能力")
    wide = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    phone.get_by_test_id("plan-save").click()
    phone.get_by_test_id("plan-goals").wait_for()

    plan = TrainingPlan.objects.get(secondment=placed.secondment)
    assert [(g.ability, g.goal) for g in plan.goals.all()] == [
        ("mass_work", "熟悉全镇 12 个村（社区）情况")
    ]
    assert plan.milestones.count() == 12
    assert not wide  # nothing of the form runs off the side of the screen
    context.close()

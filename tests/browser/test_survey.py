"""A host unit files two demands; the department returns one and turns the other into a post."""

from __future__ import annotations

from typing import Any

import pytest

from lianbing.demand.models import Post
from lianbing.survey.models import Demand, DemandStatus
from tests import factories

PASSWORD = "Lianbing-Survey-2026"

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _file_demand(page: Any, title: str, key_task: str) -> None:
    page.get_by_role("link", name="填报需求").click()
    page.get_by_label("岗位名称").fill(title)
    page.get_by_label("重点任务").fill(key_task)
    # The suggestion follows the text; adopting it fills category, abilities and tags.
    page.get_by_test_id("suggested-category").wait_for()
    page.get_by_role("button", name="采用建议（可再修改）").click()
    page.get_by_text("已按建议填入").wait_for()
    page.get_by_role("button", name="提交需求").click()
    page.get_by_text(f"需求“{title}”已提交").wait_for()


def test_a_contact_files_two_demands_and_the_department_returns_one_and_converts_the_other(
    live_server: Any, browser: Any, page: Any
) -> None:
    town = factories.unit("曹桥街道", kind="town")
    program = factories.program("2026年度百岗大练兵")
    survey_round = factories.survey_round("2026年人才缺口调研", program_=program)
    factories.account("host_contact", username="caoqiao", password=PASSWORD, unit_=town)
    factories.account("staff", username="ganbuke", password=PASSWORD)

    _log_in(page, live_server.url, "caoqiao")
    page.get_by_role("link", name="需求填报").click()
    page.get_by_role("link", name=survey_round.name).click()
    assert "填报截止时间" in page.get_by_test_id("deadline").inner_text()
    _file_demand(page, "文旅发展岗", "推动赛艇小镇提升发展，承办赛艇赛事，发展全域旅游")
    page.get_by_role("link", name=survey_round.name).click()
    _file_demand(page, "治水岗", "巩固污水零直排区创建成果，推进五水共治和雨污分流")

    staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    staff_context.set_default_timeout(15_000)
    staff = staff_context.new_page()
    _log_in(staff, live_server.url, "ganbuke")
    staff.goto(f"{live_server.url}{survey_round.get_absolute_url()}")
    staff.get_by_role("link", name="治水岗").click()
    staff.get_by_placeholder("退回意见：需要修改什么").fill("请写明所需专长和现有人数")
    staff.get_by_role("button", name="退回修改").click()
    staff.get_by_text("已退回需求“治水岗”").wait_for()
    staff.goto(f"{live_server.url}{survey_round.get_absolute_url()}")
    staff.get_by_role("link", name="文旅发展岗").click()
    staff.get_by_role("button", name="采纳").click()
    staff.get_by_text("已采纳需求“文旅发展岗”").wait_for()
    staff.get_by_role("link", name="转为岗位").click()
    staff.get_by_role("button", name="确认转为岗位").click()
    staff.get_by_test_id("source-demand").wait_for()
    source = staff.get_by_test_id("source-demand").inner_text()
    staff_context.close()

    page.reload()
    page.get_by_role("link", name="需求填报").click()
    page.get_by_role("link", name=survey_round.name).click()
    page.get_by_role("link", name="治水岗").click()
    assert "请写明所需专长和现有人数" in page.get_by_role("alert").first.inner_text()

    statuses = dict(Demand.objects.values_list("title", "status"))
    assert statuses == {"文旅发展岗": DemandStatus.CONVERTED, "治水岗": DemandStatus.RETURNED}
    post = Post.objects.get()
    assert (post.name, post.unit, post.program, post.category) == (
        "文旅发展岗",
        town,
        program,
        "livelihood",
    )
    assert "曹桥街道 · 文旅发展岗" in source

"""On a 375 px phone the trainee files a log with a photo, the mentor comments: no sideways scrolling."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from lianbing.engine import taxonomy
from lianbing.training.models import LogComment, Milestone, MonthlyAssessment, TrainingPlan, WorkLog
from tests.functional.training import conftest as training
from tests.functional.training.conftest import Placed

pytestmark = pytest.mark.django_db(transaction=True)

# The placed pair of the functional tests, with its accounts around it.
placed = training.placed

PASSWORD = "Lianbing-2026!"
PHONE = {"width": 375, "height": 812}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _phone(browser: Any, base_url: str, username: str) -> Any:
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def _overflow(page: Any) -> int:
    """How many pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def test_the_record_fits_a_phone_for_the_trainee_and_the_mentor(
    live_server: Any, browser: Any, placed: Placed, settings: Any, media: Path, tmp_path: Path
) -> None:
    settings.LIANBING_TODAY = "2026-05-15"
    plan = TrainingPlan.objects.create(
        secondment=placed.secondment, version=1, status="approved", duties="乡村振兴"
    )
    Milestone.objects.create(
        plan=plan, due_on=datetime.date(2026, 4, 30), title="完成一次专题调研：" + "村" * 40
    )
    MonthlyAssessment.objects.create(
        secondment=placed.secondment,
        month=datetime.date(2026, 4, 1),
        scores=dict.fromkeys(taxonomy.ABILITY_CODES, 4),
        remark="四月表现良好",
        author=placed.mentor,
    )
    photo = tmp_path / ("现场照片_新仓镇芦湾村人居环境整治" + "X" * 60 + ".png")
    photo.write_bytes(PNG)
    url = f"{live_server.url}/training/{placed.secondment.pk}/"

    trainee = _phone(browser, live_server.url, "sunjie")
    trainee.goto(url)
    assert _overflow(trainee) == 0
    trainee.get_by_label("工作内容").fill("走访芦湾村，" + "调研" * 80)
    trainee.get_by_label("工作成效").fill("走访农户 23 户，收集意见 12 条")
    trainee.get_by_label("附件（可选）").set_input_files(str(photo))
    trainee.get_by_role("button", name="提交日志").click()
    trainee.get_by_text("练兵日志已保存。").wait_for()
    assert _overflow(trainee) == 0
    trainee.context.close()

    mentor = _phone(browser, live_server.url, "lijun")
    mentor.goto(url)
    mentor.get_by_placeholder("点评这篇日志").fill("数据扎实，下一步把经验写成材料")
    mentor.get_by_role("button", name="点评", exact=True).click()
    mentor.get_by_text("点评已保存。").wait_for()
    assert _overflow(mentor) == 0
    mentor.context.close()

    log = WorkLog.objects.get()
    assert log.attachments.get().name == photo.name
    assert LogComment.objects.get(log=log).author == placed.mentor

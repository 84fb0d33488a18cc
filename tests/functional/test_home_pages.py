"""Each person's home page (工作台): what is theirs to do next, with counts and links.

The lines are ``data-testid="due-item"`` elements with a stable ``data-kind``
(see :mod:`lianbing.web.next_steps` and :mod:`lianbing.web.admin_home`); the
browser journey of the year relies on that markup.
"""

from __future__ import annotations

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lianbing.accounts.models import Role
from lianbing.demand import services as demand_services
from lianbing.demand.models import Program
from lianbing.people import services as people_services
from lianbing.survey import services as survey_services
from tests import factories

pytestmark = pytest.mark.django_db

_ITEM = re.compile(
    r'<li[^>]*data-testid="due-item" data-kind="(?P<kind>[^"]+)">\s*'
    r'<div[^>]*><a href="(?P<url>[^"]+)">[^<]*</a><span[^>]*>(?P<count>\d+)</span>'
)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _home(user: User) -> str:
    response = _client(user).get(reverse("accounts:home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("web:dashboard")
    return response.content.decode()


def _lines(html: str) -> list[tuple[str, str, int]]:
    """(kind, link, count) of each line of 我的待办, in page order."""
    return [(m["kind"], m["url"], int(m["count"])) for m in _ITEM.finditer(html)]


def _kinds(html: str) -> list[str]:
    return [kind for kind, _url, _count in _lines(html)]


def _line(html: str, kind: str) -> tuple[str, int]:
    found = [(url, count) for k, url, count in _lines(html) if k == kind]
    assert len(found) == 1, (kind, _kinds(html))
    return found[0]


# --------------------------------------------------------------------------- department staff


def test_staff_without_a_program_are_told_the_steps_to_create_one(user: User) -> None:
    html = _home(user)

    assert _kinds(html) == []
    assert 'data-testid="due-empty"' in html
    assert "还没有练兵批次" in html
    assert f'href="{reverse("imports:import_list")}"' in html
    assert f'href="{reverse("survey:round_list")}"' in html


def test_staff_with_an_empty_program_are_asked_to_survey_and_fill_the_pool(user: User) -> None:
    factories.program()

    html = _home(user)

    assert _kinds(html) == ["survey-none", "cadres-missing", "posts-missing"]
    assert _line(html, "survey-none") == (reverse("survey:round_create"), 1)
    assert _line(html, "cadres-missing")[0] == reverse("imports:import_list")


def test_staff_see_the_open_survey_and_the_demands_to_review_and_convert(user: User) -> None:
    program = factories.program()
    round_ = factories.survey_round("2026年人才缺口调研", program_=program)
    town, street = factories.unit("新仓镇", kind="town"), factories.unit("曹桥街道", kind="town")
    factories.demand(round_=round_, host=town)
    factories.demand(round_=round_, host=street, title="文旅发展岗")
    survey_services.demand_accept(demand=factories.demand(round_=round_, host=street))
    factories.demand(round_=round_, host=town, submit=False)

    html = _home(user)

    round_page = reverse("survey:round_detail", args=[round_.pk])
    assert _line(html, "survey-open") == (round_page, 1)
    assert "2 个单位已提交 3 条需求" in html
    assert _line(html, "demand-review") == (round_page, 2)
    assert _line(html, "demand-convert") == (round_page, 1)
    assert "survey-none" not in _kinds(html)
    # The survey's line sums its count up: no "等共 2 项" after "2026年人才缺口调研：2 条".
    assert "2026年人才缺口调研：2 条" in html
    assert "等共" not in html


def test_staff_are_asked_to_match_then_to_finalise_then_to_reoptimise(user: User) -> None:
    program = factories.matching_program(cadres=4, posts=3)

    before = _home(user)
    run = factories.match_run(user, program=program)
    after_run = _home(user)
    factories.decision(run, user)
    after_decision = _home(user)

    assert _line(before, "match-none") == (reverse("matching:run_create"), 1)
    assert "发起人岗匹配：4 名干部、3 个岗位" in before
    assert "match-none" not in _kinds(after_run)
    assert _line(after_run, "match-finalise") == (reverse("matching:balance", args=[run.pk]), 1)
    assert _line(after_decision, "reoptimise") == (reverse("matching:balance", args=[run.pk]), 1)


def test_the_staff_lines_follow_the_order_of_the_year(user: User) -> None:
    program = factories.matching_program(cadres=3, posts=2)
    round_ = factories.survey_round(program_=program)
    factories.demand(round_=round_, host=factories.unit("乍浦镇", kind="town"))
    factories.match_run(user, program=program)

    kinds = _kinds(_home(user))

    assert kinds == ["survey-open", "demand-review", "match-finalise"]


def test_a_closed_survey_is_no_longer_open(user: User) -> None:
    program = factories.program()
    round_ = factories.survey_round(program_=program)
    factories.demand(round_=round_, host=factories.unit("广陈镇", kind="town"))
    type(round_).objects.filter(pk=round_.pk).update(
        deadline_at=timezone.now() - datetime.timedelta(days=1)
    )

    kinds = _kinds(_home(user))

    assert "survey-open" not in kinds
    assert "demand-review" in kinds


def test_the_home_page_of_staff_makes_the_same_queries_for_a_bigger_program(
    user: User, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    program = factories.matching_program(cadres=3, posts=2)
    round_ = factories.survey_round(program_=program)
    factories.demand(round_=round_, host=factories.unit("林埭镇", kind="town"))
    run = factories.match_run(user, program=program)
    factories.decision(run, user)
    client = _client(user)
    client.get(reverse("web:dashboard"))  # sessions, caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("web:dashboard")).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    more = [factories.cadre(code=f"Q{i:03d}", name=f"干部Q{i}") for i in range(10)]
    demand_services.program_add_cadres(program=program, cadres=more)
    for i in range(5):
        factories.post(program_=program, code=f"QP{i:02d}")
        factories.demand(round_=round_, host=factories.unit(f"测试街道{i}", kind="town"))
    factories.survey_round(program_=program)

    assert count() == small


# --------------------------------------------------------------------------- host-unit contact


def test_a_host_contact_is_asked_to_file_then_to_finish_and_fix_its_demands() -> None:
    town = factories.unit("新埭镇", kind="town")
    other = factories.unit("钟埭街道", kind="town")
    contact = factories.account(Role.HOST_CONTACT, unit_=town)
    round_ = factories.survey_round("2026年调研")
    factories.demand(round_=round_, host=other)

    nothing_filed = _home(contact)
    draft = factories.demand(round_=round_, host=town, submit=False)
    with_draft = _home(contact)
    survey_services.demand_submit(demand=draft)
    survey_services.demand_return(demand=draft, comment="请补充重点任务")
    returned = _home(contact)

    assert _line(nothing_filed, "survey-file") == (
        reverse("survey:demand_new", args=[round_.pk]),
        1,
    )
    assert _line(with_draft, "demand-draft") == (
        reverse("survey:demand_detail", args=[draft.pk]),
        1,
    )
    assert "survey-file" in _kinds(with_draft)  # a draft is not filed yet
    assert _line(returned, "demand-returned") == (
        reverse("survey:demand_detail", args=[draft.pk]),
        1,
    )
    assert "survey-file" not in _kinds(returned)


def test_a_host_contact_sees_no_survey_line_once_the_deadline_passed() -> None:
    town = factories.unit("独山港镇", kind="town")
    contact = factories.account(Role.HOST_CONTACT, unit_=town)
    factories.survey_round(deadline_at=timezone.now() - datetime.timedelta(hours=1))

    html = _home(contact)

    assert _kinds(html) == []
    assert 'data-testid="due-empty"' in html


# --------------------------------------------------------------------------- inspector


def test_an_inspector_without_ratings_is_told_when_they_will_come() -> None:
    inspector = factories.account(Role.INSPECTOR)

    html = _home(inspector)

    assert _kinds(html) == []
    assert "考察轮次开始评价后" in html


@pytest.mark.parametrize(
    ("role", "figures"),
    [(Role.STAFF, True), (Role.HOST_CONTACT, True), (Role.MENTOR, False), (Role.TRAINEE, False),
     (Role.INSPECTOR, False)],
)  # fmt: skip
def test_only_those_who_plan_posts_see_the_current_programs_figures(
    role: str, figures: bool
) -> None:
    """A trainee of last year's program is not shown next year's cadre and post counts."""
    factories.matching_program(cadres=3, posts=2)
    town = factories.unit("新仓镇", kind="town")
    account = factories.account(
        role,
        unit_=town if role == Role.HOST_CONTACT else None,
        mentor=(
            people_services.mentor_create(code="M1", name="李俊", unit=town)
            if role == Role.MENTOR
            else None
        ),
        cadre_=factories.cadre(code="T1", name="孙杰") if role == Role.TRAINEE else None,
    )

    html = _home(account)

    assert ('data-testid="counts"' in html) is figures
    assert ('id="category-chart"' in html) is figures


# --------------------------------------------------------------------------- the three administrators


def test_the_system_admin_sees_failed_and_waiting_jobs_and_first_passwords() -> None:
    admin = factories.account(Role.SYSTEM_ADMIN)
    factories.account(
        Role.HOST_CONTACT, unit_=factories.unit("当湖街道", kind="town"), must_change_password=True
    )
    now = timezone.now()
    common = {
        "args_kwargs": {"args": [1], "kwargs": {}},
        "task_path": "lianbing.matching.tasks.compute_run",
        "backend_name": "default",
        "run_after": now - datetime.timedelta(minutes=20),
        "exception_class_path": "",
        "traceback": "",
    }
    DBTaskResult.objects.create(status=TaskResultStatus.FAILED, finished_at=now, **common)
    DBTaskResult.objects.create(status=TaskResultStatus.READY, **common)

    html = _home(admin)

    assert _kinds(html) == ["jobs-failed", "jobs-waiting", "password-change"]
    assert _line(html, "jobs-failed")[1] == 1
    assert _line(html, "password-change") == (reverse("admin:auth_user_changelist"), 1)
    assert 'data-testid="admin-card"' in html
    assert 'data-testid="counts"' not in html  # no program data for 三员


def test_the_security_admin_sees_accounts_without_role_locked_out_and_without_two_step() -> None:
    security = factories.account(Role.SECURITY_ADMIN)
    factories.account(None)
    # An account that cannot sign in (no usable password) is not waiting for a role.
    history = factories.account(None)
    history.set_unusable_password()
    history.save()
    AccessAttempt.objects.create(
        username="caoqiao",
        ip_address="10.0.0.8",
        user_agent="test",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )

    html = _home(security)

    role_list = reverse("accounts:role_list")
    assert _line(html, "account-no-role") == (role_list, 1)
    assert _line(html, "account-locked") == (role_list, 1)
    # The security administrator has not set up two-step sign-in either.
    assert _line(html, "admin-no-otp") == (role_list, 1)
    assert "jobs-failed" not in html
    assert "审计记录哈希链" not in html


def test_the_auditor_sees_the_chain_refusals_of_today_and_exports() -> None:
    auditor = factories.account(Role.AUDITOR)
    contact = factories.account(Role.HOST_CONTACT, unit_=factories.unit("乍浦镇", kind="town"))
    assert _client(contact).get(reverse("accounts:role_list")).status_code == 403
    _client(auditor).get(reverse("accounts:audit_export"))

    html = _home(auditor)

    assert "完整（最近" in html
    url, count = _line(html, "audit-denied")
    assert count >= 1
    assert url.startswith(reverse("accounts:audit_list") + "?result=denied")
    assert _line(html, "audit-exports")[1] == 1
    assert 'data-testid="counts"' not in html
    assert "jobs-failed" not in html
    assert "account-no-role" not in html


def test_a_fresh_administrator_with_nothing_due_is_told_how_to_start() -> None:
    admin = factories.account(Role.SYSTEM_ADMIN)

    html = _home(admin)

    assert _kinds(html) == []
    assert "新安装时请先建立安全管理员" in html


def test_an_account_without_a_role_still_lands_on_the_no_role_page() -> None:
    nobody = factories.account(None)

    response = _client(nobody).get(reverse("accounts:home"))

    assert response.status_code == 200
    assert "web/dashboard.html" not in [t.name for t in response.templates]


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR])
def test_an_administrators_home_page_makes_a_fixed_number_of_queries(
    role: str, django_assert_max_num_queries
) -> None:
    client = _client(factories.account(role))
    client.get(reverse("web:dashboard"))

    with django_assert_max_num_queries(12):
        client.get(reverse("web:dashboard"))


def test_the_home_page_links_the_calendar_for_staff_only(user: User) -> None:
    program: Program = factories.program()
    inspector = factories.account(Role.INSPECTOR)

    staff_html = _home(user)
    inspector_html = _home(inspector)

    assert reverse("web:program_calendar", args=[program.pk]) in staff_html
    assert 'data-testid="calendar-link"' not in inspector_html

"""What each account reads about itself: its name and role, the install account, /admin/, the demo's passwords."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing import cli
from lianbing.accounts.models import Role
from lianbing.demand import services as demand_services
from tests import factories
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_header_shows_the_person_and_the_role_apart() -> None:
    staff = factories.account(Role.STAFF, username="ganbuke")
    User.objects.filter(pk=staff.pk).update(first_name="韩文霞组织部干部科")  # type: ignore[attr-defined]

    page = _client(staff).get(reverse("web:dashboard")).content.decode()

    assert 'data-testid="current-user">韩文霞 · 组织部干部科</button>' in page


def test_the_install_account_says_on_screen_that_it_stands_outside_the_three_roles() -> None:
    admin = User.objects.create_superuser(username="admin", password="x", first_name="安装管理员")

    page = _client(admin).get(reverse("web:dashboard")).content.decode()

    assert 'data-testid="current-user">admin · 安装管理员（超级用户）</button>' in page
    assert 'data-testid="superuser-note"' in page
    assert "不受“三员分立”约束" in page


def test_the_admin_site_names_the_third_party_apps_in_chinese() -> None:
    admin = User.objects.create_superuser(username="admin", password="x")

    page = _client(admin).get(reverse("admin:index")).content.decode()

    for english in (
        "Axes",
        "AXES",
        "Access attempts",
        "Otp_Totp",
        "Tasks Database",
        "Task Results",
    ):
        assert english not in page
    for chinese in ("登录锁定", "登录失败记录", "两步验证", "后台任务结果"):
        assert chinese in page


def test_the_dashboard_links_the_lists_only_for_accounts_that_may_open_them() -> None:
    factories.post()
    inspector = _client(factories.account(Role.INSPECTOR))
    staff = _client(factories.account(Role.STAFF))

    seen_by_inspector = inspector.get(reverse("web:dashboard")).content.decode()
    seen_by_staff = staff.get(reverse("web:dashboard")).content.decode()

    assert f'href="{reverse("web:cadre_list")}?category=' not in seen_by_inspector
    assert f'href="{reverse("web:post_list")}?category=' not in seen_by_inspector
    assert f'href="{reverse("web:cadre_list")}?category=' in seen_by_staff


def test_the_demo_and_the_guide_agree_on_first_sign_in_passwords(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from lianbing.demodata.loader import demo_program_load

    demo_program_load()

    cli._print_demo_accounts()

    printed = capsys.readouterr().out
    guide = (REPO_ROOT / "docs" / "guide" / "README.md").read_text(encoding="utf-8")
    assert cli.DEMO_PASSWORD_NOTE in printed
    assert cli.DEMO_PASSWORD_NOTE.rstrip("。") in guide
    assert not User.objects.filter(profile__must_change_password=True).exists()


def _sidebar(page: str) -> str:
    return page.split('id="lb-sidebar"', 1)[1].split("</nav>", 1)[0]


def test_a_mentor_finds_posts_and_cadres_under_lookup_not_under_the_program_steps() -> None:
    from lianbing.people import services as people_services

    mentor = people_services.mentor_create(
        code="M-T", name="韩文霞", unit=factories.unit("曹桥街道", kind="town")
    )
    client = _client(factories.account(Role.MENTOR, mentor=mentor))

    sidebar = _sidebar(client.get(reverse("web:dashboard")).content.decode())

    assert "查阅" in sidebar
    assert "练兵岗位" in sidebar
    assert "一、需求调研" not in sidebar
    assert "二、干部研判" not in sidebar


def test_the_staff_sidebar_keeps_the_numbered_steps() -> None:
    client = _client(factories.account(Role.STAFF))

    sidebar = _sidebar(client.get(reverse("web:dashboard")).content.decode())

    assert "一、需求调研" in sidebar
    assert "二、干部研判" in sidebar
    assert "查阅" not in sidebar


def test_drop_downs_offer_a_chinese_empty_choice_instead_of_dashes() -> None:
    from lianbing.survey.models import Demand

    security = _client(factories.account(Role.SECURITY_ADMIN))

    page = security.get(reverse("accounts:role_list")).content.decode()
    model_choices = Demand._meta.get_field("category").formfield().widget.render("category", "")

    assert "---------" not in page
    assert "（请选择）" in page
    assert "---------" not in model_choices
    assert "（请选择）" in model_choices


def test_dashboard_charts_make_room_for_the_longest_unit_name() -> None:
    post = factories.post(host=factories.unit("独山能源三期项目分拆破难组", kind="platform"))
    staff = _client(factories.account(Role.STAFF))
    demand_services.program_add_cadres(program=post.program, cadres=[factories.cadre()])

    page = staff.get(reverse("web:dashboard")).content.decode()

    found = re.search(r'<script id="host-unit-chart" type="application/json">(.*?)</script>', page)
    assert found is not None
    option = json.loads(found.group(1))
    assert "独山能源三期项目分拆破难组" in option["yAxis"]["data"]
    assert option["grid"]["containLabel"] is True


def test_three_character_names_do_not_wrap_in_the_cadre_list() -> None:
    program = factories.program()
    demand_services.program_add_cadres(program=program, cadres=[factories.cadre(name="欧阳晓")])
    staff = _client(factories.account(Role.STAFF))

    page = staff.get(reverse("web:cadre_list")).content.decode()

    assert 'class="text-nowrap" data-testid="cadre-name"><a' in page
    assert "欧阳晓" in page

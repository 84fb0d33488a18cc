"""The pages of the foundation, driven through Django's test client."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from lianbing.demand import services as demand_services
from lianbing.demand.models import Program
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def user() -> User:
    """The staff account of the foundation: ``is_staff`` without a role profile acts as staff."""
    return User.objects.create_user(username="ganbuke", password="Lianbing-2026", is_staff=True)


@pytest.fixture
def program_with_data() -> Program:
    program = factories.program("2026年度百岗大练兵")
    town = factories.unit("曹桥街道", kind="town")
    platform = factories.unit("数字化改革专班", kind="platform")
    origin = factories.unit("市经信局")
    wang = factories.cadre(
        code="C001", name="王楠楠", origin=origin, category="livelihood", expertise="赛艇运动"
    )
    tu = factories.cadre(
        code="C002", name="屠东君", origin=origin, category="economy", expertise="数字化改革"
    )
    demand_services.program_add_cadres(program=program, cadres=[wang, tu])
    factories.post(program_=program, code="P001", host=town, category="livelihood", seats=2)
    factories.post(program_=program, code="P002", host=platform, category="economy")
    return program


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(reverse("web:dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_login_page_speaks_chinese(client: Client) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert "登录练兵台" in response.content.decode()
    assert 'lang="zh-hans"' in response.content.decode()


def test_a_wrong_password_gets_a_chinese_message(client: Client) -> None:
    User.objects.create_user(username="ganbuke", password="Lianbing-2026")

    response = client.post(reverse("login"), {"username": "ganbuke", "password": "wrong"})

    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_logging_in_leads_to_the_dashboard(client: Client) -> None:
    User.objects.create_user(username="ganbuke", password="Lianbing-2026", is_staff=True)

    response = client.post(
        reverse("login"), {"username": "ganbuke", "password": "Lianbing-2026"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("web:dashboard")
    assert "工作台" in response.content.decode()


def test_the_dashboard_counts_the_programs_cadres_posts_and_seats(
    staff: Client, program_with_data: Program
) -> None:
    response = staff.get(reverse("web:dashboard"))

    summary = response.context["summary"]
    assert (summary.cadres, summary.posts, summary.seats) == (2, 2, 3)
    assert summary.host_units == 2
    by_category = {c.code: (c.cadres, c.posts) for c in summary.by_category}
    assert by_category["livelihood"] == (1, 1)
    assert by_category["economy"] == (1, 1)
    assert by_category["party"] == (0, 0)
    html = response.content.decode()
    assert 'data-testid="count-cadres">2<' in html
    assert 'id="category-chart"' in html


def test_the_dashboard_counts_the_mentors_at_the_programs_host_units(
    staff: Client, program_with_data: Program
) -> None:
    """Mentors imported after the posts count, though no post names them; others do not."""
    from lianbing.people import services as people_services

    host = program_with_data.posts.first().unit
    people_services.mentor_create(code="M1", name="李俊", unit=host)
    people_services.mentor_create(code="M2", name="沈丽", unit=host)
    people_services.mentor_create(
        code="M3", name="韩文霞", unit=factories.unit("无岗位镇", kind="town")
    )

    summary = staff.get(reverse("web:dashboard")).context["summary"]

    assert summary.mentors == 2


def test_the_dashboard_without_a_program_explains_what_to_do(staff: Client) -> None:
    response = staff.get(reverse("web:dashboard"))

    assert "还没有练兵批次" in response.content.decode()


def test_the_cadre_list_searches_by_expertise(staff: Client, program_with_data: Program) -> None:
    response = staff.get(reverse("web:cadre_list"), {"q": "赛艇"})

    names = [c.name for c in response.context["page_obj"]]
    assert names == ["王楠楠"]


def test_the_cadre_list_filters_by_category(staff: Client, program_with_data: Program) -> None:
    response = staff.get(reverse("web:cadre_list"), {"category": "economy"})

    assert [c.name for c in response.context["page_obj"]] == ["屠东君"]


def test_an_htmx_filter_request_gets_only_the_results_table(
    staff: Client, program_with_data: Program
) -> None:
    response = staff.get(reverse("web:cadre_list"), {"q": "数字化"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "屠东君" in html
    assert "<html" not in html


def test_the_post_list_filters_by_unit_kind(staff: Client, program_with_data: Program) -> None:
    response = staff.get(reverse("web:post_list"), {"kind": "platform"})

    assert [p.code for p in response.context["page_obj"]] == ["P002"]


def test_the_unit_list_counts_cadres_and_posts(staff: Client, program_with_data: Program) -> None:
    response = staff.get(reverse("web:unit_list"))

    counts = {u.name: (u.n_cadres, u.n_posts) for u in response.context["page_obj"]}
    assert counts["市经信局"] == (2, 0)
    assert counts["曹桥街道"] == (0, 1)


def test_detail_pages_show_the_record(staff: Client, program_with_data: Program) -> None:
    cadre = program_with_data.cadres.get(code="C001")
    post = program_with_data.posts.get(code="P001")

    cadre_page = staff.get(cadre.get_absolute_url()).content.decode()
    post_page = staff.get(post.get_absolute_url()).content.decode()
    unit_page = staff.get(post.unit.get_absolute_url()).content.decode()

    assert "王楠楠" in cadre_page
    assert "赛艇运动" in cadre_page
    assert 'id="ability-chart"' in cadre_page
    assert "曹桥街道" in post_page
    assert "群众工作能力" in post_page
    assert "P001" in unit_page


def test_an_unknown_record_is_a_404(staff: Client) -> None:
    assert staff.get(reverse("web:cadre_detail", args=[999999])).status_code == 404
    assert staff.get(reverse("web:post_detail", args=[999999])).status_code == 404


def test_list_pages_make_the_same_number_of_queries_for_more_rows(
    staff: Client, program_with_data: Program, django_assert_max_num_queries
) -> None:
    def count_queries(url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [reverse("web:cadre_list"), reverse("web:post_list"), reverse("web:unit_list")]
    before = [count_queries(u) for u in urls]
    for i in range(8):
        extra = factories.cadre(code=f"X{i:03d}", name=f"干部{i}")
        demand_services.program_add_cadres(program=program_with_data, cadres=[extra])
        factories.post(program_=program_with_data, code=f"PX{i:02d}")
    after = [count_queries(u) for u in urls]

    assert after == before


def test_the_dashboard_makes_a_constant_number_of_queries(
    staff: Client, program_with_data: Program, django_assert_max_num_queries
) -> None:
    # 22: the figures, four reads of the department's due items (我的待办) and
    # one aggregate per step of the program's next steps (web/next_steps.py).
    with django_assert_max_num_queries(22):
        staff.get(reverse("web:dashboard"))


def test_the_admin_is_available_to_an_administrator(client: Client) -> None:
    admin = User.objects.create_superuser(username="root", password="Lianbing-2026")
    client.force_login(admin)

    response = client.get(reverse("admin:people_cadre_changelist"))

    assert response.status_code == 200


def test_the_cadre_list_exports_the_filtered_cadres_in_the_template_layout(
    staff: Client, program_with_data: Program, tmp_path
) -> None:
    from lianbing.xlsx.reader import read_cadres

    response = staff.get(reverse("web:cadre_export"), {"category": "economy"})
    path = tmp_path / "cadres.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = read_cadres(path).rows

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert [(r.id, r.name, r.origin_unit) for r in rows] == [("C002", "屠东君", "市经信局")]
    assert rows[0].abilities == (80, 70, 75, 65, 60, 55, 85)


def test_the_post_list_exports_every_post_of_the_program(
    staff: Client, program_with_data: Program, tmp_path
) -> None:
    from lianbing.xlsx.reader import read_posts

    response = staff.get(reverse("web:post_export"))
    path = tmp_path / "posts.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = read_posts(path).rows

    assert {(r.id, r.unit, r.seats) for r in rows} == {
        ("P001", "曹桥街道", 2),
        ("P002", "数字化改革专班", 1),
    }


def test_exporting_a_cadre_without_assessment_explains_what_is_missing(
    staff: Client, program_with_data: Program
) -> None:
    cadre = program_with_data.cadres.get(code="C001")
    cadre.assessments.all().delete()

    response = staff.get(reverse("web:cadre_export"), follow=True)

    assert "还没有能力评定" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("web:cadre_list"))


def test_the_sidebar_shows_an_auditor_the_audit_trail_and_nothing_of_the_program(
    client: Client,
) -> None:
    client.force_login(factories.account("auditor"))

    html = client.get(reverse("accounts:audit_list")).content.decode()

    sidebar = html[html.index('id="lb-sidebar"') :]
    assert "审计日志" in sidebar
    assert "干部库" not in sidebar
    assert "新建匹配" not in sidebar


def test_the_account_menu_holds_the_password_change_and_sign_out(staff: Client) -> None:
    html = staff.get(reverse("web:dashboard")).content.decode()

    menu = html[html.index('class="dropdown-menu') :]
    assert "修改密码" in menu
    assert "退出" in menu

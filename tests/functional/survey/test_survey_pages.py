"""The survey pages through Django's test client: who sees what, messages, export."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lianbing.demand.models import Post
from lianbing.survey import services
from lianbing.survey.models import Demand, DemandStatus, SurveyRound
from tests import factories

PASSWORD = "Lianbing-Survey-2026"

pytestmark = pytest.mark.django_db


@pytest.fixture
def town() -> factories.Unit:
    return factories.unit("曹桥街道", kind="town")


@pytest.fixture
def other_town() -> factories.Unit:
    return factories.unit("新仓镇", kind="town")


@pytest.fixture
def survey_round() -> SurveyRound:
    return factories.survey_round("2026年人才缺口调研", program_=factories.program())


@pytest.fixture
def contact(client: Client, town: factories.Unit) -> Client:
    client.force_login(
        factories.account("host_contact", username="caoqiao", password=PASSWORD, unit_=town)
    )
    return client


@pytest.fixture
def user() -> User:
    """The staff account, granted its role through the service like the host contacts."""
    return factories.account("staff", username="ganbuke", password=PASSWORD)


def _form(**change: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "文旅发展岗",
        "key_task": "推动赛艇小镇提升发展，承办赛艇赛事",
        "category": "livelihood",
        "seats": 1,
        "duration_months": 12,
        "priority": 2,
        "current_staffing": 0,
        "tags": "赛艇",
        "ability_mass_work": 3,
    }
    data.update(change)
    return data


# --------------------------------------------------------------------------- isolation


def test_a_contact_sees_only_the_own_units_demands_in_a_round(
    contact: Client, survey_round: SurveyRound, town: factories.Unit, other_town: factories.Unit
) -> None:
    factories.demand(round_=survey_round, host=town, title="本单位的岗位")
    factories.demand(round_=survey_round, host=other_town, title="别人家的岗位")

    response = contact.get(reverse("survey:round_detail", args=[survey_round.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "本单位的岗位" in body
    assert "别人家的岗位" not in body


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("survey:demand_detail", "get"),
        ("survey:demand_edit", "get"),
        ("survey:demand_edit", "post"),
        ("survey:demand_submit", "post"),
    ],
)
def test_guessing_another_units_demand_id_finds_nothing(
    contact: Client,
    survey_round: SurveyRound,
    other_town: factories.Unit,
    name: str,
    method: str,
) -> None:
    theirs = factories.demand(round_=survey_round, host=other_town, submit=False)

    response = getattr(contact, method)(reverse(name, args=[theirs.pk]), _form(title="改掉"))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.title, theirs.status) == ("基层治理岗", DemandStatus.DRAFT)


def test_a_contact_cannot_open_another_units_gap_page(
    contact: Client, survey_round: SurveyRound, other_town: factories.Unit
) -> None:
    response = contact.get(reverse("survey:gap_unit", args=[survey_round.pk, other_town.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        lambda r, d: reverse("survey:gap_overview"),
        lambda r, d: reverse("survey:gap_export", args=[r.pk]),
        lambda r, d: reverse("survey:demand_convert", args=[d.pk]),
    ],
)
def test_a_contact_cannot_open_the_departments_pages(
    contact: Client, survey_round: SurveyRound, town: factories.Unit, url: object
) -> None:
    own = factories.demand(round_=survey_round, host=town)

    response = contact.get(url(survey_round, own))  # type: ignore[operator]

    assert response.status_code == 403


def test_a_contact_cannot_accept_the_own_units_demand(
    contact: Client, survey_round: SurveyRound, town: factories.Unit
) -> None:
    own = factories.demand(round_=survey_round, host=town)

    response = contact.post(reverse("survey:demand_review", args=[own.pk]), {"action": "accept"})

    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == DemandStatus.SUBMITTED


def test_the_contacts_sidebar_shows_only_pages_the_contact_may_open(contact: Client) -> None:
    response = contact.get(reverse("survey:round_list"))

    nav = response.content.decode().split("lb-sidebar", 1)[1].split("</nav>", 1)[0]
    assert "需求填报" in nav
    assert "本单位缺口" in nav
    assert "缺口分析" not in nav


def test_the_staff_sidebar_holds_the_survey_pages(staff: Client) -> None:
    response = staff.get(reverse("survey:round_list"))

    nav = response.content.decode().split("lb-sidebar", 1)[1].split("</nav>", 1)[0]
    assert "需求填报" in nav
    assert "缺口分析" in nav
    assert "本单位缺口" not in nav


# --------------------------------------------------------------------------- filing


def test_filing_a_demand_saves_it_and_shows_the_suggestion(
    contact: Client, survey_round: SurveyRound, town: factories.Unit
) -> None:
    response = contact.post(
        reverse("survey:demand_new", args=[survey_round.pk]), _form(submit="1"), follow=True
    )

    demand = Demand.objects.get()
    assert (demand.unit, demand.status) == (town, DemandStatus.SUBMITTED)
    body = response.content.decode()
    assert "已提交" in body
    assert "建议类别" in body
    assert "民生事业" in body


def test_a_filed_demand_is_in_the_audit_trail_with_the_contact(
    contact: Client, survey_round: SurveyRound
) -> None:
    from lianbing.accounts.models import AuditAction, AuditEvent

    contact.post(reverse("survey:demand_new", args=[survey_round.pk]), _form(submit="1"))

    event = AuditEvent.objects.get(object_type="survey.Demand", action=AuditAction.CREATE)
    assert event.username == "caoqiao"
    assert "文旅发展岗" in event.object_repr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key_task": ""}, "请填写重点任务"),
        ({"category": "外事管理"}, "不是五大类别之一"),
        ({"seats": 0}, "名额至少为 1 人"),
        ({"duration_months": 18}, "练兵期限须在 6 到 12 个月之间"),
    ],
)
def test_a_bad_demand_is_shown_again_with_a_chinese_message(
    contact: Client, survey_round: SurveyRound, change: dict[str, object], message: str
) -> None:
    response = contact.post(reverse("survey:demand_new", args=[survey_round.pk]), _form(**change))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert Demand.objects.count() == 0


def test_after_the_deadline_the_form_refuses_and_shows_the_deadline(
    contact: Client,
) -> None:
    deadline = timezone.now() - datetime.timedelta(days=1)
    closed = factories.survey_round(deadline_at=deadline)

    response = contact.post(reverse("survey:demand_new", args=[closed.pk]), _form())

    body = response.content.decode()
    shown = timezone.localtime(deadline).strftime("%Y年%-m月%-d日 %H:%M")
    assert response.status_code == 400
    assert "截止" in body
    assert shown in body
    assert Demand.objects.count() == 0


def test_the_suggestion_panel_follows_the_typed_text(contact: Client) -> None:
    response = contact.post(
        reverse("survey:demand_suggest"),
        {"key_task": "化解矛盾纠纷，做好信访维稳"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert "社会管理" in body
    assert "信访" in body
    assert "<html" not in body


def test_applying_the_suggestion_fills_category_tags_and_abilities(contact: Client) -> None:
    response = contact.post(
        reverse("survey:demand_suggest"),
        {"key_task": "做好污水零直排和五水共治，入户走访村民", "apply": "1"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert '<option value="construction" selected>' in body
    assert 'value="污水零直排、五水共治"' in body
    assert '<option value="3" selected>' in body


# --------------------------------------------------------------------------- review


def test_staff_return_a_demand_with_a_comment_the_contact_then_reads(
    staff: Client, contact: Client, survey_round: SurveyRound, town: factories.Unit
) -> None:
    demand = factories.demand(round_=survey_round, host=town)

    staff.post(
        reverse("survey:demand_review", args=[demand.pk]),
        {"action": "return", "comment": "请补充所需专长"},
    )
    response = contact.get(reverse("survey:demand_detail", args=[demand.pk]))

    assert "请补充所需专长" in response.content.decode()
    demand.refresh_from_db()
    assert demand.status == DemandStatus.RETURNED


def test_converting_twice_through_the_page_shows_a_message_and_adds_no_post(
    staff: Client, survey_round: SurveyRound, town: factories.Unit
) -> None:
    demand = factories.demand(round_=survey_round, host=town)
    services.demand_accept(demand=demand)
    url = reverse("survey:demand_convert", args=[demand.pk])
    first = staff.post(url, {"program": survey_round.program.pk, "confirm": "1"}, follow=True)

    second = staff.post(url, {"program": survey_round.program.pk, "confirm": "1"}, follow=True)

    assert "来源需求" in first.content.decode()
    assert "不能重复转换" in second.content.decode()
    assert Post.objects.count() == 1


def test_bulk_conversion_asks_for_confirmation_first(
    staff: Client, survey_round: SurveyRound, town: factories.Unit
) -> None:
    demands = [factories.demand(round_=survey_round, host=town, title=f"岗{k}") for k in range(2)]
    for demand in demands:
        services.demand_accept(demand=demand)
    url = reverse("survey:round_convert", args=[survey_round.pk])
    ids = [d.pk for d in demands]

    asked = staff.post(url, {"demand": ids})
    done = staff.post(
        url, {"demand": ids, "confirm": "1", "program": survey_round.program.pk}, follow=True
    )

    assert "确认转为岗位" in asked.content.decode()
    assert Post.objects.count() == 2
    assert "已将 2 条需求转为岗位" in done.content.decode()


# --------------------------------------------------------------------------- gaps


def test_the_gap_overview_ranks_unmet_needs_and_draws_a_heatmap(
    staff: Client, survey_round: SurveyRound, town: factories.Unit, other_town: factories.Unit
) -> None:
    factories.demand(round_=survey_round, host=town, title="急需岗", priority=3)
    factories.demand(round_=survey_round, host=other_town, title="一般岗", priority=1)

    response = staff.get(reverse("survey:gap_overview"), {"round": survey_round.pk})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="gap-heatmap"' in body
    assert body.index("急需岗") < body.index("一般岗")
    assert "干部库中没有该类别的干部" in body


def test_the_gap_export_is_a_workbook_with_formula_safe_text(
    staff: Client, survey_round: SurveyRound, town: factories.Unit
) -> None:
    factories.demand(round_=survey_round, host=town, title='=HYPERLINK("http://x")')

    response = staff.get(reverse("survey:gap_export", args=[survey_round.pk]))

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["缺口热力表", "未满足需求", "专长缺口", "需求明细"]
    unmet = book["未满足需求"]
    assert unmet.cell(row=2, column=3).value == '\'=HYPERLINK("http://x")'
    assert unmet.cell(row=2, column=3).data_type == "s"
    heat = book["缺口热力表"]
    assert heat.cell(row=2, column=1).value == "曹桥街道"
    assert heat.cell(row=2, column=5).value == 100


def test_a_contact_opens_the_own_units_gap_page_from_the_sidebar(
    contact: Client, survey_round: SurveyRound, town: factories.Unit
) -> None:
    factories.demand(round_=survey_round, host=town, title="本单位岗位")

    response = contact.get(reverse("survey:my_gap"), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "survey:gap_unit", args=[survey_round.pk, town.pk]
    )
    assert "本单位岗位" in response.content.decode()


def test_the_round_page_queries_do_not_grow_with_the_demands(
    staff: Client,
    survey_round: SurveyRound,
    town: factories.Unit,
    django_assert_max_num_queries: object,
) -> None:
    for k in range(15):
        factories.demand(round_=survey_round, host=town, title=f"岗{k}")

    with django_assert_max_num_queries(8):  # type: ignore[operator]
        response = staff.get(reverse("survey:round_detail", args=[survey_round.pk]))

    assert response.content.decode().count('name="demand"') == 0
    assert "岗14" in response.content.decode()


def test_the_gap_overview_queries_do_not_grow_with_the_demands(
    staff: Client,
    survey_round: SurveyRound,
    town: factories.Unit,
    django_assert_max_num_queries: object,
) -> None:
    for k in range(15):
        factories.demand(round_=survey_round, host=town, title=f"岗{k}", tags="信访")
        factories.cadre(category="social", expertise="信访")

    with django_assert_max_num_queries(7):  # type: ignore[operator]
        response = staff.get(reverse("survey:gap_overview"), {"round": survey_round.pk})

    assert response.status_code == 200


def test_the_gap_overview_opens_on_the_latest_round_with_demands_not_an_empty_one(
    staff: Client, survey_round: SurveyRound, town: factories.Unit
) -> None:
    factories.demand(round_=survey_round, host=town, title="急需岗")
    later = factories.survey_round(
        "补充调研", deadline_at=timezone.now() + datetime.timedelta(days=60)
    )

    opened = staff.get(reverse("survey:gap_overview")).content.decode()
    empty = staff.get(reverse("survey:gap_overview"), {"round": later.pk}).content.decode()

    assert "2026年人才缺口调研</span>" in opened
    assert "急需岗" in opened
    assert "本轮尚无已提交的需求" in empty
    assert "所有已提交的需求都能" not in empty


def test_the_gap_heatmap_shows_percent_signs_and_a_legend_of_its_colours(
    staff: Client, survey_round: SurveyRound, town: factories.Unit
) -> None:
    factories.demand(round_=survey_round, host=town, title="急需岗")

    body = staff.get(reverse("survey:gap_overview")).content.decode()

    assert '"formatter": "{@[2]}%"' in body
    assert "绿色 0% 表示需求名额都能满足" in body


def test_a_submitted_demands_edit_page_shows_the_demand_and_says_why_it_cannot_change(
    contact: Client, survey_round: SurveyRound, town: factories.Unit
) -> None:
    demand = factories.demand(round_=survey_round, host=town, title="急需岗")

    response = contact.get(reverse("survey:demand_edit", args=[demand.pk]), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == demand.get_absolute_url()
    assert "不能再修改。如需修改，请联系组织部干部科退回" in page
    assert 'name="key_task"' not in page


def test_the_contacts_sidebar_puts_looked_up_pages_after_the_contacts_own_step(
    contact: Client,
) -> None:
    nav = contact.get(reverse("survey:round_list")).content.decode().split("lb-sidebar", 1)[1]

    assert nav.index("一、需求调研") < nav.index("查阅") < nav.index("干部库")

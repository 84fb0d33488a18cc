"""练兵安排: the department's list of a program's secondments, its export, and placements on
the cadre's and the post's pages for every role that opens them."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lianbing.accounts.models import AuditAction, AuditEvent
from lianbing.training import secondments
from lianbing.training.models import Secondment
from tests import factories

from .conftest import Placed, second

pytestmark = pytest.mark.django_db

LIST = reverse("training:secondment_list")
EXPORT = reverse("training:secondment_export")


def _names(response) -> list[str]:
    return [row.secondment.cadre.name for row in response.context["data"].rows]


def _workbook(response):
    content = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(content))


# --------------------------------------------------------------------------- the list


def test_the_department_sees_each_placement_with_unit_post_mentor_and_dates(
    placed: Placed,
) -> None:
    response = placed.client("staff").get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert sorted(_names(response)) == ["孙杰", "王楠楠"]
    for text in ("孙杰", "新仓镇", "李俊", "已确认", "2026.03.01—2027.02.28"):
        assert text in page
    assert placed.secondment.cadre.origin_unit.name in page
    assert placed.secondment.post.get_absolute_url() in page


def test_the_list_opens_on_the_current_program_and_another_can_be_chosen(
    placed: Placed,
) -> None:
    later = factories.match_run(placed.staff)
    second(later, cadre_name="屠东君", town="独山港镇", mentor_name="沈红")
    staff = placed.client("staff")

    default = staff.get(LIST)
    earlier = staff.get(LIST, {"program": placed.secondment.program_id})

    assert _names(default) == ["屠东君"]
    assert sorted(_names(earlier)) == ["孙杰", "王楠楠"]
    assert staff.get(LIST, {"program": 999_999}).status_code == 404


def test_the_list_filters_by_host_unit_mentor_state_and_name(placed: Placed) -> None:
    second(placed.run, cadre_name="金伟", town="新仓镇", mentor_name="陈刚", confirmed=False)
    second(placed.run, cadre_name="陆洁", town="乍浦镇")
    staff = placed.client("staff")
    xincang = placed.secondment.post.unit_id

    assert sorted(_names(staff.get(LIST, {"unit": xincang}))) == ["孙杰", "金伟"]
    assert _names(staff.get(LIST, {"state": "pending"})) == ["陆洁"]
    assert _names(staff.get(LIST, {"state": "proposed"})) == ["金伟"]
    assert sorted(_names(staff.get(LIST, {"state": "confirmed"}))) == ["孙杰", "王楠楠"]
    assert _names(staff.get(LIST, {"q": "孙"})) == ["孙杰"]
    assert _names(staff.get(LIST, {"q": "张敏"})) == ["王楠楠"]  # by mentor name too
    assert len(_names(staff.get(LIST, {"state": "nonsense"}))) == 4


def test_the_state_counts_follow_the_other_filters(placed: Placed) -> None:
    second(placed.run, cadre_name="金伟", town="新仓镇", mentor_name="陈刚", confirmed=False)
    second(placed.run, cadre_name="陆洁", town="乍浦镇")

    data = (
        placed.client("staff").get(LIST, {"unit": placed.secondment.post.unit_id}).context["data"]
    )

    assert data.total == 2
    assert {s.value: n for s, n in data.counts.items()} == {
        "pending": 0,
        "proposed": 1,
        "confirmed": 1,
    }


def test_the_list_is_paginated_with_the_total_and_a_constant_number_of_queries(
    placed: Placed,
) -> None:
    staff = placed.client("staff")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert staff.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for k in range(28):
        second(placed.run, cadre_name=f"学员{k:02d}", town=f"测试镇{k % 3}", mentor_name=f"导师{k}")
    after = queries()
    first = staff.get(LIST)
    last = staff.get(LIST, {"page": 2})

    assert after == before
    assert first.context["data"].total == 30
    assert "共 30 人" in first.content.decode()
    assert len(first.context["data"].rows) == 25
    assert len(last.context["data"].rows) == 5
    assert "第 1 / 2 页" in first.content.decode()


def test_superseded_secondments_show_only_behind_the_toggle(placed: Placed) -> None:
    Secondment.objects.filter(pk=placed.other.pk).update(
        superseded_at=timezone.now(), supersede_reason="重新匹配"
    )
    staff = placed.client("staff")

    hidden = staff.get(LIST)
    shown = staff.get(LIST, {"superseded": "1"})

    assert _names(hidden) == ["孙杰"]
    assert sorted(_names(shown)) == ["孙杰", "王楠楠"]
    assert "已取代" in shown.content.decode()


def test_an_htmx_filter_request_gets_only_the_results(placed: Placed) -> None:
    response = placed.client("staff").get(LIST, {"q": "孙"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results">')
    assert "<html" not in page
    assert "孙杰" in page


def test_without_any_program_the_list_says_what_to_do(staff: Client) -> None:
    response = staff.get(LIST)

    assert response.status_code == 200
    assert "还没有练兵批次" in response.content.decode()


# --------------------------------------------------------------------------- who opens it


def test_the_auditor_reads_the_list_without_the_pairing_actions(placed: Placed) -> None:
    response = placed.client("auditor").get(LIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert "孙杰" in page
    assert reverse("training:pairing") not in page
    assert reverse("training:secondment_export") in page


@pytest.mark.parametrize(
    "who", ["mentor", "trainee", "host", "other_mentor", "other_trainee", "other_host"]
)
def test_nobody_else_opens_or_exports_the_list(placed: Placed, who: str) -> None:
    client = placed.client(who)

    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403


# --------------------------------------------------------------------------- the export


def test_the_export_holds_the_filtered_list_on_a_printable_sheet(placed: Placed) -> None:
    second(
        placed.run, cadre_name="金伟", town="新仓镇", mentor_name="=HYPERLINK(1)", confirmed=False
    )

    response = placed.client("staff").get(EXPORT, {"unit": placed.secondment.post.unit_id})
    book = _workbook(response)
    sheet = book["练兵安排"]
    rows = list(sheet.iter_rows(values_only=True))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "新仓镇" in rows[0][0]
    assert rows[1][:4] == ("序号", "干部编号", "姓名", "原单位")
    by_name = {row[2]: row for row in rows[2:]}
    assert set(by_name) == {"孙杰", "金伟"}
    sunjie = by_name["孙杰"]
    assert sunjie[4] == "新仓镇"
    assert (sunjie[7], sunjie[9]) == ("李俊", "已确认")
    assert sunjie[10].date() == datetime.date(2026, 3, 1)
    assert sunjie[11].date() == datetime.date(2027, 2, 28)
    assert by_name["金伟"][7] == "'=HYPERLINK(1)"  # never a formula
    assert by_name["金伟"][9] == "待确认"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$2"


def test_an_export_is_recorded_in_the_audit_trail(placed: Placed) -> None:
    placed.client("auditor").get(EXPORT)

    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "training:secondment_export"
    assert event.object_repr.startswith("练兵安排-")
    assert event.username == "shenji"


# --------------------------------------------------------------------------- placements on pages


@pytest.mark.parametrize("who", ["staff", "mentor", "trainee", "host"])
def test_the_cadre_page_says_where_the_cadre_is_placed(placed: Placed, who: str) -> None:
    response = placed.client(who).get(placed.secondment.cadre.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="placements"' in page
    assert "新仓镇" in page
    assert placed.secondment.post.get_absolute_url() in page
    assert "李俊" in page
    assert "2026年3月1日—2027年2月28日" in page


@pytest.mark.parametrize("who", ["staff", "mentor", "trainee", "host"])
def test_the_post_page_says_who_is_placed_on_it(placed: Placed, who: str) -> None:
    response = placed.client(who).get(placed.secondment.post.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "在岗练兵干部" in page
    assert "孙杰" in page
    assert "李俊" in page
    assert "2026.03.01—2027.02.28" in page


def test_a_trainee_opens_their_own_post_and_no_other(placed: Placed) -> None:
    trainee = placed.client("trainee")

    assert trainee.get(placed.secondment.post.get_absolute_url()).status_code == 200
    assert trainee.get(placed.other.post.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("who", ["other_mentor", "other_trainee", "other_host"])
def test_outsiders_do_not_open_the_placed_cadre_or_post(placed: Placed, who: str) -> None:
    client = placed.client(who)

    assert client.get(placed.secondment.cadre.get_absolute_url()).status_code == 404
    assert client.get(placed.secondment.post.get_absolute_url()).status_code == 404


def test_a_mentor_not_yet_confirmed_shows_only_to_the_department(placed: Placed) -> None:
    Secondment.objects.filter(pk=placed.secondment.pk).update(mentor_confirmed_at=None)
    url = placed.secondment.post.get_absolute_url()

    staff_page = placed.client("staff").get(url).content.decode()
    trainee_page = placed.client("trainee").get(url).content.decode()

    assert "李俊" in staff_page
    assert "待确认" in staff_page
    assert "李俊" not in trainee_page.split('data-testid="placements"')[1]
    assert "待定" in trainee_page


def test_a_trainee_on_a_shared_post_sees_only_themselves(placed: Placed) -> None:
    post = placed.secondment.post
    post.seats = 2
    post.save()
    colleague = factories.cadre(name="金伟")
    secondments.secondment_create(
        cadre=colleague,
        post=post,
        source_run_id=placed.run.pk,
        mentor=None,
        started_on=datetime.date(2026, 3, 1),
        duration_months=12,
    )

    trainee_page = placed.client("trainee").get(post.get_absolute_url()).content.decode()
    staff_page = placed.client("staff").get(post.get_absolute_url()).content.decode()

    assert "金伟" not in trainee_page
    assert "金伟" in staff_page
    assert "填报志愿的干部" not in trainee_page


def test_while_the_newest_program_is_still_matching_the_list_opens_on_the_one_in_training(
    placed: Placed,
) -> None:
    factories.program("下一年度批次")  # newest, no secondments yet
    staff = placed.client("staff")

    assert sorted(_names(staff.get(LIST))) == ["孙杰", "王楠楠"]

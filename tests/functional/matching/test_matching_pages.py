"""The matching pages, step by step, through Django's test client."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianbing.background.models import JobStatus
from lianbing.demodata.loader import demo_program_load
from lianbing.matching.models import Decision, MatchRun
from lianbing.matching.services.runs import RunSettings, match_run_create
from lianbing.training.models import Secondment
from tests import factories

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def _form(program_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "program": program_id,
        "post_scope": "all",
        "cadre_scope": "all",
        "per_post": 2,
        "max_per_cadre": 3,
        "weight_fit": 0.5,
        "weight_development": 0.3,
        "weight_complement": 0.2,
        "fit_floor": 20,
        "preference_bonus": 5,
        **extra,
    }


def _placed_pair(run: MatchRun) -> tuple[int, int]:
    placement = run.placements.first()
    assert placement is not None
    return placement.cadre_id, placement.post_id


def test_only_department_staff_may_open_the_matching_pages(client: Client, run: MatchRun) -> None:
    client.force_login(User.objects.create_user(username="mentor1", password="x-Lianbing-1"))

    assert client.get(reverse("matching:run_list")).status_code == 403
    assert client.get(reverse("matching:balance", args=[run.pk])).status_code == 403
    assert (
        client.post(reverse("matching:finalise", args=[run.pk]), {"confirm": "on"}).status_code
        == 403
    )


def test_the_sidebar_has_the_matching_section(staff: Client) -> None:
    response = staff.get(reverse("matching:run_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "三、人岗匹配" in page
    assert "新建匹配" in page


def test_submitting_the_form_runs_the_match_and_shows_the_result(staff: Client) -> None:
    program = factories.matching_program(cadres=5, posts=3)

    response = staff.post(
        reverse("matching:run_create"), _form(program.pk, title="初稿"), follow=True
    )

    run = MatchRun.objects.get()
    assert run.status == JobStatus.DONE
    assert run.title == "初稿"
    page = response.content.decode()
    assert "初稿" in page
    assert "逐岗择优（不统筹）的总分" in page
    assert 'data-testid="run-total"' in page


def test_a_run_with_no_posts_gets_a_chinese_message_and_saves_nothing(staff: Client) -> None:
    program = factories.matching_program()

    response = staff.post(reverse("matching:run_create"), _form(program.pk, post_scope="selected"))

    assert response.status_code == 200
    assert "没有选择任何岗位" in response.content.decode()
    assert MatchRun.objects.count() == 0


def test_the_progress_partial_asks_the_page_to_reload_when_the_run_is_done(
    staff: Client, run: MatchRun
) -> None:
    response = staff.get(reverse("matching:run_status", args=[run.pk]) + "?polling=1", **HTMX)

    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"


def test_a_queued_run_shows_a_progress_bar_and_a_cancel_button(
    staff: Client, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = User.objects.get(username="ganbuke")
    queued = match_run_create(program=factories.matching_program(), created_by=user)

    page = staff.get(reverse("matching:run_detail", args=[queued.pk])).content.decode()
    staff.post(reverse("matching:run_cancel", args=[queued.pk]))

    assert 'data-testid="run-progress"' in page
    assert "every 500ms" in page
    assert "取消计算" in page
    queued.refresh_from_db()
    assert queued.status == JobStatus.CANCELLED


def test_the_balance_table_lists_every_post_with_its_candidates_and_marks_the_recommended(
    staff: Client, run: MatchRun
) -> None:
    response = staff.get(reverse("matching:balance", args=[run.pk]))

    page = response.content.decode()
    assert page.count("<tr data-post=") == 3
    assert page.count('data-recommended="1"') == 3
    assert "★" in page


def test_the_balance_table_filters_by_host_unit_in_place(staff: Client, run: MatchRun) -> None:
    post = run.posts.first()
    assert post is not None

    response = staff.get(reverse("matching:balance", args=[run.pk]), {"unit": post.unit_id}, **HTMX)

    page = response.content.decode()
    assert "<html" not in page
    assert page.count("<tr data-post=") == 1
    assert f'data-post="{post.code}"' in page


def test_the_balance_table_of_the_demo_makes_a_constant_number_of_queries(staff: Client) -> None:
    user = User.objects.get(username="ganbuke")
    small = match_run_create(program=factories.matching_program(), created_by=user)
    demo = demo_program_load().program
    big = match_run_create(program=demo, created_by=user)
    assert big.posts.count() == 100

    with CaptureQueriesContext(connection) as small_queries:
        staff.get(reverse("matching:balance", args=[small.pk]))
    with CaptureQueriesContext(connection) as demo_queries:
        response = staff.get(reverse("matching:balance", args=[big.pk]))

    # A page of fifty posts, of the hundred counted.
    assert response.content.decode().count("<tr data-post=") == 50
    assert "共 100 个岗位，第 1 / 2 页" in response.content.decode()
    # The idle-timeout mark is saved at most once a minute, whenever the clock
    # says so; the page's own queries are what must not grow.
    assert _page_queries(demo_queries) == _page_queries(small_queries)
    assert _page_queries(demo_queries) <= 12


def _page_queries(captured: CaptureQueriesContext) -> int:
    # The session's save (the idle-timeout mark) runs in a savepoint of its own.
    return sum(
        "django_session" not in query["sql"] and "SAVEPOINT" not in query["sql"].upper()
        for query in captured.captured_queries
    )


def test_opening_a_pair_shows_the_explanation_both_profiles_and_the_radar(
    staff: Client, run: MatchRun
) -> None:
    cadre_id, post_id = _placed_pair(run)

    response = staff.get(reverse("matching:pair", args=[run.pk, cadre_id, post_id]), **HTMX)

    page = response.content.decode()
    assert "综合得分" in page
    assert "专长匹配" in page
    assert "重点任务" in page
    assert "基层工作年限" in page
    assert 'id="pair-radar"' in page
    assert "推荐人选" in page


def test_a_pin_a_forbid_and_a_reoptimisation_move_the_cadres_in_place(
    staff: Client, run: MatchRun
) -> None:
    placed = dict(run.placements.values_list("cadre_id", "post_id"))
    (a, _post_a), (b, post_b) = list(placed.items())[:2]
    url = reverse("matching:decision_create", args=[run.pk])

    pinned = staff.post(
        url, {"kind": "pin", "cadre": a, "post": post_b, "reason": "熟悉该镇工作"}, **HTMX
    )
    forbidden = staff.post(
        url, {"kind": "forbid", "cadre": b, "post": post_b, "reason": "需回避"}, **HTMX
    )
    response = staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)

    assert pinned["HX-Trigger"] == "decisionRecorded"
    assert forbidden["HX-Trigger"] == "decisionRecorded"
    page = response.content.decode()
    assert "重新优化后有" in page
    assert dict(run.placements.values_list("cadre_id", "post_id"))[a] == post_b
    assert set(Decision.objects.values_list("created_by__username", flat=True)) == {"ganbuke"}


def test_a_pin_on_a_forbidden_pair_gets_a_chinese_message(staff: Client, run: MatchRun) -> None:
    cadre_id, post_id = _placed_pair(run)
    url = reverse("matching:decision_create", args=[run.pk])
    staff.post(
        url, {"kind": "forbid", "cadre": cadre_id, "post": post_id, "reason": "回避"}, **HTMX
    )

    response = staff.post(
        url, {"kind": "pin", "cadre": cadre_id, "post": post_id, "reason": "指定"}, **HTMX
    )

    assert "已被排除，不能再指定" in response.content.decode()
    assert "HX-Trigger" not in response
    assert Decision.objects.count() == 1


def test_two_pins_on_a_one_seat_post_get_a_chinese_message(staff: Client, run: MatchRun) -> None:
    cadres = list(run.cadres.values_list("pk", flat=True))
    post_id = run.posts.first().pk  # type: ignore[union-attr]
    url = reverse("matching:decision_create", args=[run.pk])
    staff.post(url, {"kind": "pin", "cadre": cadres[0], "post": post_id, "reason": "指定"})

    response = staff.post(
        url, {"kind": "pin", "cadre": cadres[1], "post": post_id, "reason": "指定"}, follow=True
    )

    assert "只有 1 个名额" in response.content.decode()
    assert Decision.objects.count() == 1


def test_finalising_needs_the_confirmation_then_creates_the_placements(
    staff: Client, run: MatchRun
) -> None:
    url = reverse("matching:finalise", args=[run.pk])

    unconfirmed = staff.post(url, follow=True)
    confirmed = staff.post(url, {"confirm": "on"}, follow=True)
    twice = staff.post(url, {"confirm": "on"}, follow=True)

    assert "请勾选确认后再定案" in unconfirmed.content.decode()
    assert "练兵安排已生成" in confirmed.content.decode()
    assert "不能重复定案" in twice.content.decode()
    assert Secondment.objects.filter(source_run=run).count() == 3


def test_editing_a_finalised_run_gets_a_chinese_message(staff: Client, run: MatchRun) -> None:
    cadre_id, post_id = _placed_pair(run)
    staff.post(reverse("matching:finalise", args=[run.pk]), {"confirm": "on"})

    response = staff.post(
        reverse("matching:decision_create", args=[run.pk]),
        {"kind": "forbid", "cadre": cadre_id, "post": post_id, "reason": "调整"},
        follow=True,
    )

    assert "该方案已定案，不能再修改" in response.content.decode()
    assert Decision.objects.count() == 0


def test_two_runs_are_compared_side_by_side(staff: Client, run: MatchRun) -> None:
    user = User.objects.get(username="ganbuke")
    other = match_run_create(
        program=run.program,
        created_by=user,
        run_settings=RunSettings(weight_fit=0.1, weight_development=0.1, weight_complement=0.8),
    )

    response = staff.get(reverse("matching:compare", args=[run.pk]), {"other": other.pk})

    page = response.content.decode()
    assert "方案对比" in page
    assert "人在两个方案中岗位不同" in page
    assert "逐岗择优（不统筹）" in page


def test_the_charts_page_has_the_sankey_the_matrix_and_two_histograms(
    staff: Client, run: MatchRun
) -> None:
    response = staff.get(reverse("matching:charts", args=[run.pk]))

    page = response.content.decode()
    for chart in ("sankey-chart", "heatmap-chart", "fit-histogram", "development-histogram"):
        assert f'id="{chart}"' in page
    assert '"sankey"' in page
    assert '"heatmap"' in page


def test_the_print_page_is_a4_landscape(staff: Client, run: MatchRun) -> None:
    response = staff.get(reverse("matching:print", args=[run.pk]))
    css = Path(str(finders.find("matching/print.css"))).read_text(encoding="utf-8")

    page = response.content.decode()
    assert 'data-testid="print-balance"' in page
    assert "matching/print.css" in page
    assert "size: A4 landscape" in css


def test_the_excel_export_is_written_in_the_background_and_downloaded(
    staff: Client, run: MatchRun
) -> None:
    staff.post(reverse("matching:export_create", args=[run.pk]), **HTMX)
    export = run.exports.get()

    response = staff.get(reverse("matching:export_download", args=[export.pk]))

    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert book.sheetnames[:2] == ["干部选配平衡表", "配置方案"]
    codes = {r[0] for r in book["干部选配平衡表"].iter_rows(min_row=2, values_only=True)}
    assert codes == set(run.posts.values_list("code", flat=True))

"""Re-optimising from the balance table: progress in the page, polling, cancel, outcome."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lianbing.background.models import JobStatus
from lianbing.matching.models import MatchRun, Reoptimisation
from lianbing.matching.services.reoptimise_solve import match_reoptimise_execute
from lianbing.matching.services.runs import RunSettings, match_run_create
from tests import factories

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _pin_and_forbid(staff: Client, run: MatchRun) -> tuple[int, int]:
    placed = dict(run.placements.values_list("cadre_id", "post_id"))
    (a, _post_a), (b, post_b) = list(placed.items())[:2]
    url = reverse("matching:decision_create", args=[run.pk])
    staff.post(url, {"kind": "pin", "cadre": a, "post": post_b, "reason": "熟悉该镇工作"}, **HTMX)
    staff.post(url, {"kind": "forbid", "cadre": b, "post": post_b, "reason": "需回避"}, **HTMX)
    return a, post_b


def _status_url(reoptimisation: Reoptimisation) -> str:
    return reverse(
        "matching:reoptimisation_status", args=[reoptimisation.run_id, reoptimisation.pk]
    )


def test_the_button_puts_a_polling_progress_bar_with_a_cancel_button_in_place_of_the_table(
    staff: Client, run: MatchRun, settings: Any
) -> None:
    before = dict(run.placements.values_list("cadre_id", "post_id"))
    _pin_and_forbid(staff, run)
    settings.TASKS = DATABASE_TASKS

    response = staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)

    page = response.content.decode()
    reoptimisation = Reoptimisation.objects.get(run=run)
    assert reoptimisation.status == JobStatus.QUEUED
    assert reoptimisation.requested_by.username == "ganbuke"
    assert 'id="balance-area"' in page
    assert 'data-testid="reoptimisation-progress"' in page
    assert 'hx-trigger="every 500ms"' in page
    assert f'hx-get="{_status_url(reoptimisation)}"' in page
    assert "取消重新优化" in page
    assert "排队等待重新优化" in page
    assert 'data-testid="balance-table"' not in page
    assert dict(run.placements.values_list("cadre_id", "post_id")) == before


@pytest.mark.django_db(transaction=True)
def test_polling_shows_progress_until_the_worker_is_done_then_the_table_with_what_moved(
    settings: Any,
) -> None:
    run = factories.match_run(factories.staff_user("zuzhibu"))
    staff = Client()
    staff.force_login(factories.staff_user())
    a, post_b = _pin_and_forbid(staff, run)
    settings.TASKS = DATABASE_TASKS
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    reoptimisation = Reoptimisation.objects.get(run=run)

    waiting = staff.get(_status_url(reoptimisation), **HTMX).content.decode()
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    done = staff.get(_status_url(reoptimisation), **HTMX).content.decode()

    assert 'data-testid="reoptimisation-progress"' in waiting
    assert 'data-testid="balance-table"' not in waiting
    assert 'data-testid="moves"' in done
    assert "重新优化后有" in done
    assert 'data-testid="balance-table"' in done
    assert '<div id="pair-panel" hx-swap-oob="innerHTML">' in done  # the stale pair goes
    assert "hx-swap-oob" not in waiting
    assert "every 500ms" not in done
    assert "待纳入优化的研判决定：0 项" in done
    assert dict(run.placements.values_list("cadre_id", "post_id"))[a] == post_b


def test_the_polled_table_keeps_the_balance_filters(
    staff: Client, run: MatchRun, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    reoptimisation = Reoptimisation.objects.get(run=run)
    match_reoptimise_execute(reoptimisation_id=reoptimisation.pk)
    post = run.posts.order_by("code").first()
    assert post is not None

    page = staff.get(_status_url(reoptimisation), {"unit": post.unit_id}, **HTMX).content.decode()

    assert page.count("<tr data-post=") == 1
    assert f'data-post="{post.code}"' in page


def test_without_htmx_the_request_returns_to_the_balance_page_which_shows_the_progress(
    staff: Client, run: MatchRun, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS

    response = staff.post(reverse("matching:reoptimise", args=[run.pk]), follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("matching:balance", args=[run.pk])
    assert "已提交重新优化，正在后台求解" in page
    assert 'data-testid="reoptimisation-progress"' in page
    assert 'data-testid="balance-table"' not in page


def test_a_second_click_while_one_is_queued_gets_a_chinese_message_and_the_progress(
    staff: Client, run: MatchRun, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)

    response = staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)

    page = response.content.decode()
    assert "本方案正在重新优化，请稍候再试" in page
    assert 'data-testid="reoptimisation-progress"' in page
    assert Reoptimisation.objects.filter(run=run).count() == 1


def test_a_decision_while_a_reoptimisation_is_queued_gets_a_chinese_message(
    staff: Client, run: MatchRun, settings: Any
) -> None:
    cadre_id, post_id = run.placements.values_list("cadre_id", "post_id").first()  # type: ignore[misc]
    settings.TASKS = DATABASE_TASKS
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)

    response = staff.post(
        reverse("matching:decision_create", args=[run.pk]),
        {"kind": "forbid", "cadre": cadre_id, "post": post_id, "reason": "回避"},
        **HTMX,
    )

    assert "正在重新优化，请稍候再记录研判决定" in response.content.decode()
    assert "HX-Trigger" not in response
    assert not run.decisions.exists()


def test_finalising_while_a_reoptimisation_is_queued_gets_a_chinese_message(
    staff: Client, run: MatchRun, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)

    response = staff.post(
        reverse("matching:finalise", args=[run.pk]), {"confirm": "on"}, follow=True
    )

    run.refresh_from_db()
    assert "正在重新优化，请稍候再定案" in response.content.decode()
    assert not run.is_finalised


def test_cancelling_a_queued_reoptimisation_brings_back_the_unchanged_table(
    staff: Client, run: MatchRun, settings: Any
) -> None:
    before = dict(run.placements.values_list("cadre_id", "post_id"))
    _pin_and_forbid(staff, run)
    settings.TASKS = DATABASE_TASKS
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    reoptimisation = Reoptimisation.objects.get(run=run)

    response = staff.post(
        reverse("matching:reoptimisation_cancel", args=[run.pk, reoptimisation.pk]), **HTMX
    )

    page = response.content.decode()
    reoptimisation.refresh_from_db()
    assert reoptimisation.status == JobStatus.CANCELLED
    assert "已取消重新优化，配置方案未改变" in page
    assert 'data-testid="balance-table"' in page
    assert "待纳入优化的研判决定：2 项" in page
    assert dict(run.placements.values_list("cadre_id", "post_id")) == before


def test_cancelling_a_running_reoptimisation_keeps_polling_and_says_the_result_is_discarded(
    staff: Client, run: MatchRun, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    reoptimisation = Reoptimisation.objects.get(run=run)
    Reoptimisation.objects.filter(pk=reoptimisation.pk).update(status="running")

    response = staff.post(
        reverse("matching:reoptimisation_cancel", args=[run.pk, reoptimisation.pk]), **HTMX
    )

    page = response.content.decode()
    assert "丢弃本次结果" in page
    assert 'hx-trigger="every 500ms"' in page
    assert "取消重新优化</button>" not in page


def test_a_failed_reoptimisation_shows_its_message_over_the_unchanged_table(
    staff: Client,
) -> None:
    run = match_run_create(
        program=factories.matching_program(cadres=4, posts=3),
        created_by=factories.staff_user("zuzhibu"),
        run_settings=RunSettings(min_per_category={"economy": 3}),
    )
    before = dict(run.placements.values_list("cadre_id", "post_id"))
    url = reverse("matching:decision_create", args=[run.pk])
    for cadre_id in list(run.cadres.values_list("pk", flat=True))[:2]:
        staff.post(url, {"kind": "exclude", "cadre": cadre_id, "reason": "另有任用"}, **HTMX)

    response = staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)

    page = response.content.decode()
    assert Reoptimisation.objects.get(run=run).status == JobStatus.FAILED
    assert 'data-testid="balance-error"' in page
    assert "找不到可行的配置方案" in page
    assert 'data-testid="moves"' not in page
    assert 'data-testid="balance-table"' in page
    assert dict(run.placements.values_list("cadre_id", "post_id")) == before


def test_the_status_and_cancel_pages_are_for_department_staff_and_the_runs_own_reoptimisations(
    client: Client, staff: Client, run: MatchRun, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    reoptimisation = Reoptimisation.objects.get(run=run)
    other = factories.match_run(factories.staff_user("zuzhibu2"))
    client.force_login(User.objects.create_user(username="mentor1", password="x-Lianbing-1"))
    cancel_url = reverse("matching:reoptimisation_cancel", args=[run.pk, reoptimisation.pk])

    assert client.get(_status_url(reoptimisation), **HTMX).status_code == 403
    assert client.post(cancel_url, **HTMX).status_code == 403
    assert (
        staff.get(
            reverse("matching:reoptimisation_status", args=[other.pk, reoptimisation.pk]), **HTMX
        ).status_code
        == 404
    )
    reoptimisation.refresh_from_db()
    assert reoptimisation.status == JobStatus.QUEUED


def test_the_run_page_lists_who_re_optimised_when_and_what_moved(
    staff: Client, run: MatchRun
) -> None:
    _pin_and_forbid(staff, run)
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    done = Reoptimisation.objects.get(run=run)

    page = staff.get(reverse("matching:run_detail", args=[run.pk])).content.decode()

    log = page.split('data-testid="reoptimisation-log"', 1)[1].split("</ul>", 1)[0]
    assert done.status == JobStatus.DONE
    assert done.requested_by.get_full_name() in log
    assert done.requested_by.get_full_name()
    assert f"{len(done.moves)} 人变动" in log
    assert done.moves  # the pin and the forbid moved someone


def test_a_run_never_re_optimised_has_no_log(staff: Client, run: MatchRun) -> None:
    page = staff.get(reverse("matching:run_detail", args=[run.pk])).content.decode()

    assert 'data-testid="reoptimisation-log"' not in page

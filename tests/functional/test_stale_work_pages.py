"""Pages of background work whose worker may have died: the hint, and a cancel button that stays."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lianbing.background.models import JobStatus
from lianbing.imports import submit
from lianbing.imports.models import ImportJob
from lianbing.matching.models import MatchRun, Reoptimisation
from lianbing.matching.services.runs import match_run_create
from tests import factories
from tests.integration.imports.books import cadre_row, cadres_book

pytestmark = pytest.mark.django_db

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HINT = "已运行超过 30 分钟，后台可能已中断。可点击“取消”停止它，然后重新提交。"
STOPPED = "后台任务超过 30 分钟未完成，可能已中断，已停止。请重新提交。"


def _running_since(model: Any, pk: int, minutes: int, *, cancel_requested: bool) -> None:
    model.objects.filter(pk=pk).update(
        status="running",
        started_at=timezone.now() - datetime.timedelta(minutes=minutes),
        cancel_requested=cancel_requested,
        progress_message="正在取消……" if cancel_requested else "计算中",
    )


def _queued_run(user: Any, settings: Any) -> MatchRun:
    settings.TASKS = DATABASE_TASKS
    return match_run_create(program=factories.matching_program(cadres=5, posts=3), created_by=user)


def _page(staff: Client, url: str, **extra: Any) -> str:
    response = staff.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


# --------------------------------------------------------------------- match runs


def test_a_run_running_for_over_half_an_hour_says_so_and_can_be_cancelled_again(
    staff: Client, user: Any, settings: Any
) -> None:
    run = _queued_run(user, settings)
    _running_since(MatchRun, run.pk, minutes=31, cancel_requested=True)

    page = _page(staff, reverse("matching:run_detail", args=[run.pk]))
    polled = _page(staff, reverse("matching:run_status", args=[run.pk]) + "?polling=1", **HTMX)

    for html in (page, polled):
        assert 'data-testid="stale-hint"' in html
        assert HINT in html
        assert "取消计算</button>" in html


def test_a_run_running_within_the_limit_shows_no_hint(
    staff: Client, user: Any, settings: Any
) -> None:
    asked, running = _queued_run(user, settings), _queued_run(user, settings)
    _running_since(MatchRun, asked.pk, minutes=29, cancel_requested=True)
    _running_since(MatchRun, running.pk, minutes=29, cancel_requested=False)

    asked_page = _page(staff, reverse("matching:run_detail", args=[asked.pk]))
    running_page = _page(staff, reverse("matching:run_detail", args=[running.pk]))

    assert 'data-testid="run-progress"' in asked_page
    assert 'data-testid="stale-hint"' not in asked_page
    assert "取消计算</button>" not in asked_page
    assert 'data-testid="stale-hint"' not in running_page
    assert "取消计算</button>" in running_page


def test_cancelling_a_stale_run_from_its_page_ends_it_and_stops_the_polling(
    staff: Client, user: Any, settings: Any
) -> None:
    run = _queued_run(user, settings)
    _running_since(MatchRun, run.pk, minutes=31, cancel_requested=True)

    response = staff.post(reverse("matching:run_cancel", args=[run.pk]), follow=True)

    page = response.content.decode()
    run.refresh_from_db()
    assert run.status == JobStatus.FAILED
    assert f'<div class="alert alert-danger" role="alert">{STOPPED}</div>' in page
    assert "已请求取消计算" not in page  # the flash message says it stopped, not that it will
    assert 'data-status="failed"' in page
    assert "every 500ms" not in page
    assert 'data-testid="stale-hint"' not in page


def test_the_hint_names_the_limit_from_the_setting(staff: Client, user: Any, settings: Any) -> None:
    settings.LIANBING_STALE_WORK_MINUTES = 5
    run = _queued_run(user, settings)
    _running_since(MatchRun, run.pk, minutes=6, cancel_requested=False)

    page = _page(staff, reverse("matching:run_detail", args=[run.pk]))

    assert "已运行超过 5 分钟，后台可能已中断。" in page


# --------------------------------------------------------------------- re-optimisations


def _reoptimisation(staff: Client, user: Any, settings: Any) -> Reoptimisation:
    run = match_run_create(program=factories.matching_program(cadres=5, posts=3), created_by=user)
    settings.TASKS = DATABASE_TASKS
    staff.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    return Reoptimisation.objects.get(run=run)


def test_a_stale_reoptimisation_says_so_on_the_balance_table_and_can_be_cancelled_again(
    staff: Client, user: Any, settings: Any
) -> None:
    reoptimisation = _reoptimisation(staff, user, settings)
    _running_since(Reoptimisation, reoptimisation.pk, minutes=31, cancel_requested=True)
    run_id = reoptimisation.run_id

    page = _page(staff, reverse("matching:balance", args=[run_id]))
    polled = _page(
        staff,
        reverse("matching:reoptimisation_status", args=[run_id, reoptimisation.pk]),
        **HTMX,
    )

    for html in (page, polled):
        assert 'data-testid="reoptimisation"' in html
        assert HINT in html
        assert "取消重新优化</button>" in html


def test_a_reoptimisation_running_within_the_limit_shows_no_hint(
    staff: Client, user: Any, settings: Any
) -> None:
    reoptimisation = _reoptimisation(staff, user, settings)
    _running_since(Reoptimisation, reoptimisation.pk, minutes=29, cancel_requested=True)

    page = _page(staff, reverse("matching:balance", args=[reoptimisation.run_id]))

    assert 'data-testid="reoptimisation"' in page
    assert 'data-testid="stale-hint"' not in page
    assert "取消重新优化</button>" not in page


def test_cancelling_a_stale_reoptimisation_brings_back_the_table_with_the_reason(
    staff: Client, user: Any, settings: Any
) -> None:
    reoptimisation = _reoptimisation(staff, user, settings)
    _running_since(Reoptimisation, reoptimisation.pk, minutes=31, cancel_requested=True)
    run_id = reoptimisation.run_id

    response = staff.post(
        reverse("matching:reoptimisation_cancel", args=[run_id, reoptimisation.pk]), **HTMX
    )

    page = response.content.decode()
    reoptimisation.refresh_from_db()
    assert reoptimisation.status == JobStatus.FAILED
    assert 'data-testid="balance-error"' in page
    assert STOPPED in page
    assert 'data-testid="balance-table"' in page
    assert 'data-testid="reoptimisation"' not in page


# --------------------------------------------------------------------- imports


def _job(user: Any, settings: Any, tmp_path: Path) -> ImportJob:
    settings.TASKS = DATABASE_TASKS
    factories.program()
    book = cadres_book(tmp_path / "c.xlsx", [cadre_row()])
    return submit.import_job_create(
        upload=SimpleUploadedFile("名册.xlsx", book.read_bytes()), created_by=user
    )


def test_a_stale_import_says_so_and_can_be_cancelled_again(
    staff: Client, user: Any, settings: Any, tmp_path: Path
) -> None:
    job = _job(user, settings, tmp_path)
    _running_since(ImportJob, job.pk, minutes=31, cancel_requested=True)

    page = _page(staff, reverse("imports:import_detail", args=[job.pk]))
    polled = _page(staff, reverse("imports:import_status", args=[job.pk]) + "?polling=1", **HTMX)

    for html in (page, polled):
        assert 'data-testid="stale-hint"' in html
        assert HINT in html
        assert "取消导入</button>" in html


def test_an_import_running_within_the_limit_shows_no_hint(
    staff: Client, user: Any, settings: Any, tmp_path: Path
) -> None:
    job = _job(user, settings, tmp_path)
    _running_since(ImportJob, job.pk, minutes=29, cancel_requested=True)

    page = _page(staff, reverse("imports:import_detail", args=[job.pk]))

    assert 'data-testid="import-progress"' in page
    assert 'data-testid="stale-hint"' not in page
    assert "取消导入</button>" not in page


def test_cancelling_a_stale_import_from_its_page_ends_it(
    staff: Client, user: Any, settings: Any, tmp_path: Path
) -> None:
    job = _job(user, settings, tmp_path)
    _running_since(ImportJob, job.pk, minutes=31, cancel_requested=False)

    response = staff.post(reverse("imports:import_cancel", args=[job.pk]), follow=True)

    page = response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert f'<div class="alert alert-danger" role="alert">{STOPPED}</div>' in page
    assert "已请求取消导入" not in page
    assert "every 500ms" not in page

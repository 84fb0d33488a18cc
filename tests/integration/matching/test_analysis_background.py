"""A run's analysis as a background job: the run is done first, the worker adds the analysis after."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lianbing.background.models import JobStatus
from lianbing.engine import pipeline
from lianbing.matching import adapters
from lianbing.matching.models import MatchRun, Reoptimisation, RunAnalysisJob, RunSnapshot
from lianbing.matching.services.analysis_jobs import match_analysis_execute
from lianbing.matching.services.reoptimisation import (
    match_reoptimise_cancel,
    match_run_reoptimise_request,
)
from lianbing.matching.services.run_analysis import run_analysis
from lianbing.matching.services.run_compute import _run_inputs, match_run_execute
from lianbing.matching.services.runs import RunSettings
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run_worker() -> None:
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


def _jobs(run: MatchRun) -> list[tuple[str, str]]:
    """The run's analysis jobs, oldest first: (status, progress message)."""
    return list(run.analysis_jobs.order_by("pk").values_list("status", "progress_message"))


def _computed_without_analysis(settings: Any, **kwargs: Any) -> tuple[MatchRun, Any]:
    """A run the worker's service has computed and stored; its analysis is only queued."""
    user = factories.staff_user()
    settings.TASKS = DATABASE_TASKS
    run = factories.match_run(user, cadres=8, posts=3, **kwargs)
    assert run.status == JobStatus.QUEUED
    match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    return run, user


def _page(run: MatchRun, user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(run.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("objective", ["total", "stable"])
def test_the_run_is_done_with_its_placement_and_the_worker_adds_the_same_analysis_after(
    settings: Any, objective: str
) -> None:
    run, user = _computed_without_analysis(settings, run_settings=RunSettings(objective=objective))

    assert run.status == JobStatus.DONE
    assert run.placements.exists()
    assert run.candidates.exists()
    assert run.analysis == {}
    assert _jobs(run) == [(JobStatus.QUEUED, "排队等待分析")]
    page = _page(run, user)
    assert 'data-testid="analysis-pending"' in page
    assert "分析中" in page
    assert reverse("matching:run_analysis", args=[run.pk]) in page  # it polls
    assert 'data-testid="run-analysis"' not in page
    assert 'data-testid="run-figures"' in page  # the result is shown meanwhile

    _run_worker()

    run.refresh_from_db()
    job = run.analysis_jobs.get()
    assert (job.status, job.progress, job.error) == (JobStatus.DONE, 100, "")
    # What the analysis said when the run computed it in one go.
    cadre_pks, post_pks, cadres, posts = _run_inputs(run)
    result = pipeline.run(cadres, posts, adapters.match_params(run))
    assert run.analysis == run_analysis(result, cadre_pks, post_pks)
    assert run.analysis["sensitivity"]
    page = _page(run, user)
    assert 'data-testid="run-analysis"' in page
    assert 'data-testid="analysis-pending"' not in page
    assert reverse("matching:run_analysis", args=[run.pk]) not in page  # polling stopped


def test_the_polled_section_shows_the_analysis_once_the_worker_has_stored_it(
    settings: Any,
) -> None:
    run, user = _computed_without_analysis(settings)
    client = Client()
    client.force_login(user)
    url = reverse("matching:run_analysis", args=[run.pk])

    pending = client.get(url).content.decode()
    _run_worker()
    done = client.get(url).content.decode()

    assert 'id="run-analysis-section"' in pending
    assert 'data-testid="analysis-pending"' in pending
    assert f'hx-get="{url}"' in pending
    assert 'data-testid="run-analysis"' in done
    assert 'data-testid="blocking-pairs"' in done
    assert f'hx-get="{url}"' not in done


def test_a_failed_analysis_leaves_the_run_done_and_says_so(settings: Any) -> None:
    run, user = _computed_without_analysis(settings)
    placed = list(run.placements.values_list("cadre_id", "post_id"))
    # The stored score matrices can no longer be read: the analysis fails.
    RunSnapshot.objects.filter(run=run).update(matrices=b"not an archive")

    _run_worker()

    run.refresh_from_db()
    job = run.analysis_jobs.get()
    assert job.status == JobStatus.FAILED
    assert job.progress_message == "分析失败"
    assert "方案分析出错" in job.error
    assert "配置方案和平衡表不受影响" in job.error
    assert run.status == JobStatus.DONE
    assert run.analysis == {}
    assert list(run.placements.values_list("cadre_id", "post_id")) == placed
    page = _page(run, user)
    assert 'data-testid="analysis-failed"' in page
    assert "配置方案和平衡表不受影响" in page
    assert 'data-testid="run-figures"' in page


def test_a_reoptimisation_stops_the_analysis_and_its_own_placement_is_analysed_after(
    settings: Any,
) -> None:
    run, user = _computed_without_analysis(settings)
    cadre_id, post_id = run.placements.values_list("cadre_id", "post_id").first()
    factories.decision(run, user, "forbid", cadre_id, post_id)

    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)

    assert _jobs(run) == [(JobStatus.CANCELLED, "方案已重新优化，分析将按新的配置方案重新计算")]
    _run_worker()
    reoptimisation.refresh_from_db()
    run.refresh_from_db()
    assert reoptimisation.status == JobStatus.DONE
    assert [status for status, _message in _jobs(run)] == [JobStatus.CANCELLED, JobStatus.DONE]
    # The analysis describes the placement stored by the re-optimisation.
    assert all(
        (pair["cadre_pk"], pair["post_pk"]) != (cadre_id, post_id)
        for pair in run.analysis["blocking_pairs"]
    )
    assert run.analysis["placed"] == run.placements.count()


def test_a_reoptimisation_cancelled_in_the_queue_lets_the_stopped_analysis_run_again(
    settings: Any,
) -> None:
    run, user = _computed_without_analysis(settings)
    factories.decision(run, user)
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)

    match_reoptimise_cancel(reoptimisation=reoptimisation)

    assert [status for status, _message in _jobs(run)] == [JobStatus.CANCELLED, JobStatus.QUEUED]
    _run_worker()
    run.refresh_from_db()
    assert Reoptimisation.objects.get().status == JobStatus.CANCELLED
    assert [status for status, _message in _jobs(run)] == [JobStatus.CANCELLED, JobStatus.DONE]
    assert run.analysis["sensitivity"]


def test_an_analysis_that_ends_after_a_newer_one_was_queued_keeps_nothing(
    settings: Any,
) -> None:
    run, _user = _computed_without_analysis(settings)
    older = run.analysis_jobs.get()
    # A newer placement's analysis was queued while the older one was on the worker.
    RunAnalysisJob.objects.filter(pk=older.pk).update(status=JobStatus.RUNNING)
    newer = RunAnalysisJob.objects.create(run=run)
    RunAnalysisJob.objects.filter(pk=older.pk).update(status=JobStatus.QUEUED)

    assert match_analysis_execute(job_id=older.pk) == JobStatus.CANCELLED
    run.refresh_from_db()
    assert run.analysis == {}
    assert match_analysis_execute(job_id=newer.pk) == JobStatus.DONE
    run.refresh_from_db()
    assert run.analysis["sensitivity"]


def test_the_worker_takes_a_reoptimisation_before_an_analysis_queued_earlier(
    settings: Any,
) -> None:
    first, user = _computed_without_analysis(settings)
    second = factories.match_run(user, cadres=8, posts=3)
    match_run_execute(run_id=second.pk)
    second.refresh_from_db()
    factories.decision(second, user)
    reoptimisation = match_run_reoptimise_request(run=second, requested_by=user)

    _run_worker()

    reoptimisation.refresh_from_db()
    analysis = first.analysis_jobs.get()
    assert reoptimisation.status == analysis.status == JobStatus.DONE
    assert reoptimisation.finished_at is not None
    assert analysis.started_at is not None
    assert reoptimisation.finished_at <= analysis.started_at

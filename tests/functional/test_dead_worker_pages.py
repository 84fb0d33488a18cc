"""The page of a job whose worker process died shows the failure at its next poll.

The worker "dies" as a real process does: a child started and killed, whose
identity the job records as if it had claimed it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lianbing.background import liveness
from lianbing.background.models import JobStatus
from lianbing.imports import submit
from lianbing.imports.models import ImportJob
from lianbing.matching.models import MatchRun, Reoptimisation
from lianbing.matching.services.runs import match_run_create
from lianbing.people.models import Cadre
from tests import factories
from tests.integration.imports.books import cadre_row, cadres_book

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not liveness.can_look(), reason="needs a Linux process table (/proc)"),
]

HTMX = {"HTTP_HX_REQUEST": "true"}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
GONE = "后台进程已中断，任务未完成，请重新提交。"


@pytest.fixture
def user() -> Any:
    return factories.staff_user()


@pytest.fixture
def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dead_worker() -> str:
    """The identity of a worker process that ran on this machine and was killed."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    identity = liveness.identity_of(child.pid)
    child.kill()
    child.wait()
    return identity


def _claimed_by(model: Any, pk: int, worker: str) -> None:
    model.objects.filter(pk=pk).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        progress=80,
        progress_message="计算中",
        worker=worker,
    )


def _run(user: Any, settings: Any) -> MatchRun:
    settings.TASKS = DATABASE_TASKS
    return match_run_create(program=factories.matching_program(cadres=5, posts=3), created_by=user)


def test_the_poll_of_a_run_whose_worker_died_fails_it_and_reloads_the_page(
    client_of: Client, user: Any, settings: Any, dead_worker: str
) -> None:
    run = _run(user, settings)
    _claimed_by(MatchRun, run.pk, dead_worker)

    polled = client_of.get(reverse("matching:run_status", args=[run.pk]) + "?polling=1", **HTMX)
    page = client_of.get(reverse("matching:run_detail", args=[run.pk])).content.decode()

    run.refresh_from_db()
    assert run.status == JobStatus.FAILED
    assert polled["HX-Refresh"] == "true"
    assert GONE in polled.content.decode()
    assert GONE in page


def test_the_poll_of_a_run_whose_worker_lives_leaves_it_running(
    client_of: Client, user: Any, settings: Any
) -> None:
    run = _run(user, settings)
    _claimed_by(MatchRun, run.pk, liveness.this_worker())

    polled = client_of.get(reverse("matching:run_status", args=[run.pk]) + "?polling=1", **HTMX)

    run.refresh_from_db()
    assert run.status == JobStatus.RUNNING
    assert "HX-Refresh" not in polled
    assert 'data-testid="run-progress"' in polled.content.decode()


def test_the_poll_of_a_reoptimisation_whose_worker_died_brings_back_the_table_with_the_reason(
    client_of: Client, user: Any, settings: Any, dead_worker: str
) -> None:
    run = match_run_create(program=factories.matching_program(cadres=5, posts=3), created_by=user)
    settings.TASKS = DATABASE_TASKS
    client_of.post(reverse("matching:reoptimise", args=[run.pk]), **HTMX)
    reoptimisation = Reoptimisation.objects.get(run=run)
    _claimed_by(Reoptimisation, reoptimisation.pk, dead_worker)

    polled = client_of.get(
        reverse("matching:reoptimisation_status", args=[run.pk, reoptimisation.pk]), **HTMX
    ).content.decode()

    reoptimisation.refresh_from_db()
    assert reoptimisation.status == JobStatus.FAILED
    assert 'data-testid="balance-error"' in polled
    assert GONE in polled
    assert 'data-testid="reoptimisation"' not in polled


def test_the_poll_of_an_import_whose_worker_died_fails_it_with_nothing_imported(
    client_of: Client, user: Any, settings: Any, tmp_path: Path, dead_worker: str
) -> None:
    settings.TASKS = DATABASE_TASKS
    factories.program()
    cadres_before = Cadre.objects.count()
    job = submit.import_job_create(
        upload=SimpleUploadedFile(
            "名册.xlsx", cadres_book(tmp_path / "c.xlsx", [cadre_row()]).read_bytes()
        ),
        created_by=user,
    )
    _claimed_by(ImportJob, job.pk, dead_worker)

    polled = client_of.get(reverse("imports:import_status", args=[job.pk]) + "?polling=1", **HTMX)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == GONE
    assert polled["HX-Refresh"] == "true"
    assert f'<div class="alert alert-danger" role="alert">{GONE}</div>' in polled.content.decode()
    assert Cadre.objects.count() == cadres_before

"""An import is queued when the transaction that records its job commits, as every background job is.

A worker must always find the row of the job it is given, and a job recorded
in a transaction that rolls back must never run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from lianbing.background.models import JobStatus
from lianbing.imports import submit
from lianbing.imports.models import ImportJob
from tests import factories
from tests.integration.imports.books import cadre_row, cadres_book

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class _RolledBack(Exception):
    pass


def _upload(tmp_path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "名册.xlsx", cadres_book(tmp_path / "c.xlsx", [cadre_row()]).read_bytes()
    )


def test_an_import_recorded_inside_an_outer_transaction_runs_only_once_that_commits(
    tmp_path: Path,
) -> None:
    factories.program()

    with transaction.atomic():
        job = submit.import_job_create(upload=_upload(tmp_path), created_by=factories.staff_user())

        assert job.status == JobStatus.QUEUED
        assert job.task_id == ""

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.cadres_created == 1
    assert job.task_id != ""


def test_an_import_recorded_in_a_transaction_that_rolls_back_is_never_queued(
    tmp_path: Path,
) -> None:
    factories.program()
    user = factories.staff_user()
    queued: list[object] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        queued.append(task_result)

    def create_then_fail() -> None:
        with transaction.atomic():
            submit.import_job_create(upload=_upload(tmp_path), created_by=user)
            raise _RolledBack

    task_enqueued.connect(record)
    try:
        with pytest.raises(_RolledBack):
            create_then_fail()
    finally:
        task_enqueued.disconnect(record)

    assert not ImportJob.objects.exists()
    assert queued == []


def test_an_import_recorded_outside_any_transaction_is_queued_with_its_task_id(
    tmp_path: Path, settings: Any
) -> None:
    factories.program()
    settings.TASKS = DATABASE_TASKS

    job = submit.import_job_create(upload=_upload(tmp_path), created_by=factories.staff_user())

    task = DBTaskResult.objects.get()
    assert job.status == JobStatus.QUEUED
    assert job.task_id == str(task.id)
    assert task.args_kwargs["args"] == [job.pk]

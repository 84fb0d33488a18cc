"""Runs, re-optimisations and exports are queued when the transaction that records them commits.

A worker must always find the row of the job it is given, and a job recorded
in a transaction that rolls back must never run.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from lianbing.background.models import JobStatus
from lianbing.matching.models import MatchExport, MatchRun, Reoptimisation
from lianbing.matching.services.exports import match_export_create
from lianbing.matching.services.reoptimisation import match_run_reoptimise_request
from lianbing.matching.services.runs import match_run_create
from tests import factories

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class _RolledBack(Exception):
    pass


def test_a_run_created_inside_an_outer_transaction_is_computed_only_once_that_commits(
    user: Any,
) -> None:
    program = factories.matching_program(cadres=5, posts=3)

    with transaction.atomic():
        run = match_run_create(program=program, created_by=user)

        assert run.status == JobStatus.QUEUED
        assert run.task_id == ""

    run.refresh_from_db()
    assert run.status == JobStatus.DONE
    assert run.task_id != ""


def test_a_run_created_in_a_transaction_that_rolls_back_is_never_queued(user: Any) -> None:
    program = factories.matching_program()
    queued: list[object] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        queued.append(task_result)

    def create_then_fail() -> None:
        with transaction.atomic():
            match_run_create(program=program, created_by=user)
            raise _RolledBack

    task_enqueued.connect(record)
    try:
        with pytest.raises(_RolledBack):
            create_then_fail()
    finally:
        task_enqueued.disconnect(record)

    assert not MatchRun.objects.exists()
    assert queued == []


def test_a_run_created_outside_any_transaction_is_queued_with_its_task_id(
    user: Any, settings: Any
) -> None:
    settings.TASKS = DATABASE_TASKS

    run = match_run_create(program=factories.matching_program(), created_by=user)

    task = DBTaskResult.objects.get()
    assert run.status == JobStatus.QUEUED
    assert run.task_id == str(task.id)
    assert task.args_kwargs["args"] == [run.pk]


def test_a_reoptimisation_and_an_export_are_queued_only_once_the_outer_transaction_commits(
    user: Any, settings: Any
) -> None:
    run = match_run_create(program=factories.matching_program(), created_by=user)
    settings.TASKS = DATABASE_TASKS

    with transaction.atomic():
        reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)
        export = match_export_create(run=run, created_by=user)

        assert not DBTaskResult.objects.exists()

    queued = {tuple(t.args_kwargs["args"]) for t in DBTaskResult.objects.all()}
    assert queued == {(reoptimisation.pk,), (export.pk,)}
    assert Reoptimisation.objects.get().task_id != ""
    assert MatchExport.objects.get().status == JobStatus.QUEUED

"""Re-optimising a run in the background worker: request, queue, solve, store, refuse, cancel."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from lianbing.background.models import JobStatus
from lianbing.matching.models import Decision, MatchRun, Reoptimisation, RunSnapshot
from lianbing.matching.services.finalising import match_run_finalise
from lianbing.matching.services.guards import ReoptimisationBusyError
from lianbing.matching.services.reoptimisation import (
    ReoptimisationCancelError,
    match_reoptimise_cancel,
    match_run_reoptimise_request,
)
from lianbing.matching.services.reoptimise_solve import match_reoptimise_execute
from lianbing.matching.services.runs import RunSettings
from lianbing.training.models import Secondment
from tests import factories

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _placed(run: MatchRun) -> dict[int, int]:
    return dict(run.placements.values_list("cadre_id", "post_id"))


def _pin_and_forbid(run: MatchRun, user: Any) -> tuple[int, int, int]:
    """A pin of the first placed cadre to the second's post, and a forbid of the second's pair."""
    (a, _post_a), (b, post_b) = list(_placed(run).items())[:2]
    factories.decision(run, user, "pin", a, post_b)
    factories.decision(run, user, "forbid", b, post_b)
    return a, b, post_b


def _run_worker() -> None:
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_requested_reoptimisation_waits_in_the_queue_until_the_worker_stores_what_moved(
    settings: Any,
) -> None:
    user = factories.staff_user()
    run = factories.match_run(user)
    before = _placed(run)
    a, b, post_b = _pin_and_forbid(run, user)
    settings.TASKS = DATABASE_TASKS

    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)

    assert reoptimisation.status == JobStatus.QUEUED
    assert reoptimisation.requested_by == user
    assert reoptimisation.created_at is not None
    assert reoptimisation.task_id
    assert _placed(run) == before
    assert run.decisions.filter(applied_at__isnull=True).count() == 2

    _run_worker()

    reoptimisation.refresh_from_db()
    run.refresh_from_db()
    assert reoptimisation.status == JobStatus.DONE
    assert reoptimisation.progress == 100
    assert reoptimisation.finished_at is not None
    assert reoptimisation.error == ""
    after = _placed(run)
    assert after[a] == post_b
    assert after.get(b) != post_b
    moved = {m["cadre"] for m in reoptimisation.moves}
    assert any(name.startswith(run.cadres.get(pk=a).name) for name in moved)
    assert run.last_moves == reoptimisation.moves
    assert run.reoptimised_at is not None
    assert not run.decisions.filter(applied_at__isnull=True).exists()
    assert run.placements.get(cadre_id=a).pinned


def test_a_reoptimisation_that_finds_no_placement_fails_and_leaves_the_run_as_it_was(
    user: Any,
) -> None:
    run = factories.match_run(
        user,
        program=factories.matching_program(cadres=4, posts=3),
        run_settings=RunSettings(min_per_category={"economy": 3}),
    )
    before = _placed(run)
    state_before = RunSnapshot.objects.get(run=run).state
    candidates_before = list(run.candidates.values_list("post_id", "cadre_id", "rank"))
    total_before = run.total
    for cadre_id in list(run.cadres.values_list("pk", flat=True))[:2]:
        factories.decision(run, user, "exclude", cadre_id, None)

    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)

    run.refresh_from_db()
    assert reoptimisation.status == JobStatus.FAILED
    assert "找不到可行的配置方案" in reoptimisation.error
    assert reoptimisation.moves == []
    assert _placed(run) == before
    assert list(run.candidates.values_list("post_id", "cadre_id", "rank")) == candidates_before
    assert RunSnapshot.objects.get(run=run).state == state_before
    assert run.total == total_before
    assert run.last_moves == []
    assert run.reoptimised_at is None
    assert run.decisions.filter(applied_at__isnull=True).count() == 2


def test_no_decision_and_no_finalising_while_a_reoptimisation_is_queued(
    user: Any, settings: Any
) -> None:
    run = factories.match_run(user)
    cadre_id, post_id = next(iter(_placed(run).items()))
    settings.TASKS = DATABASE_TASKS
    match_run_reoptimise_request(run=run, requested_by=user)

    with pytest.raises(ReoptimisationBusyError, match="正在重新优化，请稍候再记录"):
        factories.decision(run, user, "forbid", cadre_id, post_id)
    with pytest.raises(ReoptimisationBusyError, match="正在重新优化，请稍候再定案"):
        match_run_finalise(run=run, finalised_by=user)

    run.refresh_from_db()
    assert Decision.objects.count() == 0
    assert Secondment.objects.count() == 0
    assert not run.is_finalised


def test_a_second_request_while_one_is_queued_is_refused(user: Any, settings: Any) -> None:
    run = factories.match_run(user)
    settings.TASKS = DATABASE_TASKS
    first = match_run_reoptimise_request(run=run, requested_by=user)

    with pytest.raises(ReoptimisationBusyError, match="正在重新优化"):
        match_run_reoptimise_request(run=run, requested_by=user)

    assert list(Reoptimisation.objects.values_list("pk", flat=True)) == [first.pk]


def test_the_database_refuses_two_active_reoptimisations_of_one_run(user: Any) -> None:
    run = factories.match_run(user)
    Reoptimisation.objects.create(run=run, requested_by=user, status="running")

    with pytest.raises(IntegrityError), transaction.atomic():
        Reoptimisation.objects.create(run=run, requested_by=user, status="queued")

    assert run.reoptimisations.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_queued_reoptimisation_cancelled_before_the_worker_starts_is_never_solved(
    settings: Any,
) -> None:
    user = factories.staff_user()
    run = factories.match_run(user)
    before = _placed(run)
    _pin_and_forbid(run, user)
    settings.TASKS = DATABASE_TASKS
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)

    cancelled = match_reoptimise_cancel(reoptimisation=reoptimisation)
    _run_worker()

    reoptimisation.refresh_from_db()
    run.refresh_from_db()
    assert cancelled.status == JobStatus.CANCELLED
    assert reoptimisation.status == JobStatus.CANCELLED
    assert reoptimisation.finished_at is not None
    assert _placed(run) == before
    assert run.last_moves == []
    assert run.decisions.filter(applied_at__isnull=True).count() == 2
    # The run takes decisions again, and a new request is accepted.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    again = match_run_reoptimise_request(run=run, requested_by=user)
    assert again.status == JobStatus.DONE


def test_cancelling_a_running_reoptimisation_asks_for_its_result_to_be_discarded(
    user: Any, settings: Any
) -> None:
    run = factories.match_run(user)
    settings.TASKS = DATABASE_TASKS
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)
    # The worker has picked it up.
    Reoptimisation.objects.filter(pk=reoptimisation.pk).update(status="running")

    cancelling = match_reoptimise_cancel(reoptimisation=reoptimisation)

    assert cancelling.status == JobStatus.RUNNING
    assert cancelling.cancel_requested
    assert "丢弃本次结果" in cancelling.progress_message


def test_a_cancel_that_arrives_as_the_solve_starts_discards_its_result(
    user: Any, settings: Any
) -> None:
    run = factories.match_run(user)
    before = _placed(run)
    _pin_and_forbid(run, user)
    settings.TASKS = DATABASE_TASKS
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)
    # The request arrives while the worker is between steps.
    Reoptimisation.objects.filter(pk=reoptimisation.pk).update(cancel_requested=True)

    status = match_reoptimise_execute(reoptimisation_id=reoptimisation.pk)

    reoptimisation.refresh_from_db()
    run.refresh_from_db()
    assert status == JobStatus.CANCELLED
    assert "结果已丢弃" in reoptimisation.progress_message
    assert _placed(run) == before
    assert run.last_moves == []
    assert run.decisions.filter(applied_at__isnull=True).count() == 2


def test_cancelling_a_finished_reoptimisation_is_refused(user: Any) -> None:
    run = factories.match_run(user)
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)
    assert reoptimisation.status == JobStatus.DONE

    with pytest.raises(ReoptimisationCancelError, match="已经结束"):
        match_reoptimise_cancel(reoptimisation=reoptimisation)

    reoptimisation.refresh_from_db()
    assert reoptimisation.status == JobStatus.DONE

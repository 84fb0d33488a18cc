"""Match runs through the services: compute, review, re-optimise, finalise, export."""

from __future__ import annotations

from typing import Any

import openpyxl
import pytest
from django.core.management import call_command

from lianbing.background.models import JobStatus
from lianbing.demand.models import Post
from lianbing.matching.models import Decision, MatchRun, RunCandidate
from lianbing.matching.services.decisions import DecisionError, decision_record
from lianbing.matching.services.export_files import export_directory
from lianbing.matching.services.exports import match_export_create
from lianbing.matching.services.finalising import FinaliseError, match_run_finalise
from lianbing.matching.services.guards import MatchRunLockedError
from lianbing.matching.services.reoptimisation import match_run_reoptimise_request
from lianbing.matching.services.run_compute import match_run_execute
from lianbing.matching.services.runs import (
    MatchRunInputError,
    RunSettings,
    match_run_cancel,
    match_run_create,
)
from lianbing.training.models import Secondment
from tests import factories

pytestmark = pytest.mark.django_db


def _placed(run: MatchRun) -> dict[int, int]:
    return dict(run.placements.values_list("cadre_id", "post_id"))


def test_a_run_is_computed_and_keeps_its_placement_and_balance_table(user: Any) -> None:
    program = factories.matching_program(cadres=5, posts=3)

    run = factories.match_run(user, program=program, title="第一稿")

    assert run.status == JobStatus.DONE
    assert run.progress == 100
    assert run.filled == 3
    assert run.total is not None
    assert run.greedy_total is not None
    assert run.total >= run.greedy_total - 1e-6
    assert run.snapshot.inputs["cadre_pks"]
    for post in program.posts.all():
        listed = RunCandidate.objects.filter(run=run, post=post).order_by("rank")
        assert listed.count() >= 2
        totals = [c.total for c in listed]
        assert totals == sorted(totals, reverse=True)
        assert sum(c.recommended for c in listed) == 1


def test_a_run_with_no_posts_is_refused_and_nothing_is_saved(user: Any) -> None:
    program = factories.matching_program(posts=0)

    with pytest.raises(MatchRunInputError, match="没有选择任何岗位"):
        match_run_create(program=program, created_by=user)

    assert MatchRun.objects.count() == 0


def test_fewer_than_two_candidates_per_post_is_refused(user: Any) -> None:
    program = factories.matching_program()

    with pytest.raises(MatchRunInputError, match="不能少于 2"):
        match_run_create(program=program, created_by=user, run_settings=RunSettings(per_post=1))

    assert MatchRun.objects.count() == 0


def test_a_decision_without_a_reason_is_refused(user: Any) -> None:
    run = factories.match_run(user, cadres=4)
    cadre_id, post_id = next(iter(_placed(run).items()))

    with pytest.raises(DecisionError, match="请写明理由"):
        decision_record(
            run=run, kind="forbid", cadre_id=cadre_id, post_id=post_id, reason="  ", created_by=user
        )

    assert Decision.objects.count() == 0


def test_a_pin_on_a_forbidden_pair_is_refused(user: Any) -> None:
    run = factories.match_run(user, cadres=4)
    cadre_id, post_id = next(iter(_placed(run).items()))
    factories.decision(run, user, "forbid", cadre_id, post_id)

    with pytest.raises(DecisionError, match="已被排除"):
        factories.decision(run, user, "pin", cadre_id, post_id)

    assert Decision.objects.filter(kind="pin").count() == 0


def test_a_pin_to_the_cadres_own_unit_is_refused_by_the_rules(user: Any) -> None:
    program = factories.matching_program()
    cadre = program.cadres.first()
    assert cadre is not None
    own = factories.post(program_=program, code="OWN", host=cadre.origin_unit)
    run = factories.match_run(user, program=program)

    with pytest.raises(DecisionError, match="不得回原单位"):
        factories.decision(run, user, "pin", cadre.pk, own.pk)


def test_two_pins_on_a_one_seat_post_are_refused(user: Any) -> None:
    run = factories.match_run(user, cadres=4)
    post = Post.objects.filter(match_runs=run).first()
    assert post is not None
    first, second = list(run.cadres.values_list("pk", flat=True))[:2]
    factories.decision(run, user, "pin", first, post.pk)

    with pytest.raises(DecisionError, match="只有 1 个名额"):
        factories.decision(run, user, "pin", second, post.pk)

    assert Decision.objects.filter(kind="pin").count() == 1


def test_reoptimising_honours_a_pin_and_a_forbid_and_reports_who_moved(user: Any) -> None:
    run = factories.match_run(user)
    before = _placed(run)
    (a, _post_a), (b, post_b) = list(before.items())[:2]
    factories.decision(run, user, "pin", a, post_b)
    factories.decision(run, user, "forbid", b, post_b)

    moves = match_run_reoptimise_request(run=run, requested_by=user).moves

    after = _placed(run)
    assert after[a] == post_b
    assert after.get(b) != post_b
    assert any(m["cadre"].startswith(run.cadres.get(pk=a).name) for m in moves)
    run.refresh_from_db()
    assert run.last_moves == moves
    assert not run.decisions.filter(applied_at__isnull=True).exists()
    assert run.placements.get(cadre_id=a).pinned


def test_a_cadre_taken_out_of_the_pool_is_placed_nowhere(user: Any) -> None:
    run = factories.match_run(user, cadres=4)
    cadre_id = next(iter(_placed(run)))
    factories.decision(run, user, "exclude", cadre_id, None)

    match_run_reoptimise_request(run=run, requested_by=user)

    assert cadre_id not in _placed(run)
    assert not RunCandidate.objects.filter(run=run, cadre_id=cadre_id).exists()


def test_finalising_creates_secondments_and_locks_the_run(user: Any) -> None:
    run = factories.match_run(user, cadres=4)

    match_run_finalise(run=run, finalised_by=user)

    run.refresh_from_db()
    assert run.is_finalised
    secondments = list(Secondment.objects.filter(source_run=run))
    assert len(secondments) == run.filled
    assert all(s.started_on == run.program.started_on for s in secondments)
    assert all(s.duration_months == 12 and s.mentor is None for s in secondments)


def test_a_finalised_run_is_never_edited(user: Any) -> None:
    run = factories.match_run(user, cadres=4)
    cadre_id, post_id = next(iter(_placed(run).items()))
    match_run_finalise(run=run, finalised_by=user)

    with pytest.raises(FinaliseError, match="不能重复定案"):
        match_run_finalise(run=run, finalised_by=user)
    with pytest.raises(MatchRunLockedError, match="已定案"):
        factories.decision(run, user, "forbid", cadre_id, post_id)
    with pytest.raises(MatchRunLockedError):
        match_run_reoptimise_request(run=run, requested_by=user)

    assert Secondment.objects.count() == run.filled
    assert Decision.objects.count() == 0


def test_finalising_with_decisions_not_yet_reoptimised_is_refused(user: Any) -> None:
    run = factories.match_run(user, cadres=4)
    cadre_id, post_id = next(iter(_placed(run).items()))
    factories.decision(run, user, "forbid", cadre_id, post_id)

    with pytest.raises(FinaliseError, match="重新优化"):
        match_run_finalise(run=run, finalised_by=user)

    assert Secondment.objects.count() == 0


def test_a_second_finalised_run_must_supersede_the_first_with_a_reason(user: Any) -> None:
    program = factories.matching_program()
    first = factories.match_run(user, program=program)
    match_run_finalise(run=first, finalised_by=user)
    rival = factories.match_run(user, program=program)

    with pytest.raises(FinaliseError, match="已有定案方案"):
        match_run_finalise(run=rival, finalised_by=user)
    with pytest.raises(MatchRunInputError, match="写明理由"):
        factories.match_run(user, program=program, supersedes=first)
    second = factories.match_run(
        user, program=program, supersedes=first, supersede_reason="一名干部调任"
    )
    match_run_finalise(run=second, finalised_by=user)

    first.refresh_from_db()
    assert first.superseded_at is not None
    old = Secondment.objects.filter(source_run=first)
    assert all(s.supersede_reason == "一名干部调任" for s in old)
    assert (
        Secondment.objects.filter(program=program, superseded_at__isnull=True).count()
        == second.filled
    )


def test_the_export_has_the_four_sheets_of_lianbing_match_and_the_decisions(user: Any) -> None:
    run = factories.match_run(user, cadres=4)

    export = match_export_create(run=run, created_by=user)

    assert export.status == "done"
    book = openpyxl.load_workbook(export_directory() / export.file_name, read_only=True)
    assert book.sheetnames == ["干部选配平衡表", "配置方案", "评分明细", "未配置", "研判决定"]
    rows = [r for r in book["配置方案"].iter_rows(min_row=2, values_only=True) if len(r) > 1]
    placed_names = {r[1] for r in rows if str(r[0] or "").startswith("MC")}
    assert placed_names == set(run.placements.values_list("cadre__name", flat=True))


def test_a_run_asked_to_cancel_stops_at_its_next_step(user: Any, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = factories.match_run(user, cadres=4)
    assert run.status == JobStatus.QUEUED
    # The request arrives while the worker is between steps.
    MatchRun.objects.filter(pk=run.pk).update(cancel_requested=True)

    status = match_run_execute(run_id=run.pk)

    assert status == JobStatus.CANCELLED
    assert not run.placements.exists()


def test_a_queued_run_cancelled_before_the_worker_starts_is_never_computed(
    user: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = factories.match_run(user, cadres=4)

    match_run_cancel(run=run)
    status = match_run_execute(run_id=run.pk)

    assert status == JobStatus.CANCELLED
    assert not run.placements.exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_computes_an_enqueued_run(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = factories.staff_user()
    run = factories.match_run(user, cadres=4)
    assert run.status == JobStatus.QUEUED

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    run.refresh_from_db()
    assert run.status == JobStatus.DONE
    assert run.placements.count() == run.filled == 3

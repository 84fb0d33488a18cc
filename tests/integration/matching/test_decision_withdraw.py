"""Withdrawing a review decision: who, when and why kept, the rules, and what re-optimising does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from lianbing.background.models import JobStatus
from lianbing.matching import selectors
from lianbing.matching.models import Decision, MatchRun
from lianbing.matching.services.decisions import DecisionError, decision_withdraw
from lianbing.matching.services.export_files import export_directory
from lianbing.matching.services.exports import match_export_create
from lianbing.matching.services.finalising import FinaliseError, match_run_finalise
from lianbing.matching.services.guards import (
    MatchingError,
    MatchRunLockedError,
    ReoptimisationBusyError,
)
from lianbing.matching.services.reoptimisation import match_run_reoptimise_request
from lianbing.matching.services.runs import RunSettings
from lianbing.training.models import Secondment
from tests import factories

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def other_user() -> Any:
    return factories.staff_user("zuzhibu")


def _placed(run: MatchRun) -> dict[int, int]:
    return dict(run.placements.values_list("cadre_id", "post_id"))


def _withdraw(decision: Decision, user: Any, reason: str = "情况有变，撤回") -> Decision:
    return decision_withdraw(decision=decision, withdrawn_by=user, reason=reason)


def _reoptimise(run: MatchRun, user: Any) -> None:
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)
    assert reoptimisation.status == JobStatus.DONE, reoptimisation.error
    run.refresh_from_db()


def _pending(run: MatchRun) -> int:
    detail = selectors.match_run_detail(run=run).pending
    table = selectors.balance_table(run=run).pending
    assert detail == table
    return detail


def _swap_pair(run: MatchRun) -> tuple[int, int, int]:
    """The first placed cadre, their post, and the post of the second placed cadre."""
    (a, post_a), (_b, post_b) = list(_placed(run).items())[:2]
    return a, post_a, post_b


# --------------------------------------------------------------------- the record


def test_a_withdrawn_decision_keeps_who_when_and_why_and_is_never_deleted(
    user: Any, other_user: Any
) -> None:
    run = factories.match_run(user)
    a, _post_a, post_b = _swap_pair(run)
    decision = factories.decision(run, user, "pin", a, post_b)
    before = timezone.now()

    withdrawn = _withdraw(decision, other_user, "  调任另有安排  ")

    decision.refresh_from_db()
    assert withdrawn.pk == decision.pk
    assert decision.withdrawn_by == other_user
    assert decision.withdrawn_at is not None
    assert decision.withdrawn_at >= before
    assert decision.withdraw_reason == "调任另有安排"
    assert decision.is_withdrawn
    # The decision itself is unchanged and kept.
    assert decision.created_by == user
    assert decision.reason == "组织研究决定"
    assert Decision.objects.filter(run=run).count() == 1
    assert list(run.decisions.active()) == []


def test_withdrawing_without_a_reason_is_refused_and_changes_nothing(user: Any) -> None:
    run = factories.match_run(user)
    cadre_id, post_id = next(iter(_placed(run).items()))
    decision = factories.decision(run, user, "forbid", cadre_id, post_id)

    with pytest.raises(DecisionError, match="请写明撤销的理由"):
        _withdraw(decision, user, "   ")

    decision.refresh_from_db()
    assert decision.withdrawn_at is None
    assert decision.withdrawn_by is None
    assert decision.withdraw_reason == ""


def test_withdrawing_twice_is_refused_with_who_withdrew_it(user: Any, other_user: Any) -> None:
    run = factories.match_run(user)
    cadre_id, post_id = next(iter(_placed(run).items()))
    decision = factories.decision(run, user, "forbid", cadre_id, post_id)
    _withdraw(decision, other_user, "第一次撤销")

    with pytest.raises(DecisionError, match=r"已于 .* 由 干部科 撤销，无需再撤销"):
        _withdraw(decision, user, "第二次撤销")

    decision.refresh_from_db()
    assert decision.withdrawn_by == other_user
    assert decision.withdraw_reason == "第一次撤销"


def test_a_decision_of_a_finalised_run_cannot_be_withdrawn(user: Any) -> None:
    run = factories.match_run(user)
    cadre_id, post_id = next(iter(_placed(run).items()))
    decision = factories.decision(run, user, "forbid", cadre_id, post_id)
    _reoptimise(run, user)
    match_run_finalise(run=run, finalised_by=user)

    with pytest.raises(MatchRunLockedError, match="该方案已定案，不能再修改"):
        _withdraw(decision, user)

    decision.refresh_from_db()
    assert decision.withdrawn_at is None


def test_a_decision_of_a_run_not_computed_cannot_be_withdrawn(user: Any, settings: Any) -> None:
    settings.TASKS = DATABASE_TASKS
    run = factories.match_run(user)
    assert run.status == "queued"
    # Not reachable through the pages; the rule guards the service on its own.
    cadre = run.cadres.first()
    assert cadre is not None
    decision = Decision.objects.create(
        run=run, kind="exclude", cadre=cadre, reason="组织研究决定", created_by=user
    )

    with pytest.raises(MatchingError, match="还没有计算完成"):
        _withdraw(decision, user)

    decision.refresh_from_db()
    assert decision.withdrawn_at is None


def test_no_withdrawal_while_a_reoptimisation_is_queued(user: Any, settings: Any) -> None:
    run = factories.match_run(user)
    cadre_id, post_id = next(iter(_placed(run).items()))
    decision = factories.decision(run, user, "forbid", cadre_id, post_id)
    settings.TASKS = DATABASE_TASKS
    match_run_reoptimise_request(run=run, requested_by=user)

    with pytest.raises(ReoptimisationBusyError, match="正在重新优化，请稍候再撤销"):
        _withdraw(decision, user)

    decision.refresh_from_db()
    assert decision.withdrawn_at is None


# --------------------------------------------------------------------- deciding again


def test_after_withdrawing_a_pin_the_same_pin_can_be_made_again(user: Any) -> None:
    run = factories.match_run(user)
    a, _post_a, post_b = _swap_pair(run)
    first = factories.decision(run, user, "pin", a, post_b)
    with pytest.raises(DecisionError, match="每人只能指定一个岗位"):
        factories.decision(run, user, "pin", a, post_b)
    _withdraw(first, user)

    again = factories.decision(run, user, "pin", a, post_b)

    assert again.pk != first.pk
    assert list(run.decisions.active()) == [again]
    assert run.decisions.filter(kind="pin", cadre_id=a).count() == 2


def test_withdrawing_a_pin_frees_the_seat_and_the_cadre(user: Any) -> None:
    run = factories.match_run(user)
    a, post_a, post_b = _swap_pair(run)
    c = next(pk for pk in run.cadres.values_list("pk", flat=True) if pk != a)
    pin = factories.decision(run, user, "pin", a, post_b)
    with pytest.raises(DecisionError, match="只有 1 个名额"):
        factories.decision(run, user, "pin", c, post_b)
    with pytest.raises(DecisionError, match="不能同时排除"):
        factories.decision(run, user, "forbid", a, post_b)
    with pytest.raises(DecisionError, match="不能移出人选"):
        factories.decision(run, user, "exclude", a, None)
    _withdraw(pin, user)

    other_pin = factories.decision(run, user, "pin", c, post_b)
    forbid = factories.decision(run, user, "forbid", a, post_b)
    own_pin = factories.decision(run, user, "pin", a, post_a)

    assert {d.pk for d in run.decisions.active()} == {other_pin.pk, forbid.pk, own_pin.pk}


def test_after_withdrawing_a_forbid_the_pair_can_be_pinned_or_forbidden_again(user: Any) -> None:
    run = factories.match_run(user)
    cadre_id, post_id = next(iter(_placed(run).items()))
    forbid = factories.decision(run, user, "forbid", cadre_id, post_id)
    with pytest.raises(DecisionError, match="已被排除"):
        factories.decision(run, user, "pin", cadre_id, post_id)
    with pytest.raises(DecisionError, match="已经排除过了"):
        factories.decision(run, user, "forbid", cadre_id, post_id)
    _withdraw(forbid, user)

    again = factories.decision(run, user, "forbid", cadre_id, post_id)
    _withdraw(again, user)
    pin = factories.decision(run, user, "pin", cadre_id, post_id)

    assert list(run.decisions.active()) == [pin]


def test_after_withdrawing_an_exclusion_the_cadre_takes_decisions_again(user: Any) -> None:
    run = factories.match_run(user)
    cadre_id, post_id = next(iter(_placed(run).items()))
    exclusion = factories.decision(run, user, "exclude", cadre_id, None)
    with pytest.raises(DecisionError, match="已移出人选"):
        factories.decision(run, user, "forbid", cadre_id, post_id)
    _withdraw(exclusion, user)

    forbid = factories.decision(run, user, "forbid", cadre_id, post_id)
    again = factories.decision(run, user, "exclude", cadre_id, None)

    assert {d.pk for d in run.decisions.active()} == {forbid.pk, again.pk}


def test_the_database_counts_only_decisions_in_force_as_duplicates(user: Any) -> None:
    run = factories.match_run(user)
    cadre_id, post_id = next(iter(_placed(run).items()))
    first = factories.decision(run, user, "forbid", cadre_id, post_id)

    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            run=run,
            kind="forbid",
            cadre_id=cadre_id,
            post_id=post_id,
            reason="重复",
            created_by=user,
        )
    _withdraw(first, user)
    Decision.objects.create(
        run=run,
        kind="forbid",
        cadre_id=cadre_id,
        post_id=post_id,
        reason="再次排除",
        created_by=user,
    )

    assert run.decisions.filter(kind="forbid").count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"withdrawn_at": "now"},
        {"withdrawn_at": "now", "withdrawn_by": "user"},
        {"withdrawn_by": "user", "withdraw_reason": "理由"},
        {"withdraw_reason": "理由"},
        {"withdrawal_applied_at": "now"},
    ],
)
def test_the_database_keeps_when_who_and_why_of_a_withdrawal_together(
    user: Any, fields: dict[str, str]
) -> None:
    run = factories.match_run(user)
    cadre_id, post_id = next(iter(_placed(run).items()))
    decision = factories.decision(run, user, "forbid", cadre_id, post_id)
    values = {
        "withdrawn_at": timezone.now(),
        "withdrawn_by": user,
        "withdraw_reason": "理由",
        "withdrawal_applied_at": timezone.now(),
    }

    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(**{k: values[k] for k in fields})

    decision.refresh_from_db()
    assert decision.withdrawn_at is None


# --------------------------------------------------------------------- re-optimising


def test_a_withdrawn_pin_no_longer_holds_the_cadre_at_the_next_reoptimisation(user: Any) -> None:
    run = factories.match_run(user)
    optimum = run.total
    assert optimum is not None
    a, _post_a, post_b = _swap_pair(run)
    pin = factories.decision(run, user, "pin", a, post_b)
    _reoptimise(run, user)
    assert _placed(run)[a] == post_b
    assert run.placements.get(cadre_id=a).pinned

    _withdraw(pin, user)
    _reoptimise(run, user)

    assert run.total == pytest.approx(optimum)
    assert not run.placements.filter(pinned=True).exists()
    pin.refresh_from_db()
    assert pin.withdrawal_applied_at == run.reoptimised_at


def test_a_withdrawn_forbid_and_a_withdrawn_exclusion_no_longer_shape_the_placement(
    user: Any,
) -> None:
    run = factories.match_run(user)
    optimum = run.total
    assert optimum is not None
    (a, post_a), (b, _post_b) = list(_placed(run).items())[:2]
    forbid = factories.decision(run, user, "forbid", a, post_a)
    exclusion = factories.decision(run, user, "exclude", b, None)
    _reoptimise(run, user)
    assert _placed(run).get(a) != post_a
    assert b not in _placed(run)
    assert not run.candidates.filter(cadre_id=b).exists()
    assert selectors.balance_table(run=run).forbids == {(a, post_a)}
    assert selectors.balance_table(run=run).excluded == {b}

    _withdraw(forbid, user)
    _withdraw(exclusion, user)
    _reoptimise(run, user)

    assert run.total == pytest.approx(optimum)
    assert run.candidates.filter(cadre_id=b).exists()
    table = selectors.balance_table(run=run)
    assert table.forbids == set()
    assert table.excluded == set()


def test_the_reoptimisation_solves_with_the_decision_made_again_after_a_withdrawal(
    user: Any,
) -> None:
    run = factories.match_run(user)
    a, _post_a, post_b = _swap_pair(run)
    _withdraw(factories.decision(run, user, "pin", a, post_b), user)
    again = factories.decision(run, user, "pin", a, post_b)

    _reoptimise(run, user)

    assert _placed(run)[a] == post_b
    again.refresh_from_db()
    assert again.applied_at == run.reoptimised_at


# --------------------------------------------------------------------- pending work


def test_a_withdrawal_of_an_applied_decision_is_pending_and_blocks_finalising_until_reoptimised(
    user: Any,
) -> None:
    run = factories.match_run(user)
    cadre_id, post_id = next(iter(_placed(run).items()))
    decision = factories.decision(run, user, "forbid", cadre_id, post_id)
    assert _pending(run) == 1
    _reoptimise(run, user)
    assert _pending(run) == 0
    applied_at = Decision.objects.get(pk=decision.pk).applied_at

    _withdraw(decision, user)

    assert _pending(run) == 1
    assert list(run.decisions.pending()) == [decision]
    with pytest.raises(FinaliseError, match="没有纳入优化"):
        match_run_finalise(run=run, finalised_by=user)
    assert Secondment.objects.count() == 0
    _reoptimise(run, user)
    assert _pending(run) == 0
    decision.refresh_from_db()
    assert decision.applied_at == applied_at
    assert decision.withdrawal_applied_at == run.reoptimised_at
    match_run_finalise(run=run, finalised_by=user)
    assert Secondment.objects.filter(source_run=run).count() == run.filled


def test_a_decision_withdrawn_before_any_reoptimisation_used_it_needs_none(user: Any) -> None:
    run = factories.match_run(user)
    before = _placed(run)
    cadre_id, post_id = next(iter(before.items()))
    decision = factories.decision(run, user, "forbid", cadre_id, post_id)
    assert _pending(run) == 1

    _withdraw(decision, user)

    assert _pending(run) == 0
    match_run_finalise(run=run, finalised_by=user)
    assert dict(Secondment.objects.values_list("cadre_id", "post_id")) == before
    decision.refresh_from_db()
    assert decision.applied_at is None
    assert decision.withdrawal_applied_at is None


def test_a_withdrawal_and_a_new_decision_are_counted_and_taken_in_together(user: Any) -> None:
    run = factories.match_run(user)
    (a, post_a), (b, post_b) = list(_placed(run).items())[:2]
    forbid = factories.decision(run, user, "forbid", a, post_a)
    _reoptimise(run, user)
    _withdraw(forbid, user)
    factories.decision(run, user, "forbid", b, post_b)

    assert _pending(run) == 2
    _reoptimise(run, user)

    assert _pending(run) == 0
    assert _placed(run).get(b) != post_b
    assert run.decisions.filter(withdrawal_applied_at__isnull=False).get() == forbid


def test_a_reoptimisation_that_fails_leaves_the_withdrawal_pending(user: Any) -> None:
    run = factories.match_run(
        user,
        program=factories.matching_program(cadres=4, posts=3),
        run_settings=RunSettings(min_per_category={"economy": 3}),
    )
    cadres = list(run.cadres.values_list("pk", flat=True))
    forbid = factories.decision(run, user, "forbid", *next(iter(_placed(run).items())))
    _reoptimise(run, user)
    _withdraw(forbid, user)
    for cadre_id in cadres[:2]:
        factories.decision(run, user, "exclude", cadre_id, None)

    failed = match_run_reoptimise_request(run=run, requested_by=user)

    assert failed.status == JobStatus.FAILED
    assert _pending(run) == 3
    forbid.refresh_from_db()
    assert forbid.withdrawal_applied_at is None


@pytest.mark.django_db(transaction=True)
def test_the_worker_takes_in_a_withdrawal_queued_for_reoptimisation(settings: Any) -> None:
    user = factories.staff_user()
    run = factories.match_run(user)
    optimum = run.total
    a, _post_a, post_b = _swap_pair(run)
    pin = factories.decision(run, user, "pin", a, post_b)
    _reoptimise(run, user)
    _withdraw(pin, user)
    settings.TASKS = DATABASE_TASKS
    reoptimisation = match_run_reoptimise_request(run=run, requested_by=user)
    assert reoptimisation.status == JobStatus.QUEUED
    assert _pending(run) == 1

    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    reoptimisation.refresh_from_db()
    run.refresh_from_db()
    pin.refresh_from_db()
    assert reoptimisation.status == JobStatus.DONE
    assert run.total == pytest.approx(optimum)
    assert pin.withdrawal_applied_at == run.reoptimised_at
    assert _pending(run) == 0


# --------------------------------------------------------------------- lists and exports


def test_the_run_list_counts_only_decisions_in_force(user: Any) -> None:
    run = factories.match_run(user)
    (a, post_a), (b, post_b) = list(_placed(run).items())[:2]
    factories.decision(run, user, "forbid", a, post_a)
    _withdraw(factories.decision(run, user, "forbid", b, post_b), user)

    listed = selectors.match_run_list().get(pk=run.pk)

    assert listed.n_decisions == 1  # type: ignore[attr-defined]


def _allowed_pairs_in_export(run: MatchRun, user: Any) -> str:
    export = match_export_create(run=run, created_by=user)
    assert export.status == "done", export.error
    book = openpyxl.load_workbook(export_directory() / export.file_name, read_only=True)
    note = next(book["评分明细"].iter_rows(max_row=1, values_only=True))[0]
    return str(note).split("个")[0]


def test_the_export_describes_the_placement_stored_until_a_withdrawal_is_taken_in(
    user: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    run = factories.match_run(user)
    cadre_id = next(iter(_placed(run)))
    all_pairs = _allowed_pairs_in_export(run, user)
    exclusion = factories.decision(run, user, "exclude", cadre_id, None)
    assert _allowed_pairs_in_export(run, user) == all_pairs  # not re-optimised yet
    _reoptimise(run, user)
    without_cadre = _allowed_pairs_in_export(run, user)
    assert without_cadre != all_pairs

    _withdraw(exclusion, user)
    pending = _allowed_pairs_in_export(run, user)
    _reoptimise(run, user)
    taken_in = _allowed_pairs_in_export(run, user)

    assert pending == without_cadre
    assert taken_in == all_pairs

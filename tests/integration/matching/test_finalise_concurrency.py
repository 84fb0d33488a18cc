"""Two finalisations of one program at the same moment: one wins, the other is told in Chinese."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import IntegrityError, connection

from lianbing.matching.models import MatchRun
from lianbing.matching.services.finalising import FinaliseError, match_run_finalise
from lianbing.matching.services.runs import match_run_create
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


#: The SQLite test database lives in shared-cache memory, where a writer that
#: must wait fails at once ("database table is locked") instead of waiting; a
#: file database (every real installation) serialises the two finalisations
#: with IMMEDIATE transactions and the busy timeout, so there the race is moot.
@pytest.fixture
def waiting_writers() -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("SQLite's memory database cannot make a writer wait")


def _finalise_meanwhile(run: MatchRun, user: Any, outcome: list[object]) -> threading.Thread:
    def work() -> None:
        try:
            outcome.append(match_run_finalise(run=run, finalised_by=user))
        except Exception as exc:  # the outcome is what the test asserts on
            outcome.append(exc)
        finally:
            connection.close()

    return threading.Thread(target=work)


def _race(first: MatchRun, second: MatchRun, user: Any) -> tuple[object, object]:
    """Finalise ``first``; once it has written its first secondment, finalise ``second``.

    The second finalisation runs in its own thread and connection, and is given
    a moment to finish before the first commits: without a lock it passes its
    checks against the state before the first, as two simultaneous requests do.
    """
    outcome: list[object] = []
    thread = _finalise_meanwhile(second, user, outcome)
    started = [False]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if not started[0] and sql.startswith("INSERT") and "secondment" in sql:
            started[0] = True
            thread.start()
            thread.join(timeout=3)
        return result

    try:
        with connection.execute_wrapper(wrapper):
            mine: object = match_run_finalise(run=first, finalised_by=user)
    except Exception as exc:
        mine = exc
    thread.join()
    assert started[0]
    return mine, outcome[0]


@pytest.fixture
def user() -> Any:
    return factories.staff_user()


def _current(program: Any) -> list[MatchRun]:
    return list(
        MatchRun.objects.filter(
            program=program, finalised_at__isnull=False, superseded_at__isnull=True
        )
    )


@pytest.mark.usefixtures("waiting_writers")
def test_two_runs_replacing_the_same_finalised_run_cannot_both_be_finalised(user: Any) -> None:
    program = factories.matching_program(cadres=4, posts=3)
    old = match_run_create(program=program, created_by=user)
    match_run_finalise(run=old, finalised_by=user)
    a, b = (
        match_run_create(
            program=program, created_by=user, supersedes=old, supersede_reason="重新研判"
        )
        for _ in range(2)
    )

    first, second = _race(a, b, user)

    assert isinstance(first, MatchRun)
    assert isinstance(second, FinaliseError), second
    assert "刚刚定案" in str(second) or "已有定案方案" in str(second)
    assert _current(program) == [a]


@pytest.mark.usefixtures("waiting_writers")
def test_two_overlapping_runs_finalised_at_once_give_one_winner_and_no_server_error(
    user: Any,
) -> None:
    program = factories.matching_program(cadres=4, posts=3)
    a = match_run_create(program=program, created_by=user)
    b = match_run_create(program=program, created_by=user)

    first, second = _race(a, b, user)

    assert isinstance(first, MatchRun)
    assert isinstance(second, FinaliseError), second
    assert not isinstance(second, IntegrityError)
    assert _current(program) == [a]


def test_the_database_refuses_a_second_current_finalised_run_in_one_program(user: Any) -> None:
    program = factories.matching_program(cadres=4, posts=3)
    a = match_run_create(program=program, created_by=user)
    b = match_run_create(program=program, created_by=user)
    a = match_run_finalise(run=a, finalised_by=user)

    with pytest.raises(IntegrityError):
        MatchRun.objects.filter(pk=b.pk).update(finalised_at=a.finalised_at)

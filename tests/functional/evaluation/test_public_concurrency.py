"""Fifty phones submit one link at the same moment: exactly one rating is kept.

Every submission runs in its own thread with its own database connection and
no lock is taken: the database's unique constraints (one rating per token, one
per rater and trainee) decide. On PostgreSQL (and a file SQLite database,
where writers wait for each other) every loser is told "此链接已使用". SQLite's
shared-cache memory database of the test run cannot make a writer wait: there
a loser may instead fail at once with "database table is locked" — the count
of ratings is the same.
"""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection

from lianbing.evaluation.models import Rating, RatingToken
from lianbing.evaluation.services import public as services
from lianbing.evaluation.tokens import token_digest

from ._public import issue, scores
from .conftest import Inspected

pytestmark = pytest.mark.django_db(transaction=True)

SUBMISSIONS = 50


def test_fifty_simultaneous_submissions_of_one_link_give_exactly_one_rating(
    inspected: Inspected,
) -> None:
    issued = issue(inspected)[0]
    digest = token_digest(issued.token)
    filled = scores(inspected.round)
    start = threading.Barrier(SUBMISSIONS)
    outcomes: list[object] = []
    guard = threading.Lock()

    def submit() -> None:
        try:
            start.wait()
            outcome: object = services.public_rating_submit(token_digest=digest, scores=filled)
        except Exception as exc:  # the outcome is what the test asserts on
            outcome = exc
        finally:
            connection.close()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit) for _ in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kept = [o for o in outcomes if isinstance(o, Rating)]
    refused = [o for o in outcomes if not isinstance(o, Rating)]
    assert len(outcomes) == SUBMISSIONS
    assert len(kept) == 1
    assert Rating.objects.count() == 1
    assert Rating.objects.get().token == RatingToken.objects.get(token_hash=digest)
    memory_sqlite = connection.vendor == "sqlite" and connection.is_in_memory_db()
    for loser in refused:
        if memory_sqlite and isinstance(loser, OperationalError):
            assert "locked" in str(loser)
            continue
        assert isinstance(loser, services.LinkUsed), repr(loser)
        assert "此链接已使用" in str(loser)

"""Shared test helpers: paths relative to the repository root, commit hooks, the staff account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from tests import factories

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _commit_hooks_run_when_the_outermost_block_of_the_code_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Run ``transaction.on_commit`` callbacks where a real commit would, inside a test's transaction.

    A database test runs inside a transaction that is rolled back at its end,
    so the callbacks (the background jobs queued on commit) would never run.
    Here, when the code's outermost ``atomic`` block ends well, its callbacks
    run as the commit would run them; a block rolled back drops its own, as
    Django does, and a block under the test's own ``atomic`` waits for that.
    """

    exit_block = transaction.Atomic.__exit__

    def exit_and_commit(
        self: transaction.Atomic, exc_type: Any, exc_value: Any, traceback: Any
    ) -> None:
        exit_block(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        if (
            getattr(self, "_from_testcase", False)
            or not connection.in_atomic_block
            or not all(
                getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
            )
        ):
            return
        while connection.run_on_commit:
            _savepoints, callback, robust = connection.run_on_commit.pop(0)
            try:
                callback()
            except Exception:
                if not robust:
                    raise

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_commit)


@pytest.fixture
def user() -> User:
    """The department-staff account ``ganbuke`` that a test acts as."""
    return factories.staff_user()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """A media folder of the test's own, for uploads and exported workbooks."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)

"""Shared test helpers: paths relative to the repository root, commit hooks, the staff account."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import override_settings

from lianbing.demodata.loader import DemoLoadResult, demo_program_load
from tests import factories

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"

_exit_block = transaction.Atomic.__exit__


def _exit_and_commit(
    self: transaction.Atomic, exc_type: Any, exc_value: Any, traceback: Any
) -> None:
    _exit_block(self, exc_type, exc_value, traceback)
    connection = transaction.get_connection(self.using)
    if (
        getattr(self, "_from_testcase", False)
        or not connection.in_atomic_block
        or not all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
    ):
        return
    while connection.run_on_commit:
        _savepoints, callback, robust = connection.run_on_commit.pop(0)
        try:
            callback()
        except Exception:
            if not robust:
                raise


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
    monkeypatch.setattr(transaction.Atomic, "__exit__", _exit_and_commit)


@pytest.fixture(scope="module")
def module_demo(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[DemoLoadResult]:
    """The demo, loaded once for the tests of a module that only read it.

    Loading the demo takes seconds (it groups three activities with CP-SAT).
    Here it is loaded once, on the module's ``DEMO_DAY`` (``LIANBING_TODAY``)
    when the module names one, inside a transaction of the module's own that
    is rolled back after its last test. Each test's own transaction nests in
    it as a savepoint, so what a test writes is still undone after it. A test
    that loads the demo itself, or needs a database without it, belongs in
    another module: every test of the module runs with the demo there.
    """
    day = getattr(request.module, "DEMO_DAY", None)
    with django_db_blocker.unblock():
        block = transaction.atomic()
        # Test scaffolding, as a TestCase's own block: the commit hooks above
        # treat the code's blocks under it as outermost.
        block._from_testcase = True  # type: ignore[attr-defined]
        block.__enter__()
        try:
            with (
                pytest.MonkeyPatch.context() as patch,
                override_settings(**({"LIANBING_TODAY": day} if day else {})),
            ):
                patch.setattr(transaction.Atomic, "__exit__", _exit_and_commit)
                result = demo_program_load()
        except BaseException:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)
            raise
    try:
        yield result
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def user() -> User:
    """The department-staff account ``ganbuke`` that a test acts as."""
    return factories.staff_user()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """A media folder of the test's own, for uploads and exported workbooks."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


#: Fixtures through which a test reaches the database (pytest-django refuses it any other way).
_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "django_db_setup",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``no_db`` the tests that cannot touch the database.

    pytest-django blocks the database for a test without the ``django_db``
    marker or a database fixture, so such a test runs the same whatever
    ``DATABASE_URL`` says: the PostgreSQL run leaves it to the SQLite run.
    """
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") is None and not fixtures & _DATABASE_FIXTURES:
            item.add_marker(pytest.mark.no_db)

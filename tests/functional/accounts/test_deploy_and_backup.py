"""Production settings pass Django's deployment check; backup and restore round-trip."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from lianbing.accounts.backup import BackupError, backup_create, backup_restore, table_row_counts
from lianbing.accounts.models import Role
from tests import factories

PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "lianbing.config.settings.prod",
    "LIANBING_SECRET_KEY": "k" * 20 + "Xy9#mQ2$vL8@pR4!nT6&wZ1^bC3*dF5(gH7)jK0" + "s" * 10,
    "LIANBING_ALLOWED_HOSTS": "lianbing.example.gov.cn,10.0.0.5",
    "DATABASE_URL": "postgres://lianbing:secret@127.0.0.1:5432/lianbing",
    "LIANBING_FIELD_KEY": "f" * 16 + "production-field-key-0123456789",
}


# The test process's own settings and the browser tests' async switch must not
# reach a production check.
_TEST_ONLY_VARIABLES = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lianbing.cli", "manage", *args],
        env={**{k: v for k, v in os.environ.items() if k not in _TEST_ONLY_VARIABLES}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check() -> None:
    done = _manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)

    assert done.returncode == 0, done.stdout + done.stderr


def test_production_settings_refuse_to_start_without_the_secret_key() -> None:
    env = {**PROD_ENV, "LIANBING_SECRET_KEY": ""}

    done = _manage("check", env=env)

    assert done.returncode != 0
    assert "LIANBING_SECRET_KEY" in done.stderr


def test_production_settings_refuse_to_start_without_the_field_key() -> None:
    env = {**PROD_ENV, "LIANBING_FIELD_KEY": ""}

    done = _manage("check", env=env)

    assert done.returncode != 0
    assert "LIANBING_FIELD_KEY" in done.stderr


def _some_data() -> None:
    program = factories.program()
    town = factories.unit(kind="town")
    factories.post(program_=program, host=town)
    factories.cadre(name="王楠楠")
    factories.account(Role.AUDITOR)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite round trip")
def test_a_sqlite_restore_reproduces_every_tables_row_count(tmp_path: Path) -> None:
    _some_data()
    before = table_row_counts()
    backup = backup_create(path=tmp_path / "lianbing.sqlite3")
    factories.cadre(name="备份之后")

    backup_restore(path=backup)

    after = table_row_counts()
    # The restore records itself: one audit row more than the backup held.
    assert after.pop("accounts_auditevent") == before.pop("accounts_auditevent") + 1
    assert after == before
    assert before["people_cadre"] >= 1


def _pg_row_counts(settings_dict: dict[str, object]) -> dict[str, int]:
    import psycopg
    from psycopg import sql

    params = {
        "dbname": settings_dict["NAME"],
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
        ]
        return {
            t: conn.execute(
                sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(t))
            ).fetchone()[0]
            for t in sorted(tables)
        }


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL round trip")
def test_a_postgresql_restore_reproduces_every_tables_row_count(tmp_path: Path) -> None:
    _some_data()
    before = table_row_counts()
    backup = backup_create(path=tmp_path / "lianbing.dump")
    scratch = {**connection.settings_dict, "NAME": f"lianbing_restore_{uuid.uuid4().hex[:8]}"}
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{scratch["NAME"]}"')
    try:
        backup_restore(path=backup, settings_dict=scratch)
        after = _pg_row_counts(scratch)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch["NAME"]}" WITH (FORCE)')

    assert after == before
    assert before["people_cadre"] >= 1


def test_restoring_a_file_that_is_not_a_backup_is_refused(tmp_path: Path, db: None) -> None:
    path = tmp_path / "junk.bin"
    path.write_bytes(b"not a backup")

    with pytest.raises(BackupError):
        backup_restore(path=path)

"""Nothing rewrites the audit trail unnoticed: every SQL verb is refused, and the hash chain tells."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from lianbing.accounts import audit, audit_chain
from lianbing.accounts.audit_guard import TABLE, install_triggers, uninstall_triggers
from lianbing.accounts.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

SQLITE_ONLY = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's REPLACE verb")


def _columns() -> list[str]:
    return [f.column for f in AuditEvent._meta.concrete_fields]


def _forged_select(event_id: int) -> str:
    """Every column of row ``event_id``, but the user name forged and the date moved back."""
    exprs = []
    for column in _columns():
        if column == "username":
            exprs.append("'forged'")
        else:
            exprs.append(column)
    return f"SELECT {', '.join(exprs)} FROM {TABLE} WHERE id = {int(event_id)}"


def _rewrite(verb: str, event_id: int) -> str:
    cols = ", ".join(_columns())
    if verb == "UPDATE":
        return f"UPDATE {TABLE} SET username = 'forged' WHERE id = {event_id}"
    if verb == "DELETE":
        return f"DELETE FROM {TABLE} WHERE id = {event_id}"
    if verb in ("REPLACE", "INSERT OR REPLACE"):
        return f"{verb} INTO {TABLE} ({cols}) {_forged_select(event_id)}"
    assert verb == "INSERT ON CONFLICT DO UPDATE"
    return (
        f"INSERT INTO {TABLE} ({cols}) {_forged_select(event_id)} "
        "ON CONFLICT (id) DO UPDATE SET username = 'forged'"
    )


@pytest.mark.parametrize(
    "verb",
    [
        "UPDATE",
        "DELETE",
        pytest.param("REPLACE", marks=SQLITE_ONLY),
        pytest.param("INSERT OR REPLACE", marks=SQLITE_ONLY),
        "INSERT ON CONFLICT DO UPDATE",
    ],
)
def test_the_database_refuses_to_rewrite_an_audit_row_whatever_the_sql_verb(verb: str) -> None:
    event = audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx", detail="原始")

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_rewrite(verb, event.pk))

    assert AuditEvent.objects.filter(pk=event.pk, username="").count() == 1
    assert not AuditEvent.objects.filter(username="forged").exists()


@SQLITE_ONLY
def test_replace_with_an_old_date_cannot_make_a_recent_row_deletable() -> None:
    event = audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx")
    cols = ", ".join(_columns())
    old = (
        "SELECT "
        + ", ".join("'2020-01-01 00:00:00'" if c == "at" else c for c in _columns())
        + f" FROM {TABLE} WHERE id = {event.pk}"
    )

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"REPLACE INTO {TABLE} ({cols}) {old}")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = {event.pk}")

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def _three_rows() -> list[AuditEvent]:
    return [audit.record(action=AuditAction.EXPORT, object_repr=f"{k}.xlsx") for k in range(3)]


def test_each_row_carries_the_hash_of_the_one_before() -> None:
    first, second, third = _three_rows()

    assert second.prev_hash == first.row_hash
    assert third.prev_hash == second.row_hash
    assert third.row_hash == audit_chain.row_hash(
        AuditEvent.objects.values(*audit_chain.FIELDS).get(pk=third.pk), second.row_hash
    )


def test_audit_verify_passes_an_untouched_trail(capsys: pytest.CaptureFixture[str]) -> None:
    _three_rows()

    call_command("audit_verify")

    assert "哈希链完整" in capsys.readouterr().out


def _tamper(sql: str) -> None:
    """What the table's owner could do: take the guard off, change a row, put it back."""
    uninstall_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql)
    install_triggers(connection)


def test_audit_verify_names_the_row_whose_content_was_changed_by_the_owner() -> None:
    _first, second, _third = _three_rows()

    _tamper(f"UPDATE {TABLE} SET object_repr = 'harmless.xlsx' WHERE id = {second.pk}")

    with pytest.raises(CommandError, match=f"编号 {second.pk}（.*写入后被改动"):
        call_command("audit_verify")


def test_audit_verify_names_the_row_after_one_the_owner_deleted() -> None:
    _first, second, third = _three_rows()

    _tamper(f"DELETE FROM {TABLE} WHERE id = {second.pk}")

    with pytest.raises(CommandError, match=f"编号 {third.pk}（.*被删除"):
        call_command("audit_verify")


def test_a_row_rewritten_with_a_recomputed_hash_still_breaks_the_next_link() -> None:
    _first, second, third = _three_rows()
    values = AuditEvent.objects.values(*audit_chain.FIELDS).get(pk=second.pk)
    values["object_repr"] = "harmless.xlsx"
    forged = audit_chain.row_hash(values, second.prev_hash)

    _tamper(
        f"UPDATE {TABLE} SET object_repr = 'harmless.xlsx', row_hash = '{forged}' "
        f"WHERE id = {second.pk}"
    )

    with pytest.raises(CommandError, match=f"编号 {third.pk}（"):
        call_command("audit_verify")


def test_bulk_inserts_that_would_skip_the_chain_are_refused() -> None:
    from lianbing.accounts.models import AuditTrailImmutableError

    with pytest.raises(AuditTrailImmutableError):
        AuditEvent.objects.bulk_create([AuditEvent(action=AuditAction.EXPORT, result="success")])


# --------------------------------------------------------------- two roles on PostgreSQL

PG_ONLY = pytest.mark.skipif(connection.vendor != "postgresql", reason="roles exist on PostgreSQL")


def _as_role(role: str):  # type: ignore[no-untyped-def]
    import psycopg

    s = connection.settings_dict
    params = {"dbname": s["NAME"], "host": s.get("HOST") or None, "port": s.get("PORT") or None}
    return psycopg.connect(user=role, autocommit=True, **{k: v for k, v in params.items() if v})


@PG_ONLY
@pytest.mark.django_db(transaction=True)
def test_the_application_role_cannot_disable_the_guard_grant_itself_rights_or_update() -> None:
    import psycopg

    audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx")
    role = f"lianbing_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        # The application role as docs/security.md sets it up: no ownership, and
        # on the audit table only SELECT and INSERT.
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT SELECT, INSERT ON {TABLE} TO "{role}"')
        cursor.execute(f'GRANT USAGE ON SEQUENCE {TABLE}_id_seq TO "{role}"')
    try:
        with _as_role(role) as app:
            app.execute(
                f"INSERT INTO {TABLE} (at, username, role, action, object_type, "
                "object_id, object_repr, result, path, detail, prev_hash, row_hash) "
                "VALUES (now(), 'app', '', 'export', '', '', '', 'success', '', '', '', '')"
            )
            for sql in (
                f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL",
                f"DROP TRIGGER {TABLE}_guard_rows ON {TABLE}",
                f"UPDATE {TABLE} SET username = 'forged'",
                f"DELETE FROM {TABLE}",
                f"TRUNCATE {TABLE}",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    app.execute(sql)
            # A grant by a role without the grant option is a warning, not an error:
            # what matters is that the right did not arrive.
            app.execute(f"GRANT UPDATE, DELETE ON {TABLE} TO CURRENT_USER")
            rights = app.execute(
                "SELECT has_table_privilege(current_user, %s, 'UPDATE'), "
                "has_table_privilege(current_user, %s, 'DELETE')",
                [TABLE, TABLE],
            ).fetchone()
        assert rights == (False, False)
        assert not AuditEvent.objects.filter(username="forged").exists()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


# --------------------------------------------------------------------- the migration


@pytest.mark.django_db(transaction=True)
def test_the_migration_chains_existing_rows_and_can_be_reversed() -> None:
    from django.db.migrations.executor import MigrationExecutor

    def columns() -> set[str]:
        with connection.cursor() as cursor:
            return {c.name for c in connection.introspection.get_table_description(cursor, TABLE)}

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("accounts")[0][1]
    call_command("migrate", "accounts", "0002", verbosity=0)
    try:
        without = columns()
        with connection.cursor() as cursor:
            for k in range(3):
                cursor.execute(
                    f"INSERT INTO {TABLE} (at, username, role, action, object_type, object_id, "
                    "object_repr, result, path, detail) "
                    "VALUES (%s, 'old', '', 'export', '', '', %s, 'success', '', '')",
                    ["2026-11-01 08:00:00+00:00", f"old-{k}.xlsx"],
                )
    finally:
        call_command("migrate", "accounts", latest, verbosity=0)

    rows = list(AuditEvent.objects.order_by("id"))
    assert "row_hash" not in without
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    call_command("audit_verify")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET detail = 'changed'")

"""Database-level guard of the audit trail: triggers that refuse UPDATE and DELETE.

The model and its queryset already refuse every write but an insert; these
triggers make the database refuse too, for any connection, superusers
included. On SQLite, ``REPLACE`` / ``INSERT OR REPLACE`` resolve a conflict
by deleting the old row without firing DELETE triggers, so an insert that
names an existing id is refused before conflict resolution can start
(``INSERT ... ON CONFLICT DO UPDATE`` is refused by the same trigger, and by
the UPDATE one). Rows older than the retention period (180 days) may be deleted, so
``prune_audit`` can keep the table bounded. On PostgreSQL the migration also
revokes UPDATE, DELETE and TRUNCATE on the table from the role that runs it
(the application's role) and from PUBLIC.
"""

from __future__ import annotations

from typing import Any

TABLE = "accounts_auditevent"
RETENTION_DAYS = 180

_SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: UPDATE refused'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_no_replace BEFORE INSERT ON {TABLE}
    WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: REPLACE refused'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    WHEN OLD.at > datetime('now', '-{RETENTION_DAYS} days')
    BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: DELETE refused'); END
    """,
]
_SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_replace",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]

_PG_TRIGGERS = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' AND OLD.at < now() - interval '{RETENTION_DAYS} days' THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'audit trail is append-only: % refused', TG_OP;
    END
    $$
    """,
    f"""
    CREATE TRIGGER {TABLE}_guard_rows BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_guard()
    """,
    f"""
    CREATE TRIGGER {TABLE}_guard_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_guard()
    """,
]
_PG_DROP_TRIGGERS = [
    f"DROP TRIGGER IF EXISTS {TABLE}_guard_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_guard_rows ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_guard()",
]
PG_REVOKE = [
    f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM PUBLIC",
    f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM CURRENT_USER",
    # An application role given rights by ALTER DEFAULT PRIVILEGES (docs/security.md)
    # received UPDATE/DELETE with the table: take them back from every grantee.
    f"""
    DO $$
    DECLARE grantee_name text;
    BEGIN
      FOR grantee_name IN
        SELECT DISTINCT grantee FROM information_schema.role_table_grants
        WHERE table_name = '{TABLE}' AND grantee <> 'PUBLIC'
          AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
      LOOP
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM %I', grantee_name);
      END LOOP;
    END
    $$
    """,
]
_PG_GRANT_BACK = [f"GRANT UPDATE, DELETE, TRUNCATE ON {TABLE} TO CURRENT_USER"]


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_triggers(connection: Any) -> None:
    """Put the guard triggers on the audit table (idempotent)."""
    if connection.vendor == "sqlite":
        _run(connection, _SQLITE_INSTALL)
    elif connection.vendor == "postgresql":
        _run(connection, [*_PG_DROP_TRIGGERS[:2], *_PG_TRIGGERS])


def uninstall_triggers(connection: Any) -> None:
    """Take the guard triggers off (flush in the test suite; migration backwards)."""
    if connection.vendor == "sqlite":
        _run(connection, _SQLITE_UNINSTALL)
    elif connection.vendor == "postgresql":
        _run(connection, _PG_DROP_TRIGGERS)


def install(apps: Any, schema_editor: Any) -> None:
    """Migration forward step: triggers, and on PostgreSQL the REVOKE."""
    install_triggers(schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor.connection, PG_REVOKE)


def uninstall(apps: Any, schema_editor: Any) -> None:
    """Migration backward step."""
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor.connection, _PG_GRANT_BACK)
    uninstall_triggers(schema_editor.connection)

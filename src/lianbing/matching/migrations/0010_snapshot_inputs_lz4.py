"""The stored inputs of a run's snapshot are compressed with LZ4 on PostgreSQL.

A pair's explanation reads a few profiles out of a run's inputs (8 MB of JSON
at province scale); PostgreSQL unpacks the whole value for it, and LZ4 unpacks
about twice as fast as the default pglz. Rows already stored keep their
compression until they are rewritten. PostgreSQL older than 14, or built
without LZ4, keeps the default; SQLite has no such setting.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError, migrations, transaction


def inputs_lz4(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    table = apps.get_model("matching", "RunSnapshot")._meta.db_table
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN inputs SET COMPRESSION lz4")
    except DatabaseError:
        pass  # a server built without LZ4: the default compression stays


def inputs_default(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    table = apps.get_model("matching", "RunSnapshot")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} ALTER COLUMN inputs SET COMPRESSION default")


class Migration(migrations.Migration):
    dependencies = [("matching", "0009_run_analysis_job")]

    operations = [migrations.RunPython(inputs_lz4, inputs_default)]

"""Backup and restore of the whole database.

SQLite: the online backup API (a consistent copy while the application runs).
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists``.
The audit trail is backed up with everything else; a restore replaces it with
the one in the file (the triggers come back with the schema).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connections

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """Backup or restore failed; the message says what to do, in Chinese."""


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args: list[str] = []
    env = dict(os.environ)
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"找不到 {cmd[0]}：请安装 PostgreSQL 客户端（如 apt-get install postgresql-client）。"
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{cmd[0]} 执行失败：{done.stderr.strip()[-500:]}")


def backup_create(*, path: Path, using: str = "default") -> Path:
    """Write a consistent copy of the database to ``path``."""
    connection = connections[using]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-password",
                *args,
                "--file",
                str(path),
                str(connection.settings_dict["NAME"]),
            ],
            env,
        )
    else:
        raise BackupError(f"不支持的数据库类型：{connection.vendor}")
    return path


def backup_restore(
    *, path: Path, using: str = "default", settings_dict: dict[str, Any] | None = None
) -> None:
    """Replace the database's content with the backup in ``path``.

    ``settings_dict`` restores into another PostgreSQL database than ``using``'s.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件“{path}”。")
    magic = path.read_bytes()[:16]
    connection = connections[using]
    vendor = connection.vendor if settings_dict is None else "postgresql"
    if vendor == "sqlite":
        if not magic.startswith(SQLITE_MAGIC):
            raise BackupError("该文件不是 SQLite 备份：请使用 lianbing backup 生成的文件。")
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif vendor == "postgresql":
        if not magic.startswith(PGDUMP_MAGIC):
            raise BackupError("该文件不是 PostgreSQL 备份：请使用 lianbing backup 生成的文件。")
        target = settings_dict or connection.settings_dict
        args, env = _pg_env(target)
        if settings_dict is None:
            connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-password",
                "--single-transaction",
                *args,
                "--dbname",
                str(target["NAME"]),
                str(path),
            ],
            env,
        )
    else:
        raise BackupError(f"不支持的数据库类型：{vendor}")


def table_row_counts(using: str = "default") -> dict[str, int]:
    """Rows in every table of the database (to compare a restore with its source)."""
    connection = connections[using]
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts

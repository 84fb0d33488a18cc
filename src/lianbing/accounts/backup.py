"""Backup and restore of the whole database.

SQLite: the online backup API (a consistent copy while the application runs).
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists``.
The audit trail is backed up with everything else; a restore replaces it with
the one in the file (the triggers come back with the schema). The audit rows
the restore discards (written after the backup) are first exported to a CSV
file beside the backup, and the restore itself is recorded in the restored
trail: who, when, from which file, how many rows it discarded.

Backup and export files are created readable by their owner only (0600, in a
0700 folder when the folder is new), whatever the umask.
"""

from __future__ import annotations

import csv
import datetime
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections
from django.utils import timezone

from . import audit
from .audit_guard import TABLE
from .files import create_private, private_dir
from .models import AuditAction, AuditEvent

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
    private_dir(path.parent)
    create_private(path)
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


@dataclass(frozen=True)
class RestoreReport:
    """What a restore threw away of the audit trail, and where it was kept."""

    discarded: int
    discarded_file: Path | None


def backup_restore(
    *,
    path: Path,
    using: str = "default",
    settings_dict: dict[str, Any] | None = None,
    by: str = "",
) -> RestoreReport:
    """Replace the database's content with the backup in ``path``.

    ``settings_dict`` restores into another PostgreSQL database than ``using``'s
    (nothing is discarded from ``using`` then, and nothing recorded in it).
    ``by`` names who restores (the operating-system account for the command).
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件“{path}”。")
    magic = path.read_bytes()[:16]
    connection = connections[using]
    vendor = connection.vendor if settings_dict is None else "postgresql"
    if vendor == "sqlite" and not magic.startswith(SQLITE_MAGIC):
        raise BackupError("该文件不是 SQLite 备份：请使用 lianbing backup 生成的文件。")
    if vendor == "postgresql" and not magic.startswith(PGDUMP_MAGIC):
        raise BackupError("该文件不是 PostgreSQL 备份：请使用 lianbing backup 生成的文件。")
    report = RestoreReport(0, None)
    if settings_dict is None:
        kept = _audit_ids_in_backup(path, vendor, connection.settings_dict)
        report = _export_discarded(path, kept, using)
    _restore(path, vendor, connection, settings_dict)
    if settings_dict is None:
        detail = f"从备份 {path.name} 恢复；丢弃备份之后的审计记录 {report.discarded} 条"
        if report.discarded_file is not None:
            detail += f"，已导出到 {report.discarded_file.name}"
        if by:
            detail += f"；操作人 {by}"
        audit.record(
            action=AuditAction.RESTORE,
            object_type="backup",
            object_repr=str(path),
            detail=detail,
        )
    return report


def _audit_ids_in_backup(path: Path, vendor: str, settings_dict: dict[str, Any]) -> set[int]:
    """Ids of the audit rows the backup holds."""
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return {int(r[0]) for r in source.execute(f"SELECT id FROM {TABLE}")}
        except sqlite3.OperationalError:
            return set()  # a backup made before the audit trail existed
        finally:
            source.close()
    _args, env = _pg_env(settings_dict)  # reading a dump file needs no server
    done = subprocess.run(
        ["pg_restore", "--data-only", f"--table={TABLE}", "--file=-", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore 读取备份失败：{done.stderr.strip()[-500:]}")
    ids: set[int] = set()
    inside = False
    for line in done.stdout.splitlines():
        if line.startswith(f"COPY public.{TABLE} ") or line.startswith(f"COPY {TABLE} "):
            inside = True
        elif inside and line == "\\.":
            break
        elif inside:
            ids.add(int(line.split("\t", 1)[0]))
    return ids


def _export_discarded(path: Path, kept: set[int], using: str) -> RestoreReport:
    """Write the audit rows the backup lacks to a CSV beside it (0600)."""
    fields = [f.name for f in AuditEvent._meta.concrete_fields]
    rows = [
        r
        for r in AuditEvent.objects.using(using).order_by("id").values_list(*fields)
        if r[0] not in kept
    ]
    if not rows:
        return RestoreReport(0, None)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.discarded-audit-{stamp}.csv")
    create_private(target)
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        for row in rows:
            writer.writerow([v.isoformat() if isinstance(v, datetime.datetime) else v for v in row])
    return RestoreReport(len(rows), target)


def _restore(
    path: Path, vendor: str, connection: Any, settings_dict: dict[str, Any] | None
) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif vendor == "postgresql":
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

"""A restore leaves a trace and keeps what it discards; data files are owner-only."""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from lianbing.accounts import audit
from lianbing.accounts.backup import backup_create, backup_restore
from lianbing.accounts.models import AuditAction, AuditEvent


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def lax_umask() -> Iterator[None]:
    """The umask a careless operator's shell might have."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.django_db(transaction=True)
def test_a_restore_records_itself_and_exports_the_audit_rows_it_discards(
    tmp_path: Path, lax_umask: None
) -> None:
    audit.record(action=AuditAction.EXPORT, object_repr="before.xlsx")
    backup = backup_create(
        path=tmp_path / ("lianbing.sqlite3" if connection.vendor == "sqlite" else "lianbing.dump")
    )
    audit.record(action=AuditAction.EXPORT, object_repr="after-1.xlsx")
    audit.record(action=AuditAction.EXPORT, object_repr="after-2.xlsx")

    report = backup_restore(path=backup, by="operator")

    assert report.discarded == 2
    assert report.discarded_file is not None
    assert report.discarded_file.parent == backup.parent
    assert _mode(report.discarded_file) == 0o600
    with report.discarded_file.open(encoding="utf-8-sig") as handle:
        kept = {row["object_repr"] for row in csv.DictReader(handle)}
    assert kept == {"after-1.xlsx", "after-2.xlsx"}
    restored = AuditEvent.objects.get(action=AuditAction.RESTORE)
    assert backup.name in restored.detail
    assert "2 条" in restored.detail
    assert "operator" in restored.detail
    assert not AuditEvent.objects.filter(object_repr__startswith="after-").exists()
    call_command("audit_verify")  # the restore's own row chains onto the restored trail


@pytest.mark.django_db(transaction=True)
def test_a_backup_file_is_owner_only_whatever_the_umask(tmp_path: Path, lax_umask: None) -> None:
    audit.record(action=AuditAction.EXPORT, object_repr="x.xlsx")
    name = "new-folder/lianbing.sqlite3" if connection.vendor == "sqlite" else "new-folder/x.dump"

    backup = backup_create(path=tmp_path / name)

    assert _mode(backup) == 0o600
    assert _mode(backup.parent) == 0o700


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite database file")
def test_the_sqlite_database_file_is_owner_only_whatever_the_umask(
    tmp_path: Path, lax_umask: None, db: None
) -> None:
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "lianbing.sqlite3"
    wrapper = DatabaseWrapper({**connection.settings_dict, "NAME": str(path)}, alias="scratch")

    wrapper.ensure_connection()
    wrapper.close()

    assert _mode(path) == 0o600


def test_an_uploaded_file_and_its_folder_are_owner_only_whatever_the_umask(
    lax_umask: None,
) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("umask-check/new/upload.xlsx", ContentFile(b"PK"))
    try:
        path = Path(default_storage.path(name))
        assert _mode(path) == 0o600
        assert _mode(path.parent) == 0o700
    finally:
        default_storage.delete(name)


def test_the_media_folder_is_owner_only() -> None:
    from django.conf import settings

    assert _mode(Path(settings.MEDIA_ROOT)) == 0o700

"""Files holding cadres' data are readable by the service account only (0600 / 0700).

The database, its backups, the audit rows a restore discards, and every
uploaded workbook are created owner-only whatever the process's umask; the
media folder is made 0700, so an exported workbook (written inside it by the
matching app) is out of other accounts' reach too. The var folder itself is
left alone: it also holds the static files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """``path`` as a folder: created 0700 if missing; an existing one is left as it is."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True, mode=DIR_MODE)
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def create_private(path: Path) -> Path:
    """Create (or empty) the file ``path`` readable and writable by its owner only."""
    path = Path(path)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.close(handle)
    os.chmod(path, FILE_MODE)  # os.open's mode is filtered by the umask; an old file keeps its own
    return path


def secure_data_dirs() -> None:
    """Make the media folder (uploads, exports) 0700, creating it if missing."""
    folder = getattr(settings, "MEDIA_ROOT", None)
    if folder:
        private_dir(Path(folder))
        os.chmod(folder, DIR_MODE)


def secure_sqlite_file(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: an SQLite database and its journals become 0600."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(name + suffix)
        if candidate.exists():
            os.chmod(candidate, FILE_MODE)

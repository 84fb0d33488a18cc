"""Saving a workbook so that a failure never leaves a partial file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from openpyxl import Workbook

from lianbing.xlsx.bulk_rows import BulkRows, append_bulk_rows


def save_workbook(
    workbook: Workbook,
    path: Path | str,
    *,
    bulk: Mapping[str, BulkRows] | None = None,
    private: bool = False,
) -> Path:
    """Save ``workbook`` to ``path`` atomically and return the path.

    The workbook is written to a temporary file in the same directory, the
    ``bulk`` rows (if any) are appended to their sheets, and the file is
    renamed over ``path`` only once complete, so an interrupted or failed run
    leaves either the old file or none at all. The file gets the usual
    permissions for the user's umask, or with ``private`` stays 0600 (as
    ``mkstemp`` made it) from its first byte: a workbook of cadres' data.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        workbook.save(temporary)
        if bulk:
            append_bulk_rows(temporary, bulk)
        os.chmod(temporary, 0o600 if private else 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current

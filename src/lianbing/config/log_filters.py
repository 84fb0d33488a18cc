"""Filters for the logging configuration in settings."""

from __future__ import annotations

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """Keep a refused or missing page (4xx) to one line; a server error keeps its traceback.

    Django logs every ``PermissionDenied`` with its traceback, which tells the
    reader nothing (the refusal is the policy working) and buries real errors.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True

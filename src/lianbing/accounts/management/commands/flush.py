"""``flush`` that can empty the audit trail only where settings allow it (the test suite).

The audit table's triggers refuse DELETE and TRUNCATE, so Django's ``flush``
(used between transactional tests) fails on it. With
``LIANBING_AUDIT_FLUSHABLE = True`` (test settings only) the triggers are taken
off for the flush and put back after; everywhere else ``flush`` refuses, as the
audit trail must.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from lianbing.accounts.audit_guard import install_triggers, uninstall_triggers


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        if not getattr(settings, "LIANBING_AUDIT_FLUSHABLE", False):
            super().handle(**options)
            return
        connection = connections[options["database"]]
        uninstall_triggers(connection)
        try:
            super().handle(**options)
        finally:
            install_triggers(connection)

"""Check the audit trail's hash chain; report the first broken link (exit 1 if any)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lianbing.accounts import audit_chain
from lianbing.accounts.models import AuditEvent


class Command(BaseCommand):
    help = "校验审计记录的哈希链，报告第一处断裂（有断裂时退出码非零）。"

    def handle(self, *args: Any, **options: Any) -> None:
        rows = (
            AuditEvent.objects.order_by("id")
            .values("id", "prev_hash", "row_hash", *audit_chain.FIELDS)
            .iterator(chunk_size=2000)
        )
        result = audit_chain.verify(rows)
        if result.broken is not None:
            raise CommandError(result.broken.message())
        self.stdout.write(
            f"审计记录哈希链完整：共 {result.rows} 条。"
            f"末条哈希 {result.last_hash or '（无记录）'}，请另行留存以便日后比对。"
        )

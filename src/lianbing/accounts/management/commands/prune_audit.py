"""Delete audit events older than a date; never anything younger than 180 days."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lianbing.accounts.audit_guard import RETENTION_DAYS
from lianbing.accounts.services import RetentionError, audit_prune


class Command(BaseCommand):
    help = f"删除早于指定天数的审计记录（至少保留 {RETENTION_DAYS} 天）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=365,
            help=f"删除多少天以前的记录（默认 365，不得少于 {RETENTION_DAYS}）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        before = timezone.now() - datetime.timedelta(days=options["older_than_days"])
        try:
            count = audit_prune(before=before)
        except RetentionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已删除 {before:%Y-%m-%d} 之前的审计记录 {count} 条。")

"""Mail each person the items of the training period due for them (run it daily from cron).

lianbing manage send_training_reminders            # today, by the clock
lianbing manage send_training_reminders --dry-run  # show what would go; send and record nothing
lianbing manage send_training_reminders --date 2026-05-15
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianbing.training import clock
from lianbing.training.services.followup import reminders_send


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD，如 2026-05-15：{value}") from exc


class Command(BaseCommand):
    help = (
        "按每人的练兵待办发送提醒邮件（有邮箱的账号每天至多一封，同一事项只提醒一次）；"
        "适合每天由 cron 运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只列出将要发送的邮件，不发送也不记录",
        )
        parser.add_argument(
            "--date",
            metavar="YYYY-MM-DD",
            help="按这一天计算待办（默认今天）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = _date(options["date"]) if options["date"] else clock.today()
        run = reminders_send(day=day, dry_run=options["dry_run"])
        for reminder in run.sent:
            self.stdout.write(
                f"{reminder.username} <{', '.join(reminder.recipients)}>：{len(reminder.keys)} 项"
            )
            if run.dry_run:
                self.stdout.write(f"  主题：{reminder.subject}")
                self.stdout.write("\n".join(f"  {line}" for line in reminder.body.splitlines()))
        for username in run.failed:
            self.stderr.write(f"{username}：邮件发送失败，下次运行时重试。")
        if run.dry_run:
            self.stdout.write(
                f"试运行（{day.isoformat()}）：将发送 {len(run.sent)} 封，未发送、未记录。"
            )
        else:
            self.stdout.write(f"{day.isoformat()}：已发送提醒邮件 {len(run.sent)} 封。")

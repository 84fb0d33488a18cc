"""Delete exported and uploaded workbooks past their retention period (run it from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lianbing.imports.job import import_uploads_prune
from lianbing.matching.services import match_exports_prune


class Command(BaseCommand):
    help = (
        "删除超过保留期限的导出方案工作簿和上传的导入工作簿"
        "（期限见 LIANBING_EXPORT_RETENTION_DAYS、LIANBING_UPLOAD_RETENTION_DAYS）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        exports = match_exports_prune()
        uploads = import_uploads_prune()
        self.stdout.write(f"已删除过期导出文件 {exports} 个，过期上传文件 {uploads} 个。")

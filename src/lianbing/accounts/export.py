"""The audit trail as an Excel workbook (formula-safe cells)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook

from lianbing.xlsx.cell_text import safe_cell
from lianbing.xlsx.printing import print_setup

from .models import AuditAction, AuditEvent, AuditResult

HEADERS = (
    "时间",
    "账号",
    "角色",
    "操作",
    "对象类型",
    "对象编号",
    "对象",
    "结果",
    "地址",
    "页面",
    "说明",
)


def audit_workbook(events: Iterable[AuditEvent]) -> bytes:
    """One sheet ``审计日志``, one row an event, in local time."""
    actions = dict(AuditAction.choices)
    results = dict(AuditResult.choices)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("审计日志")
    print_setup(sheet, title="审计日志", columns=len(HEADERS))
    sheet.append(list(HEADERS))
    for e in events:
        row = (
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.username,
            e.role,
            str(actions.get(e.action, e.action)),
            e.object_type,
            e.object_id,
            e.object_repr,
            str(results.get(e.result, e.result)),
            e.address or "",
            e.path,
            e.detail,
        )
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

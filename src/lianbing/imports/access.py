"""Who may import: the department's staff (superusers count as staff).

Every import view looks jobs up through :func:`access_import_job`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from lianbing.accounts.models import Role
from lianbing.accounts.roles import has_role

from .models import ImportJob

DENIED = _("只有组织部干部科可以导入名册。如需使用，请联系安全管理员分配角色。")


def access_imports(user: Any) -> None:
    """Raise PermissionDenied unless the user may import at all."""
    if not has_role(user, Role.STAFF.value):
        raise PermissionDenied(DENIED)


def access_import_job(user: Any, job_id: int) -> ImportJob:
    """The import job with this id, if the user may see it (404 when missing)."""
    access_imports(user)
    return get_object_or_404(ImportJob.objects.select_related("program", "created_by"), pk=job_id)

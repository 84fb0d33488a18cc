"""Who may see and do matching: for now the department's staff (superusers count as staff).

Every matching view goes through these helpers; none looks a run up itself.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from lianbing.accounts.models import Role
from lianbing.accounts.roles import has_role

from .models import MatchExport, MatchRun

DENIED = _("只有组织部干部科可以使用人岗匹配。如需使用，请联系安全管理员分配角色。")


def can_use_matching(user: Any) -> bool:
    return has_role(user, Role.STAFF.value)


def access_matching(user: Any) -> None:
    """Raise PermissionDenied unless the user may use matching at all."""
    if not can_use_matching(user):
        raise PermissionDenied(DENIED)


def access_match_run(user: Any, run_id: int) -> MatchRun:
    """The run with this id, if the user may see it (404 when missing, 403 when not allowed)."""
    access_matching(user)
    return get_object_or_404(
        MatchRun.objects.select_related("program", "created_by", "finalised_by", "supersedes"),
        pk=run_id,
    )


def access_match_export(user: Any, export_id: int) -> MatchExport:
    """An export of a run the user may see."""
    access_matching(user)
    return get_object_or_404(MatchExport.objects.select_related("run"), pk=export_id)

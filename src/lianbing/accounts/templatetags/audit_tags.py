"""The audit trail in words a reader uses."""

from __future__ import annotations

from django import template

from lianbing.accounts.audit_labels import object_type_label

register = template.Library()


@register.filter
def object_label(code: str) -> str:
    """``{{ event.object_type|object_label }}``: 干部 for ``people.Cadre``, 单位列表 for ``web:unit_list``."""
    return object_type_label(code)

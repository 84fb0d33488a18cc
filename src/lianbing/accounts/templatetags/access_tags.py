"""Menus show only the pages the account may open."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from lianbing.accounts.models import Role
from lianbing.accounts.policy import url_name_permitted
from lianbing.accounts.roles import is_admin, role_of, roles_of

register = template.Library()


@register.filter
def permitted(url_name: str, user: Any) -> bool:
    """``{% if item.url_name|permitted:user %}``."""
    return url_name_permitted(url_name, user)


@register.filter
def is_administrator(user: Any) -> bool:
    return is_admin(user)


@register.filter
def has_role(user: Any, role: str) -> bool:
    return role in roles_of(user)


#: What the header calls a superuser: it stands outside the one-role-per-account rule.
SUPERUSER_CAPTION = _("安装管理员（超级用户）")


@register.filter
def account_caption(user: Any) -> str:
    """The header's "韩文霞 · 练兵导师": the account's name, then its role, kept apart."""
    name = user.get_full_name() or user.get_username()
    if user.is_superuser:
        # By user name: older demos named it 系统管理员, one of the three roles it is not.
        return f"{user.get_username()} · {SUPERUSER_CAPTION}"
    code = role_of(user)
    role = str(Role(code).label) if code else ""
    if not role or name in role:
        return role or name
    # Demo accounts are named "<person><role>" (韩文霞练兵导师): the person, then the role.
    person = name.removesuffix(role) or name
    return f"{person} · {role}"

"""Menus show only the pages the account may open."""

from __future__ import annotations

from typing import Any

from django import template

from lianbing.accounts.policy import url_name_permitted
from lianbing.accounts.roles import is_admin, roles_of

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

"""The sidebar: the program's steps and the pages under each."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class NavSection:
    title: str | Promise
    items: tuple[NavItem, ...]


NAVIGATION: tuple[NavSection, ...] = (
    NavSection(_("总览"), (NavItem(_("工作台"), "web:dashboard", "▦"),)),
    NavSection(_("一、需求调研"), (NavItem(_("练兵岗位"), "web:post_list", "◎"),)),
    NavSection(_("二、干部研判"), (NavItem(_("干部库"), "web:cadre_list", "◉"),)),
    NavSection(_("基础数据"), (NavItem(_("单位"), "web:unit_list", "▣"),)),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match and match.namespace else ""
    return {"navigation": NAVIGATION, "current_url_name": current}

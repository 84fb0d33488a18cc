"""The sidebar: the program's steps and the pages under each."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianbing.accounts.policy import url_name_permitted


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
    #: A step's heading shows to accounts that do the step, i.e. may open this
    #: page; the others find the step's pages they may open under 查阅.
    owner: str = ""


NAVIGATION: tuple[NavSection, ...] = (
    NavSection(
        _("总览"),
        (NavItem(_("工作台"), "web:dashboard", "▦"), NavItem(_("全年日程"), "web:calendar", "▤")),
    ),
    NavSection(
        _("一、需求调研"),
        (
            NavItem(_("需求填报"), "survey:round_list", "✎"),
            NavItem(_("缺口分析"), "survey:gap_overview", "▥"),
            NavItem(_("本单位缺口"), "survey:my_gap", "▥"),
            NavItem(_("练兵岗位"), "web:post_list", "◎"),
        ),
        owner="survey:round_list",
    ),
    NavSection(
        _("二、干部研判"),
        (
            NavItem(_("干部库"), "web:cadre_list", "◉"),
            NavItem(_("导入名册"), "imports:import_list", "⇪"),
        ),
        owner="imports:import_list",
    ),
    NavSection(
        _("三、人岗匹配"),
        (
            NavItem(_("匹配方案"), "matching:run_list", "⇄"),
            NavItem(_("新建匹配"), "matching:run_create", "＋"),
        ),
        owner="matching:run_list",
    ),
    NavSection(
        _("四、练兵培养"),
        (
            NavItem(_("练兵安排"), "training:secondment_list", "☷"),
            NavItem(_("导师结对"), "training:pairing", "⚭"),
            NavItem(_("跟踪督办"), "training:overview", "⚑"),
        ),
        owner="training:pairing",
    ),
    NavSection(
        _("五、一线考察"),
        (NavItem(_("考察轮次"), "evaluation:round_list", "✓"),),
    ),
    NavSection(
        _("六、赋能活动"),
        (NavItem(_("赋能活动"), "activities:series_list", "✺"),),
    ),
    NavSection(
        _("基础数据"),
        (
            NavItem(_("单位"), "web:unit_list", "▣"),
            NavItem(_("练兵导师"), "web:mentor_list", "✦"),
        ),
    ),
    NavSection(
        _("审计与安全"),
        (
            NavItem(_("审计日志"), "accounts:audit_list", "☰"),
            NavItem(_("角色授予"), "accounts:role_list", "⚖"),
        ),
    ),
)


#: Where the pages of a step go for an account that only looks them up.
REFERENCE_TITLE = _("查阅")


def navigation(request: HttpRequest) -> dict[str, object]:
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match and match.namespace else ""
    # Each item shows only to accounts its view's declared access policy admits.
    user = getattr(request, "user", None)
    steps: list[NavSection] = []
    reference: list[NavItem] = []
    reference_at = 0
    for section in NAVIGATION:
        items = tuple(i for i in section.items if url_name_permitted(i.url_name, user))
        if not items:
            continue
        if section.owner and not url_name_permitted(section.owner, user):
            # A mentor who may look up posts is not doing 需求调研.
            reference_at = reference_at if reference else len(steps)
            reference.extend(items)
        else:
            steps.append(NavSection(section.title, items))
    if reference:
        # Where the first step it replaces would have been.
        steps.insert(reference_at, NavSection(REFERENCE_TITLE, tuple(reference)))
    return {"navigation": tuple(steps), "current_url_name": current}

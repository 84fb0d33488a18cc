"""分组: balanced groups of an activity, moves and swaps, leaders, tasks and outcomes, the printable sheet.

The department manages the groups while the activity is 筹备中 or 评分中;
everyone who may open the activity (the auditor, its assessors, its
participants and those who follow them) reads the groups and the sheet.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.accounts.query_params import id_param, positive_id

from .. import access
from ..models import Activity, ActivityGroup, ActivityStatus
from ..selectors import groups as selectors
from ..services import grouping as services


class GroupForm(forms.Form):
    leader = forms.TypedChoiceField(
        label=gettext_lazy("组长"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    task = forms.CharField(
        label=gettext_lazy("包干任务"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=gettext_lazy("本组包干负责的任务（成员包干、分组自治）"),
    )
    outcome = forms.CharField(
        label=gettext_lazy("任务成果"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=gettext_lazy("记录成果时自动记下记录时间"),
    )

    def __init__(self, *args: object, group: ActivityGroup, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        members = [m.secondment for m in group.members.all()]
        field = self.fields["leader"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("（暂不指定）"))] + [
            (s.pk, s.cadre.name) for s in sorted(members, key=lambda s: s.cadre.name)
        ]
        self.members = {s.pk: s for s in members}


def _groups_url(activity_id: int, anchor: str = "") -> str:
    return reverse("activities:groups", args=[activity_id]) + (f"#{anchor}" if anchor else "")


def _managed(request: HttpRequest, activity_id: int) -> Activity:
    activity = access.access_activity(request.user, activity_id)
    if not access.is_department(request.user):
        raise PermissionDenied
    return activity


def _report(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


@require_roles(*access.READERS)
@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest, activity_id: int) -> HttpResponse:
    """GET: the groups and their balance. POST: generate (again, after confirmation)."""
    if request.method == "POST":
        return _generate(request, activity_id)
    activity = access.access_activity(request.user, activity_id)
    page = selectors.groups_page(activity)
    can_manage = access.is_department(request.user) and page.editable
    # The rotation's breaches concern those who manage or audit the groups.
    shown = bool(page.groups) and access.reads_everything(request.user)
    leader_warnings = services.leader_warnings(activity) if shown else []
    return render(
        request,
        "activities/groups_page.html",
        {
            "page": page,
            "activity": activity,
            "can_manage": can_manage,
            "leader_warnings": leader_warnings,
            # Each cadre's ability scores stay with the department and the auditor.
            "show_scores": access.reads_everything(request.user),
        },
    )


def _generate(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _managed(request, activity_id)
    confirmed = request.POST.get("confirm") == "1"
    try:
        activity = services.groups_generate(activity=activity, by=request.user, replace=confirmed)
    except services.ReplaceNeedsConfirmation as error:
        return render(
            request,
            "activities/groups_confirm.html",
            {"activity": activity, "message": error.message},
        )
    except services.GroupingError as error:
        messages.error(request, error.message)
        return redirect(_groups_url(activity.pk))
    summary = activity.grouping
    messages.success(
        request,
        _(
            "已分为 %(n)d 组（%(method)s）：各组能力均值极差 %(spread).2f 分，优于 %(pct).1f%% 的随机分组；"
            "计入类别和单位混合的综合目标优于 %(cost_pct).1f%% 的随机分组。"
        )
        % {
            "n": len(summary["sizes"]),
            "method": summary["method"],
            "spread": summary["spread"],
            "pct": summary["percentile"],
            "cost_pct": summary["cost_percentile"],
        },
    )
    return redirect(_groups_url(activity.pk))


@require_roles(Role.STAFF)
@require_POST
def groups_move(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Move one member to another group, or swap two members of different groups."""
    activity = _managed(request, activity_id)
    people = {s.pk: s for s in activity.participants.select_related("cadre")}
    people.update(
        {
            m.secondment_id: m.secondment
            for m in activity.group_members.select_related("secondment__cadre")
        }
    )
    first = people.get(id_param(request, "secondment", post_too=True) or 0)
    try:
        if request.POST.get("action") == "swap":
            second = people.get(id_param(request, "other", post_too=True) or 0)
            if first is None or second is None:
                raise services.GroupingError(_("请选择要互换的两名成员。"))
            warnings = services.groups_swap(
                activity=activity, first=first, second=second, by=request.user
            )
            done = _("已互换%(a)s与%(b)s。") % {"a": first.cadre.name, "b": second.cadre.name}
        else:
            to = positive_id(request.POST.get("to"))
            if first is None or to is None:
                raise services.GroupingError(_("请选择成员和要调入的小组。"))
            warnings = services.groups_move(
                activity=activity, secondment=first, to_number=to, by=request.user
            )
            done = _("已将%(name)s调入第 %(n)d 组。") % {"name": first.cadre.name, "n": to}
    except services.GroupingError as error:
        messages.error(request, error.message)
        return redirect(_groups_url(activity.pk, "adjust"))
    activity.refresh_from_db(fields=["grouping"])
    summary = activity.grouping
    messages.success(
        request,
        done
        + _(
            "调整后极差 %(spread).2f 分，优于 %(pct).1f%% 的随机分组；"
            "综合目标优于 %(cost_pct).1f%% 的随机分组。"
        )
        % {
            "spread": summary["spread"],
            "pct": summary["percentile"],
            "cost_pct": summary["cost_percentile"],
        },
    )
    _report(request, warnings)
    return redirect(_groups_url(activity.pk, "adjust"))


@require_roles(Role.STAFF)
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, activity_id: int, number: int) -> HttpResponse:
    """A group's leader, task (包干任务) and outcome (任务成果)."""
    activity = _managed(request, activity_id)
    group = selectors.group_of(activity, number)
    if group is None:
        raise Http404
    editable = activity.status != ActivityStatus.FINISHED
    if request.method == "POST":
        form = GroupForm(request.POST, group=group)
        if editable and form.is_valid():
            leader_id = form.cleaned_data["leader"]
            try:
                warnings = services.group_update(
                    group=group,
                    by=request.user,
                    leader=form.members.get(leader_id) if leader_id else None,
                    task=form.cleaned_data["task"],
                    outcome=form.cleaned_data["outcome"],
                )
            except services.GroupingError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("第 %(n)d 组已保存。") % {"n": group.number})
                _report(request, warnings)
                return redirect(_groups_url(activity.pk, f"group-{group.number}"))
        elif not editable:
            messages.error(request, _("活动已结束，分组不能再调整。"))
    else:
        form = GroupForm(
            initial={"leader": group.leader_id, "task": group.task, "outcome": group.outcome},
            group=group,
        )
    return render(
        request,
        "activities/groups_edit.html",
        {"activity": activity, "group": group, "form": form, "editable": editable},
    )


@require_roles(Role.STAFF)
@require_POST
def groups_leaders(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Set every group's leader from the rotation over the series' earlier activities."""
    activity = _managed(request, activity_id)
    try:
        warnings = services.groups_leaders_propose(activity=activity, by=request.user)
    except services.GroupingError as error:
        messages.error(request, error.message)
        return redirect(_groups_url(activity.pk))
    messages.success(request, _("已按轮流担任的原则为各组指定组长，可逐组修改。"))
    _report(request, warnings)
    return redirect(_groups_url(activity.pk))


@require_roles(*access.READERS)
@require_GET
def groups_print(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The A4 group sheet: who is in which group, the topic, each group's leader and task."""
    activity = access.access_activity(request.user, activity_id)
    return render(
        request, "activities/groups_print.html", {"page": selectors.groups_page(activity)}
    )


urlpatterns = [
    path("<int:activity_id>/groups/", groups, name="groups"),
    path("<int:activity_id>/groups/move/", groups_move, name="groups_move"),
    path("<int:activity_id>/groups/leaders/", groups_leaders, name="groups_leaders"),
    path("<int:activity_id>/groups/print/", groups_print, name="groups_print"),
    path("<int:activity_id>/groups/<int:number>/", group_edit, name="group_edit"),
]

"""One activity: creating it in a series, reading it, editing it, moving its status on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles

from .. import access
from ..forms import ActivityForm, anchors_text
from ..models import Activity, ActivityStatus
from ..selectors import series as selectors
from ..services import activity as services
from ..services.series import ActivityError


def _fields(form: ActivityForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "title": data["title"],
        "topic": data["topic"],
        "held_on": data["held_on"],
        "place": data["place"],
        "abilities": data["abilities"],
        "participants": form.chosen_participants(),
        "assessors": list(data["assessors"]),
        "group_size": data["group_size"],
        "scale_min": data["scale_min"],
        "scale_max": data["scale_max"],
    }


@require_roles(Role.STAFF)
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest, series_id: int) -> HttpResponse:
    series = access.access_series(request.user, series_id)
    initial = {
        "all_participants": True,
        "group_size": 6,
        "scale_min": 1,
        "scale_max": 5,
        "anchors": anchors_text(services.default_anchors(1, 5)),
    }
    form = ActivityForm(request.POST or None, initial=initial, program=series.program)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.activity_create(
                series=series,
                anchors=form.cleaned_data["anchors"],
                by=request.user,
                **_fields(form),
            )
        except ActivityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("已新建活动“%(title)s”。下一步：分组，并在系列中安排组织者。")
                % {"title": made.title},
            )
            return redirect("activities:activity_detail", made.pk)
    return render(
        request,
        "activities/activity_form.html",
        {"form": form, "series": series, "activity": None, "locked": ""},
    )


@require_roles(*access.READERS)
@require_GET
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access.access_activity(request.user, activity_id)
    page = selectors.activity_page(request.user, activity)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "page": page,
            "activity": activity,
            "can_manage": access.is_department(request.user),
            "statuses": ActivityStatus,
            "problems": services.status_problems(activity),
        },
    )


def _locked(activity: Activity) -> str:
    """Why parts of the form cannot change, in Chinese; "" when all can."""
    if activity.status == ActivityStatus.FINISHED:
        return _("活动已结束，不能再修改。")
    if activity.scores.exists():
        return _("本场活动已有评分，考验能力、分值量表和参加成员已锁定，以保证评分口径一致。")
    if activity.status != ActivityStatus.PLANNED:
        return _("活动已开始评分，考验能力、分值量表和参加成员只能在筹备中修改。")
    return ""


@require_roles(Role.STAFF)
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access.access_activity(request.user, activity_id)
    program = activity.series.program
    participants = list(activity.participants.values_list("pk", flat=True))
    initial = {
        "kind": activity.kind,
        "title": activity.title,
        "topic": activity.topic,
        "held_on": activity.held_on,
        "place": activity.place,
        "abilities": activity.abilities,
        "participants": participants,
        "all_participants": False,
        "assessors": list(activity.assessors.values_list("pk", flat=True)),
        "group_size": activity.group_size,
        "scale_min": activity.scale_min,
        "scale_max": activity.scale_max,
        "anchors": anchors_text(activity.anchors),
    }
    form = ActivityForm(request.POST or None, initial=initial, program=program)
    locked = _locked(activity)
    if locked:
        # Disabled fields keep their initial values whatever is posted.
        frozen = (
            form.fields
            if activity.status == ActivityStatus.FINISHED
            else ("abilities", "all_participants", "participants", "scale_min", "scale_max")
        )
        for name in frozen:
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                activity=activity,
                anchors=form.cleaned_data["anchors"] or {},
                by=request.user,
                **_fields(form),
            )
        except ActivityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已保存活动“%(title)s”。") % {"title": activity.title})
            return redirect("activities:activity_detail", activity.pk)
    return render(
        request,
        "activities/activity_form.html",
        {
            "form": form,
            "series": activity.series,
            "activity": activity,
            "locked": locked,
        },
    )


@require_roles(Role.STAFF)
@require_POST
def activity_status(request: HttpRequest, activity_id: int) -> HttpResponse:
    """开始评分 directly; 结束活动 asks for confirmation first (results then show to trainees)."""
    activity = access.access_activity(request.user, activity_id)
    to = request.POST.get("to", "")
    if to == ActivityStatus.FINISHED and request.POST.get("confirm") != "1":
        return render(
            request,
            "activities/activity_confirm.html",
            {"activity": activity, "to": ActivityStatus.FINISHED},
        )
    try:
        activity = services.activity_status_set(activity=activity, to=to, by=request.user)
    except ActivityError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(title)s”已改为“%(status)s”。")
            % {"title": activity.title, "status": activity.get_status_display()},
        )
    return redirect("activities:activity_detail", activity.pk)


urlpatterns = [
    path("series/<int:series_id>/new/", activity_create, name="activity_create"),
    path("<int:activity_id>/", activity_detail, name="activity_detail"),
    path("<int:activity_id>/edit/", activity_edit, name="activity_edit"),
    path("<int:activity_id>/status/", activity_status, name="activity_status"),
]

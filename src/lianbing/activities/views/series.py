"""赋能活动 series: the list with its month calendar, a series, its organisers' rotation, pair rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.accounts.query_params import id_param, positive_id
from lianbing.training.selectors import secondments as training_selectors

from .. import access
from ..forms import PairRuleForm, SeriesForm, form_errors
from ..models import PairRuleKind
from ..selectors import series as selectors
from ..services import rotation
from ..services import series as services


def _detail(series_id: int, anchor: str = "") -> HttpResponse:
    url = reverse("activities:series_detail", args=[series_id])
    return redirect(url + (f"#{anchor}" if anchor else ""))


#: How many followed trainees the list page links to (a host unit rarely has more).
FOLLOWED_SHOWN = 50


@require_roles(*access.READERS)
@require_GET
def series_list(request: HttpRequest) -> HttpResponse:
    page = selectors.series_list_page(
        request.user, program_id=id_param(request, "program"), month=request.GET.get("month")
    )
    # A trainee, mentor or host contact finds the results of the trainees they follow here.
    followed = (
        access.followed_secondments(request.user)
        .filter(program=page.program)
        .select_related("cadre", "post__unit")
        .order_by("cadre__name")[:FOLLOWED_SHOWN]
        if page.program is not None and not access.reads_everything(request.user)
        else []
    )
    return render(
        request,
        "activities/series_list.html",
        {"page": page, "can_manage": access.is_department(request.user), "followed": followed},
    )


@require_roles(Role.STAFF)
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    program = training_selectors.program_of(id_param(request, "program", post_too=True))
    if program is None:
        messages.error(request, _("还没有练兵批次，请先建立练兵批次。"))
        return redirect("activities:series_list")
    form = SeriesForm(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.series_create(program=program, by=request.user, **form.cleaned_data)
        except services.ActivityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("已建立活动系列“%(name)s”，请新建活动并安排轮流组织。") % {"name": series.name},
            )
            return _detail(series.pk)
    return render(
        request,
        "activities/series_form.html",
        {"form": form, "program": program, "series": None},
    )


@require_roles(*access.READERS)
@require_GET
def series_detail(request: HttpRequest, series_id: int) -> HttpResponse:
    series = access.access_series(request.user, series_id)
    everything = access.reads_everything(request.user)
    problems = rotation.current_problems(series) if everything else []
    page = selectors.series_page(request.user, series, rotation_problems=problems)
    can_manage = access.is_department(request.user)
    return render(
        request,
        "activities/series_detail.html",
        {
            "page": page,
            "can_manage": can_manage,
            "reads_everything": everything,
            "rule_form": PairRuleForm(program=series.program) if can_manage else None,
            "rule_kinds": PairRuleKind,
        },
    )


@require_roles(Role.STAFF)
@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, series_id: int) -> HttpResponse:
    series = access.access_series(request.user, series_id)
    initial = {
        "name": series.name,
        "description": series.description,
        "organisers": list(series.organisers.values_list("pk", flat=True)),
    }
    form = SeriesForm(request.POST or None, initial=initial, program=series.program)
    if request.method == "POST" and form.is_valid():
        try:
            services.series_update(series=series, by=request.user, **form.cleaned_data)
        except services.ActivityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已保存活动系列。"))
            return _detail(series.pk)
    return render(
        request,
        "activities/series_form.html",
        {"form": form, "program": series.program, "series": series},
    )


@require_roles(Role.STAFF, Role.AUDITOR)
@require_http_methods(["GET", "POST"])
def series_rotation(request: HttpRequest, series_id: int) -> HttpResponse:
    """GET: the generated plan beside the current one. POST ``action=apply`` takes the
    generated plan; ``action=save`` saves the edited selects after the fairness check."""
    series = access.access_series(request.user, series_id)
    problems: list[str] = []
    chosen: dict[int, int | None] = {}
    if request.method == "POST":
        if not access.is_department(request.user):
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "apply":
                rotation.organiser_plan_apply(series=series, by=request.user)
                messages.success(request, _("已按生成的轮值安排确定各场活动的组织者。"))
                return redirect("activities:series_rotation", series.pk)
            if action == "save":
                chosen = {
                    a.pk: positive_id(request.POST.get(f"organiser-{a.pk}"))
                    for a in series.activities.all()
                }
                rotation.organiser_plan_save(series=series, organisers=chosen, by=request.user)
                messages.success(request, _("已保存轮值安排，符合轮流组织规则。"))
                return redirect("activities:series_rotation", series.pk)
            messages.error(request, _("无法识别的操作。"))
        except rotation.UnfairPlan as error:
            problems = error.problems
            messages.error(request, _("轮值安排不符合轮流组织规则，未保存，请按提示调整。"))
        except services.ActivityError as error:
            messages.error(request, error.message)
    plan = rotation.rotation_of(series)
    try:
        generated = rotation.generated_plan(plan)
    except services.ActivityError as error:
        # Activities already held fix turns the rule cannot fit around; say so.
        generated = []
        messages.warning(request, error.message)
    rows = [
        {
            "activity": a,
            "generated": generated[k] if generated else None,
            "chosen": chosen.get(a.pk, a.organiser_id) if chosen else a.organiser_id,
        }
        for k, a in enumerate(plan.activities)
    ]
    return render(
        request,
        "activities/series_rotation.html",
        {
            "series": series,
            "plan": plan,
            "rows": rows,
            "problems": problems,
            "current_problems": [] if problems else rotation.current_problems(series),
            "can_manage": access.is_department(request.user),
        },
    )


@require_roles(Role.STAFF)
@require_POST
def pair_rule_add(request: HttpRequest, series_id: int) -> HttpResponse:
    series = access.access_series(request.user, series_id)
    form = PairRuleForm(request.POST, program=series.program)
    if not form.is_valid():
        messages.error(request, _("分组规则未保存：") + form_errors(form))
        return _detail(series.pk, "rules")
    try:
        rule = services.pair_rule_add(series=series, by=request.user, **form.cleaned_data)
    except services.ActivityError as error:
        messages.error(request, error.message)
        return _detail(series.pk, "rules")
    messages.success(
        request,
        _("已添加分组规则：%(a)s与%(b)s%(kind)s。")
        % {
            "a": rule.first.cadre.name,
            "b": rule.second.cadre.name,
            "kind": rule.get_kind_display(),
        },
    )
    return _detail(series.pk, "rules")


@require_roles(Role.STAFF)
@require_POST
def pair_rule_delete(request: HttpRequest, series_id: int, rule_id: int) -> HttpResponse:
    """The first POST asks for confirmation; the POST from that page deletes."""
    series = access.access_series(request.user, series_id)
    rule = selectors.rule_of(series, rule_id)
    if request.POST.get("confirm") != "1":
        return render(
            request, "activities/series_rule_delete.html", {"series": series, "rule": rule}
        )
    services.pair_rule_delete(rule=rule, by=request.user)
    messages.success(request, _("已删除该分组规则。"))
    return _detail(series.pk, "rules")


urlpatterns = [
    path("", series_list, name="series_list"),
    path("series/new/", series_create, name="series_create"),
    path("series/<int:series_id>/", series_detail, name="series_detail"),
    path("series/<int:series_id>/edit/", series_edit, name="series_edit"),
    path("series/<int:series_id>/rotation/", series_rotation, name="series_rotation"),
    path("series/<int:series_id>/rules/add/", pair_rule_add, name="pair_rule_add"),
    path(
        "series/<int:series_id>/rules/<int:rule_id>/delete/",
        pair_rule_delete,
        name="pair_rule_delete",
    ),
]

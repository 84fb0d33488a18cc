"""Pages of training plans (练兵计划): the plan of a secondment, a version, its edit form,
the decisions on it, comments, a comparison of two versions, the printable 练兵计划书
and the Excel export of a program's plans.

Every page finds its secondment or version through :mod:`..access` (404 out of
scope); who may write is checked again by the service (403 with a reason).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.accounts.query_params import id_param
from lianbing.xlsx.training_plans import training_plans_workbook

from .. import access, clock
from ..models import PlanStatus
from ..plan_forms import CommentForm, PlanEditor, ReturnForm, text_of
from ..selectors import plans as selectors
from ..services import plans as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request: HttpRequest, error: services.PlanError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _detail(plan_id: int) -> HttpResponse:
    return redirect("training:plan_detail", plan_id=plan_id)


# --------------------------------------------------------------------------- reading


@require_roles(*access.READERS)
@require_GET
def plan_current(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = access.access_secondment(request.user, secondment_id)
    return render(
        request,
        "training/plan_current.html",
        {"page": selectors.plan_page(request.user, secondment)},
    )


@require_roles(*access.READERS)
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    return render(
        request, "training/plan_detail.html", {"d": selectors.plan_detail(request.user, plan)}
    )


@require_roles(*access.READERS)
@require_GET
def plan_compare(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = access.access_secondment(request.user, secondment_id)
    comparison = selectors.plan_compare(
        secondment, left_id=id_param(request, "a"), right_id=id_param(request, "b")
    )
    return render(
        request, "training/plan_compare.html", {"secondment": secondment, "c": comparison}
    )


@require_roles(*access.READERS)
@require_GET
def plan_print(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    return render(request, "training/plan_print.html", {"v": selectors.plan_view(plan)})


@require_roles(Role.STAFF)
@require_GET
def plan_export(request: HttpRequest) -> HttpResponse:
    program = selectors.export_program(id_param(request, "program"))
    if program is None:
        raise Http404
    today = clock.today()
    plans, milestones = selectors.plan_export_rows(program, today=today)
    data = training_plans_workbook(
        title=f"{program.name} · {_('练兵计划')}", plans=plans, milestones=milestones, on=today
    )
    response = HttpResponse(data, content_type=XLSX)
    filename = f"training-plans-{program.pk}-{today:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --------------------------------------------------------------------------- the mentor


@require_roles(Role.MENTOR)
@require_POST
def plan_start(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = access.access_secondment(request.user, secondment_id)
    try:
        plan = services.plan_start(secondment=secondment, user=request.user)
    except services.PlanError as error:
        _errors(request, error)
        return redirect("training:plan_current", secondment_id=secondment.pk)
    messages.success(request, _("已按岗位职责和练兵期限生成计划草稿，请填写练兵目标并核对节点。"))
    return redirect("training:plan_edit", plan_id=plan.pk)


@require_roles(Role.MENTOR)
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    if not access.is_mentor_of(request.user, plan.secondment):
        raise PermissionDenied(_("只有该干部已确认的练兵导师可以修改练兵计划。"))
    if plan.status != PlanStatus.DRAFT:
        messages.info(request, _("该版本已提交或已审批，不能再修改；如需调整，请修订为新版本。"))
        return _detail(plan.pk)
    editor = PlanEditor(plan, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and editor.saving:
        if editor.is_valid():
            try:
                services.plan_update(plan=plan, user=request.user, **editor.inputs())
            except services.PlanError as error:
                editor.problems = error.messages
                status = 400
            else:
                messages.success(request, _("计划草稿已保存。"))
                return _detail(plan.pk)
        else:
            status = 400
    template = "training/plan_edit.html"
    if getattr(request, "htmx", False) and not editor.saving:
        template += "#fields"
    return render(request, template, {"plan": plan, "editor": editor}, status=status)


@require_roles(Role.MENTOR)
@require_POST
def plan_submit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    try:
        services.plan_submit(plan=plan, user=request.user)
    except services.PlanError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已提交组织部审批。"))
    return _detail(plan.pk)


@require_roles(Role.MENTOR)
@require_POST
def plan_revise(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    try:
        draft = services.plan_revise(plan=plan, user=request.user)
    except services.PlanError as error:
        _errors(request, error)
        return _detail(plan.pk)
    messages.success(
        request,
        _("已在第 %(old)d 版基础上生成第 %(new)d 版草稿。")
        % {"old": plan.version, "new": draft.version},
    )
    return redirect("training:plan_edit", plan_id=draft.pk)


# --------------------------------------------------------------------------- the department


@require_roles(Role.STAFF)
@require_POST
def plan_return(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    reason, problem = text_of(ReturnForm(request.POST), "reason")
    try:
        if problem:
            raise services.PlanError(problem)
        services.plan_return(plan=plan, user=request.user, reason=reason)
    except services.PlanError as error:
        _errors(request, error)
    else:
        messages.success(request, _("已退回导师修改。"))
    return _detail(plan.pk)


@require_roles(Role.STAFF)
@require_POST
def plan_approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    try:
        services.plan_approve(plan=plan, user=request.user)
    except services.PlanError as error:
        _errors(request, error)
        return _detail(plan.pk)
    messages.success(request, _("练兵计划第 %(v)d 版已批准。") % {"v": plan.version})
    return redirect("training:plan_current", secondment_id=plan.secondment_id)


# --------------------------------------------------------------------------- comments


@require_roles(Role.STAFF, Role.MENTOR, Role.TRAINEE)
@require_POST
def plan_comment(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.access_plan(request.user, plan_id)
    text, problem = text_of(CommentForm(request.POST), "text")
    try:
        if problem:
            raise services.PlanError(problem)
        services.plan_comment_add(plan=plan, user=request.user, text=text)
    except services.PlanError as error:
        _errors(request, error)
    else:
        messages.success(request, _("意见已发表。"))
    return redirect(reverse("training:plan_detail", kwargs={"plan_id": plan.pk}) + "#comments")


urlpatterns: list[URLPattern] = [
    path("<int:secondment_id>/plan/", plan_current, name="plan_current"),
    path("<int:secondment_id>/plan/start/", plan_start, name="plan_start"),
    path("<int:secondment_id>/plan/compare/", plan_compare, name="plan_compare"),
    path("plan/<int:plan_id>/", plan_detail, name="plan_detail"),
    path("plan/<int:plan_id>/edit/", plan_edit, name="plan_edit"),
    path("plan/<int:plan_id>/submit/", plan_submit, name="plan_submit"),
    path("plan/<int:plan_id>/revise/", plan_revise, name="plan_revise"),
    path("plan/<int:plan_id>/return/", plan_return, name="plan_return"),
    path("plan/<int:plan_id>/approve/", plan_approve, name="plan_approve"),
    path("plan/<int:plan_id>/comment/", plan_comment, name="plan_comment"),
    path("plan/<int:plan_id>/print/", plan_print, name="plan_print"),
    path("plan/export/", plan_export, name="plan_export"),
]

"""The 练兵档案 page of one secondment, its forms, and attachment downloads.

Each view admits its roles by policy, reaches the record through
:mod:`lianbing.training.access` (404 out of scope), makes one service or
selector call and renders; the service says who may write (403 otherwise).
A refused form re-renders the page with the reader's input and the reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles

from .. import access
from ..forms.progress import AssessmentForm, CommentForm, LogForm, MilestoneUpdateForm
from ..models import Secondment
from ..selectors import progress as selectors
from ..services import progress as services

TEMPLATE = "training/secondment_detail.html"


def _form_error(form: Any, error: services.ProgressError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _detail_url(secondment: Secondment, anchor: str = "") -> str:
    url = reverse("training:secondment_detail", args=[secondment.pk])
    return f"{url}#{anchor}" if anchor else url


def _results_hint(form: LogForm) -> bool:
    results = str(form.data.get("results", "")).strip()
    return bool(form.is_bound and results and not services.results_have_numbers(results))


def _page(
    request: HttpRequest,
    secondment: Secondment,
    *,
    status: int = 200,
    log_form: LogForm | None = None,
    milestone_form: MilestoneUpdateForm | None = None,
    assessment_form: AssessmentForm | None = None,
    comment_form: CommentForm | None = None,
    comment_log_id: int | None = None,
) -> HttpResponse:
    record = selectors.secondment_record(user=request.user, secondment=secondment)
    if log_form is None and record.can_file_log:
        log_form = LogForm(initial={"on": record.today})
    if milestone_form is None and record.can_update_milestones:
        milestone_form = MilestoneUpdateForm(initial={"on": record.today})
    if milestone_form is not None:
        milestone_form.offer(record.open_milestones)
    for form in (log_form, milestone_form):
        if form is not None:
            form.limit_dates(record.secondment.started_on, record.today)
    if assessment_form is None and record.can_assess:
        current = record.current_assessment
        initial: dict[str, Any] = {}
        if current is not None:
            initial = {f"score_{code}": value for code, value in current.scores.items()}
            initial["remark"] = current.remark
        assessment_form = AssessmentForm(scale=record.scale, initial=initial)
    context = {
        "record": record,
        "secondment": record.secondment,
        "log_form": log_form if record.can_file_log else None,
        "results_hint": log_form is not None and _results_hint(log_form),
        # A refused form is shown back to its writer even where a fresh one would not be.
        "milestone_form": milestone_form
        if record.can_update_milestones
        or (record.is_trainee and milestone_form is not None and milestone_form.is_bound)
        else None,
        "assessment_form": assessment_form
        if record.can_assess
        or (record.is_mentor and assessment_form is not None and assessment_form.is_bound)
        else None,
        "comment_form": comment_form,
        "comment_log_id": comment_log_id,
    }
    return render(request, TEMPLATE, context, status=status)


@require_roles(*access.READERS)
@require_GET
def secondment_detail(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = access.access_secondment(request.user, secondment_id)
    return _page(request, secondment)


@require_roles(Role.TRAINEE)
@require_POST
def log_create(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = access.access_secondment(request.user, secondment_id)
    form = LogForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            log = services.log_create(
                user=request.user,
                secondment=secondment,
                on=form.cleaned_data["on"],
                work=form.cleaned_data["work"],
                results=form.cleaned_data["results"],
                files=form.cleaned_data["attachments"],
            )
        except services.ProgressError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("练兵日志已保存。"))
            if not services.results_have_numbers(log.results):
                messages.info(
                    request,
                    _(
                        "小提示：工作成效里写上数字（如走访农户 23 户、解决问题 5 个），导师更容易看出成绩。"
                    ),
                )
            return redirect(_detail_url(secondment, f"log-{log.pk}"))
    return _page(request, secondment, status=400, log_form=form)


@require_roles(Role.MENTOR, Role.STAFF)
@require_POST
def log_comment(request: HttpRequest, log_id: int) -> HttpResponse:
    log = access.access_log(request.user, log_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.log_comment_create(user=request.user, log=log, text=form.cleaned_data["text"])
        except services.ProgressError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("点评已保存。"))
            return redirect(_detail_url(log.secondment, f"log-{log.pk}"))
    return _page(request, log.secondment, status=400, comment_form=form, comment_log_id=log.pk)


@require_roles(Role.TRAINEE)
@require_POST
def milestone_update(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = access.access_secondment(request.user, secondment_id)
    form = MilestoneUpdateForm(request.POST)
    if form.is_valid():
        try:
            update = services.milestone_update_create(
                user=request.user,
                secondment=secondment,
                milestone_id=form.cleaned_data["milestone"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                done=form.cleaned_data["done"],
            )
        except services.ProgressError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("节点已标记为完成。") if update.done else _("节点进展已保存。")
            )
            return redirect(_detail_url(secondment, "milestones"))
    return _page(request, secondment, status=400, milestone_form=form)


@require_roles(Role.MENTOR)
@require_POST
def assessment_record(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = access.access_secondment(request.user, secondment_id)
    form = AssessmentForm(request.POST, scale=secondment.program.assessment_scale)
    if form.is_valid():
        try:
            assessment = services.monthly_assessment_record(
                user=request.user,
                secondment=secondment,
                scores=form.scores(),
                remark=form.cleaned_data["remark"],
            )
        except services.ProgressError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(month)s 月度评价已保存，本月内可以修改。")
                % {"month": f"{assessment.month:%Y-%m}"},
            )
            return redirect(_detail_url(secondment, "assessment"))
    return _page(request, secondment, status=400, assessment_form=form)


@require_roles(*access.READERS)
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = access.access_attachment(request.user, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("附件文件已不存在。")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    # Never rendered by the browser: not sniffed into HTML, and sandboxed if opened anyway.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


urlpatterns = [
    path("<int:secondment_id>/", secondment_detail, name="secondment_detail"),
    path("<int:secondment_id>/logs/", log_create, name="log_create"),
    path("logs/<int:log_id>/comments/", log_comment, name="log_comment"),
    path("<int:secondment_id>/milestones/", milestone_update, name="milestone_update"),
    path("<int:secondment_id>/assessments/", assessment_record, name="assessment_record"),
    path("attachments/<int:attachment_id>/", attachment_download, name="attachment_download"),
]

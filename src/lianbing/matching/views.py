"""Matching pages: each checks access through :mod:`.access`, makes one call and renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.accounts.query_params import id_param
from lianbing.accounts.text_limits import first_error
from lianbing.background.models import JobStatus
from lianbing.background.services import job_check_worker
from lianbing.background.views import job_cancel_response, job_status_response

from . import pair_detail, selectors
from .access import access_match_export, access_match_run, access_matching
from .forms import DecisionForm, DecisionWithdrawForm, FinaliseForm, MatchRunForm
from .models import MatchRun, Reoptimisation
from .services import decisions, export_files, finalising, runs
from .services import exports as export_requests
from .services import reoptimisation as reoptimising
from .services.guards import MatchingError


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@require_roles(Role.STAFF)
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    access_matching(request.user)
    program_id = id_param(request, "program", post_too=True)
    runs = selectors.match_run_list(program_id=program_id)
    page = Paginator(runs, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "matching/run_list.html",
        {"page_obj": page, "programs": selectors.program_choices(), "program_id": program_id},
    )


@require_roles(Role.STAFF)
@require_http_methods(["GET", "POST"])
def run_create(request: HttpRequest) -> HttpResponse:
    access_matching(request.user)
    form = MatchRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = runs.match_run_create(
                program=form.cleaned_data["program"],
                created_by=request.user,  # type: ignore[arg-type]
                cadres=form.chosen_cadres(),
                posts=form.chosen_posts(),
                run_settings=form.run_settings(),
                title=form.cleaned_data["title"],
                supersedes=form.cleaned_data["supersedes"],
                supersede_reason=form.cleaned_data["supersede_reason"],
            )
        except MatchingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已提交“%(run)s”，正在后台计算。") % {"run": run})
            return redirect(run)
    return render(request, "matching/run_form.html", {"form": form})


@require_roles(Role.STAFF)
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    if _is_htmx(request):
        # The secondments' page links swap only their list.
        page = selectors.run_secondments(run=run, page_number=request.GET.get("page"))
        return render(
            request,
            "matching/run_detail.html#secondments",
            {"d": {"secondments": page}, "run": run},
        )
    detail = selectors.match_run_detail(run=run, secondment_page=request.GET.get("page"))
    return render(
        request,
        "matching/run_detail.html",
        {
            "d": detail,
            "run": run,
            "finalise_form": FinaliseForm(),
            "others": selectors.comparable_runs(run=run),
        },
    )


@require_roles(Role.STAFF)
@require_GET
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    status = selectors.match_run_status(run_id=run.pk)
    return job_status_response(
        request, job=status, template="matching/run_detail.html#status", context={"run": status}
    )


@require_roles(Role.STAFF)
@require_GET
def run_analysis(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run page's analysis section, polled while the analysis is worked out."""
    run = access_match_run(request.user, run_id)
    state = selectors.run_analysis_state(run=run)
    if state.job is not None:
        job_check_worker(job=state.job)
    return render(
        request,
        "matching/run_detail.html#analysis",
        {"run": run, "a": state.analysis, "analysis_job": state.job},
    )


@require_roles(Role.STAFF)
@require_POST
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    return job_cancel_response(
        request,
        cancel=lambda: runs.match_run_cancel(run=run),
        refused=MatchingError,
        asked_message=_("已请求取消计算。"),
        back=run.get_absolute_url(),
    )


def _balance_context(request: HttpRequest, run_id: int) -> dict[str, object]:
    run = access_match_run(request.user, run_id)

    def value(name: str) -> str:
        return request.GET.get(name, "") or request.POST.get(name, "")

    table = selectors.balance_table(
        run=run,
        unit_id=id_param(request, "unit", post_too=True),
        category=value("category"),
        search=value("q")[:100],
        page_number=value("page") or None,
    )
    # One reverse() for the page; the pair links append the cadre and post ids.
    pair_base = reverse("matching:pair", args=[run.pk, 0, 0]).removesuffix("0/0/")
    return {"run": run, "t": table, "pair_base": pair_base}


@require_roles(Role.STAFF)
@require_GET
def balance(request: HttpRequest, run_id: int) -> HttpResponse:
    context = _balance_context(request, run_id)
    template = "matching/balance.html#table" if _is_htmx(request) else "matching/balance.html"
    return render(request, template, context)


@require_roles(Role.STAFF)
@require_GET
def pair(request: HttpRequest, run_id: int, cadre_id: int, post_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    detail = pair_detail.pair_detail(run=run, cadre_id=cadre_id, post_id=post_id)
    if detail is None:
        raise Http404(_("该配对不在本方案中"))
    template = "matching/pair.html#panel" if _is_htmx(request) else "matching/pair.html"
    return render(request, template, {"run": run, "p": detail})


@require_roles(Role.STAFF)
@require_POST
def decision_create(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    form = DecisionForm(request.POST)
    error = ""
    if not form.is_valid():
        error = first_error(form, "reason") or _("请求不完整，请刷新页面后重试。")
    else:
        try:
            decisions.decision_record(
                run=run,
                kind=form.cleaned_data["kind"],
                cadre_id=form.cleaned_data["cadre"],
                post_id=form.cleaned_data["post"],
                reason=form.cleaned_data["reason"],
                created_by=request.user,  # type: ignore[arg-type]
            )
        except MatchingError as exc:
            error = str(exc)
    post_id = form.cleaned_data.get("post") if form.is_valid() else None
    back = request.POST.get("return_post") or post_id
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("已记录研判决定。请点击“重新优化”使其生效。"))
        return redirect(reverse("matching:balance", args=[run.pk]))
    detail = pair_detail.pair_detail(
        run=run, cadre_id=form.cleaned_data.get("cadre") or 0, post_id=int(back or 0)
    )
    if detail is None:
        raise Http404(_("该配对不在本方案中"))
    response = render(
        request,
        "matching/pair.html#panel",
        {"run": run, "p": detail, "error": error, "pending_changed": not error},
    )
    if not error:
        # The balance table listens for this event and reloads its marks and counter.
        response["HX-Trigger"] = "decisionRecorded"
    return response


@require_roles(Role.STAFF)
@require_POST
def decision_withdraw(request: HttpRequest, run_id: int, decision_id: int) -> HttpResponse:
    """Withdraw a decision from the pair panel or the run page; htmx gets that part back."""
    run = access_match_run(request.user, run_id)
    decision = selectors.run_decision(run=run, decision_id=decision_id)
    if decision is None:
        raise Http404(_("没有找到这项研判决定"))
    form = DecisionWithdrawForm(request.POST)
    error = notice = ""
    if not form.is_valid():
        error = first_error(form, "reason") or _("请求不完整，请刷新页面后重试。")
    else:
        try:
            decision = decisions.decision_withdraw(
                decision=decision,
                withdrawn_by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except MatchingError as exc:
            error = str(exc)
        else:
            notice = (
                _("已撤销研判决定。请点击“重新优化”，使配置方案不再受它约束。")
                if decision.is_pending
                else _("已撤销研判决定。它还没有纳入优化，配置方案无需调整。")
            )
    back_post = form.cleaned_data.get("return_post") if form.is_valid() else None
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        if back_post is not None:
            return redirect(reverse("matching:balance", args=[run.pk]))
        return redirect(run)
    if back_post is not None:
        detail = pair_detail.pair_detail(run=run, cadre_id=decision.cadre_id, post_id=back_post)
        if detail is None:
            raise Http404(_("该配对不在本方案中"))
        response = render(
            request,
            "matching/pair.html#panel",
            {"run": run, "p": detail, "error": error, "notice": notice},
        )
    else:
        response = render(
            request,
            "matching/run_detail.html#decisions",
            {
                "run": run,
                "log": selectors.run_decisions(run=run),
                "error": error,
                "notice": notice,
                "oob": True,
            },
        )
    if not error:
        # As for a new decision: the balance table reloads its marks and pending count.
        response["HX-Trigger"] = "decisionRecorded"
    return response


def _reoptimisation_area(
    request: HttpRequest, run: MatchRun, reoptimisation: Reoptimisation, error: str = ""
) -> HttpResponse:
    """The balance area: the progress while a re-optimisation is under way, else the table.

    Done: the table with what moved. Failed: its message over the unchanged
    table. Cancelled: a note over the unchanged table.
    """
    if reoptimisation.is_active:
        return render(
            request,
            "matching/balance.html#reoptimisation",
            {"run": run, "reoptimisation": reoptimisation, "error": error},
        )
    context = _balance_context(request, run.pk)
    if reoptimisation.status == JobStatus.DONE:
        context.update({"show_moves": True, "moves": reoptimisation.moves})
    elif reoptimisation.status == JobStatus.FAILED:
        context["error"] = reoptimisation.error
    else:
        context["notice"] = _("已取消重新优化，配置方案未改变。")
    if error:
        context["error"] = error
    return render(request, "matching/balance.html#table", context)


@require_roles(Role.STAFF)
@require_POST
def reoptimise(request: HttpRequest, run_id: int) -> HttpResponse:
    """Queue a re-optimisation; htmx gets the progress in place of the table, which polls."""
    run = access_match_run(request.user, run_id)
    try:
        reoptimisation = reoptimising.match_run_reoptimise_request(
            run=run,
            requested_by=request.user,  # type: ignore[arg-type]
        )
    except MatchingError as exc:
        if not _is_htmx(request):
            messages.error(request, str(exc))
            return redirect(reverse("matching:balance", args=[run.pk]))
        context = _balance_context(request, run_id)
        context["error"] = str(exc)
        return render(request, "matching/balance.html#table", context)
    if not _is_htmx(request):
        if reoptimisation.status == JobStatus.DONE:
            messages.success(request, _("已按研判决定重新优化。"))
        elif reoptimisation.status == JobStatus.FAILED:
            messages.error(request, reoptimisation.error)
        elif reoptimisation.is_active:
            messages.info(request, _("已提交重新优化，正在后台求解；完成后平衡表将更新。"))
        return redirect(reverse("matching:balance", args=[run.pk]))
    return _reoptimisation_area(request, run, reoptimisation)


@require_roles(Role.STAFF)
@require_GET
def reoptimisation_status(
    request: HttpRequest, run_id: int, reoptimisation_id: int
) -> HttpResponse:
    """Polled by the progress: itself while under way, then the table in its place."""
    run = access_match_run(request.user, run_id)
    reoptimisation = selectors.reoptimisation_status(run=run, reoptimisation_id=reoptimisation_id)
    if reoptimisation is None:
        raise Http404(_("没有找到这次重新优化"))
    if not _is_htmx(request):
        return redirect(reverse("matching:balance", args=[run.pk]))
    job_check_worker(job=reoptimisation)  # a re-optimisation whose worker died ends now
    return _reoptimisation_area(request, run, reoptimisation)


@require_roles(Role.STAFF)
@require_POST
def reoptimisation_cancel(
    request: HttpRequest, run_id: int, reoptimisation_id: int
) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    reoptimisation = selectors.reoptimisation_status(run=run, reoptimisation_id=reoptimisation_id)
    if reoptimisation is None:
        raise Http404(_("没有找到这次重新优化"))
    error = ""
    try:
        reoptimisation = reoptimising.match_reoptimise_cancel(reoptimisation=reoptimisation)
    except MatchingError as exc:
        error = str(exc)
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        elif reoptimisation.status == JobStatus.FAILED:
            messages.warning(request, reoptimisation.error)
        elif reoptimisation.is_active:
            messages.info(request, _("已请求取消：求解结束后将丢弃本次结果，配置方案不变。"))
        else:
            messages.info(request, _("已取消重新优化，配置方案未改变。"))
        return redirect(reverse("matching:balance", args=[run.pk]))
    return _reoptimisation_area(request, run, reoptimisation, error)


@require_roles(Role.STAFF)
@require_POST
def finalise(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    form = FinaliseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请勾选确认后再定案。"))
        return redirect(run)
    try:
        finalising.match_run_finalise(run=run, finalised_by=request.user)  # type: ignore[arg-type]
    except MatchingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已定案：练兵安排已生成，方案已锁定。"))
    return redirect(run)


@require_roles(Role.STAFF)
@require_GET
def charts(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    return render(request, "matching/charts.html", {"run": run, "c": selectors.run_charts(run=run)})


@require_roles(Role.STAFF)
@require_GET
def compare(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    other_id = id_param(request, "other", post_too=True)
    if other_id is None:
        messages.error(request, _("请选择要对比的另一个方案。"))
        return redirect(run)
    other = access_match_run(request.user, other_id)
    comparison = selectors.run_compare(left=run, right=other)
    # Two province-scale runs may differ for thousands of cadres: the moves a page at a time.
    moved = Paginator(comparison.moved, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "matching/compare.html", {"run": run, "c": comparison, "page_obj": moved}
    )


@require_roles(Role.STAFF)
@require_GET
def print_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    return render(request, "matching/print.html", {"run": run, "r": selectors.run_print(run=run)})


@require_roles(Role.STAFF)
@require_POST
def export_create(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    try:
        export_requests.match_export_create(run=run, created_by=request.user)  # type: ignore[arg-type]
    except MatchingError as exc:
        messages.error(request, str(exc))
    if not _is_htmx(request):
        return redirect(run)
    return render(
        request,
        "matching/run_detail.html#exports",
        {"run": run, "exports": selectors.match_export_list(run=run)},
    )


@require_roles(Role.STAFF)
@require_GET
def exports(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access_match_run(request.user, run_id)
    return render(
        request,
        "matching/run_detail.html#exports",
        {"run": run, "exports": selectors.match_export_list(run=run)},
    )


@require_roles(Role.STAFF)
@require_GET
def export_download(request: HttpRequest, export_id: int) -> FileResponse:
    export = access_match_export(request.user, export_id)
    if export.status == JobStatus.EXPIRED:
        raise Http404(_("文件已不存在，请重新导出"))
    if export.status != JobStatus.DONE:
        raise Http404(_("文件还没有生成"))
    path = export_files.export_directory() / export.file_name
    if not path.is_file():
        raise Http404(_("文件已不存在，请重新导出"))
    return FileResponse(path.open("rb"), as_attachment=True, filename=export.download_name)

"""Survey pages. Each looks rows up through ``access`` and makes one service or selector call."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.accounts.query_params import id_param, positive_id
from lianbing.accounts.text_limits import first_error
from lianbing.engine import taxonomy
from lianbing.engine.suggest import Suggestion
from lianbing.people import versioning

from . import access, charts, exports, selectors, services
from .forms import ConvertForm, DemandForm, ReturnForm, RoundForm, ability_field_name
from .models import Demand, DemandStatus, SurveyRound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_error(form: Any, error: services.DemandError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --------------------------------------------------------------------------- rounds


@require_roles(Role.STAFF, Role.HOST_CONTACT)
def round_list(request: HttpRequest) -> HttpResponse:
    actor = access.actor_of(request.user)
    form = RoundForm(programs=selectors.program_choices()) if actor.is_staff else None
    return render(
        request,
        "survey/round_list.html",
        {"actor": actor, "rounds": selectors.round_list(actor=actor), "form": form},
    )


@require_roles(Role.STAFF)
@require_POST
def round_create(request: HttpRequest) -> HttpResponse:
    actor = access.require_staff(request.user)
    form = RoundForm(request.POST, programs=selectors.program_choices())
    if form.is_valid():
        try:
            survey_round = services.survey_round_create(**form.cleaned_data)
        except services.DemandError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("已发起需求调研“%(name)s”。") % {"name": survey_round.name})
            return redirect(survey_round)
    return render(
        request,
        "survey/round_list.html",
        {"actor": actor, "rounds": selectors.round_list(actor=actor), "form": form},
        status=400,
    )


@require_roles(Role.STAFF, Role.HOST_CONTACT)
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    actor, survey_round = access.access_round(request.user, round_id)
    status = request.GET.get("status", "")
    unit_id = id_param(request, "unit")
    page = selectors.round_page(
        actor=actor,
        survey_round=survey_round,
        status=status,
        unit_id=unit_id,
        page_number=request.GET.get("page"),
    )
    template = "survey/round_detail.html"
    if getattr(request, "htmx", False):
        template += "#demands"
    return render(
        request,
        template,
        {
            "actor": actor,
            "page": page,
            "survey_round": survey_round,
            "status": status,
            "unit_id": unit_id,
            "statuses": DemandStatus.choices,
            "is_open": timezone.now() <= survey_round.deadline_at,
        },
    )


# --------------------------------------------------------------------------- filing


def _demand_form_context(
    *,
    form: DemandForm,
    survey_round: SurveyRound,
    suggestion: Suggestion | None,
    demand: Demand | None = None,
) -> dict[str, Any]:
    return {
        "form": form,
        "survey_round": survey_round,
        "demand": demand,
        "suggestion": suggestion,
        "is_open": timezone.now() <= survey_round.deadline_at,
    }


def _suggestion_of(form: DemandForm) -> Suggestion | None:
    data = form.data
    key_task = str(data.get("key_task", "")).strip()
    if not key_task and not str(data.get("duties", "")).strip():
        return None
    return selectors.suggestion_for(
        key_task=key_task,
        duties=str(data.get("duties", "")),
        expertise_needed=str(data.get("expertise_needed", "")),
    )


@require_roles(Role.HOST_CONTACT)
def demand_new(request: HttpRequest, round_id: int) -> HttpResponse:
    actor, survey_round = access.access_round(request.user, round_id)
    if not actor.is_contact:
        access.require_contact(request.user)
    assert actor.unit is not None
    if request.method == "POST":
        form = DemandForm(request.POST)
        if form.is_valid():
            try:
                demand = services.demand_create(
                    survey_round=survey_round,
                    unit=actor.unit,
                    filed_by=request.user,
                    data=form.to_input(),
                    submit="submit" in request.POST,
                )
            except services.DemandError as error:
                _form_error(form, error)
            else:
                messages.success(request, _submitted_message(demand))
                return redirect(demand)
        context = _demand_form_context(
            form=form, survey_round=survey_round, suggestion=_suggestion_of(form)
        )
        return render(request, "survey/demand_form.html", context, status=400)
    form = DemandForm()
    return render(
        request,
        "survey/demand_form.html",
        _demand_form_context(form=form, survey_round=survey_round, suggestion=None),
    )


def _submitted_message(demand: Demand) -> str:
    if demand.status == DemandStatus.SUBMITTED:
        return _("需求“%(title)s”已提交，请等待组织部干部科审核。") % {"title": demand.title}
    return _("需求“%(title)s”已保存为草稿，提交前可以继续修改。") % {"title": demand.title}


def _initial_of(demand: Demand) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(demand, name)
        for name in (
            "title",
            "key_task",
            "duties",
            "expertise_needed",
            "tags",
            "category",
            "seats",
            "duration_months",
            "priority",
            "current_staffing",
        )
    }
    for row in demand.abilities.all():
        initial[ability_field_name(row.ability)] = min(3, max(1, round(row.weight)))
    initial["version"] = demand.version
    initial["loaded"] = versioning.fingerprint(selectors.demand_edit_values(demand))
    return initial


@require_roles(Role.HOST_CONTACT)
def demand_edit(request: HttpRequest, demand_id: int) -> HttpResponse:
    actor, demand = access.access_demand(request.user, demand_id)
    if not actor.is_contact:
        access.require_contact(request.user)
    if request.method == "POST":
        form = DemandForm(request.POST)
        changed: versioning.RecordChangedError | None = None
        if form.is_valid():
            try:
                demand = services.demand_update(
                    demand=demand,
                    data=form.to_input(),
                    # A form without its version cannot prove it saw the latest one.
                    version=form.cleaned_data["version"] or 0,
                    token=form.cleaned_data["loaded"],
                    submit="submit" in request.POST,
                )
            except versioning.RecordChangedError as error:
                changed = error
                form = form.rearmed(error)
            except services.DemandError as error:
                _form_error(form, error)
            else:
                messages.success(request, _submitted_message(demand))
                return redirect(demand)
        context = _demand_form_context(
            form=form,
            survey_round=demand.survey_round,
            suggestion=_suggestion_of(form),
            demand=demand,
        )
        context["changed"] = changed
        return render(request, "survey/demand_form.html", context, status=409 if changed else 400)
    if demand.status not in services.EDITABLE:
        # No form to fill in and lose on saving: say why and show the demand.
        messages.info(
            request,
            _("该需求%(status)s，不能再修改。如需修改，请联系组织部干部科退回。")
            % {"status": demand.get_status_display()},
        )
        return redirect(demand)
    form = DemandForm(initial=_initial_of(demand))
    return render(
        request,
        "survey/demand_form.html",
        _demand_form_context(
            form=form,
            survey_round=demand.survey_round,
            suggestion=selectors.demand_suggestion(demand),
            demand=demand,
        ),
    )


@require_roles(Role.HOST_CONTACT)
@require_POST
def demand_suggest(request: HttpRequest) -> HttpResponse:
    """htmx: the suggestion panel for the text typed so far; ``apply`` fills the form with it."""
    access.require_contact(request.user)
    form = DemandForm(request.POST)
    suggestion = _suggestion_of(form)
    if "apply" in request.POST and suggestion is not None:
        data = request.POST.copy()
        data["category"] = suggestion.category_code
        data["tags"] = "、".join(suggestion.tags)
        for term in taxonomy.ABILITIES:
            data[ability_field_name(term.code)] = "0"
        for code, weight in zip(suggestion.ability_codes, suggestion.ability_weights, strict=True):
            data[ability_field_name(code)] = str(int(weight))
        form = DemandForm(data)
        return render(
            request,
            "survey/demand_form.html#fields",
            {"form": form, "suggestion": suggestion, "applied": True},
        )
    return render(request, "survey/demand_form.html#suggestion", {"suggestion": suggestion})


@require_roles(Role.STAFF, Role.HOST_CONTACT)
def demand_detail(request: HttpRequest, demand_id: int) -> HttpResponse:
    actor, demand = access.access_demand(request.user, demand_id)
    return render(
        request,
        "survey/demand_detail.html",
        {
            "actor": actor,
            "demand": demand,
            "suggestion": selectors.demand_suggestion(demand),
            "return_form": ReturnForm(),
            "is_open": timezone.now() <= demand.survey_round.deadline_at,
        },
    )


@require_roles(Role.HOST_CONTACT)
@require_POST
def demand_submit(request: HttpRequest, demand_id: int) -> HttpResponse:
    actor, demand = access.access_demand(request.user, demand_id)
    if not actor.is_contact:
        access.require_contact(request.user)
    try:
        demand = services.demand_submit(demand=demand)
    except services.DemandError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _submitted_message(demand))
    return redirect(demand)


# --------------------------------------------------------------------------- review


@require_roles(Role.STAFF)
@require_POST
def demand_review(request: HttpRequest, demand_id: int) -> HttpResponse:
    access.require_staff(request.user)
    demand = access.access_demand(request.user, demand_id)[1]
    action = request.POST.get("action", "")
    try:
        if action == "accept":
            demand = services.demand_accept(demand=demand)
            messages.success(request, _("已采纳需求“%(title)s”。") % {"title": demand.title})
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, first_error(form, "comment"))
                return redirect(demand)
            demand = services.demand_return(
                demand=demand, comment=form.cleaned_data.get("comment", "")
            )
            messages.success(
                request,
                _("已退回需求“%(title)s”，用人单位修改后可重新提交。") % {"title": demand.title},
            )
        else:
            messages.error(request, _("未知的操作，请刷新页面后重试。"))
    except services.DemandError as error:
        messages.error(request, error.message)
    return redirect(request.POST.get("next") or demand.get_absolute_url())


@require_roles(Role.STAFF)
def demand_convert(request: HttpRequest, demand_id: int) -> HttpResponse:
    """GET: ask which program and confirm; POST: create the post."""
    access.require_staff(request.user)
    demand = access.access_demand(request.user, demand_id)[1]
    programs = selectors.program_choices()
    initial = {"program": demand.survey_round.program}
    form = ConvertForm(request.POST or None, programs=programs, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.demand_convert(demand=demand, program=form.cleaned_data["program"])
        except services.DemandError as error:
            messages.error(request, error.message)
            return redirect(demand)
        messages.success(
            request,
            _("需求已转为岗位 %(code)s“%(name)s”。") % {"code": post.code, "name": post.name},
        )
        return redirect(post)
    return render(
        request,
        "survey/convert_confirm.html",
        {"form": form, "demands": [demand], "survey_round": demand.survey_round, "bulk": False},
        status=400 if request.method == "POST" else 200,
    )


@require_roles(Role.STAFF)
@require_POST
def round_convert(request: HttpRequest, round_id: int) -> HttpResponse:
    """Bulk conversion: the first POST shows a confirmation, the confirmed one converts."""
    access.require_staff(request.user)
    survey_round = access.access_round(request.user, round_id)[1]
    ids = [i for v in request.POST.getlist("demand") if (i := positive_id(v)) is not None]
    form = ConvertForm(
        request.POST if "confirm" in request.POST else None,
        programs=selectors.program_choices(),
        initial={"program": survey_round.program},
    )
    if "confirm" in request.POST and form.is_valid():
        try:
            posts = services.demands_convert(
                survey_round=survey_round, demand_ids=ids, program=form.cleaned_data["program"]
            )
        except services.DemandError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已将 %(n)s 条需求转为岗位。") % {"n": len(posts)})
        return redirect(survey_round)
    if not ids:
        messages.error(request, _("请先勾选要转为岗位的需求。"))
        return redirect(survey_round)
    demands = selectors.demands_to_convert(survey_round=survey_round, demand_ids=ids)
    return render(
        request,
        "survey/convert_confirm.html",
        {"form": form, "demands": demands, "survey_round": survey_round, "bulk": True},
    )


# --------------------------------------------------------------------------- gaps


@require_roles(Role.STAFF)
@require_GET
def gap_overview(request: HttpRequest) -> HttpResponse:
    access.require_staff(request.user)
    round_id = id_param(request, "round")
    survey_round = (
        selectors.latest_round_with_demands()
        if round_id is None
        else access.access_round(request.user, round_id)[1]
    )
    if survey_round is None:
        return render(request, "survey/gap_overview.html", {"report": None})
    report = selectors.gap_report(survey_round=survey_round)
    return render(
        request,
        "survey/gap_overview.html",
        {
            "report": report,
            "heatmap": charts.gap_heatmap(report),
            "rounds": selectors.round_list(actor=access.actor_of(request.user)),
        },
    )


@require_roles(Role.STAFF)
@require_GET
def gap_export(request: HttpRequest, round_id: int) -> HttpResponseBase:
    access.require_staff(request.user)
    survey_round = access.access_round(request.user, round_id)[1]
    report = selectors.gap_report(survey_round=survey_round)
    response = HttpResponse(exports.gap_workbook(report), content_type=XLSX)
    filename = f"gap-{survey_round.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_roles(Role.STAFF, Role.HOST_CONTACT)
@require_GET
def gap_unit(request: HttpRequest, round_id: int, unit_id: int) -> HttpResponse:
    actor, unit = access.access_unit(request.user, unit_id)
    survey_round = access.access_round(request.user, round_id)[1]
    return render(
        request,
        "survey/gap_unit.html",
        {
            "actor": actor,
            "gap": selectors.unit_gap(survey_round=survey_round, unit=unit),
        },
    )


@require_roles(Role.HOST_CONTACT)
@require_GET
def my_gap(request: HttpRequest) -> HttpResponse:
    """The sidebar's 本单位缺口: the contact's own unit in the latest round."""
    actor = access.require_contact(request.user)
    assert actor.unit is not None
    survey_round = selectors.latest_round()
    if survey_round is None:
        messages.info(request, _("还没有需求调研。组织部发起调研后即可填报和查看缺口。"))
        return redirect("survey:round_list")
    return redirect(
        reverse("survey:gap_unit", args=[survey_round.pk, actor.unit.pk]),
    )

"""Pages: one selector call and a render each; htmx requests get the results partial."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianbing.accounts import access
from lianbing.accounts.audit import audited_view
from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.accounts.query_params import id_param
from lianbing.demand import selectors as demand_selectors
from lianbing.demand.models import Post, Program
from lianbing.engine import taxonomy
from lianbing.people import selectors as people_selectors
from lianbing.people import services as people_services
from lianbing.people.adapters import MissingAssessmentError
from lianbing.people.models import Cadre, Mentor
from lianbing.training.selectors import secondments as training_selectors

from . import charts, exports, home
from . import program_calendar as calendar_selectors
from .forms import UnitForm

PAGE_SIZE = 25


def _list_template(request: HttpRequest, page: str) -> str:
    # htmx filter requests swap only the results table.
    return f"{page}#results" if getattr(request, "htmx", False) else page


@require_roles(*Role.values)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every account's home page: what is theirs to do next (我的待办), then their figures."""
    page = home.home_for(request.user)
    context: dict[str, Any] = {
        "home": page,
        "summary": page.summary,
        "due_items": page.due_items,
        "placements": page.placements,
        "trainees": page.trainees,
        "records": page.records,
    }
    if page.summary is not None:
        context["category_chart"] = charts.category_chart(page.summary)
        context["host_unit_chart"] = charts.host_unit_chart(page.summary)
    return render(request, "web/dashboard.html", context)


def _cadres_filtered(request: HttpRequest) -> tuple[QuerySet[Cadre], dict[str, Any]]:
    filters: dict[str, Any] = {
        "search": request.GET.get("q", "").strip(),
        "category": request.GET.get("category", ""),
        "unit_id": id_param(request, "unit"),
    }
    cadres = people_selectors.cadre_list(**filters, within=access.visible_cadres(request.user))
    return cadres, filters


def _posts_filtered(request: HttpRequest) -> tuple[QuerySet[Post], dict[str, Any]]:
    filters: dict[str, Any] = {
        "program": demand_selectors.current_program(),
        "search": request.GET.get("q", "").strip(),
        "category": request.GET.get("category", ""),
        "unit_kind": request.GET.get("kind", ""),
        "unit_id": id_param(request, "unit"),
    }
    posts = demand_selectors.post_list(**filters).filter(
        pk__in=access.visible_posts(request.user).values("pk")
    )
    return posts, filters


def _mentors_filtered(request: HttpRequest) -> tuple[QuerySet[Mentor], dict[str, Any]]:
    filters: dict[str, Any] = {
        "search": request.GET.get("q", "").strip(),
        "unit_id": id_param(request, "unit"),
    }
    return people_selectors.mentor_list(**filters), filters


def _xlsx(content: bytes, filename: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_roles(Role.STAFF, Role.HOST_CONTACT, Role.MENTOR)
def cadre_list(request: HttpRequest) -> HttpResponse:
    cadres, filters = _cadres_filtered(request)
    search, category, unit_id = filters["search"], filters["category"], filters["unit_id"]
    page = Paginator(cadres, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        _list_template(request, "web/cadre_list.html"),
        {
            "page_obj": page,
            "q": search,
            "category": category,
            "unit_id": unit_id,
            "categories": taxonomy.CATEGORIES,
            "units": people_selectors.origin_units(),
        },
    )


@require_roles(Role.STAFF, Role.HOST_CONTACT, Role.MENTOR, Role.TRAINEE)
@audited_view("people.Cadre", "cadre_id")
def cadre_detail(request: HttpRequest, cadre_id: int) -> HttpResponse:
    cadre = people_selectors.cadre_detail(cadre_id=access.access_cadre(request.user, cadre_id).pk)
    assessment = people_selectors.latest_assessment(cadre)
    return render(
        request,
        "web/cadre_detail.html",
        {
            "cadre": cadre,
            "assessment": assessment,
            "ability_rows": charts.ability_rows(assessment),
            "ability_chart": charts.ability_radar(cadre.name, assessment),
            "placements": training_selectors.cadre_placements(user=request.user, cadre=cadre),
        },
    )


@require_roles(Role.STAFF)
def cadre_export(request: HttpRequest) -> HttpResponseBase:
    cadres = _cadres_filtered(request)[0]
    post_codes = demand_selectors.program_post_codes(demand_selectors.current_program())
    try:
        content = exports.cadres_workbook(
            people_selectors.cadres_for_export(cadres), program_post_codes=post_codes
        )
    except MissingAssessmentError as exc:
        messages.error(request, _("%(reason)s 导出未完成。") % {"reason": exc})
        return redirect(f"{reverse('web:cadre_list')}?{request.GET.urlencode()}")
    return _xlsx(content, "干部名册.xlsx")


@require_roles(Role.STAFF, Role.HOST_CONTACT, Role.MENTOR)
def post_list(request: HttpRequest) -> HttpResponse:
    posts, filters = _posts_filtered(request)
    program, search, category = filters["program"], filters["search"], filters["category"]
    unit_kind, unit_id = filters["unit_kind"], filters["unit_id"]
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        _list_template(request, "web/post_list.html"),
        {
            "program": program,
            "page_obj": page,
            "q": search,
            "category": category,
            "kind": unit_kind,
            "unit_id": unit_id,
            "categories": taxonomy.CATEGORIES,
            "kinds": taxonomy.HOST_UNIT_KINDS,
            "units": people_selectors.host_units(),
        },
    )


@require_roles(Role.STAFF)
def post_export(request: HttpRequest) -> HttpResponseBase:
    posts = _posts_filtered(request)[0]
    return _xlsx(exports.posts_workbook(posts), "练兵岗位.xlsx")


@require_roles(Role.STAFF, Role.HOST_CONTACT, Role.MENTOR, Role.TRAINEE)
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = demand_selectors.post_detail(post_id=access.access_post(request.user, post_id).pk)
    placements = training_selectors.post_placements(user=request.user, post=post)
    return render(request, "web/post_detail.html", {"post": post, "placements": placements})


@require_roles(Role.STAFF)
def unit_list(request: HttpRequest, form: UnitForm | None = None) -> HttpResponse:
    kind = request.GET.get("kind", "")
    search = request.GET.get("q", "").strip()
    units = people_selectors.unit_list(kind=kind, search=search)
    page = Paginator(units, 50).get_page(request.GET.get("page"))
    return render(
        request,
        _list_template(request, "web/unit_list.html"),
        {
            "page_obj": page,
            "kind": kind,
            "q": search,
            "kinds": taxonomy.UNIT_KINDS,
            "form": form or UnitForm(),
        },
        status=400 if form is not None else 200,
    )


@require_roles(Role.STAFF)
@require_POST
def unit_create(request: HttpRequest) -> HttpResponse:
    """Add a unit by hand: a host unit before its mentors or posts are imported."""
    form = UnitForm(request.POST)
    if form.is_valid():
        try:
            unit = people_services.unit_create(**form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request,
                _("已新增单位“%(name)s”（%(kind)s）。")
                % {"name": unit.name, "kind": unit.get_kind_display()},
            )
            return redirect("web:unit_list")
    return unit_list(request, form=form)


@require_roles(Role.STAFF, Role.HOST_CONTACT)
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = people_selectors.unit_detail(unit_id=access.access_unit(request.user, unit_id).pk)
    return render(request, "web/unit_detail.html", {"unit": unit})


@require_roles(Role.STAFF)
def mentor_list(request: HttpRequest) -> HttpResponse:
    mentors, filters = _mentors_filtered(request)
    page = Paginator(mentors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        _list_template(request, "web/mentor_list.html"),
        {
            "page_obj": page,
            "q": filters["search"],
            "unit_id": filters["unit_id"],
            "units": people_selectors.mentor_units(),
        },
    )


@require_roles(Role.STAFF)
def mentor_export(request: HttpRequest) -> HttpResponseBase:
    mentors = _mentors_filtered(request)[0]
    return _xlsx(exports.mentors_workbook(mentors), "练兵导师.xlsx")


@require_roles(Role.STAFF, Role.AUDITOR)
def calendar(request: HttpRequest) -> HttpResponse:
    """The sidebar's 全年日程: the current program's calendar, or how to start one."""
    program = demand_selectors.current_program()
    if program is None:
        return render(request, "web/program_calendar.html", {"calendar": None})
    return redirect("web:program_calendar", pk=program.pk)


@require_roles(Role.STAFF, Role.AUDITOR)
def program_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The year of one program on one page, in date order (全年日程); printable."""
    program = get_object_or_404(Program, pk=pk)
    return render(
        request,
        "web/program_calendar.html",
        {
            "calendar": calendar_selectors.program_calendar(program=program, user=request.user),
            "programs": demand_selectors.program_list(),
        },
    )

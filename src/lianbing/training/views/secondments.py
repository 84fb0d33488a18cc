"""练兵安排: the department's list of a program's secondments, and its Excel export."""

from __future__ import annotations

import io
import re

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.accounts.query_params import id_param
from lianbing.xlsx.secondments import secondments_workbook

from .. import clock
from ..selectors import secondments as selectors

#: Characters a file name may not hold on the department's machines.
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filters_from(request: HttpRequest) -> selectors.SecondmentFilters:
    """The list's filters as the query string gives them; anything unknown is ignored."""
    return selectors.SecondmentFilters(
        program_id=id_param(request, "program"),
        unit_id=id_param(request, "unit"),
        state=request.GET.get("state", ""),
        search=request.GET.get("q", "").strip()[:50],
        superseded=request.GET.get("superseded", "") == "1",
    )


@require_roles(Role.STAFF, Role.AUDITOR)
@require_GET
def secondment_list(request: HttpRequest) -> HttpResponse:
    data = selectors.secondment_page(filters_from(request), request.GET.get("page"))
    template = "training/secondments_list.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(request, template, {"data": data, "filters": data.filters})


@require_roles(Role.STAFF, Role.AUDITOR)
@require_GET
def secondment_export(request: HttpRequest) -> HttpResponseBase:
    export = selectors.secondment_export(filters_from(request))
    if export is None:
        messages.error(request, _("还没有练兵批次，没有可导出的练兵安排。"))
        return redirect(reverse("training:secondment_list"))
    content = secondments_workbook(
        export.lines, program=export.program.name, scope=export.scope, on=clock.today()
    )
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"练兵安排-{_UNSAFE.sub('_', export.program.name)}.xlsx",
        content_type=XLSX,
    )


urlpatterns = [
    path("secondments/", secondment_list, name="secondment_list"),
    path("secondments/export/", secondment_export, name="secondment_export"),
]

"""成绩: results per activity, per person, and a series' results as an Excel workbook.

Who reads what is :mod:`..access`'s: staff and auditor everything at any time;
trainees, mentors and host contacts the people they follow, once the activity
is finished. The workbook, like every download, is recorded as an export by
the audit middleware.
"""

from __future__ import annotations

import io
import re

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from lianbing.accounts.audit import audited_view
from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.training import clock
from lianbing.xlsx.activities import series_workbook

from .. import access
from ..selectors import results as selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Characters a file name may not hold on the department's machines.
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@require_roles(*access.READERS)
@require_GET
def results(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access.access_activity(request.user, activity_id)
    page = selectors.results_page(user=request.user, activity=activity)
    return render(request, "activities/results_activity.html", {"page": page})


@require_roles(*access.READERS)
@require_GET
@audited_view("training.Secondment", "secondment_id")
def person(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = selectors.access_person(request.user, secondment_id)
    data = selectors.person_results(user=request.user, secondment=secondment)
    return render(request, "activities/results_person.html", {"data": data})


@require_roles(Role.STAFF, Role.AUDITOR)
@require_GET
def series_export(request: HttpRequest, series_id: int) -> FileResponse:
    series = access.access_series(request.user, series_id)
    sheets, people = selectors.series_lines(series)
    content = series_workbook(
        sheets, people, program=series.program.name, series=series.name, on=clock.today()
    )
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"赋能活动成绩-{_UNSAFE.sub('_', series.name)}.xlsx",
        content_type=XLSX,
    )


urlpatterns = [
    path("<int:activity_id>/results/", results, name="results"),
    path("person/<int:secondment_id>/", person, name="person"),
    path("series/<int:series_id>/export.xlsx", series_export, name="series_export"),
]

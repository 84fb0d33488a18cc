"""The growth record (成长档案) of a trainee in a round: the page and its Word document.

Both find the round and the trainee through :func:`..access.access_record`
(404 out of scope). Opening the page is in the audit trail as a view of the
secondment; the Word file, like every download, is recorded as an export by
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

from .. import access, record_charts
from ..docx_record import record_docx
from ..selectors import record as selectors

#: Who opens a growth record at all; the round's release and the unit narrow it.
RECORD_READERS = (Role.STAFF, Role.AUDITOR, Role.TRAINEE, Role.HOST_CONTACT)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@require_roles(*RECORD_READERS)
@require_GET
@audited_view("training.Secondment", "secondment_id")
def record(request: HttpRequest, round_id: int, secondment_id: int) -> HttpResponse:
    round_, secondment = access.access_record(request.user, round_id, secondment_id)
    data = selectors.growth_record(
        round_, secondment, department=access.reads_everything(request.user)
    )
    return render(
        request,
        "evaluation/record_page.html",
        {
            "r": data,
            "radar": record_charts.ability_radar(data.abilities),
            "trend": record_charts.index_trend(data.trend),
        },
    )


@require_roles(*RECORD_READERS)
@require_GET
def record_docx_download(request: HttpRequest, round_id: int, secondment_id: int) -> FileResponse:
    round_, secondment = access.access_record(request.user, round_id, secondment_id)
    data = selectors.growth_record(
        round_, secondment, department=access.reads_everything(request.user)
    )
    name = _UNSAFE.sub("_", f"成长档案-{data.header.name}-{data.header.round_name}")
    return FileResponse(
        io.BytesIO(record_docx(data)),
        as_attachment=True,
        filename=f"{name}.docx",
        content_type=DOCX,
    )


urlpatterns = [
    path("<int:round_id>/record/<int:secondment_id>/", record, name="record"),
    path(
        "<int:round_id>/record/<int:secondment_id>/record.docx",
        record_docx_download,
        name="record_docx",
    ),
]

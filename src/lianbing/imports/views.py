"""Import pages: each checks access through :mod:`.access`, makes one call and renders."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.background.models import JobStatus
from lianbing.background.views import job_cancel_response, job_status_response
from lianbing.xlsx.columns import SHEETS
from lianbing.xlsx.templates import write_template

from . import selectors, submit
from .access import access_import_job, access_imports
from .forms import ImportUploadForm
from .problems import import_problems_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, filename: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX
    )


@require_roles(Role.STAFF)
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    access_imports(request.user)
    page = selectors.import_page()
    form = ImportUploadForm(request.POST or None, request.FILES or None, current=page.current)
    if request.method == "POST" and form.is_valid():
        new_program = form.new_program()
        if not form.errors:
            try:
                job = submit.import_job_create(
                    upload=form.cleaned_data["file"],
                    created_by=request.user,  # type: ignore[arg-type]
                    program=form.cleaned_data["program"],
                    new_program=new_program,
                )
            except submit.ImportRequestError as exc:
                form.add_error(None, str(exc))
            else:
                messages.info(
                    request, _("已上传“%(name)s”，正在后台导入。") % {"name": job.file_name}
                )
                return redirect(job)
    return render(request, "imports/import_list.html", {"form": form, "page": page})


@require_roles(Role.STAFF)
@require_GET
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_import_job(request.user, job_id)
    return render(
        request,
        "imports/import_detail.html",
        {"job": selectors.import_job_status(job=job)},
    )


@require_roles(Role.STAFF)
@require_GET
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.import_job_status(job=access_import_job(request.user, job_id))
    return job_status_response(
        request, job=job, template="imports/import_detail.html#status", context={"job": job}
    )


@require_roles(Role.STAFF)
@require_POST
def import_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = access_import_job(request.user, job_id)
    return job_cancel_response(
        request,
        cancel=lambda: submit.import_job_cancel(job=job),
        refused=submit.ImportRequestError,
        asked_message=_("已请求取消导入；取消后不会导入任何数据。"),
        back=job.get_absolute_url(),
    )


@require_roles(Role.STAFF)
@require_GET
def import_problems(request: HttpRequest, job_id: int) -> FileResponse:
    job = access_import_job(request.user, job_id)
    if job.status != JobStatus.REJECTED:
        raise Http404(_("该导入没有问题清单"))
    return _xlsx(import_problems_workbook(job), f"导入问题清单-{job.pk}.xlsx")


@require_roles(Role.STAFF)
@require_GET
def template_download(request: HttpRequest, kind: str) -> FileResponse:
    access_imports(request.user)
    spec = SHEETS.get(kind)
    if spec is None:
        raise Http404(_("没有这种模板"))
    with tempfile.TemporaryDirectory(prefix="lianbing-template-") as folder:
        content = write_template(kind, Path(folder) / "template.xlsx").read_bytes()
    return _xlsx(content, f"{spec.title}导入模板.xlsx")

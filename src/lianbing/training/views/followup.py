"""Follow-up (跟踪督办): the department's overview of a program, per host unit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.accounts.query_params import id_param

from ..selectors import followup as selectors


@require_roles(Role.STAFF, Role.AUDITOR, Role.HOST_CONTACT)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    report = selectors.followup_overview(user=request.user, program_id=id_param(request, "program"))
    return render(request, "training/followup_overview.html", {"report": report})


urlpatterns: list[URLPattern] = [
    path("overview/", overview, name="overview"),
]

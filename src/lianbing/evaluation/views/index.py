"""The growth-index page of a round: staff compute it, the auditor reads it.

GET shows the latest computation and its history (each opening is in the audit trail); POST computes a new one
(department staff only, 403 otherwise). Refused judgements are shown back with
the engine's message naming the judgements to review.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lianbing.accounts.audit import audited_view
from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles

from .. import access
from ..models import WeightMethod
from ..selectors import index as selectors
from ..services import index as services

TEMPLATE = "evaluation/index_page.html"


@require_roles(Role.STAFF, Role.AUDITOR)
@audited_view("evaluation.EvaluationRound", "round_id")
@require_http_methods(["GET", "POST"])
def index_page(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    if request.method != "POST":
        page = selectors.index_page(user=request.user, round_=round_)
        return render(request, TEMPLATE, {"page": page})
    method = str(request.POST.get("method", ""))
    judgements = services.judgements_from_form(request.POST) if method == WeightMethod.AHP else None
    threshold = request.POST.get("unstable_threshold", "")
    try:
        services.growth_compute(
            round_,
            method=method,
            judgements=judgements,
            by=request.user,
            unstable_threshold=services.threshold_parse(threshold),
        )
    except services.GrowthError as error:
        page = selectors.index_page(
            user=request.user,
            round_=round_,
            method=method,
            judgements=judgements,
            threshold=threshold,
        )
        return render(request, TEMPLATE, {"page": page, "error": error.message}, status=400)
    messages.success(request, _("成长指数已计算。"))
    return redirect(reverse("evaluation:index", args=[round_.pk]))


urlpatterns = [
    path("<int:round_id>/index/", index_page, name="index"),
]

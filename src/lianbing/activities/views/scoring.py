"""评分: an assessor's list of participants and one participant's score sheet.

Both pages are for the activity's assessors only (a reader of the activity who
is not one is refused, anyone else gets 404); each assessor sees and edits only
their own scores, while the activity is 评分中. The pages are built for a tablet
held either way (768 x 1024 and 1024 x 768): one column, large touch targets.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lianbing.accounts.policy import require_roles

from .. import access
from ..selectors import results as selectors
from ..services import scoring as services


@require_roles(*access.ASSESSOR_ROLES)
@require_GET
def score(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = access.access_activity(request.user, activity_id)
    page = selectors.score_page(user=request.user, activity=activity)
    return render(request, "activities/score_list.html", {"page": page})


@require_roles(*access.ASSESSOR_ROLES)
@require_http_methods(["GET", "POST"])
def score_entry(request: HttpRequest, activity_id: int, secondment_id: int) -> HttpResponse:
    activity = access.access_activity(request.user, activity_id)
    chosen: dict[str, str] | None = None
    comment: str | None = None
    if request.method == "POST":
        page = selectors.score_form(
            user=request.user, activity=activity, secondment_id=secondment_id
        )
        chosen = {code: request.POST.get(code, "") for code in activity.abilities}
        comment = request.POST.get("comment", "")
        try:
            services.score_set(
                activity=activity,
                secondment=page.secondment,
                scores=chosen,
                comment=comment,
                by=request.user,
            )
        except services.ScoreError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("已保存对%(name)s的评分。") % {"name": page.secondment.cadre.name}
            )
            after = selectors.score_form(
                user=request.user, activity=activity, secondment_id=secondment_id
            )
            if request.POST.get("then") == "next" and after.next_id is not None:
                return redirect("activities:score_entry", activity.pk, after.next_id)
            return redirect("activities:score", activity.pk)
    page = selectors.score_form(
        user=request.user,
        activity=activity,
        secondment_id=secondment_id,
        chosen=chosen,
        comment=comment,
    )
    return render(request, "activities/score_entry.html", {"page": page})


urlpatterns = [
    path("<int:activity_id>/score/", score, name="score"),
    path("<int:activity_id>/score/<int:secondment_id>/", score_entry, name="score_entry"),
]

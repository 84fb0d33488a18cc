"""导师结对: the department proposes a mentor for each trainee, then confirms or changes each pair."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lianbing.accounts.models import Role
from lianbing.accounts.policy import require_roles
from lianbing.accounts.query_params import id_param, positive_id

from .. import access
from ..selectors import pairing as selectors
from ..selectors import secondments as secondment_selectors
from ..services import pairing as services
from .secondments import filters_from

#: The query-string keys of the pairing page that a form carries back after a POST.
_KEPT = ("program", "unit", "state", "q", "page")


def _back(request: HttpRequest, anchor: str = "") -> HttpResponseRedirect:
    """Back to the pairing page with the filters the form was posted from."""
    source = QueryDict(request.POST.get("back", ""))
    kept = QueryDict(mutable=True)
    for key in _KEPT:
        if source.get(key):
            kept[key] = source[key]
    query = kept.urlencode()
    url = reverse("training:pairing") + (f"?{query}" if query else "")
    return redirect(url + (f"#{anchor}" if anchor else ""))


@require_roles(Role.STAFF)
@require_GET
def pairing(request: HttpRequest) -> HttpResponse:
    data = selectors.pairing_page(filters_from(request), request.GET.get("page"))
    template = "training/pairing_page.html"
    if getattr(request, "htmx", False):
        template += "#results"
    return render(
        request,
        template,
        {"data": data, "listing": data.listing, "filters": data.listing.filters},
    )


@require_roles(Role.STAFF)
@require_POST
def pairing_propose(request: HttpRequest) -> HttpResponse:
    program = secondment_selectors.program_of(id_param(request, "program", post_too=True))
    if program is None:
        messages.error(request, _("还没有练兵批次，无法生成导师建议。"))
        return _back(request)
    try:
        result = services.pairing_propose(program=program, by=request.user)
    except services.PairingError as error:
        messages.error(request, error.message)
        return _back(request)
    text = _("已为 %(n)s 名学员生成导师建议，请逐一确认或全部确认。") % {"n": result.proposed}
    if result.without_mentor:
        text += _("%(n)s 名学员因导师名额不足暂无建议，请增加导师或手动选择。") % {
            "n": result.without_mentor
        }
    if result.confirmed_kept:
        text += _("已确认的 %(n)s 对保持不变。") % {"n": result.confirmed_kept}
    messages.success(request, text)
    return _back(request)


@require_roles(Role.STAFF)
@require_POST
def pairing_confirm(request: HttpRequest, secondment_id: int) -> HttpResponse:
    secondment = access.access_secondment(request.user, secondment_id)
    raw = request.POST.get("mentor", "")
    mentor = selectors.mentor_choice(positive_id(raw)) if raw else None
    if raw and mentor is None:
        messages.error(request, _("所选导师不存在，请刷新页面后重新选择。"))
        return _back(request, f"s-{secondment.pk}")
    try:
        done = services.pairing_confirm(
            secondment=secondment,
            mentor=mentor,
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except services.PairingError as error:
        messages.error(request, error.message)
        return _back(request, f"s-{secondment.pk}")
    assert done.mentor is not None
    messages.success(
        request,
        _("已确认%(mentor)s为%(cadre)s的练兵导师。")
        % {"mentor": done.mentor.name, "cadre": done.cadre.name},
    )
    return _back(request, f"s-{secondment.pk}")


@require_roles(Role.STAFF)
@require_POST
def pairing_confirm_all(request: HttpRequest) -> HttpResponse:
    """The first POST shows the pairs to confirm; the POST from that page confirms them."""
    program = secondment_selectors.program_of(id_param(request, "program", post_too=True))
    if program is None:
        messages.error(request, _("还没有练兵批次。"))
        return _back(request)
    if request.POST.get("confirm") != "1":
        pairs = selectors.proposed_pairs(program)
        if not pairs:
            messages.info(request, _("没有待确认的导师建议：请先生成导师建议。"))
            return _back(request)
        return render(
            request,
            "training/pairing_confirm_all.html",
            {"program": program, "pairs": pairs, "back": request.POST.get("back", "")},
        )
    result = services.pairing_confirm_all_proposed(program=program, by=request.user)
    messages.success(request, _("已确认 %(n)s 对导师结对。") % {"n": result.confirmed})
    for reason in result.skipped:
        messages.warning(request, reason)
    return _back(request)


urlpatterns = [
    path("pairing/", pairing, name="pairing"),
    path("pairing/propose/", pairing_propose, name="pairing_propose"),
    path("pairing/confirm-all/", pairing_confirm_all, name="pairing_confirm_all"),
    path("pairing/<int:secondment_id>/confirm/", pairing_confirm, name="pairing_confirm"),
]

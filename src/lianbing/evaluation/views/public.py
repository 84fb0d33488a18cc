"""Pages of the public representatives' one-time links, and the QR sheet that hands them out.

A representative scans the QR code: the first visit carries the token in the
address, is checked, leaves only the token's digest in the public representatives' own
signed cookie (``evaluation/public_session.py``, never the staff session) and
redirects to the clean address ``/evaluation/r/``, so the token leaves the
address bar and the browser history. There the form (made for phones) shows
the trainee's name, post and unit and nothing else; submitting it records the
one rating and shows the thanks. Used, expired and unknown links get a plain
Chinese page (410 or 404) that does not say whether a token exists.

The QR sheet (department staff) issues the links of one trainee's public
representatives after a confirmation and prints them, one QR code each; the
clear tokens exist only in that response.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.context_processors import csrf
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from lianbing.accounts.models import Role
from lianbing.accounts.policy import public_view, require_roles

from .. import access
from ..public_session import (
    DIGEST,
    RATED,
    public_session_end,
    public_session_read,
    public_session_write,
)
from ..selectors import public as selectors
from ..services import public as services


def _public(response: HttpResponse) -> HttpResponse:
    # The link must never travel on to another site, nor stay in a cache.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    return response


def _page(
    request: HttpRequest, template: str, context: dict[str, object], status: int = 200
) -> HttpResponse:
    """A public page, rendered without the staff pages' context processors.

    Those build the sidebar and look up the signed-in account, neither of which
    a public page shows; only the CSRF token is handed to the template (made,
    and its cookie set, only if the template uses it).
    """
    html = render_to_string(template, {**context, **csrf(request)})
    return HttpResponse(html, status=status)


#: The items' choice lists as rendered, by everything they show. A campaign
#: serves the same few forms hundreds of times; a form whose items change
#: simply renders under a new key. Bounded: emptied when full.
_ROWS_HTML: dict[tuple[object, ...], str] = {}
_ROWS_HTML_MAX = 256


def _rows_html(form: services.PublicForm) -> str:
    key = tuple(
        (row.field, row.item.label, *((lv.value, lv.anchor, lv.checked) for lv in row.levels))
        for row in form.rows
    )
    html = _ROWS_HTML.get(key)
    if html is None:
        html = render_to_string("evaluation/public_rate.html#rows", {"rows": form.rows})
        if len(_ROWS_HTML) >= _ROWS_HTML_MAX:
            _ROWS_HTML.clear()
        _ROWS_HTML[key] = html
    # The template's own output, escaped as it rendered.
    return mark_safe(html)


def _refused(request: HttpRequest, error: services.PublicRatingError) -> HttpResponse:
    response = _page(
        request, "evaluation/public_refused.html", {"message": str(error)}, error.status
    )
    public_session_end(response)
    return _public(response)


@public_view
@require_GET
def public_rate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        digest = services.public_token_check(token=token)
    except services.PublicRatingError as error:
        return _refused(request, error)
    # A fresh cookie whatever the browser had: nothing of an earlier link carries over.
    response = redirect("evaluation:public_rate_session")
    public_session_write(response, {DIGEST: digest})
    return _public(response)


@public_view
@require_http_methods(["GET", "POST"])
def public_rate_session(request: HttpRequest) -> HttpResponse:
    digest = str(public_session_read(request).get(DIGEST, ""))
    errors: list[str] = []
    try:
        if request.method == "POST":
            scores = {k[2:]: v for k, v in request.POST.items() if k.startswith("s_")}
            try:
                services.public_rating_submit(
                    token_digest=digest, scores=scores, comment=request.POST.get("comment", "")
                )
            except services.ScoresInvalid as invalid:
                errors = invalid.messages
            else:
                response = redirect("evaluation:public_thanks")
                public_session_write(response, {RATED: True})
                return _public(response)
        # After a problem the choices made so far are shown again.
        chosen = {k[2:]: str(v) for k, v in request.POST.items() if k.startswith("s_")}
        form = services.public_form(token_digest_=digest, chosen=chosen if errors else {})
    except services.PublicRatingError as error:
        return _refused(request, error)
    return _public(
        _page(
            request,
            "evaluation/public_rate.html",
            {
                "form": form,
                "rows_html": _rows_html(form),
                "errors": errors,
                "comment": request.POST.get("comment", "") if errors else "",
            },
            400 if errors else 200,
        )
    )


@public_view
@require_GET
def public_thanks(request: HttpRequest) -> HttpResponse:
    # Said once: the cookie goes with this page.
    rated = bool(public_session_read(request).get(RATED, False))
    response = _page(request, "evaluation/public_thanks.html", {"rated": rated})
    public_session_end(response)
    return _public(response)


@require_roles(Role.STAFF)
@require_http_methods(["GET", "POST"])
@never_cache
def qr_sheet(request: HttpRequest, round_id: int, secondment_id: int) -> HttpResponse:
    round_ = access.access_round(request.user, round_id)
    secondment = selectors.qr_subject(round_, secondment_id)
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(
            request,
            "evaluation/public_qr_confirm.html",
            {
                "round": round_,
                "secondment": secondment,
                "members": selectors.qr_representatives(round_, secondment),
            },
        )
    # A refusal by the service (not staff, round ended) is a 403 with its reason.
    issued = services.tokens_issue_for_trainee(
        round_=round_, secondment=secondment, by=request.user
    )
    cards = selectors.qr_cards(
        issued,
        lambda token: request.build_absolute_uri(reverse("evaluation:public_rate", args=[token])),
    )
    response = render(
        request,
        "evaluation/public_qr_sheet.html",
        {"round": round_, "secondment": secondment, "cards": cards},
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


urlpatterns: list[URLPattern] = [
    path("r/", public_rate_session, name="public_rate_session"),
    path("r/done/", public_thanks, name="public_thanks"),
    path("r/<str:token>/", public_rate, name="public_rate"),
    path("<int:round_id>/qr/<int:secondment_id>/", qr_sheet, name="qr_sheet"),
]

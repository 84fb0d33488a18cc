"""The public rating pages' light request path keeps every protection of the full one.

The clients here send requests through the same dispatch as the WSGI
application (``config/wsgi.py``): paths under ``/evaluation/r/`` to the
handler built from ``LIANBING_PUBLIC_MIDDLEWARE``, everything else to the
full middleware list.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.test.client import ClientHandler
from django.urls import reverse

from lianbing.accounts.middleware import CSP
from lianbing.accounts.public_path import (
    PublicMiddlewareMixin,
    PublicPathDispatch,
    PublicPathHandler,
)
from lianbing.evaluation.models import Rating
from lianbing.evaluation.public_session import COOKIE_NAME, COOKIE_PATH

from ._public import form_data, issue
from .conftest import Inspected

pytestmark = pytest.mark.django_db

SESSION_PAGE = "/evaluation/r/"


class _PublicClientHandler(PublicMiddlewareMixin, ClientHandler):
    pass


def _through_dispatch(client: Client) -> Client:
    handler: Any = client.handler
    client.handler = PublicPathDispatch(  # type: ignore[assignment]
        handler, _PublicClientHandler(handler.enforce_csrf_checks)
    )
    return client


def _phone(*, csrf_checks: bool = True) -> Client:
    return _through_dispatch(Client(enforce_csrf_checks=csrf_checks))


def _link(token: str) -> str:
    return reverse("evaluation:public_rate", args=[token])


def _csrf_field(page: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def _whole_flow(phone: Client, token: str, round_: Any) -> list[Any]:
    first = phone.get(_link(token))
    form = phone.get(SESSION_PAGE)
    data = {**form_data(round_), "csrfmiddlewaretoken": _csrf_field(form.content.decode())}
    sent = phone.post(SESSION_PAGE, data)
    thanks = phone.get(sent["Location"])
    return [first, form, sent, thanks]


def _security_headers_missing(responses: Iterable[Any]) -> list[str]:
    missing = []
    for response in responses:
        expected = {
            "Content-Security-Policy": CSP,
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        }
        missing += [
            f"{response.status_code} {name}"
            for name, value in expected.items()
            if response.get(name) != value
        ]
        if "Permissions-Policy" not in response:
            missing.append(f"{response.status_code} Permissions-Policy")
    return missing


def test_the_whole_flow_on_the_light_path_leaves_one_rating_with_every_security_header(
    inspected: Inspected,
) -> None:
    issued = issue(inspected)[0]

    responses = _whole_flow(_phone(), issued.token, inspected.round)

    assert [r.status_code for r in responses] == [302, 200, 302, 200]
    assert "感谢您的评价" in responses[3].content.decode()
    assert Rating.objects.count() == 1
    assert _security_headers_missing(responses) == []


def test_a_refused_link_on_the_light_path_still_sends_the_security_headers(
    inspected: Inspected,
) -> None:
    issue(inspected)

    refused = _phone().get(_link("x" * 43))

    assert refused.status_code == 404
    assert _security_headers_missing([refused]) == []


def test_a_submission_without_the_csrf_token_is_refused_and_stores_nothing(
    inspected: Inspected,
) -> None:
    issued = issue(inspected)[0]
    phone = _phone()
    phone.get(_link(issued.token))
    phone.get(SESSION_PAGE)

    sent = phone.post(SESSION_PAGE, form_data(inspected.round))

    assert sent.status_code == 403
    assert not Rating.objects.exists()


def test_the_public_cookie_is_http_only_same_site_limited_to_the_public_pages_and_secure_in_production(
    inspected: Inspected, settings: Any
) -> None:
    settings.SESSION_COOKIE_SECURE = True
    issued = issue(inspected)[0]

    first = _phone().get(_link(issued.token))

    cookie = first.cookies[COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True
    assert cookie["path"] == COOKIE_PATH
    assert issued.token not in cookie.value
    assert "sessionid" not in first.cookies


def test_no_database_session_is_made_for_a_representative(inspected: Inspected) -> None:
    issued = issue(inspected)[0]

    _whole_flow(_phone(), issued.token, inspected.round)

    assert not Session.objects.exists()


def test_a_forged_public_cookie_opens_no_form(inspected: Inspected) -> None:
    issue(inspected)
    phone = _phone()
    phone.cookies[COOKIE_NAME] = '{"d": "' + "0" * 64 + '"}'

    page = phone.get(SESSION_PAGE)

    assert page.status_code == 404
    assert "此链接无效" in page.content.decode()


def test_a_staff_session_on_the_same_phone_is_left_alone_by_a_public_rating(
    inspected: Inspected,
) -> None:
    issued = issue(inspected)[0]
    phone = _through_dispatch(inspected.client("staff"))
    before = Session.objects.get().session_data

    responses = _whole_flow(phone, issued.token, inspected.round)
    staff_page = phone.get(reverse("evaluation:round_list"))

    assert [r.status_code for r in responses] == [302, 200, 302, 200]
    assert Session.objects.get().session_data == before
    assert staff_page.status_code == 200


def test_pages_outside_the_public_prefix_keep_the_full_middleware(inspected: Inspected) -> None:
    signed_in = _through_dispatch(inspected.client("staff"))

    anonymous = _phone(csrf_checks=False).get(reverse("evaluation:round_list"))
    staff = signed_in.get(reverse("evaluation:round_list"))

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    assert staff.status_code == 200


def test_a_staff_page_reached_through_the_light_handler_does_not_see_the_signed_in_account(
    inspected: Inspected,
) -> None:
    phone = inspected.client("staff")
    phone.handler = _PublicClientHandler()  # type: ignore[assignment]

    page = phone.get(reverse("evaluation:round_list"))

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_the_wsgi_application_serves_the_public_prefix_with_the_security_headers() -> None:
    from lianbing.config.wsgi import application

    statuses: list[str] = []
    headers: dict[str, str] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        statuses.append(status)
        headers.update(response_headers)

    environ = RequestFactory().get(SESSION_PAGE).environ
    body = b"".join(application(environ, start_response))

    assert statuses == ["404 Not Found"]
    assert "此链接无效" in body.decode()
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Frame-Options"] == "DENY"
    assert isinstance(application, PublicPathDispatch)
    assert isinstance(application.public, PublicPathHandler)

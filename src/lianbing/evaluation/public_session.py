"""The public representatives' own light session: one signed cookie, no database row.

After the first visit the link's token leaves the address bar; what carries
the representative on to the form, the submission and the thanks page is this
cookie. It holds the token's digest while the form is open (the digest is
what the database keeps; the token itself is never stored) and, after the
submission, only the fact that a rating went in, so that the thanks page says
so once.

It is apart from the staff's sessions in every way: its own name, its own
signing salt, and a path that sends it only to the public rating pages
(``/evaluation/r/``), never to a staff page; a staff account signed in on the
same phone keeps its session untouched. It is ``HttpOnly``, ``SameSite=Lax``,
``Secure`` wherever the staff session cookie is (production), ends with the
browser, and its signature expires after ``SESSION_COOKIE_AGE`` (30 minutes).
Being signed, it cannot be forged; being bound to a single-use link, replaying
it cannot rate twice (the database refuses the second rating).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

#: Cookie name, distinct from the staff session's ``sessionid``.
COOKIE_NAME = "lianbing_rating"
#: The cookie goes only to the public rating pages.
COOKIE_PATH = "/evaluation/r/"
#: Signing salt: a staff session or any other signed value never reads as this cookie.
SALT = "lianbing.evaluation.public_session"
#: Key of the link's digest while the form is open.
DIGEST = "d"
#: Key set once the rating is in.
RATED = "r"


def public_session_read(request: HttpRequest) -> dict[str, Any]:
    """The cookie's content if its signature holds and has not expired; empty otherwise."""
    raw = request.COOKIES.get(COOKIE_NAME, "")
    if not raw:
        return {}
    try:
        data = signing.loads(raw, salt=SALT, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:  # also an expired signature
        return {}
    return data if isinstance(data, dict) else {}


def public_session_write(response: HttpResponse, data: dict[str, Any]) -> None:
    """Replace the cookie with ``data`` (a browser-session cookie)."""
    response.set_cookie(
        COOKIE_NAME,
        signing.dumps(data, salt=SALT),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def public_session_end(response: HttpResponse) -> None:
    """Remove the cookie from the browser."""
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Lax")
